package jsonrt

import "encoding/binary"

// beginKeys starts tracking the keys of a map being read, to find keys
// given twice; endKeys ends it.
func (s *scanner) beginKeys() int { return len(s.mapKeys) }

func (s *scanner) endKeys(mark int) {
	s.mapKeys = s.mapKeys[:mark]
	delete(s.bigMaps, mark)
}

// repeatedKey reports whether k was already a key of the map tracked from
// mark, and records it. Small maps are searched; large ones get a set, so
// that a hostile document with many keys stays linear.
func (s *scanner) repeatedKey(mark int, k []byte) bool {
	if set, ok := s.bigMaps[mark]; ok {
		if _, dup := set[string(k)]; dup {
			return true
		}
		set[string(k)] = struct{}{}
		return false
	}
	for _, p := range s.mapKeys[mark:] {
		if string(p) == string(k) {
			return true
		}
	}
	s.mapKeys = append(s.mapKeys, k)
	if len(s.mapKeys)-mark > 32 {
		set := make(map[string]struct{}, 64)
		for _, p := range s.mapKeys[mark:] {
			set[string(p)] = struct{}{}
		}
		if s.bigMaps == nil {
			s.bigMaps = map[int]map[string]struct{}{}
		}
		s.bigMaps[mark] = set
	}
	return false
}

// A keyText is the JSON text of a member name and its colon, with its
// first 16 bytes as two words, to be compared at once.
type keyText struct {
	text           string
	w0, w1, m0, m1 uint64 // the words, and masks of the bytes they hold
}

func makeKeyText(text string) keyText {
	k := keyText{text: text}
	var b [16]byte
	n := copy(b[:], text)
	k.w0, k.w1 = binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	for i := range n {
		if i < 8 {
			k.m0 |= 0xff << (8 * i)
		} else {
			k.m1 |= 0xff << (8 * (i - 8))
		}
	}
	return k
}

// matchKey consumes the JSON text of an expected member name and its
// colon, when it is next: members usually come in schema order, and
// comparing the text is faster than reading and looking up the name.
func (s *scanner) matchKey(k *keyText) bool {
	d, n := s.data[s.pos:], len(k.text)
	if len(d) >= 16 && n <= 16 {
		lo, hi := binary.LittleEndian.Uint64(d), binary.LittleEndian.Uint64(d[8:])
		if (lo^k.w0)&k.m0|(hi^k.w1)&k.m1 != 0 {
			return false
		}
		s.pos += n
		return true
	}
	if len(d) >= n && string(d[:n]) == k.text {
		s.pos += n
		return true
	}
	return false
}
