package core

import (
	"time"
)

type secret struct {
	id           string
	label        string
	description  string
	ownerTag     string
	rotatePolicy string
	autoPrune    bool
	revisions    []*secretRevision
	created      time.Time
	updated      time.Time
	access       map[string]string // target tag -> role
	accessOrder  []string
	removeEv     *event
}

type secretRevision struct {
	rev      int
	data     map[string]string // base64 values
	checksum string
	created  time.Time
	updated  time.Time
}

func (s *secret) latest() *secretRevision {
	if len(s.revisions) == 0 {
		return nil
	}
	return s.revisions[len(s.revisions)-1]
}

type secretBackend struct {
	id                  string
	name                string
	typ                 string
	config              map[string]any
	tokenRotateInterval *time.Duration
	builtin             bool
}

type actionLog struct {
	Time    time.Time
	Message string
}

type action struct {
	id        int
	opID      int
	receiver  string // unit tag
	name      string
	params    map[string]any
	parallel  *bool
	group     *string
	status    string
	message   string
	enqueued  time.Time
	started   time.Time
	completed time.Time
	output    map[string]any
	log       []actionLog
	ev        *event
}

type operation struct {
	id       int
	summary  string
	actions  []int
	enqueued time.Time
}
