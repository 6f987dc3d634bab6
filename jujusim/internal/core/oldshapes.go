package core

import (
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// Replies whose shape changed in a facade version the schemas do not
// describe (they hold each facade's newest version only): olderShapes
// converts the reply of the newest shape to the one an older version
// sends, keyed by "Facade.Method", for versions below minVersion.
var olderShapes = map[string]struct {
	minVersion int
	convert    func(res any) any
}{
	// Charms v5 and v6 (Juju 3.6 serves 5–7; python-libjuju 3.x asks for
	// 6) answer supported series where v7 answers supported bases.
	"Charms.ResolveCharms": {7, resolveCharmsSeries},
}

// olderShape returns res in the shape version of facade.method sends.
func olderShape(facade string, version int, method string, res any) any {
	if s, ok := olderShapes[facade+"."+method]; ok && version < s.minVersion {
		return s.convert(res)
	}
	return res
}

// resolveCharmWithChannelResultSeries is one result of Charms v5/v6
// ResolveCharms.
type resolveCharmWithChannelResultSeries struct {
	CharmOrigin     facades.CharmOrigin `json:"charm-origin"`
	Error           *facades.Error      `json:"error,omitempty"`
	SupportedSeries []string            `json:"supported-series"`
	URL             string              `json:"url"`
}

type resolveCharmWithChannelResultsSeries struct {
	Results []resolveCharmWithChannelResultSeries `json:"Results"`
}

func resolveCharmsSeries(res any) any {
	in, ok := res.(facades.ResolveCharmWithChannelResults)
	if !ok {
		return res
	}
	out := resolveCharmWithChannelResultsSeries{Results: make([]resolveCharmWithChannelResultSeries, len(in.Results))}
	for i, r := range in.Results {
		o := resolveCharmWithChannelResultSeries{CharmOrigin: r.CharmOrigin, Error: r.Error, URL: r.URL, SupportedSeries: []string{}}
		for _, b := range r.SupportedBases {
			if s := seriesOf(b.Name, b.Channel); s != "" {
				o.SupportedSeries = append(o.SupportedSeries, s)
			}
		}
		out.Results[i] = o
	}
	return out
}

// ubuntuSeries maps Ubuntu releases to their series names, for the Juju
// 3.6 calls that still speak series.
var ubuntuSeries = map[string]string{
	"16.04": "xenial", "18.04": "bionic", "20.04": "focal", "22.04": "jammy",
	"23.10": "mantic", "24.04": "noble", "24.10": "oracular", "25.04": "plucky",
}

// seriesOf is a base's series name ("" when it has none).
func seriesOf(name, channel string) string {
	if name != "ubuntu" {
		return ""
	}
	track, _, _ := strings.Cut(channel, "/")
	return ubuntuSeries[track]
}

// baseOfSeries is the base of an Ubuntu series name.
func baseOfSeries(series string) (base, bool) {
	for track, s := range ubuntuSeries {
		if s == series {
			return base{Name: "ubuntu", Channel: track}, true
		}
	}
	return base{}, false
}
