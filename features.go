package juju

import (
	"context"
	"strconv"
	"strings"
)

// This file is the one place where behaviour that differs between Juju 4
// and Juju 3.6 is decided. Everything else asks it.

// features is what the controller's version implies for the client.
type features struct {
	version string
	major   int
	minor   int
	juju4   bool
}

// parseVersion returns the major and minor numbers of "4.0.15",
// "3.6-beta2", "4.1-beta2.1"; zeros when the version cannot be read.
func parseVersion(v string) (major, minor int) {
	parts := strings.SplitN(v, ".", 3)
	major, _ = strconv.Atoi(parts[0])
	if len(parts) > 1 {
		m := parts[1]
		if i := strings.IndexAny(m, "-+"); i >= 0 {
			m = m[:i]
		}
		minor, _ = strconv.Atoi(m)
	}
	return major, minor
}

func featuresFor(version string) features {
	major, minor := parseVersion(version)
	return features{version: version, major: major, minor: minor, juju4: major >= 4}
}

// features returns the features of the controller, known after the first
// login (which Connect performs).
func (c *Controller) features() features {
	info, _ := c.loginInfo()
	return featuresFor(info.ServerVersion)
}

// allowsSeries reports whether a series may be given (translated to a
// base): only before Juju 4.
func (f features) allowsSeries() bool { return !f.juju4 }

// seriesError refuses a series on a Juju 4 controller. It names the base to
// use and matches ErrSeriesNotSupported, ErrNotSupported and
// ErrInvalidInput.
type seriesError struct {
	series string
	base   Base // zero when the series is unknown
	server string
}

func (e *seriesError) Error() string {
	msg := "series " + strconv.Quote(e.series) + " is not supported by Juju " + e.server + " controllers, which only know bases"
	if !e.base.IsZero() {
		return msg + ": use base " + strconv.Quote(e.base.String()) + " instead"
	}
	return msg + `: use a base such as "ubuntu@24.04" instead`
}

func (e *seriesError) Is(target error) bool {
	return target == ErrSeriesNotSupported || target == ErrNotSupported || target == ErrInvalidInput
}

// chooseBase applies the base-over-series rule to an operation's base and
// series arguments, before anything is sent:
//   - a base and a series together are refused;
//   - on Juju 4, a series is refused with an error naming the base to use;
//   - before Juju 4, a series is translated to its base, and the
//     deprecation is logged once per Controller;
//   - a base must parse.
//
// The zero Base means neither was given.
func (c *Controller) chooseBase(ctx context.Context, base, series string) (Base, error) {
	if series != "" && base != "" {
		return Base{}, invalidf(ErrInvalidArgument, "arguments", "base="+base+" series="+series, "give a base or a series, not both")
	}
	if series != "" {
		b, err := BaseForSeries(series)
		f := c.features()
		if !f.allowsSeries() {
			if err != nil {
				b = Base{}
			}
			return Base{}, &seriesError{series: series, base: b, server: strconv.Itoa(f.major)}
		}
		if err != nil {
			return Base{}, err
		}
		c.seriesOnce.Do(func() {
			c.logger.WarnContext(ctx, "series is deprecated: use a base instead", "series", series, "base", b.String(), "server-version", f.version)
		})
		return b, nil
	}
	if base == "" {
		return Base{}, nil
	}
	return ParseBase(base)
}
