package jsonrt

import "slices"

// The runtime of unions with several object alternatives: reading ahead
// in an object for its discriminator or the names of its members, and
// trying an alternative, then going back, to see whether the value fits.

// A trial is the state of the scanner where it began to read a value it
// may read again.
type trial struct {
	pos, depth, vs, found, dates, datePaths int
}

func (s *scanner) begin() trial {
	return trial{s.pos, s.depth, len(s.vs), s.found, len(s.dates), len(s.datePaths)}
}

// rewind goes back to where t began, forgetting what was found since,
// syntax errors too: reading on finds them again.
func (s *scanner) rewind(t trial) {
	s.pos, s.depth, s.failed = t.pos, t.depth, false
	s.vs, s.found = s.vs[:t.vs], t.found
	s.dates, s.datePaths = s.dates[:t.dates], s.datePaths[:t.datePaths]
}

// fits ends the trial t: it reports whether the value read since fit,
// and goes back to where t began. A syntax error stops the scan as ever.
func (s *scanner) fits(t trial) bool {
	if s.failed {
		return false
	}
	ok := s.found == t.found
	s.rewind(t)
	return ok
}

// back goes back to where t began, keeping what was found since: the
// value is read again against another schema.
func (s *scanner) back(t trial) {
	if !s.failed {
		s.pos, s.depth = t.pos, t.depth
	}
}

// objectKeys returns the names of the members of the object that starts
// here, without reading past it.
func (s *scanner) objectKeys() [][]byte {
	t := s.begin()
	defer s.rewind(t)
	if s.peek() != '{' || !s.enter() {
		return nil
	}
	var keys [][]byte
	for more := s.firstMember(); more; more = s.nextMember() {
		k, ok := s.key()
		if !ok {
			break
		}
		keys = append(keys, s.stable(k))
		s.skip()
	}
	return keys
}

// memberString returns the string value of the member name of the object
// that starts here, without reading past it. ok is false when the object
// has no such member or its value is not a string.
func (s *scanner) memberString(name string) (v []byte, ok bool) {
	t := s.begin()
	defer s.rewind(t)
	if s.peek() != '{' || !s.enter() {
		return nil, false
	}
	for more := s.firstMember(); more; more = s.nextMember() {
		k, ok := s.key()
		if !ok {
			break
		}
		if string(k) == name && s.peek() == '"' {
			if str, ok := s.readString(); ok {
				v, ok = s.stable(str), true
				return v, ok
			}
			break
		}
		s.skip()
	}
	return nil, false
}

// A keySet is what an object alternative says of the names of an object's
// members: those it requires, and when closed, the only ones it allows.
type keySet struct {
	required, declared []string
	closed             bool
}

// keysFit reports whether an object with members named keys can be of
// the alternative k.
func keysFit(keys [][]byte, k *keySet) bool {
	for _, r := range k.required {
		if !slices.ContainsFunc(keys, func(key []byte) bool { return string(key) == r }) {
			return false
		}
	}
	if k.closed {
		for _, key := range keys {
			if !slices.Contains(k.declared, string(key)) {
				return false
			}
		}
	}
	return true
}

// chosen returns the alternative of the union u found for the value here
// by an earlier trial, so that a union inside another is tried once: -1
// for none, and ok false when there was no trial.
func (s *scanner) chosen(u int) (i int, ok bool) {
	if s.choicesEpoch != s.epoch {
		return 0, false
	}
	i, ok = s.choices[[2]int{s.pos, u}]
	return i, ok
}

// choose records the alternative i of the union u found for the value
// here.
func (s *scanner) choose(u, i int) {
	if s.choices == nil {
		s.choices = map[[2]int]int{}
	}
	if s.choicesEpoch != s.epoch {
		clear(s.choices)
		s.choicesEpoch = s.epoch
	}
	s.choices[[2]int{s.pos, u}] = i
}
