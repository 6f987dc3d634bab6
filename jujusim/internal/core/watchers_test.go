package core

import (
	"testing"
	"time"
)

// TestWatcherStopOtherSession checks that a session cannot stop another
// session's watcher.
func TestWatcherStopOtherSession(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	a, b := s.admin(m), s.admin(m)
	deployHub(s, a, "postgresql", "pg", 1)
	s.advance(5 * time.Second)
	enq := s.mustCall(a, "Action", 7, "EnqueueOperation", map[string]any{"actions": []any{
		map[string]any{"receiver": "pg/0", "name": "get-password", "parameters": map[string]any{}}}})
	tag, _ := get(enq, "actions", 0, "action", "tag").(string)
	res := s.mustCall(a, "Action", 7, "WatchActionsProgress", map[string]any{"entities": []map[string]any{{"tag": tag}}})
	id, _ := get(res, "results", 0, "watcher-id").(string)
	if id == "" {
		t.Fatalf("no watcher id in %v", res)
	}
	_, err := s.callID(b, "StringsWatcher", 1, "Stop", id, nil)
	wantErr(t, err, CodeNotFound, "")
	if _, err := s.callID(a, "StringsWatcher", 1, "Stop", id, nil); err != nil {
		t.Fatalf("owner cannot stop its watcher: %v", err)
	}
}
