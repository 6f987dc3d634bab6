package juju

import (
	"slices"
	"strings"

	"github.com/gojuju/juju/internal/lazyregexp"
)

// Base is the operating system a charm or machine runs on, such as
// ubuntu@22.04. It replaces the "series" (jammy, noble) of older Juju
// versions: Juju 4 knows only bases.
//
// The channel is "track[/risk]"; the risk is one of stable (the default),
// candidate, beta and edge. Two bases that differ only in an explicit
// "/stable" are the same base (see Equal).
type Base struct {
	// OS is the operating system name: "ubuntu", "centos".
	OS string
	// Channel is the OS version track with an optional risk: "22.04",
	// "24.04/edge".
	Channel string
}

// The risks a base channel may carry, from most to least stable.
var baseRisks = []string{"stable", "candidate", "beta", "edge"}

var (
	validOSName      = lazyregexp.New(`^[a-z][a-z0-9-]*$`)
	validTrack       = lazyregexp.New(`^[a-z0-9][a-z0-9.-]*$`)
	validUbuntuTrack = lazyregexp.New(`^[0-9]{2}\.[0-9]{2}$`)
	validCentOSTrack = lazyregexp.New(`^[0-9]+$`)
)

// ParseBase parses a base written as "os@track[/risk]", for example
// "ubuntu@22.04" or "ubuntu@24.04/candidate". The error matches
// ErrInvalidBase and explains what is wrong, including the common mistake of
// writing a series where the version belongs ("ubuntu@jammy").
func ParseBase(s string) (Base, error) {
	os, channel, ok := strings.Cut(s, "@")
	if !ok {
		reason := `must be "os@version", such as "ubuntu@22.04"`
		if b, err := BaseForSeries(s); err == nil {
			reason = "this is a series; the base is " + b.String()
		}
		return Base{}, invalid(ErrInvalidBase, "base", s, reason)
	}
	b := Base{OS: os, Channel: channel}
	if err := b.check(s); err != nil {
		return Base{}, err
	}
	return b, nil
}

// Validate reports whether b is a well-formed base; the error matches
// ErrInvalidBase. The zero Base is valid and means "no base chosen".
func (b Base) Validate() error {
	if b.IsZero() {
		return nil
	}
	return b.check(b.OS + "@" + b.Channel)
}

func (b Base) check(s string) error {
	if b.OS == "" {
		return invalid(ErrInvalidBase, "base", s, `the OS name is empty (want "os@version", such as "ubuntu@22.04")`)
	}
	if !validOSName.MatchString(b.OS) {
		return invalidf(ErrInvalidBase, "base", s, "%q is not a valid OS name", b.OS)
	}
	if b.Channel == "" {
		return invalid(ErrInvalidBase, "base", s, `the version is empty (want "os@version", such as "ubuntu@22.04")`)
	}
	track, risk, hasRisk := strings.Cut(b.Channel, "/")
	if hasRisk && !slices.Contains(baseRisks, risk) {
		if strings.Contains(risk, "/") {
			return invalid(ErrInvalidBase, "base", s, `a base channel is "version[/risk]" and takes no branch`)
		}
		return invalidf(ErrInvalidBase, "base", s, "risk %q is not one of %s", risk, strings.Join(baseRisks, ", "))
	}
	if track == "" {
		return invalid(ErrInvalidBase, "base", s, "the version is empty")
	}
	if alt, err := BaseForSeries(track); err == nil && alt.OS == b.OS {
		return invalidf(ErrInvalidBase, "base", s, "%q is a series, not a version; use %s", track, alt)
	}
	switch {
	case b.OS == "ubuntu" && !validUbuntuTrack.MatchString(track):
		return invalidf(ErrInvalidBase, "base", s, `Ubuntu versions look like "22.04", not %q`, track)
	case b.OS == "centos" && !validCentOSTrack.MatchString(track):
		return invalidf(ErrInvalidBase, "base", s, `CentOS versions look like "9", not %q`, track)
	case !validTrack.MatchString(track):
		return invalidf(ErrInvalidBase, "base", s, "%q is not a valid version", track)
	}
	return nil
}

// IsZero reports whether b is the zero Base (no base chosen).
func (b Base) IsZero() bool { return b.OS == "" && b.Channel == "" }

// Track returns the version part of the channel ("22.04").
func (b Base) Track() string {
	t, _, _ := strings.Cut(b.Channel, "/")
	return t
}

// Risk returns the risk part of the channel, "stable" when none is given.
func (b Base) Risk() string {
	if _, r, ok := strings.Cut(b.Channel, "/"); ok && r != "" {
		return r
	}
	return "stable"
}

// String returns the base as users write it, "os@track" with "/risk"
// added only when the risk is not stable. The zero Base gives "".
func (b Base) String() string {
	if b.IsZero() {
		return ""
	}
	if r := b.Risk(); r != "stable" {
		return b.OS + "@" + b.Track() + "/" + r
	}
	return b.OS + "@" + b.Track()
}

// Equal reports whether b and o are the same base; "22.04" and
// "22.04/stable" are equal.
func (b Base) Equal(o Base) bool {
	return b.OS == o.OS && b.Track() == o.Track() && b.Risk() == o.Risk()
}

// normalized returns the base with an explicit risk ("22.04/stable"), the
// form the juju CLI puts into charm origins.
func (b Base) normalized() Base {
	if b.IsZero() {
		return b
	}
	return Base{OS: b.OS, Channel: b.Track() + "/" + b.Risk()}
}

// seriesBases maps the series names of older Juju versions to bases. It is
// only used to translate a series for a Juju 3.6 controller, or to name the
// base to use in the error a Juju 4 controller gets.
var seriesBases = map[string]Base{
	"precise":  {"ubuntu", "12.04"},
	"quantal":  {"ubuntu", "12.10"},
	"raring":   {"ubuntu", "13.04"},
	"saucy":    {"ubuntu", "13.10"},
	"trusty":   {"ubuntu", "14.04"},
	"utopic":   {"ubuntu", "14.10"},
	"vivid":    {"ubuntu", "15.04"},
	"wily":     {"ubuntu", "15.10"},
	"xenial":   {"ubuntu", "16.04"},
	"yakkety":  {"ubuntu", "16.10"},
	"zesty":    {"ubuntu", "17.04"},
	"artful":   {"ubuntu", "17.10"},
	"bionic":   {"ubuntu", "18.04"},
	"cosmic":   {"ubuntu", "18.10"},
	"disco":    {"ubuntu", "19.04"},
	"eoan":     {"ubuntu", "19.10"},
	"focal":    {"ubuntu", "20.04"},
	"groovy":   {"ubuntu", "20.10"},
	"hirsute":  {"ubuntu", "21.04"},
	"impish":   {"ubuntu", "21.10"},
	"jammy":    {"ubuntu", "22.04"},
	"kinetic":  {"ubuntu", "22.10"},
	"lunar":    {"ubuntu", "23.04"},
	"mantic":   {"ubuntu", "23.10"},
	"noble":    {"ubuntu", "24.04"},
	"oracular": {"ubuntu", "24.10"},
	"plucky":   {"ubuntu", "25.04"},
	"questing": {"ubuntu", "25.10"},
	"resolute": {"ubuntu", "26.04"},
	"centos7":  {"centos", "7"},
	"centos8":  {"centos", "8"},
	"centos9":  {"centos", "9"},
	// Juju's pseudo-series for legacy Kubernetes charms.
	"kubernetes": {"ubuntu", "20.04"},
}

// BaseForSeries returns the base that a series name of older Juju versions
// stands for: "jammy" gives ubuntu@22.04, "noble" ubuntu@24.04, "centos9"
// centos@9. The error matches ErrInvalidBase when the series is unknown.
func BaseForSeries(series string) (Base, error) {
	if b, ok := seriesBases[series]; ok {
		return b, nil
	}
	return Base{}, invalid(ErrInvalidBase, "series", series, "unknown series")
}

// SeriesForBase returns the series name of older Juju versions for a base,
// "" when there is none.
func SeriesForBase(b Base) string {
	for s, sb := range seriesBases {
		if s != "kubernetes" && sb.OS == b.OS && sb.Track() == b.Track() {
			return s
		}
	}
	return ""
}
