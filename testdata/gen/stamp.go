package main

import "time"

// Times are int64 microseconds since the Unix epoch, the resolution of
// Python's datetime, so that every instant the generator picks is exactly
// representable in the text it writes.
const (
	millisecond int64 = 1000
	second      int64 = 1000 * millisecond
)

// appendStamp appends the instant us as Python's datetime.isoformat()
// writes an aware UTC datetime: 2026-04-24T22:03:51.508000+00:00, without
// the fraction when the microseconds are zero, and with Z in place of
// +00:00 when zulu is set.
func appendStamp(b []byte, us int64, zulu bool) []byte {
	t := time.UnixMicro(us).UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	if frac := int(t.Nanosecond() / 1000); frac != 0 {
		b = append(b, '.')
		b = appendDigits(b, frac, 6)
	}
	if zulu {
		return append(b, 'Z')
	}
	return append(b, "+00:00"...)
}

// stamp returns appendStamp's text as a string.
func stamp(us int64, zulu bool) string {
	var buf [32]byte
	return string(appendStamp(buf[:0], us, zulu))
}

// appendDigits appends the non-negative v in exactly width digits.
func appendDigits(b []byte, v, width int) []byte {
	var buf [8]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:width]...)
}
