package jujusim

import "testing"

// addTestLogs makes the controller's agents log recs.
func addTestLogs(t *testing.T, s *Server, recs ...logRecord) {
	t.Helper()
	b, ok := s.ctrl.(*stubBackend)
	if !ok {
		t.Fatalf("backend %T cannot take test logs", s.ctrl)
	}
	b.mu.Lock()
	b.logs = append(b.logs, recs...)
	b.mu.Unlock()
}
