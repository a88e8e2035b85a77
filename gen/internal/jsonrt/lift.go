package jsonrt

// A liftStep writes one member of a lifted document: name, with the value
// found in the source document by following path.
type liftStep struct {
	name string
	path []string
}

// rawMember is one member of a JSON object, as written.
type rawMember struct {
	key   string
	value []byte
}

// rawMembers lists the members of the valid JSON object obj.
func rawMembers(obj []byte) []rawMember {
	var s scanner
	s.reset(obj)
	if !s.object() {
		return nil
	}
	var ms []rawMember
	for more := s.firstMember(); more; more = s.nextMember() {
		k, ok := s.key()
		if !ok {
			return nil
		}
		key := string(k)
		s.ws()
		start := s.pos
		s.skip()
		ms = append(ms, rawMember{key, obj[start:s.pos]})
	}
	return ms
}

func findMember(ms []rawMember, key string) []byte {
	for _, m := range ms {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// liftJSON appends to dst the object that steps build from the valid JSON
// object src. Values are copied as written, numbers, escapes and all, only
// without whitespace between tokens; a step whose source is absent is left
// out, as it was absent in the source.
func liftJSON(dst, src []byte, steps []liftStep) []byte {
	top := rawMembers(src)
	e := encoder{buf: append(dst, '{')}
	first := true
	for _, st := range steps {
		v := findMember(top, st.path[0])
		for _, name := range st.path[1:] {
			if v == nil {
				break
			}
			v = findMember(rawMembers(v), name)
		}
		if v == nil {
			continue
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.str(st.name, st.name)
		e.buf = append(e.buf, ':')
		e.buf = appendCompact(e.buf, v)
	}
	return append(e.buf, '}')
}

// valueOr returns *p, or d when p is nil.
func valueOr[T any](p *T, d T) T {
	if p == nil {
		return d
	}
	return *p
}
