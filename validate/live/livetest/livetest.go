// Package livetest runs a fake Skulk API on loopback for tests: it serves
// the documents of one of Skulk's recorded scenarios, as Skulk's own code
// served them, with the unreachable nodes' URLs pointing at loopback.
package livetest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A Server is a fake Skulk API node.
type Server struct {
	*httptest.Server
	mu   sync.Mutex
	docs map[string][]byte // by path
	// Requests counts the requests by path; Headers keeps the last
	// request's headers.
	Requests map[string]int
	Headers  http.Header
	peers    []*httptest.Server
	total    int // entries recorded, in a Rolling cluster
}

// Scenario serves the scenario folder dir of Skulk's clusters: the cluster
// timeline, the cluster diagnostics and the API node's diagnostics
// (nodes/ first file). With peersUp, each unreachable node whose local
// document is in nodes-unreachable/ answers on a loopback server of its
// own (it was unreachable from the API node only); the others, and all of
// them without peersUp, get a URL where nothing listens.
func Scenario(dir string, peersUp bool) (*Server, error) {
	s := &Server{docs: map[string][]byte{}, Requests: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil
		}
		return data
	}
	if nodes, _ := filepath.Glob(filepath.Join(dir, "nodes", "*.json")); len(nodes) > 0 {
		s.docs["/v1/diagnostics/node"], _ = os.ReadFile(nodes[0])
	}
	timeline, err := s.pointPeers(dir, read("cluster_timeline.json"), peersUp)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.docs["/v1/diagnostics/cluster/timeline"] = timeline
	s.docs["/v1/diagnostics/cluster"] = read("cluster_diagnostics.json")
	return s, nil
}

// pointPeers rewrites the URLs of the timeline's unreachable nodes to
// loopback: a server of the node's own where the scenario has what it
// would serve locally, a closed port otherwise. It keeps the rest of the
// document as written.
func (s *Server) pointPeers(dir string, timeline []byte, peersUp bool) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(timeline, &doc); err != nil {
		return timeline, nil
	}
	var unreachable []map[string]json.RawMessage
	if json.Unmarshal(doc["unreachableNodes"], &unreachable) != nil || len(unreachable) == 0 {
		return timeline, nil
	}
	text := string(timeline)
	for _, u := range unreachable {
		var old *string
		json.Unmarshal(u["url"], &old)
		var nodeID string
		json.Unmarshal(u["nodeId"], &nodeID)
		target := closedURL()
		if local := peerDocument(dir, nodeID); local != nil && peersUp {
			peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/diagnostics/node" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(local)
			}))
			s.peers = append(s.peers, peer)
			target = peer.URL
		}
		if old != nil {
			q, _ := json.Marshal(*old)
			t, _ := json.Marshal(target)
			text = strings.Replace(text, `"url":`+string(q), `"url":`+string(t), 1)
		}
	}
	return []byte(text), nil
}

// peerDocument is what node nodeID serves locally, from the scenario's
// nodes-unreachable folder.
func peerDocument(dir, nodeID string) []byte {
	files, _ := filepath.Glob(filepath.Join(dir, "nodes-unreachable", "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var doc struct {
			Runtime struct {
				NodeID string `json:"nodeId"`
			} `json:"runtime"`
		}
		if json.Unmarshal(data, &doc) == nil && doc.Runtime.NodeID == nodeID {
			return data
		}
	}
	return nil
}

// closedURL is a loopback URL where nothing listens.
func closedURL() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "http://127.0.0.1:1"
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// Set replaces the document served at path.
func (s *Server) Set(path string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path] = body
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.Requests[r.URL.Path]++
	s.Headers = r.Header.Clone()
	body, ok := s.docs[r.URL.Path]
	s.mu.Unlock()
	if !ok || body == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

// Close stops the server and its peers.
func (s *Server) Close() {
	for _, p := range s.peers {
		p.Close()
	}
	s.Server.Close()
}

// Rolling serves a cluster whose runners' flight recorders roll over: each
// request to the timeline endpoint shows each of runners runners (rank r of
// one instance, on node-r) perRequest entries more than the last, and at
// most the last 128, as a ring of 128 holds them. Total counts the entries
// each runner has recorded so far.
func Rolling(runners, perRequest int) *Server {
	s := &Server{docs: map[string][]byte{}, Requests: map[string]int{}}
	recorded := 0
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.Requests[r.URL.Path]++
		s.Headers = r.Header.Clone()
		if r.URL.Path != "/v1/diagnostics/cluster/timeline" {
			s.mu.Unlock()
			http.NotFound(w, r)
			return
		}
		recorded += perRequest
		s.total = recorded
		body := rollingTimeline(runners, recorded)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	return s
}

// Total is how many entries each runner of a Rolling cluster has recorded.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// rollingTimeline is the ClusterTimeline of a Rolling cluster once each
// runner has recorded n entries: the last 128 of each, merged.
func rollingTimeline(runners, n int) []byte {
	start := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	stamp := func(i int) string {
		return start.Add(time.Duration(i) * 100 * time.Millisecond).Format("2006-01-02T15:04:05.000000+00:00")
	}
	var b strings.Builder
	fmt.Fprintf(&b, `{"generatedAt":%q,"localNodeId":"node-0","masterNodeId":"node-0","runners":[`, stamp(n))
	for r := 0; r < runners; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"nodeId":"node-%d","runnerId":"runner-%d","instanceId":"instance-0","modelId":"m","deviceRank":%d,"worldSize":%d,`+
			`"pid":%d,"processAlive":true,"statusKind":"RunnerRunning","phase":"decode_stream","phaseDetail":null,"secondsInPhase":0.1,`+
			`"lastProgressAt":%q,"activeTaskId":"task-0","activeCommandId":null,"lastMlxMemory":null}`, r, r, r, runners, 100+r, stamp(n-1))
	}
	b.WriteString(`],"timeline":[`)
	first := true
	for i := max(0, n-128); i < n; i++ {
		for r := 0; r < runners; r++ {
			if !first {
				b.WriteByte(',')
			}
			first = false
			fmt.Fprintf(&b, `{"at":%q,"nodeId":"node-%d","runnerId":"runner-%d","deviceRank":%d,"worldSize":%d,"phase":"decode_stream","event":"progress",`+
				`"detail":null,"attrs":{"token":%d},"taskId":"task-0","commandId":null,"mlxMemory":null}`, stamp(i), r, r, r, runners, i)
		}
	}
	b.WriteString(`],"unreachableNodes":[]}`)
	return []byte(b.String())
}
