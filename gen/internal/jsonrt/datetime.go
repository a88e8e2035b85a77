package jsonrt

import (
	"errors"
	"strconv"
	"time"
)

// A DateTime is the text of a date-time property, as written: an RFC 3339
// timestamp such as 2026-04-24T22:03:51.508000+00:00, the way Python's
// datetime.isoformat() writes one. It is kept byte for byte, so that it
// encodes as it was read; Time reads the instant it names. The schema
// does not make a value that is no timestamp invalid.
type DateTime string

// DateTimeOf returns t as Python's datetime.isoformat() writes it: to the
// microsecond, without a fraction when the microseconds are zero, and
// with the UTC offset as ±HH:MM: 2026-04-24T22:03:51.508000+00:00.
func DateTimeOf(t time.Time) DateTime {
	if t.Nanosecond()/1000 == 0 {
		return DateTime(t.Format("2006-01-02T15:04:05-07:00"))
	}
	return DateTime(t.Format("2006-01-02T15:04:05.000000-07:00"))
}

// Time returns the instant d names, in the UTC offset it is written with.
// The error says why d is not a timestamp.
func (d DateTime) Time() (time.Time, error) {
	t, err := ParseTimestamp(d)
	if err != nil {
		return time.Time{}, errors.New("date-time " + strconv.Quote(string(d)) + ": " + err.Error())
	}
	return t.Time(), nil
}

// Compare returns -1, 0 or +1 as d names an earlier, the same or a later
// instant than e, whatever offsets they are written with. A text that is
// not a timestamp orders after every one that is, and among such texts
// by the text.
func (d DateTime) Compare(e DateTime) int { return MakeTimeKey(d).Compare(MakeTimeKey(e)) }
