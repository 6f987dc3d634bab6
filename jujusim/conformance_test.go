package jujusim

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/testshared"
)

var updateConformance = flag.Bool("update-conformance", false,
	"rewrite testdata/conformance-known-mismatches.txt with the mismatches of this run")

// knownMismatchesFile lists the conformance mismatches that are known and
// tolerated; a mismatch not in it fails the test, one that no longer occurs
// is reported so that the list only shrinks.
const knownMismatchesFile = "testdata/conformance-known-mismatches.txt"

// flowOrder reads the order the flows ran in from the README's numbered list.
func flowOrder(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^\d+\. \*\*([a-z0-9-]+\.jsonl)\*\*`)
	var flows []string
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		flows = append(flows, m[1])
	}
	if len(flows) == 0 {
		t.Fatal("no flows listed in the README")
	}
	return flows
}

// record is one line of a transcript.
type record struct {
	Seq     int             `json:"seq"`
	Kind    string          `json:"kind"`
	Conn    int             `json:"conn"`
	Path    string          `json:"path"`
	Dir     string          `json:"dir"`
	Msg     json.RawMessage `json:"msg"`
	Method  string          `json:"method"`
	Headers http.Header     `json:"headers"`
	Status  string          `json:"status"`
	Body    json.RawMessage `json:"body"`
}

func readRecords(t *testing.T, path string) []record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []record
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

var (
	uuidRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	secretRE = regexp.MustCompile(`^secret:[0-9a-v]{20}$`)
)

// replayer replays transcripts against one simulator.
type replayer struct {
	t        *testing.T
	sim      *Server
	http     *http.Client
	ids      map[string]string // recorded UUID / secret URI -> simulator's
	charms   map[string][]byte // charm name or upload object name -> archive
	files    map[string][]byte // uploaded resource file name -> content
	mismatch []string
	compared int // replies and HTTP responses compared
	expected int // recorded replies and HTTP responses
}

// newReplayer returns a replayer against sim, whose controller UUID is
// the recorded one.
func newReplayer(t *testing.T, sim *Server) *replayer {
	return &replayer{
		t:      t,
		sim:    sim,
		http:   testHTTPClient(t, sim),
		ids:    map[string]string{"deadbeef-0bad-400d-8000-4b1d0d06f00d": sim.ControllerModelUUID()},
		charms: map[string][]byte{},
		files:  map[string][]byte{},
	}
}

// mapIDs rewrites every recorded identifier in s to the simulator's.
func (r *replayer) mapIDs(s string) string {
	for rec, sim := range r.ids {
		s = strings.ReplaceAll(s, rec, sim)
	}
	return s
}

func (r *replayer) learn(rec, sim string) {
	if rec == sim || !(uuidRE.MatchString(rec) || secretRE.MatchString(rec)) {
		return
	}
	if _, ok := r.ids[rec]; !ok {
		r.ids[rec] = sim
	}
}

func (r *replayer) report(flow string, seq int, call, path, detail string) {
	r.mismatch = append(r.mismatch, fmt.Sprintf("%s #%d %s: %s: %s", flow, seq, call, path, detail))
}

// decode decodes JSON keeping numbers as json.Number.
func decode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

// compare checks that got has the shape of rec: the same keys at every
// level, the same JSON types and the same error codes. It learns the
// simulator's identifiers from values found in the same place.
func (r *replayer) compare(flow string, seq int, call, path string, rec, got any, parentKey string) {
	rt, gt := jsonType(rec), jsonType(got)
	if rt != gt {
		// null stands in for an absent scalar (a zero time, an unset
		// string); only a null against a container is a shape change.
		scalar := func(t string) bool { return t != "object" && t != "array" }
		if (rt == "null" && scalar(gt)) || (gt == "null" && scalar(rt)) {
			return
		}
		r.report(flow, seq, call, path, fmt.Sprintf("type %s, simulator gives %s", rt, gt))
		return
	}
	switch rv := rec.(type) {
	case map[string]any:
		gv := got.(map[string]any)
		if path == "frame" {
			// A call that fails on one side only: report the code once.
			_, recErr := rv["error"]
			_, gotErr := gv["error"]
			if recErr != gotErr {
				code, _ := gv["error-code"].(string)
				if gotErr {
					r.report(flow, seq, call, path, fmt.Sprintf("simulator fails with code %q", code))
				} else {
					r.report(flow, seq, call, path, "simulator succeeds where Juju failed")
				}
				return
			}
		}
		mapped := make(map[string]any, len(rv))
		for k, v := range rv {
			mapped[r.mapIDs(k)] = v
		}
		var keys []string
		for k := range mapped {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := gv[k]; !ok {
				r.report(flow, seq, call, path, fmt.Sprintf("missing key %q", shapeKey(k)))
			}
		}
		var extra []string
		for k := range gv {
			if _, ok := mapped[k]; !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		for _, k := range extra {
			r.report(flow, seq, call, path, fmt.Sprintf("extra key %q", shapeKey(k)))
		}
		for _, k := range keys {
			if g, ok := gv[k]; ok {
				r.compare(flow, seq, call, path+"."+shapeKey(k), mapped[k], g, k)
			}
		}
	case []any:
		gv := got.([]any)
		if len(rv) != len(gv) {
			r.report(flow, seq, call, path, fmt.Sprintf("length %d, simulator gives %d", len(rv), len(gv)))
		}
		for i := 0; i < len(rv) && i < len(gv); i++ {
			r.compare(flow, seq, call, fmt.Sprintf("%s[%d]", path, i), rv[i], gv[i], "")
		}
	case string:
		gs := got.(string)
		r.learn(rv, gs)
		if (parentKey == "error-code" || parentKey == "code") && rv != gs {
			r.report(flow, seq, call, path, fmt.Sprintf("error code %q, simulator gives %q", rv, gs))
		}
	}
}

// shapeKey hides identifiers in keys so that mismatch lines are stable.
func shapeKey(k string) string {
	if uuidRE.MatchString(k) {
		return "<uuid>"
	}
	if secretRE.MatchString(k) {
		return "<secret>"
	}
	return k
}

// conformanceCharm builds the local charm a deploy flow uploaded, as its
// CharmInfo reply in the transcript describes it.
func conformanceCharm(t *testing.T, name string) []byte {
	t.Helper()
	role, kind := "provider", "provides"
	if strings.Contains(name, "consumer") {
		role, kind = "consumer", "requires"
	}
	files := []struct{ name, body string }{
		{"metadata.yaml", "name: " + name + "\n" +
			"summary: Tiny " + role + " charm for exercising a Juju API server\n" +
			"description: Tiny " + role + " charm for exercising a Juju API server; it does nothing.\n" +
			kind + ":\n  db:\n    interface: rj-db\n"},
		{"config.yaml", "options:\n" +
			"  greeting:\n    type: string\n    default: hello\n    description: A greeting the charm would use.\n" +
			"  workers:\n    type: int\n    default: 1\n    description: Number of workers.\n"},
		{"manifest.yaml", "bases:\n- name: ubuntu\n  channel: \"22.04\"\n  architectures: [amd64]\n"},
		{"dispatch", "#!/bin/sh\n"},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestConformanceReplay replays every request of the Juju 4.0.15
// transcripts, in the order they ran, against one simulator (on a clock
// that never moves, as the recorded controller ran no agents), and
// compares each reply's shape with the recorded one.
func TestConformanceReplay(t *testing.T) {
	dir := testshared.Conformance(t)
	flows := flowOrder(t, dir)
	sim := startServer(t, Config{
		Clock:          NewFakeClock(time.Time{}),
		ControllerUUID: "deadbeef-1bad-500d-9000-4b1d0d06f00d",
		DefaultModel:   "test",
	})
	r := newReplayer(t, sim)
	for _, flow := range flows {
		r.replayFlow(flow, readRecords(t, filepath.Join(dir, flow)))
	}
	r.check(knownMismatchesFile, "Known shape mismatches between jujusim and the Juju 4.0.15 transcripts.")
}

// replayConn is one replayed websocket: the simulator's replies that
// arrived before the replay asked for them wait in pending.
type replayConn struct {
	*testConn
	pending map[uint64]frame
}

// await returns the simulator's reply to request id, reading (and keeping)
// the replies to other requests that come first.
func (c *replayConn) await(id uint64) (frame, error) {
	if f, ok := c.pending[id]; ok {
		delete(c.pending, id)
		return f, nil
	}
	for {
		f, err := c.tryRead(30 * time.Second)
		if err != nil {
			return nil, err
		}
		if f.id() == id {
			return f, nil
		}
		c.pending[f.id()] = f
	}
}

// replyFirst reports, for each request of recs, whether the recorded
// server answered it before the client sent anything else: the replay
// then waits for the simulator's reply before going on, so that the
// simulator sees the calls in the recorded order. A request answered
// later (a watcher's Next that blocks until a Stop) is sent without
// waiting, and its reply is read where the recording has it.
func replyFirst(recs []record) map[int]bool {
	first := map[int]bool{}
	for i, rec := range recs {
		if rec.Kind != "ws-frame" || !strings.HasPrefix(rec.Dir, "client") {
			continue
		}
		var req request
		_ = json.Unmarshal(rec.Msg, &req)
		for _, next := range recs[i+1:] {
			if next.Kind == "http-request" || next.Kind == "ws-frame" && strings.HasPrefix(next.Dir, "client") {
				break
			}
			var reply struct {
				RequestID uint64 `json:"request-id"`
			}
			if next.Kind == "ws-frame" && next.Conn == rec.Conn && json.Unmarshal(next.Msg, &reply) == nil && reply.RequestID == req.RequestID {
				first[rec.Seq] = true
				break
			}
		}
	}
	return first
}

func (r *replayer) replayFlow(flow string, recs []record) {
	t := r.t
	conns := map[int]*replayConn{}
	defer func() {
		for _, c := range conns {
			_ = c.ws.CloseNow()
		}
	}()
	calls := map[[2]int]string{} // conn, request-id -> facade.method
	first := replyFirst(recs)
	var lastHTTP *http.Response
	var lastHTTPBody []byte
	for _, rec := range recs {
		switch rec.Kind {
		case "ws-open":
			path := r.mapIDs(rec.Path)
			h := http.Header{"X-Juju-Clientversion": {"4.0.15"}}
			if rec.Headers.Get("Authorization") != "" {
				// The debug log authenticates with the
				// request, as HTTP calls do.
				h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("user-"+r.sim.AdminUser()+":"+r.sim.AdminPassword())))
			}
			ws, err := dialPath(t, r.sim, path, h)
			if err != nil {
				r.report(flow, rec.Seq, "ws-open", path, fmt.Sprintf("cannot dial: %v", err))
				continue
			}
			conns[rec.Conn] = &replayConn{&testConn{t: t, ws: ws}, map[uint64]frame{}}
		case "ws-close":
			if c := conns[rec.Conn]; c != nil {
				_ = c.ws.CloseNow()
				delete(conns, rec.Conn)
			}
		case "ws-frame":
			c := conns[rec.Conn]
			if c == nil {
				continue
			}
			var req request
			if err := json.Unmarshal(rec.Msg, &req); err != nil {
				t.Fatalf("%s #%d: %v", flow, rec.Seq, err)
			}
			if strings.HasPrefix(rec.Dir, "client") {
				call := req.Type + "." + req.Request
				calls[[2]int{rec.Conn, int(req.RequestID)}] = call
				msg := r.mapIDs(string(rec.Msg))
				if call == "Admin.Login" {
					msg = strings.Replace(msg, `"credentials":"REDACTED"`, `"credentials":`+quote(r.sim.AdminPassword()), 1)
				}
				c.sendRaw([]byte(msg))
				if first[rec.Seq] {
					f, err := c.await(req.RequestID)
					if err != nil {
						r.report(flow, rec.Seq, call, "frame", fmt.Sprintf("no reply: %v", err))
						continue
					}
					c.pending[req.RequestID] = f
				}
				continue
			}
			r.expected++
			var got frame
			call, isReply := calls[[2]int{rec.Conn, int(req.RequestID)}]
			if isReply {
				var err error
				if got, err = c.await(req.RequestID); err != nil {
					r.report(flow, rec.Seq, call, "frame", fmt.Sprintf("no reply: %v", err))
					continue
				}
			} else {
				// A stream that is not RPC (the debug log) sends
				// frames of its own.
				p, _, _ := strings.Cut(rec.Path, "?")
				call = "stream " + path.Base(p)
				var err error
				if got, err = c.tryRead(30 * time.Second); err != nil {
					r.report(flow, rec.Seq, call, "frame", fmt.Sprintf("no frame: %v", err))
					continue
				}
			}
			recV, err := decode(rec.Msg)
			if err != nil {
				t.Fatal(err)
			}
			gotV, err := decode([]byte(got.String()))
			if err != nil {
				t.Fatal(err)
			}
			r.compared++
			r.compare(flow, rec.Seq, call, "frame", recV, gotV, "")
		case "http-request":
			lastHTTP, lastHTTPBody = r.replayHTTP(flow, rec)
		case "http-response":
			r.expected++
			if lastHTTP == nil {
				continue
			}
			r.compared++
			call := "HTTP " + rec.Method
			if want, _, _ := strings.Cut(rec.Status, " "); want != fmt.Sprint(lastHTTP.StatusCode) {
				r.report(flow, rec.Seq, call, "status", fmt.Sprintf("status %s, simulator gives %d", want, lastHTTP.StatusCode))
			}
			for _, h := range []string{"Content-Type", "Juju-Curl"} {
				if (rec.Headers.Get(h) == "") != (lastHTTP.Header.Get(h) == "") {
					r.report(flow, rec.Seq, call, "header", fmt.Sprintf("header %s presence differs", h))
				}
			}
			recV, _ := decode(rec.Body)
			gotV, err := decode(lastHTTPBody)
			if err != nil {
				r.report(flow, rec.Seq, call, "body", fmt.Sprintf("not JSON: %q", lastHTTPBody))
				continue
			}
			r.compare(flow, rec.Seq, call, "body", recV, gotV, "")
			lastHTTP = nil
		}
	}
}

// replayHTTP performs a recorded upload (the recorded body was not kept):
// of a charm, with the archive the replayer has for the recorded object
// name or the charm's name, or else one built to match the transcript; of
// a resource, with the file the replayer has for the recorded file name,
// which must have the recorded SHA-384.
func (r *replayer) replayHTTP(flow string, rec record) (*http.Response, []byte) {
	p := r.mapIDs(rec.Path)
	var body []byte
	if strings.Contains(p, "/resources/") {
		_, params, _ := mime.ParseMediaType(rec.Headers.Get("Content-Disposition"))
		body = r.files[params["filename"]]
		if body == nil {
			r.t.Fatalf("%s #%d: no content for the resource file %q", flow, rec.Seq, params["filename"])
		}
		if sum := sha512.Sum384(body); hex.EncodeToString(sum[:]) != rec.Headers.Get("Content-Sha384") {
			r.t.Fatalf("%s #%d: the content for %q is not the one uploaded", flow, rec.Seq, params["filename"])
		}
	} else {
		i := strings.LastIndex(p, "/")
		object := p[i+1:]
		name := object[:strings.LastIndex(object, "-")]
		body = r.charms[object]
		if body == nil {
			body = r.charms[name]
		}
		if body == nil {
			body = conformanceCharm(r.t, name)
			r.charms[name] = body
		}
		sum := sha256.Sum256(body)
		p = p[:i+1] + name + "-" + hex.EncodeToString(sum[:])[:7]
	}
	req, err := http.NewRequestWithContext(context.Background(), rec.Method, "https://"+r.sim.Addr()+p, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	for _, h := range []string{"Content-Type", "Content-Disposition", "Content-Sha384", "Juju-Curl", "X-Juju-Clientversion", "Bakery-Protocol-Version"} {
		if v := rec.Headers.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.SetBasicAuth("user-"+r.sim.AdminUser(), r.sim.AdminPassword())
	resp, err := r.http.Do(req)
	if err != nil {
		r.report(flow, rec.Seq, "HTTP "+rec.Method, "request", err.Error())
		return nil, nil
	}
	respBody, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp, respBody
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// unjustified heads the entries -update-conformance adds to a list of
// known mismatches: each must then be fixed, or moved under a "## "
// line that says why it is tolerated.
const unjustified = "## UNJUSTIFIED: fix these, or move each under a reason"

// readKnown reads a list of known mismatches: entries, each under the
// "## reason" line that justifies it, and "#" comments.
func readKnown(t *testing.T, file string) (reasons []string, known map[string]string) {
	t.Helper()
	known = map[string]string{}
	data, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	reason := ""
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			reason = line
			if !slices.Contains(reasons, reason) {
				reasons = append(reasons, reason)
			}
		case line != "" && !strings.HasPrefix(line, "#"):
			known[line] = reason
		}
	}
	return reasons, known
}

// check compares the mismatches with the known list in file, whose
// entries are each justified by the "## reason" line above them; with
// -update-conformance it rewrites the list, keeping the reasons of the
// entries that remain and putting new ones under unjustified.
func (r *replayer) check(file, title string) {
	t := r.t
	t.Logf("compared %d of %d recorded replies", r.compared, r.expected)
	if r.compared != r.expected {
		t.Errorf("only %d of %d recorded replies had a simulator reply to compare", r.compared, r.expected)
	}
	got := slices.Compact(slices.Sorted(slices.Values(r.mismatch)))
	reasons, known := readKnown(t, file)
	if *updateConformance {
		groups := map[string][]string{}
		for _, m := range got {
			reason, ok := known[m]
			if !ok || reason == "" {
				reason = unjustified
			}
			groups[reason] = append(groups[reason], m)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# %s\n# Regenerate with: go test ./jujusim -run %s -update-conformance\n"+
			"# Each entry sits under the \"## \" line that says why it is tolerated.\n", title, t.Name())
		for _, reason := range append(reasons, unjustified) {
			if len(groups[reason]) > 0 {
				fmt.Fprintf(&b, "\n%s\n%s\n", reason, strings.Join(groups[reason], "\n"))
				delete(groups, reason)
			}
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d known mismatches to %s", len(got), file)
		return
	}
	var fresh, bare []string
	for _, m := range got {
		reason, ok := known[m]
		switch {
		case !ok:
			fresh = append(fresh, m)
		case reason == "" || reason == unjustified:
			bare = append(bare, m)
		}
		delete(known, m)
	}
	t.Logf("%d shape mismatches with the transcripts (%d known)", len(got), len(got)-len(fresh))
	if len(known) > 0 {
		fixed := slices.Sorted(maps.Keys(known))
		t.Logf("%d known mismatches no longer occur; regenerate %s:\n%s", len(fixed), file, strings.Join(fixed, "\n"))
	}
	if len(fresh) > 0 {
		t.Errorf("%d new shape mismatches (fix them, or accept with -update-conformance and justify):\n%s", len(fresh), strings.Join(fresh, "\n"))
	}
	if len(bare) > 0 {
		t.Errorf("%d known mismatches in %s say not why they are tolerated:\n%s", len(bare), file, strings.Join(bare, "\n"))
	}
}
