// Package live reads a running Skulk cluster over HTTP.
//
// Its diagnostics documents are inputs to merge, explain, export and
// validate; a watch archives the flight recorders beyond their 128-entry
// rings.
package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flightline-dev/flightline/validate/merge"
)

// The endpoints of Skulk's diagnostics API.
const (
	TimelinePath = "/v1/diagnostics/cluster/timeline"
	NodePath     = "/v1/diagnostics/node"
	ClusterPath  = "/v1/diagnostics/cluster"
)

// DefaultTimeout bounds one request.
const DefaultTimeout = 10 * time.Second

// maxDocument bounds the size of one document read from the cluster.
const maxDocument = 1 << 30

// IsURL reports whether a command-line argument names an HTTP endpoint
// rather than a file.
func IsURL(arg string) bool {
	return strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://")
}

// A Client reads documents from a cluster. The zero value uses
// http.DefaultTransport (the system's roots for TLS) and DefaultTimeout.
type Client struct {
	// Transport, when set, carries the requests.
	Transport http.RoundTripper
	// Header is sent with every request, for example Authorization.
	Header http.Header
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
}

// A FetchError is a document that could not be read: a refused
// connection, a timeout, an HTTP error status.
type FetchError struct {
	URL string
	Err error
}

func (e *FetchError) Error() string { return e.URL + ": " + e.Err.Error() }

func (e *FetchError) Unwrap() error { return e.Err }

// A Document is one document read from the cluster.
type Document struct {
	URL  string
	Body []byte
}

// Get reads the document at u.
func (c *Client) Get(ctx context.Context, u string) (*Document, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &FetchError{u, err}
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	transport := c.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		return nil, &FetchError{u, plainError(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	switch {
	case err != nil:
		return nil, &FetchError{u, plainError(err)}
	case len(body) > maxDocument:
		return nil, &FetchError{u, fmt.Errorf("the document is larger than %d bytes", maxDocument)}
	case resp.StatusCode/100 != 2:
		return nil, &FetchError{u, fmt.Errorf("HTTP %s%s", resp.Status, excerpt(body))}
	}
	return &Document{URL: u, Body: body}, nil
}

// plainError says what went wrong with a request without repeating the
// method and URL, which the FetchError names.
func plainError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return fmt.Errorf("%s: %w", oe.Op, oe.Err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("no answer within the timeout (--timeout)")
	}
	return err
}

// excerpt is the start of an error response's body, for the message.
func excerpt(body []byte) string {
	text := strings.TrimSpace(string(body))
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		text = text[:i]
	}
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	if text == "" {
		return ""
	}
	return ": " + text
}

// isBase reports whether u names a server rather than an endpoint: no path
// beyond "/".
func isBase(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Path == "" || p.Path == "/") && p.RawQuery == ""
}

// Cluster reads what a URL argument names: for a server (http://node:52415)
// its cluster timeline, and the node diagnostics of each node the timeline
// says it could not reach, tried directly from here (this machine may
// reach what the API node could not); any other URL is read as it is. A
// node still out of reach is a note, not an error: the timeline says so.
func (c *Client) Cluster(ctx context.Context, arg string) (docs []*Document, notes []string, err error) {
	if !isBase(arg) {
		d, err := c.Get(ctx, arg)
		if err != nil {
			return nil, nil, err
		}
		return []*Document{d}, nil, nil
	}
	base := strings.TrimSuffix(arg, "/")
	tl, err := c.Get(ctx, base+TimelinePath)
	if err != nil {
		return nil, nil, err
	}
	docs = append(docs, tl)
	var doc struct {
		UnreachableNodes []struct {
			NodeID string  `json:"nodeId"`
			URL    *string `json:"url"`
			Error  string  `json:"error"`
		} `json:"unreachableNodes"`
	}
	if json.Unmarshal(tl.Body, &doc) != nil {
		return docs, nil, nil // the reader says what is wrong with it
	}
	type result struct {
		doc  *Document
		note string
	}
	results := make([]result, len(doc.UnreachableNodes))
	var wg sync.WaitGroup
	for i, u := range doc.UnreachableNodes {
		if u.URL == nil || *u.URL == "" {
			results[i].note = fmt.Sprintf("node %s is unreachable from the API node (%s) and has no URL to try from here", u.NodeID, u.Error)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			target := strings.TrimSuffix(*u.URL, "/") + NodePath
			d, err := c.Get(ctx, target)
			if err != nil {
				results[i].note = fmt.Sprintf("node %s is unreachable from the API node (%s) and from here: %v", u.NodeID, u.Error, err)
				return
			}
			results[i] = result{d, fmt.Sprintf("node %s is unreachable from the API node (%s) but answered here: %s", u.NodeID, u.Error, target)}
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.doc != nil {
			docs = append(docs, r.doc)
		}
		if r.note != "" {
			notes = append(notes, r.note)
		}
	}
	return docs, notes, nil
}

// Inputs turns documents into merge inputs, named by their URLs.
func Inputs(docs []*Document) []merge.Input {
	var inputs []merge.Input
	for _, d := range docs {
		body := slices.Clip(d.Body)
		inputs = append(inputs, merge.Input{Name: d.URL, Open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}})
	}
	return inputs
}
