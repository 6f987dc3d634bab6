package core

import (
	"errors"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/internal/bundle"
	"github.com/gojuju/juju/internal/facades"
)

// GetChangesMapArgs computes a bundle's change list as the controller
// does: for an empty model, without reading local charms. A bundle that
// does not parse or check is answered with its errors in Errors.
func (bundleFacade) GetChangesMapArgs(cx *callCtx, a facades.BundleChangesParams) (facades.BundleChangesMapArgsResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.BundleChangesMapArgsResults{}, err
	}
	if a.BundleURL != "" && a.YAML == "" {
		return facades.BundleChangesMapArgsResults{}, errNotSupported("bundle URLs are not simulated by jujusim; send the bundle's YAML")
	}
	b, err := bundle.Read(bundle.Source{Data: []byte(a.YAML), File: "bundle"})
	if err != nil {
		var be *bundle.Error
		if errors.As(err, &be) && errors.Is(err, bundle.ErrSyntax) {
			// As the real server: YAML it cannot read fails the call.
			return facades.BundleChangesMapArgsResults{}, newErr("", "cannot read bundle YAML: %s", be.Msg)
		}
		if errors.As(err, &be) {
			return facades.BundleChangesMapArgsResults{Errors: []string{be.Msg}}, nil
		}
		return facades.BundleChangesMapArgsResults{Errors: []string{err.Error()}}, nil
	}
	changes := bundle.Changes(b, nil, nil)
	// As the real 4.0.15 controller: one empty error per change.
	out := facades.BundleChangesMapArgsResults{Changes: make([]facades.BundleChangesMapArgs, len(changes)), Errors: make([]string, len(changes))}
	for i, c := range changes {
		req := c.Requires
		if req == nil {
			req = []string{}
		}
		out.Changes[i] = facades.BundleChangesMapArgs{ID: c.ID, Method: c.Method, Args: c.Args, Requires: req}
	}
	return out, nil
}

// ExportBundle: Juju 4.0 does not export bundles.
func (bundleFacade) ExportBundle(cx *callCtx, _ facades.ExportBundleParams) (facades.StringResult, error) {
	if err := cx.check("read"); err != nil {
		return facades.StringResult{}, err
	}
	return facades.StringResult{}, errNotImplemented("Juju 4.0 doesn't support exporting bundles")
}

// ExportBundleJuju36 exports the model's applications, machines and
// relations as a bundle.
func (bundleFacade) ExportBundleJuju36(cx *callCtx, a facades.ExportBundleParamsJuju36) (facades.StringResult, error) {
	if err := cx.check("read"); err != nil {
		return facades.StringResult{}, err
	}
	m := cx.m
	type app struct {
		Charm    string         `yaml:"charm"`
		Channel  string         `yaml:"channel,omitempty"`
		Revision *int           `yaml:"revision,omitempty"`
		Base     string         `yaml:"base,omitempty"`
		NumUnits int            `yaml:"num_units,omitempty"`
		To       []string       `yaml:"to,omitempty"`
		Options  map[string]any `yaml:"options,omitempty"`
		Expose   bool           `yaml:"expose,omitempty"`
		Trust    bool           `yaml:"trust,omitempty"`
		// Annotations as the real 3.6 controller exports them.
		Annotations map[string]string `yaml:"annotations,omitempty"`
	}
	type mach struct {
		Base        string            `yaml:"base,omitempty"`
		Annotations map[string]string `yaml:"annotations,omitempty"`
	}
	doc := struct {
		Applications map[string]app  `yaml:"applications"`
		Machines     map[string]mach `yaml:"machines,omitempty"`
		Relations    [][]string      `yaml:"relations,omitempty"`
	}{Applications: map[string]app{}, Machines: map[string]mach{}}
	for name, ap := range m.apps {
		if ap.life != "alive" {
			continue
		}
		x := app{Charm: ap.charm.name, Channel: ap.channel, Base: ap.base.noRisk().String(), Expose: ap.exposed, Trust: ap.trust,
			Annotations: copyStringsOrNil(m.annotations["application-"+name])}
		if ap.charm.schema == "local" {
			x.Charm = "local:" + ap.charm.name
		} else {
			r := ap.charm.revision
			x.Revision = &r
		}
		if len(ap.config) > 0 {
			x.Options = map[string]any{}
			for k, v := range ap.config {
				x.Options[k] = v
			}
		}
		var units []*unit
		for _, u := range ap.units {
			units = append(units, u)
		}
		sort.Slice(units, func(i, j int) bool { return units[i].num < units[j].num })
		for _, u := range units {
			x.NumUnits++
			if u.machine != nil {
				x.To = append(x.To, u.machine.id)
				doc.Machines[u.machine.id] = mach{Annotations: copyStringsOrNil(m.annotations["machine-"+strings.ReplaceAll(u.machine.id, "/", "-")])}
			}
		}
		doc.Applications[name] = x
	}
	ids := make([]int, 0, len(m.relations))
	for id := range m.relations {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		r := m.relations[id]
		if len(r.endpoints) != 2 {
			continue
		}
		doc.Relations = append(doc.Relations, []string{r.endpoints[0].app + ":" + r.endpoints[0].rel.Name, r.endpoints[1].app + ":" + r.endpoints[1].rel.Name})
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return facades.StringResult{}, err
	}
	return facades.StringResult{Result: strings.TrimSpace(string(out)) + "\n"}, nil
}

func copyStringsOrNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return copyStrings(m)
}

// Sequences answers as the real 4.0.15 server does for every model the
// recorded flows show (before and after a bundle deployment): no
// sequences. The juju CLI reads them when it deploys or diffs a bundle.
func (modelConfigFacade) Sequences(cx *callCtx) (facades.ModelSequencesResult, error) {
	if err := cx.check("read"); err != nil {
		return facades.ModelSequencesResult{}, err
	}
	return facades.ModelSequencesResult{}, nil
}
