package juju

import (
	"net"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/lazyregexp"
)

// Juju's naming rules. These are the rules the controller applies; checking
// them here lets gojuju refuse a bad name before anything is sent.
const (
	// an application name: lower-case letters and digits in hyphen-separated
	// parts, starting with a letter; every part has at least one letter
	// ("pg", "my-app2", "a-1b"; not "my-app-2", "2pg", "pg-").
	applicationPattern = `[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*`
	numberPattern      = `(?:0|[1-9][0-9]*)`
	// a machine id: a number, then zero or more /<container type>/<number>.
	machinePattern = numberPattern + `(?:/[a-z]+/` + numberPattern + `)*`
	// an endpoint (relation) name.
	endpointNamePattern = `[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*`
	// a user name: letters, digits, '.', '+', '-'; at least two characters,
	// starting and ending with a letter or digit; optionally @domain.
	userPartPattern = `[a-zA-Z0-9][a-zA-Z0-9.+-]*[a-zA-Z0-9]`
	// a model name: lower-case letters, digits and non-leading hyphens.
	modelPattern = `[a-z0-9]+[a-z0-9-]*`
	// a space name.
	spacePattern = `[a-z0-9]+(?:-[a-z0-9]+)*`
)

var (
	validApplication  = lazyregexp.New(`^` + applicationPattern + `$`)
	validUnit         = lazyregexp.New(`^(` + applicationPattern + `)/` + numberPattern + `$`)
	validMachine      = lazyregexp.New(`^` + machinePattern + `$`)
	validEndpointName = lazyregexp.New(`^` + endpointNamePattern + `$`)
	validUser         = lazyregexp.New(`^` + userPartPattern + `(?:@` + userPartPattern + `)?$`)
	validModel        = lazyregexp.New(`^` + modelPattern + `$`)
	validSpace        = lazyregexp.New(`^` + spacePattern + `$`)
	validStorageID    = lazyregexp.New(`^` + applicationPattern + `/` + numberPattern + `$`)
)

func checkCIDR(s string) error {
	if _, _, err := net.ParseCIDR(s); err != nil {
		return invalid(ErrInvalidArgument, "CIDR", s, `must be an address range such as "10.0.0.0/8"`)
	}
	return nil
}

// IsValidApplicationName reports whether name follows Juju's rules for
// application names: lower-case letters and digits in hyphen-separated
// parts, starting with a letter, each part holding at least one letter
// ("postgresql", "pg-k8s"; not "pg-1", "Pg" or "1pg").
func IsValidApplicationName(name string) bool { return validApplication.MatchString(name) }

// IsValidUnitName reports whether name is a unit name, "<application>/<n>".
func IsValidUnitName(name string) bool { return validUnit.MatchString(name) }

// IsValidMachineID reports whether id is a machine id: "0", "12", or a
// container such as "0/lxd/1".
func IsValidMachineID(id string) bool { return validMachine.MatchString(id) }

// IsValidModelName reports whether name is a valid model name: lower-case
// letters, digits and non-leading hyphens, of any length (as Juju's rule:
// the real 4.0.15 server takes a 300-character name).
func IsValidModelName(name string) bool {
	return validModel.MatchString(name)
}

// IsValidUserName reports whether name is a valid Juju user name, such as
// "admin", "bob" or "bob@external". It is also the rule for a model's
// qualifier.
func IsValidUserName(name string) bool { return validUser.MatchString(name) }

func checkApplicationName(name string) error {
	if IsValidApplicationName(name) {
		return nil
	}
	reason := "must be lower-case letters and digits in hyphen-separated parts, start with a letter, and have a letter in every part"
	if name == "" {
		reason = "must not be empty"
	}
	return invalid(ErrInvalidName, "application name", name, reason)
}

func checkUnitName(name string) error {
	if IsValidUnitName(name) {
		return nil
	}
	return invalid(ErrInvalidName, "unit name", name, `must be "<application>/<number>", such as "pg/0"`)
}

func checkMachineID(id string) error {
	if IsValidMachineID(id) {
		return nil
	}
	return invalid(ErrInvalidName, "machine id", id, `must be a number such as "3", or a container such as "3/lxd/0"`)
}

func checkModelName(name string) error {
	switch {
	case IsValidModelName(name):
		return nil
	case name == "":
		return invalid(ErrInvalidName, "model name", name, "must not be empty")
	}
	return invalid(ErrInvalidName, "model name", name, "model names may only contain lowercase letters, digits and hyphens")
}

func checkUserName(what, name string) error {
	if IsValidUserName(name) {
		return nil
	}
	return invalid(ErrInvalidName, what, name, "must be at least two letters, digits, '.', '+' or '-', starting and ending with a letter or digit, optionally followed by @domain")
}

// unitApplication returns the application part of a valid unit name.
func unitApplication(unit string) string {
	app, _, _ := strings.Cut(unit, "/")
	return app
}

// unitNumber returns the number of a valid unit name.
func unitNumber(unit string) int {
	_, n, _ := strings.Cut(unit, "/")
	i, _ := strconv.Atoi(n)
	return i
}

// Tags as the wire spells them.

func applicationTag(name string) string { return "application-" + name }
func unitTag(name string) string        { return "unit-" + strings.Replace(name, "/", "-", 1) }
func machineTag(id string) string       { return "machine-" + strings.ReplaceAll(id, "/", "-") }
func modelTag(uuid string) string       { return "model-" + uuid }
func userTag(name string) string        { return "user-" + name }
func cloudTag(name string) string       { return "cloud-" + name }

// tagID strips the "<kind>-" prefix from a tag; ok is false if the tag is
// not of that kind.
func tagID(tag, kind string) (id string, ok bool) {
	return strings.CutPrefix(tag, kind+"-")
}

// machineFromTag turns "machine-0-lxd-1" into "0/lxd/1".
func machineFromTag(tag string) string {
	id, ok := tagID(tag, "machine")
	if !ok {
		return tag
	}
	return strings.ReplaceAll(id, "-", "/")
}

// Endpoint is one side of a relation as users write it:
// "application[:endpoint]". Name is empty when the endpoint is left for the
// controller to infer.
type Endpoint struct {
	// Application is the application name (or the name of a consumed
	// offer).
	Application string
	// Name is the endpoint (relation) name declared by the charm; may be
	// empty.
	Name string
}

// String returns the endpoint as "application[:name]".
func (e Endpoint) String() string {
	if e.Name == "" {
		return e.Application
	}
	return e.Application + ":" + e.Name
}

// ParseEndpoint parses "application[:endpoint]". The error matches
// ErrInvalidEndpoint.
func ParseEndpoint(s string) (Endpoint, error) {
	app, name, hasColon := strings.Cut(s, ":")
	switch {
	case s == "":
		return Endpoint{}, invalid(ErrInvalidEndpoint, "relation endpoint", s, `must be "application" or "application:endpoint"`)
	case !IsValidApplicationName(app):
		return Endpoint{}, invalidf(ErrInvalidEndpoint, "relation endpoint", s, "%q is not a valid application name", app)
	case hasColon && !validEndpointName.MatchString(name):
		return Endpoint{}, invalidf(ErrInvalidEndpoint, "relation endpoint", s, "%q is not a valid endpoint name", name)
	}
	return Endpoint{Application: app, Name: name}, nil
}

// modelRef is a reference to a model as users write it:
// "[controller:][qualifier/]name".
type modelRef struct {
	controller string
	qualifier  string
	name       string
}

// parseModelRef parses "[controller:][qualifier/]name". An empty string
// is an empty reference (the current model).
func parseModelRef(s string) (modelRef, error) {
	var r modelRef
	if s == "" {
		return r, nil
	}
	rest := s
	if c, m, ok := strings.Cut(s, ":"); ok {
		if c == "" {
			return r, invalid(ErrInvalidName, "model reference", s, `controller name before ":" is empty`)
		}
		r.controller, rest = c, m
	}
	if rest == "" {
		return r, nil // "ctrl:" = the controller's current model
	}
	if q, n, ok := strings.Cut(rest, "/"); ok {
		if err := checkUserName("model qualifier", q); err != nil {
			return r, err
		}
		r.qualifier, rest = q, n
	}
	if err := checkModelName(rest); err != nil {
		return r, err
	}
	r.name = rest
	return r, nil
}

// qualified returns "qualifier/name" (or just the name when the qualifier is
// not known).
func (r modelRef) qualified() string {
	if r.qualifier == "" {
		return r.name
	}
	return r.qualifier + "/" + r.name
}
