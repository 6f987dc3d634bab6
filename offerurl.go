package juju

import (
	"errors"
	"strings"
)

// ErrInvalidOfferURL is returned for an offer URL that does not parse
// (see ParseOfferURL). It also matches ErrInvalidInput.
var ErrInvalidOfferURL = errors.New("invalid offer URL")

// ErrOfferInUse is returned when an offer that other models are related
// to is removed without RemoveOfferOptions.Force; nothing is removed.
var ErrOfferInUse = errors.New("offer in use")

// OfferURL is the address of an offer: "[controller:][qualifier/]model.offer".
//
// Juju 4 names the model by its qualifier ("admin/prod.db"); Juju 3.6 by
// its owner, a user name that may carry a domain ("bob@external/prod.db").
// Both are held in Qualifier. A URL without a controller names an offer
// on the controller it is used with; one without a qualifier, an offer in
// a model of the connected user.
type OfferURL struct {
	// Controller is the controller name; empty for the controller in use.
	Controller string
	// Qualifier is the model's qualifier (Juju 4) or owner (Juju 3.6);
	// may be empty.
	Qualifier string
	// Model is the offering model's name.
	Model string
	// Name is the offer name.
	Name string
}

// String returns the URL as Juju writes it.
func (u OfferURL) String() string {
	var b strings.Builder
	if u.Controller != "" {
		b.WriteString(u.Controller + ":")
	}
	if u.Qualifier != "" {
		b.WriteString(u.Qualifier + "/")
	}
	b.WriteString(u.Model + "." + u.Name)
	return b.String()
}

// IsValidOfferName reports whether name is a valid offer name: the rule
// for application names ("postgresql", "db-1a"; not "DB" or "1db").
func IsValidOfferName(name string) bool { return IsValidApplicationName(name) }

// ParseOfferURL parses "[controller:][qualifier/]model.offer", such as
// "admin/prod.db", "prod.db", "ctrl:admin/prod.db" or, in the Juju 3.6
// owner form, "bob@external/prod.db". The error matches
// ErrInvalidOfferURL (and ErrInvalidInput).
func ParseOfferURL(s string) (OfferURL, error) {
	bad := func(reason string) (OfferURL, error) {
		return OfferURL{}, invalid(ErrInvalidOfferURL, "offer URL", s, reason)
	}
	var u OfferURL
	rest := s
	if s == "" {
		return bad(`must not be empty; write "[controller:][qualifier/]model.offer"`)
	}
	if c, after, ok := strings.Cut(s, ":"); ok {
		if !isControllerName(c) {
			return bad("controller name before \":\" is not valid")
		}
		u.Controller, rest = c, after
	}
	if q, after, ok := strings.Cut(rest, "/"); ok {
		if !IsValidUserName(q) {
			return bad("qualifier " + quote(q) + " is not a valid qualifier or user name")
		}
		u.Qualifier, rest = q, after
	}
	model, name, ok := strings.Cut(rest, ".")
	switch {
	case !ok:
		return bad(`must name the model and the offer: "model.offer"`)
	case !IsValidModelName(model):
		return bad("model name " + quote(model) + " is not valid")
	case !IsValidOfferName(name):
		return bad("offer name " + quote(name) + " is not valid (lower-case letters and digits in hyphen-separated parts, starting with a letter)")
	}
	u.Model, u.Name = model, name
	return u, nil
}

// isControllerName reports whether s can be a controller name in the
// CLI's store (letters, digits, '.', '-', '_').
func isControllerName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return s != ""
}

func quote(s string) string { return `"` + s + `"` }
