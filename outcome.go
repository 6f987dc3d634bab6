package juju

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// How each operation ends when its connection fails after the request
// was sent is documented in one place, the package documentation
// ("Dropped connections", doc.go); resolveWrite and the idempotent table
// implement it, TestLostReplyResolved and the fault suite check it.
//
// The methods in idempotent are resent by the connection wrapper itself
// (caller.go): they set state to the values given, so applying them twice
// is applying them once.
//
// A write whose state shows it was not applied is sent again (at most
// maxResends times); one refused after an earlier attempt's outcome was
// unknown (already exists, not found) is a success when the state shows
// the change. When ctx has ended, nothing can be read: the error says the
// outcome is unknown.
const maxResends = 3

// idempotent lists the mutating facade methods that set state to the
// values given, so that sending one again after an unknown outcome
// cannot change anything the first send did not.
var idempotent = map[string]bool{
	"Annotations.Set":                     true,
	"Application.SetConfigs":              true,
	"Application.UnsetApplicationsConfig": true,
	"Application.SetConstraints":          true,
	"Application.MergeExposeInfo":         true,
	"Application.Unexpose":                true,
	"Application.ScaleApplications":       true,
	"ModelConfig.ModelSet":                true,
	"ModelConfig.ModelUnset":              true,
	"ModelConfig.SetModelConstraints":     true,
	"Secrets.GrantSecret":                 true,
	"Secrets.RevokeSecret":                true,
	"Storage.UpdatePool":                  true,
}

// resolveWrite runs write, an operation's mutating call(s), making an
// unknown outcome definite where the model's state answers. applied
// reads the state and reports whether the change is in place; nil means
// the write is idempotent and is simply sent again.
func resolveWrite(ctx context.Context, write func() error, applied func() (bool, error)) error {
	var unknown error
	for attempt := 0; ; attempt++ {
		err := write()
		if err == nil {
			return nil
		}
		isUnknown := errors.Is(err, ErrOutcomeUnknown)
		if !isUnknown && unknown == nil {
			return err // a definite answer
		}
		if isUnknown {
			unknown = err
		}
		if ctx.Err() != nil || attempt >= maxResends {
			return unknown
		}
		if applied == nil {
			if !isUnknown {
				return err // refused on resending: a definite answer
			}
			continue
		}
		ok, cerr := applied()
		switch {
		case cerr != nil:
			// The read's error is told, not wrapped: the caller must not
			// take it for the outcome of the write.
			return fmt.Errorf("%w (and reading the state failed: %s)", unknown, cerr.Error())
		case ok:
			return nil
		case !isUnknown:
			return err // not applied, and refused: a definite answer
		}
	}
}

// probeStatus is the part of Client.FullStatus that resolving unknown
// outcomes reads; the same in the Juju 4.0 and 3.6 shapes.
type probeStatus struct {
	Applications map[string]struct {
		Charm string                     `json:"charm"`
		Life  string                     `json:"life"`
		Units map[string]probeUnitStatus `json:"units"`
	} `json:"applications"`
	Machines  map[string]probeMachine `json:"machines"`
	Relations []struct {
		ID        int             `json:"id"`
		Endpoints []probeEndpoint `json:"endpoints"`
		Interface string          `json:"interface"`
		Scope     string          `json:"scope"`
		Status    struct {
			Life string `json:"life"`
		} `json:"status"`
	} `json:"relations"`
}

type probeEndpoint struct {
	Application string `json:"application"`
	Name        string `json:"name"`
	Role        string `json:"role"`
}

type probeUnitStatus struct {
	AgentStatus struct {
		Life string `json:"life"`
	} `json:"agent-status"`
	Subordinates map[string]probeUnitStatus `json:"subordinates"`
}

type probeMachine struct {
	AgentStatus struct {
		Life string `json:"life"`
	} `json:"agent-status"`
	Containers map[string]probeMachine `json:"containers"`
}

// probe reads the model's status for resolving an unknown outcome.
func (m *Model) probe(ctx context.Context) (*probeStatus, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	var ps probeStatus
	if err := conn.Call(ctx, "Client", "FullStatus", "", map[string]any{"patterns": []string{}}, &ps); err != nil {
		return nil, err
	}
	return &ps, nil
}

func goingOrGone(life string) bool { return life == "dying" || life == "dead" }

// appPresent reports whether the application exists and is alive.
func (ps *probeStatus) appAlive(app string) (exists, alive bool) {
	as, ok := ps.Applications[app]
	return ok, ok && !goingOrGone(as.Life)
}

// unitAlive reports whether the unit (principal or subordinate) exists
// and is alive.
func (ps *probeStatus) unitAlive(unit string) bool {
	for _, as := range ps.Applications {
		for name, us := range as.Units {
			if name == unit {
				return !goingOrGone(us.AgentStatus.Life)
			}
			if sub, ok := us.Subordinates[unit]; ok {
				return !goingOrGone(sub.AgentStatus.Life)
			}
		}
	}
	return false
}

// machineAlive reports whether the machine (or container) exists and is
// alive.
func (ps *probeStatus) machineAlive(id string) bool {
	var find func(ms map[string]probeMachine) (probeMachine, bool)
	find = func(ms map[string]probeMachine) (probeMachine, bool) {
		for mid, mc := range ms {
			if mid == id {
				return mc, true
			}
			if c, ok := find(mc.Containers); ok {
				return c, true
			}
		}
		return probeMachine{}, false
	}
	mc, ok := find(ps.Machines)
	return ok && !goingOrGone(mc.AgentStatus.Life)
}

// relation returns the index of the alive relation between the endpoints
// (each "app" or "app:name"), or of the relation with the id when
// endpoints is nil; -1 if there is none.
func (ps *probeStatus) relation(endpoints []Endpoint, id int) int {
	for i, r := range ps.Relations {
		if goingOrGone(r.Status.Life) {
			continue
		}
		if endpoints == nil {
			if r.ID == id {
				return i
			}
			continue
		}
		if len(r.Endpoints) != len(endpoints) {
			continue
		}
		match := true
		for _, want := range endpoints {
			if !slices.ContainsFunc(r.Endpoints, func(e probeEndpoint) bool {
				return e.Application == want.Application && (want.Name == "" || e.Name == want.Name)
			}) {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// charmName returns the name in a charm URL ("ch:amd64/jammy/wordpress-4",
// "local:tiny-db-0", "wordpress"): "wordpress", "tiny-db".
func charmName(url string) string {
	if i := strings.Index(url, ":"); i >= 0 {
		url = url[i+1:]
	}
	if i := strings.LastIndex(url, "/"); i >= 0 {
		url = url[i+1:]
	}
	if i := strings.LastIndex(url, "-"); i > 0 {
		if _, err := strconv.Atoi(url[i+1:]); err == nil {
			url = url[:i]
		}
	}
	return url
}
