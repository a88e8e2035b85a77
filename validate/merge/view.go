package merge

import "github.com/flightline-dev/flightline/generated/timeline"

// A keptView is a ClusterTimelineEntryView whose texts are kept in one run
// of a batch's memory, each as its end in the run: an entry holds it in
// about a third of the memory the view takes.
type keptView struct {
	text  []byte
	ends  [texts]uint32
	set   uint16 // the texts that are not nil, a bit each
	phase timeline.Phase
}

// viewTexts are the texts of a view, in a fixed order.
type viewTexts [texts]*[]byte

const texts = 9

func textsOf(v *timeline.ClusterTimelineEntryView) viewTexts {
	return viewTexts{&v.At, &v.NodeID, &v.RunnerID, &v.DeviceRank, &v.WorldSize, &v.Event, &v.Detail, &v.TaskID, &v.CommandID}
}

// keep copies the texts of v, which alias the entry or the validator's
// memory, to the end of *buf, and keeps them.
func (k *keptView) keep(buf *[]byte, v *timeline.ClusterTimelineEntryView) {
	start := len(*buf)
	k.set, k.phase = 0, v.Phase
	for i, t := range textsOf(v) {
		if *t != nil {
			*buf = append(*buf, *t...)
			k.set |= 1 << i
		}
		k.ends[i] = uint32(len(*buf) - start)
	}
	k.text = (*buf)[start:len(*buf):len(*buf)]
}

// keepAt keeps a view of at only.
func (k *keptView) keepAt(buf *[]byte, at []byte) {
	start := len(*buf)
	*buf = append(*buf, at...)
	k.text = (*buf)[start:len(*buf):len(*buf)]
	k.set, k.phase = 1, ""
	for i := range k.ends {
		k.ends[i] = uint32(len(at))
	}
}

// view fills v with the view k keeps.
func (k *keptView) view(v *timeline.ClusterTimelineEntryView) {
	*v = timeline.ClusterTimelineEntryView{Phase: k.phase}
	start := uint32(0)
	for i, t := range textsOf(v) {
		if k.set&(1<<i) != 0 {
			*t = k.text[start:k.ends[i]:k.ends[i]]
		}
		start = k.ends[i]
	}
}

// at is the view's at.
func (k *keptView) at() []byte {
	if k.set&1 == 0 {
		return nil
	}
	return k.text[:k.ends[0]:k.ends[0]]
}
