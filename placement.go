package juju

import (
	"strings"
)

// Placement scopes with a meaning of their own.
const (
	// MachineScope is the scope of a placement onto an existing machine
	// ("3", "0/lxd/1").
	MachineScope = "#"
	// ModelScope is the scope of a provider-specific placement
	// ("zone=us-east-1a", "system-id=abc", a host name). gojuju replaces it
	// with the model's UUID when sending, as the controller expects.
	ModelScope = ""
)

// The container types a placement may name.
var containerTypes = []string{"lxd", "kvm"}

func isContainerType(s string) bool {
	for _, t := range containerTypes {
		if s == t {
			return true
		}
	}
	return false
}

// Placement says where a unit or machine goes, as the juju CLI's --to
// option writes it. Parse one with ParsePlacement; the zero Placement means
// "a new machine".
type Placement struct {
	// Scope is MachineScope for an existing machine, a container type
	// ("lxd") for a container, or ModelScope for a provider-specific
	// directive.
	Scope string
	// Directive is the machine id (for MachineScope, or the parent machine
	// of a new container: empty for a container on a new machine) or the
	// provider-specific directive ("zone=us-east-1a").
	Directive string
}

// IsNewMachine reports whether p is the zero Placement, which asks for a
// new machine.
func (p Placement) IsNewMachine() bool { return p == Placement{} }

// String returns the placement as --to writes it.
func (p Placement) String() string {
	switch {
	case p.IsNewMachine():
		return "new"
	case p.Scope == MachineScope || p.Scope == ModelScope:
		return p.Directive
	case p.Directive == "":
		return p.Scope
	}
	return p.Scope + ":" + p.Directive
}

// ParsePlacement parses one placement directive in the syntax of the juju
// CLI's --to option:
//
//	"3", "0/lxd/1"        an existing machine or container
//	"lxd:3"               a new LXD container on machine 3
//	"lxd"                 a new LXD container on a new machine
//	"zone=us-east-1a"     a provider-specific directive (also "system-id=…",
//	                      a MAAS host name, …)
//	"new"                 a new machine
//
// The error matches ErrInvalidPlacement.
func ParsePlacement(s string) (Placement, error) {
	switch {
	case s == "":
		return Placement{}, invalid(ErrInvalidPlacement, "placement", s, "must not be empty")
	case s == "new":
		return Placement{}, nil
	case strings.ContainsAny(s, " \t\r\n,"):
		return Placement{}, invalid(ErrInvalidPlacement, "placement", s, "must be a single directive without spaces or commas")
	case IsValidMachineID(s):
		return Placement{Scope: MachineScope, Directive: s}, nil
	case isContainerType(s):
		return Placement{Scope: s}, nil
	}
	if scope, directive, ok := strings.Cut(s, ":"); ok {
		switch {
		case scope == "":
			return Placement{}, invalid(ErrInvalidPlacement, "placement", s, "the scope before \":\" is empty")
		case scope == MachineScope || isContainerType(scope):
			if !IsValidMachineID(directive) {
				return Placement{}, invalidf(ErrInvalidPlacement, "placement", s, "%q is not a machine id", directive)
			}
			return Placement{Scope: scope, Directive: directive}, nil
		case directive == "":
			return Placement{}, invalidf(ErrInvalidPlacement, "placement", s, "nothing follows scope %q", scope)
		}
		return Placement{Scope: scope, Directive: directive}, nil
	}
	if looksLikeMachine(s) {
		return Placement{}, invalid(ErrInvalidPlacement, "placement", s, `not a machine id (machines look like "3" or "0/lxd/1")`)
	}
	return Placement{Scope: ModelScope, Directive: s}, nil
}

// looksLikeMachine catches typos of machine ids ("01", "0/lxd", "-1") that
// would otherwise be sent as provider directives.
func looksLikeMachine(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c >= '0' && c <= '9' || c == '-'
}

// parsePlacements parses a list of --to directives. Zero placements (new
// machines) may only come after every explicit placement, because the wire
// has no way to say "new machine" between two directives.
func parsePlacements(to []string) ([]Placement, error) {
	out := make([]Placement, 0, len(to))
	seenNew := false
	for _, s := range to {
		p, err := ParsePlacement(s)
		if err != nil {
			return nil, err
		}
		if p.IsNewMachine() {
			seenNew = true
			continue
		}
		if seenNew {
			return nil, invalid(ErrInvalidPlacement, "placement list", strings.Join(to, ","), `"new" may only follow every other directive`)
		}
		out = append(out, p)
	}
	return out, nil
}
