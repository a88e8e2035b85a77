package live

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flightline-dev/flightline/validate/internal/skulkdata"
	"github.com/flightline-dev/flightline/validate/live/livetest"
)

func scenario(t *testing.T, name string, peersUp bool) *livetest.Server {
	t.Helper()
	s, err := livetest.Scenario(filepath.Join(skulkdata.Dir(t), "clusters", name), peersUp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestClusterReachesUnreachableNodesDirectly(t *testing.T) {
	for _, c := range []struct {
		peersUp bool
		docs    int
		note    string
	}{
		{true, 2, "but answered here"},
		{false, 1, "and from here: "},
	} {
		s := scenario(t, "main", c.peersUp)
		client := &Client{Header: http.Header{"Authorization": {"Bearer x"}}}
		docs, notes, err := client.Cluster(context.Background(), s.URL)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != c.docs || docs[0].URL != s.URL+TimelinePath {
			t.Errorf("peers up %v: %d documents (%v), want %d, the timeline first", c.peersUp, len(docs), docs, c.docs)
		}
		if len(notes) != 1 || !strings.Contains(notes[0], c.note) {
			t.Errorf("peers up %v: notes %q, want one with %q", c.peersUp, notes, c.note)
		}
		if got := s.Headers.Get("Authorization"); got != "Bearer x" {
			t.Errorf("the header was not sent: %q", got)
		}
	}
}

func TestGetErrors(t *testing.T) {
	s := scenario(t, "hung", false)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	cases := []struct {
		name, url string
		timeout   time.Duration
		want      string
	}{
		{"not found", s.URL + "/v1/nothing", 0, "HTTP 404 Not Found: 404 page not found"},
		{"refused", closed.URL + TimelinePath, 0, "connection refused"},
		{"timeout", slow.URL + TimelinePath, 50 * time.Millisecond, "no answer within the timeout (--timeout)"},
	}
	for _, c := range cases {
		_, err := (&Client{Timeout: c.timeout}).Get(context.Background(), c.url)
		var fe *FetchError
		if !errors.As(err, &fe) || fe.URL != c.url || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a FetchError naming %s and saying %q", c.name, err, c.url, c.want)
		}
	}
	// Any endpoint URL is read as it is.
	docs, _, err := (&Client{}).Cluster(context.Background(), s.URL+ClusterPath)
	if err != nil || len(docs) != 1 || !strings.HasPrefix(string(docs[0].Body), `{"generatedAt"`) {
		t.Errorf("endpoint URL: %v %v", docs, err)
	}
}

// TestGetTLS: an https URL is checked against the system's roots, and a
// certificate they do not vouch for is a FetchError naming the URL; a
// Transport that trusts it reads the document.
func TestGetTLS(t *testing.T) {
	s := scenario(t, "hung", false)
	tls := httptest.NewUnstartedServer(s.Config.Handler)
	tls.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	tls.StartTLS()
	defer tls.Close()
	u := tls.URL + TimelinePath
	_, err := (&Client{}).Get(context.Background(), u)
	var fe *FetchError
	if !errors.As(err, &fe) || fe.URL != u || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: got %v, want a FetchError naming %s and its certificate", err, u)
	}
	doc, err := (&Client{Transport: tls.Client().Transport}).Get(context.Background(), u)
	if err != nil || !strings.HasPrefix(string(doc.Body), `{"generatedAt"`) {
		t.Errorf("trusted certificate: %v", err)
	}
}
