package jsonrt

import "regexp"

// A pattern is a schema's pattern: the ECMA-262 expression as written,
// and the Go regular expression that matches the same strings.
type pattern struct {
	source string
	re     *regexp.Regexp
}

func newPattern(source, re2 string) *pattern { return &pattern{source, regexp.MustCompile(re2)} }

// checkPattern checks that the string v matches p somewhere.
func (s *scanner) checkPattern(name string, v []byte, p *pattern) {
	if !p.re.Match(v) {
		s.violateAt(name, KeywordPattern, "the string does not match the pattern "+p.source)
	}
}
