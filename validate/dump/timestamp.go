package dump

import (
	"fmt"

	"github.com/flightline-dev/flightline/generated/jsonrt"
	"github.com/flightline-dev/flightline/validate/rule"
)

// CheckTimestamp checks one date-time value as flightline reads
// timestamps: it must be RFC 3339 as Python's isoformat writes it, with a
// UTC offset (rule.Timestamp otherwise), and should be in UTC
// (rule.TimestampOffset otherwise, a warning). id is 0 for a timestamp
// with neither problem; ts is the instant unless id is rule.Timestamp.
func CheckTimestamp(value []byte) (ts jsonrt.Timestamp, id rule.ID, msg string) {
	ts, err := jsonrt.ParseTimestamp(value)
	switch {
	case err != nil:
		return ts, rule.Timestamp, fmt.Sprintf("%q: %v", value, err)
	case ts.Offset != 0:
		return ts, rule.TimestampOffset, fmt.Sprintf("%q is written with UTC offset %s; cluster timestamps are written in UTC", value, formatOffset(ts.Offset))
	}
	return ts, 0, ""
}

func formatOffset(seconds int32) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	s := fmt.Sprintf("%c%02d:%02d", sign, seconds/3600, seconds/60%60)
	if seconds%60 != 0 {
		s += fmt.Sprintf(":%02d", seconds%60)
	}
	return s
}
