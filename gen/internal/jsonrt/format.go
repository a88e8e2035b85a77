package jsonrt

import (
	"net/netip"
	"strings"
)

// A format is a string format the generated code checks, when the schema
// (or gen --assert-formats) asks for it.
type format uint8

const (
	formatDateTime format = iota + 1
	formatDate
	formatTime
	formatDuration
	formatUUID
	formatEmail
	formatURI
	formatIPv4
	formatIPv6
)

var formatNames = [...]string{formatDateTime: "date-time", formatDate: "date", formatTime: "time", formatDuration: "duration",
	formatUUID: "uuid", formatEmail: "email", formatURI: "uri", formatIPv4: "ipv4", formatIPv6: "ipv6"}

// formatOf returns the format named name, which is one of formatNames.
func formatOf(name string) format {
	for i, n := range formatNames {
		if n == name {
			return format(i)
		}
	}
	panic("jsonrt: unknown format " + name)
}

// checkFormat checks that the string v is of the format f.
func (s *scanner) checkFormat(name string, v []byte, f format) {
	str := string(v)
	var ok bool
	switch f {
	case formatDateTime:
		date, t, found := strings.Cut(str, "T")
		if !found {
			date, t, found = strings.Cut(str, "t")
		}
		ok = found && validDate(date) && validTime(t, date)
	case formatDate:
		ok = validDate(str)
	case formatTime:
		ok = validTime(str, "")
	case formatDuration:
		ok = validDuration(str)
	case formatUUID:
		ok = validUUID(str)
	case formatEmail:
		ok = validEmail(str)
	case formatURI:
		ok = validURI(str)
	case formatIPv4:
		ok = validIPv4(str)
	case formatIPv6:
		a, err := netip.ParseAddr(str)
		ok = err == nil && a.Is6() && a.Zone() == ""
	}
	if !ok {
		s.violateAt(name, KeywordFormat, "the string is not a "+formatNames[f])
	}
}

// fixedDigits reports whether s is n ASCII digits, and their value.
func fixedDigits(s string, n int) (int, bool) {
	if len(s) != n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

// validDate reports an RFC 3339 full-date: 2026-04-24.
func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, ok1 := fixedDigits(s[:4], 4)
	m, ok2 := fixedDigits(s[5:7], 2)
	d, ok3 := fixedDigits(s[8:], 2)
	return ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// validTime reports an RFC 3339 full-time with its offset: 22:03:51.5Z,
// 22:03:51+01:00. A leap second is valid only where it can be: at
// 23:59:60 UTC (date is the date-time's date, unused).
func validTime(s, _ string) bool {
	if len(s) < 9 || s[2] != ':' || s[5] != ':' {
		return false
	}
	h, ok1 := fixedDigits(s[:2], 2)
	m, ok2 := fixedDigits(s[3:5], 2)
	sec, ok3 := fixedDigits(s[6:8], 2)
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
		return false
	}
	rest := s[8:]
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	offset := 0
	switch {
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := fixedDigits(rest[1:3], 2)
		om, ok2 := fixedDigits(rest[4:], 2)
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return false
		}
		offset = oh*60 + om
		if rest[0] == '+' {
			offset = -offset
		}
	default:
		return false
	}
	if sec == 60 { // a leap second: 23:59:60 in UTC
		utc := ((h*60+m+offset)%(24*60) + 24*60) % (24 * 60)
		return utc == 23*60+59
	}
	return true
}

// validDuration reports an ISO 8601 duration as RFC 3339's appendix A
// writes it: P1Y2M3D, PT4H5M6S, P2W.
func validDuration(s string) bool {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return false
	}
	date, t, hasTime := strings.Cut(rest, "T")
	if hasTime && t == "" {
		return false
	}
	// units reads number-unit pairs of the units in order, none left out
	// between the first and the last: P1Y2D wants its months.
	units := func(s, order string) bool {
		last := -1
		for s != "" {
			i := 0
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == 0 || i == len(s) {
				return false
			}
			u := strings.IndexByte(order, s[i])
			if u < 0 || last >= 0 && u != last+1 {
				return false
			}
			last, s = u, s[i+1:]
		}
		return true
	}
	if strings.HasSuffix(date, "W") {
		return !hasTime && units(date, "W")
	}
	return units(date, "YMD") && units(t, "HMS")
}

func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
				return false
			}
		}
	}
	return true
}

// validEmail reports an address of RFC 5321's form local@domain, the
// local part a dot-atom or a quoted string, the domain a host name or an
// address in brackets.
func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if strings.HasPrefix(local, `"`) {
		if len(local) < 2 || !strings.HasSuffix(local, `"`) {
			return false
		}
	} else {
		for _, atom := range strings.Split(local, ".") {
			if atom == "" || strings.ContainsFunc(atom, func(r rune) bool {
				return r < '!' || r > '~' || strings.ContainsRune(`"(),:;<>@[\]`, r)
			}) {
				return false
			}
		}
	}
	if ip, ok := strings.CutPrefix(domain, "["); ok {
		ip, ok = strings.CutSuffix(ip, "]")
		if v6, isV6 := strings.CutPrefix(ip, "IPv6:"); isV6 {
			a, err := netip.ParseAddr(v6)
			return ok && err == nil && a.Is6()
		}
		return ok && validIPv4(ip)
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			strings.ContainsFunc(label, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
			}) {
			return false
		}
	}
	return true
}

// validURI reports an absolute URI of RFC 3986: a scheme, then only the
// characters a URI may hold, with each % escape complete; brackets only
// around an IP literal host.
func validURI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return false
	}
	for i := 0; i < colon; i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	rest := s[colon+1:]
	auth, hier := strings.CutPrefix(rest, "//")
	if !hier {
		return uriChars(rest, false)
	}
	end := strings.IndexAny(auth, "/?#")
	if end < 0 {
		end = len(auth)
	}
	authority, tail := auth[:end], auth[end:]
	host := authority
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		if !uriChars(authority[:at], false) || strings.ContainsAny(authority[:at], "@") {
			return false
		}
		host = authority[at+1:]
	}
	port := ""
	if strings.HasPrefix(host, "[") {
		close := strings.IndexByte(host, ']')
		if close < 0 {
			return false
		}
		lit := host[1:close]
		if a, err := netip.ParseAddr(lit); err != nil || !a.Is6() || a.Zone() != "" {
			if !strings.HasPrefix(lit, "v") && !strings.HasPrefix(lit, "V") { // IPvFuture
				return false
			}
		}
		if p, ok := strings.CutPrefix(host[close+1:], ":"); ok {
			port = p
		} else if host[close+1:] != "" {
			return false
		}
	} else {
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			host, port = host[:i], host[i+1:]
		}
		if !uriChars(host, false) {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return uriChars(tail, false)
}

// uriChars reports whether s holds only characters a URI may hold (brackets
// when brackets), each % escape complete.
func uriChars(s string, brackets bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~:/?#@!$&'()*+,;=", c) >= 0:
		case brackets && (c == '[' || c == ']'):
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// validIPv4 reports a dotted quad without leading zeros: 192.168.0.1.
func validIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return false
		}
		v, ok := fixedDigits(p, len(p))
		if !ok || v > 255 {
			return false
		}
	}
	return true
}
