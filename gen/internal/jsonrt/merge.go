package jsonrt

import (
	"iter"
	"slices"
	"strconv"
)

// sortStable sorts s by the keys key computes, keeping the order of equal
// elements. Each key is computed once.
func sortStable[T, K any](s []T, key func(*T) K, compare func(*K, *K) int) {
	if len(s) < 2 {
		return
	}
	keys := make([]K, len(s))
	order := make([]int, len(s))
	for i := range s {
		keys[i] = key(&s[i])
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compare(&keys[a], &keys[b]) })
	sorted := make([]T, len(s))
	for i, j := range order {
		sorted[i] = s[j]
	}
	copy(s, sorted)
}

// isSorted reports whether s is in key order.
func isSorted[T, K any](s []T, key func(*T) K, compare func(*K, *K) int) bool {
	for i := 1; i < len(s); i++ {
		a, b := key(&s[i-1]), key(&s[i])
		if compare(&a, &b) > 0 {
			return false
		}
	}
	return true
}

// A mergeHead is the next element of one merge source.
type mergeHead[T, K any] struct {
	elem T
	key  K
	src  int
	n    int // index of elem within its source
}

// mergeSorted merges sources that are each in key order into one sequence
// in key order, in O(n log k) and holding one element per source. Equal
// elements come in source order. A source error, a key error, or a source
// that turns out not to be sorted ends the sequence with that error.
func mergeSorted[T, K any](sources []iter.Seq2[T, error], key func(*T) (K, error), compare func(*K, *K) int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		nexts := make([]func() (T, error, bool), len(sources))
		for i, src := range sources {
			next, stop := iter.Pull2(src)
			defer stop()
			nexts[i] = next
		}
		less := func(a, b *mergeHead[T, K]) bool {
			if c := compare(&a.key, &b.key); c != 0 {
				return c < 0
			}
			return a.src < b.src
		}
		var heap []*mergeHead[T, K]
		// pull reads the next element of source i into h, checking it is not
		// before the one it follows. It reports whether h holds an element.
		pull := func(h *mergeHead[T, K]) (bool, error) {
			elem, err, ok := nexts[h.src]()
			if !ok {
				return false, nil
			}
			if err != nil {
				return false, sourceError(h.src, h.n+1, err)
			}
			k, err := key(&elem)
			if err != nil {
				return false, sourceError(h.src, h.n+1, err)
			}
			if h.n >= 0 && compare(&k, &h.key) < 0 {
				return false, sourceError(h.src, h.n+1, errUnsorted)
			}
			h.elem, h.key = elem, k
			h.n++
			return true, nil
		}
		for i := range sources {
			h := &mergeHead[T, K]{src: i, n: -1}
			ok, err := pull(h)
			if err != nil {
				yield(zero, err)
				return
			}
			if ok {
				heap = append(heap, h)
				siftUp(heap, len(heap)-1, less)
			}
		}
		for len(heap) > 0 {
			h := heap[0]
			if !yield(h.elem, nil) {
				return
			}
			ok, err := pull(h)
			if err != nil {
				yield(zero, err)
				return
			}
			if !ok {
				last := len(heap) - 1
				heap[0] = heap[last]
				heap = heap[:last]
			}
			siftDown(heap, 0, less)
		}
	}
}

var errUnsorted = errorString("it comes before the element it follows; merge needs sorted sources")

type errorString string

func (e errorString) Error() string { return string(e) }

// A MergeError reports which source and element stopped a merge.
type MergeError struct {
	Source  int // index of the source among the arguments
	Element int // index of the element within its source
	Err     error
}

func (e *MergeError) Error() string {
	return "merge: source " + strconv.Itoa(e.Source) + ", element " + strconv.Itoa(e.Element) + ": " + e.Err.Error()
}

func (e *MergeError) Unwrap() error { return e.Err }

func sourceError(src, n int, err error) error { return &MergeError{Source: src, Element: n, Err: err} }

func siftUp[E any](h []E, i int, less func(a, b E) bool) {
	for i > 0 {
		parent := (i - 1) / 2
		if !less(h[i], h[parent]) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func siftDown[E any](h []E, i int, less func(a, b E) bool) {
	for {
		smallest := i
		if l := 2*i + 1; l < len(h) && less(h[l], h[smallest]) {
			smallest = l
		}
		if r := 2*i + 2; r < len(h) && less(h[r], h[smallest]) {
			smallest = r
		}
		if smallest == i {
			return
		}
		h[i], h[smallest] = h[smallest], h[i]
		i = smallest
	}
}
