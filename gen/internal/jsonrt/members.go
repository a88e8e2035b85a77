package jsonrt

import (
	"bytes"
	"encoding/json"
	"errors"
	"iter"
)

// Members are the members of a JSON object whose names the schema leaves
// open (additionalProperties), in the order they were written, so that a
// decoded document encodes as its producer wrote it. Get looks a member up
// by name; All and a range over the slice go through them in order. A
// composite literal makes one: Members[V]{{"rank", v}}.
//
// Get, Set and Delete look through the members one by one, which is
// fastest for the few members such an object usually has.
type Members[V any] []Member[V]

// A Member is one name and its value.
type Member[V any] struct {
	Key   string
	Value V
}

// Get returns the value of the member key, and whether there is one.
func (m Members[V]) Get(key string) (V, bool) {
	for i := range m {
		if m[i].Key == key {
			return m[i].Value, true
		}
	}
	var zero V
	return zero, false
}

// Has reports whether there is a member key.
func (m Members[V]) Has(key string) bool {
	_, ok := m.Get(key)
	return ok
}

// Set gives the member key the value v, in its place, or adds it at the
// end.
func (m *Members[V]) Set(key string, v V) {
	for i := range *m {
		if (*m)[i].Key == key {
			(*m)[i].Value = v
			return
		}
	}
	*m = append(*m, Member[V]{key, v})
}

// Delete removes the member key, keeping the order of the others.
func (m *Members[V]) Delete(key string) {
	for i := range *m {
		if (*m)[i].Key == key {
			*m = append((*m)[:i], (*m)[i+1:]...)
			return
		}
	}
}

// All yields each member's name and value, in order.
func (m Members[V]) All() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
		for _, e := range m {
			if !yield(e.Key, e.Value) {
				return
			}
		}
	}
}

// Keys yields the members' names, in order.
func (m Members[V]) Keys() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, e := range m {
			if !yield(e.Key) {
				return
			}
		}
	}
}

// MarshalJSON writes the members as a JSON object, in order, each value
// with encoding/json (which calls the generated types' MarshalJSON). A nil
// Members is null.
func (m Members[V]) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	b := []byte{'{'}
	for i, e := range m {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(e.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(e.Value)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads a JSON object into m, in order, each value with
// encoding/json. A name given twice keeps its first place and its last
// value.
func (m *Members[V]) UnmarshalJSON(data []byte) error {
	d := json.NewDecoder(bytes.NewReader(data))
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*m = nil
		return nil
	}
	if tok != json.Delim('{') {
		return errors.New("jsonrt: Members: not a JSON object")
	}
	out := Members[V]{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		var v V
		if err := d.Decode(&v); err != nil {
			return err
		}
		out.Set(tok.(string), v)
	}
	*m = out
	return nil
}

// putMember adds the member k, v that a decoder read to m; repeated says
// the name was given before, whose value v replaces.
func putMember[V any](m Members[V], k string, v V, repeated bool) Members[V] {
	if repeated {
		m.Set(k, v)
		return m
	}
	return append(m, Member[V]{k, v})
}
