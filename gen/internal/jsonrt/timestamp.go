package jsonrt

import (
	"cmp"
	"errors"
	"strconv"
	"time"
)

// A Timestamp is an instant as an RFC 3339 text names it, with the UTC
// offset it was written with.
type Timestamp struct {
	Unix   int64 // seconds since 1970-01-01T00:00:00Z
	Nano   int32 // nanoseconds within the second
	Offset int32 // the written UTC offset, in seconds east of UTC
}

// Time returns t as a time.Time in its written offset.
func (t Timestamp) Time() time.Time {
	loc := time.UTC
	if t.Offset != 0 {
		loc = time.FixedZone("", int(t.Offset))
	}
	return time.Unix(t.Unix, int64(t.Nano)).In(loc)
}

// Compare orders timestamps by instant; the offset they were written with
// does not matter.
func (t Timestamp) Compare(u Timestamp) int {
	if c := cmp.Compare(t.Unix, u.Unix); c != 0 {
		return c
	}
	return cmp.Compare(t.Nano, u.Nano)
}

// ParseTimestamp parses an RFC 3339 timestamp as Python's
// datetime.isoformat() writes one: 2026-04-24T22:03:51.508000+00:00, or
// 2026-04-24T22:03:50+00:00 when the microseconds are zero, or with Z for
// the offset as other producers write it. The date and time are separated
// by T (or t, or a space, which RFC 3339 allows for readability); the
// fraction follows a dot and may have any number of digits (beyond
// nanoseconds they are dropped); the offset is Z, z or ±HH:MM. A time
// without an offset names no instant and is an error.
func ParseTimestamp[S ~string | ~[]byte](s S) (Timestamp, error) {
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for j := i; j < i+n; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	at := func(i int, c byte) bool { return i < len(s) && s[i] == c }

	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	sep := byte(0)
	if len(s) > 10 {
		sep = s[10]
	}
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && at(4, '-') && at(7, '-') && at(13, ':') && at(16, ':') &&
		(sep == 'T' || sep == 't' || sep == ' ')) {
		return Timestamp{}, errTimestampForm
	}
	switch {
	case month < 1 || month > 12:
		return Timestamp{}, errors.New("month " + strconv.Itoa(month) + " out of range")
	case day < 1 || day > daysIn(year, month):
		return Timestamp{}, errors.New("day " + strconv.Itoa(day) + " out of range for " + strconv.Itoa(year) + "-" + twoDigits(month))
	case hour > 23:
		return Timestamp{}, errors.New("hour " + strconv.Itoa(hour) + " out of range")
	case minute > 59:
		return Timestamp{}, errors.New("minute " + strconv.Itoa(minute) + " out of range")
	case sec > 59:
		return Timestamp{}, errors.New("second " + strconv.Itoa(sec) + " out of range")
	}
	i := 19
	nano := 0
	if at(i, '.') {
		i++
		start := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if i-start < 9 { // digits beyond nanoseconds are dropped
				nano = nano*10 + int(s[i]-'0')
			}
		}
		if i == start {
			return Timestamp{}, errTimestampForm
		}
		nano *= nanoScale[min(i-start, 9)]
	}
	offset := 0
	switch {
	case at(i, 'Z') || at(i, 'z'):
		i++
	case at(i, '+') || at(i, '-'):
		oh, ok1 := num(i+1, 2)
		om, ok2 := num(i+4, 2)
		if !ok1 || !ok2 || !at(i+3, ':') || oh > 23 || om > 59 {
			return Timestamp{}, errors.New("UTC offset is not ±HH:MM")
		}
		offset = oh*3600 + om*60
		if s[i] == '-' {
			offset = -offset
		}
		i += 6
	case i == len(s):
		return Timestamp{}, errors.New("no UTC offset: the time names no instant (add Z or +00:00)")
	default:
		return Timestamp{}, errTimestampForm
	}
	if i != len(s) {
		return Timestamp{}, errTimestampForm
	}
	days := daysFromCivil(year, month, day)
	unix := days*86400 + int64(hour*3600+minute*60+sec) - int64(offset)
	return Timestamp{Unix: unix, Nano: int32(nano), Offset: int32(offset)}, nil
}

var errTimestampForm = errors.New("not an RFC 3339 timestamp (want YYYY-MM-DDTHH:MM:SS[.fraction] and Z or ±HH:MM)")

// nanoScale[n] turns a fraction of n digits into nanoseconds.
var nanoScale = [10]int{1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 to the proleptic Gregorian date.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// A TimeKey orders timestamp texts by instant. A text that is not a
// timestamp orders after every text that is, and among such texts by the
// text itself: sorting stays total and deterministic, and entries whose
// time cannot be read collect at the end instead of passing for a time
// they do not name.
type TimeKey struct {
	Timestamp
	// Valid reports that the text parsed; Text keeps a text that did not.
	Valid bool
	Text  string
}

// MakeTimeKey returns the ordering key of the timestamp text.
func MakeTimeKey[S ~string | ~[]byte](text S) TimeKey {
	t, err := ParseTimestamp(text)
	if err != nil {
		return TimeKey{Text: string(text)}
	}
	return TimeKey{Timestamp: t, Valid: true}
}

// Compare orders a before b by instant, with texts that do not parse last.
func (a TimeKey) Compare(b TimeKey) int {
	switch {
	case a.Valid && b.Valid:
		return a.Timestamp.Compare(b.Timestamp)
	case a.Valid:
		return -1
	case b.Valid:
		return 1
	}
	return cmp.Compare(a.Text, b.Text)
}
