package juju

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gojuju/juju/internal/bundle"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// DiffPair is one difference: the bundle's value and the model's.
type DiffPair struct {
	Bundle any
	Model  any
}

// ApplicationDiff is how one application differs. Missing is "bundle" or
// "model" when the application is only in the other; then nothing else
// is set.
type ApplicationDiff struct {
	Missing  string
	Charm    *DiffPair
	NumUnits *DiffPair
	Expose   *DiffPair
	// Options holds the options the bundle sets to a value other than
	// the model's.
	Options map[string]DiffPair
}

// BundleDiff is how a model differs from a bundle. It is empty when they
// agree.
type BundleDiff struct {
	Applications map[string]*ApplicationDiff
	// Machines maps machine IDs to "bundle" or "model": where the machine
	// is missing.
	Machines map[string]string
	// BundleOnly are relations of the bundle the model lacks, ModelOnly
	// the model's relations the bundle lacks, as "a:x b:y" pairs.
	BundleOnly [][2]string
	ModelOnly  [][2]string
}

// Empty reports whether the bundle and the model agree.
func (d *BundleDiff) Empty() bool {
	return len(d.Applications) == 0 && len(d.Machines) == 0 && len(d.BundleOnly) == 0 && len(d.ModelOnly) == 0
}

// DiffBundle compares the bundle file at path (with opts.Overlays) with
// the model: applications (charm, unit count, exposure, the options the
// bundle sets), machines and relations. A local charm matches an
// application running a charm of the same name. Bad bundles are refused
// as by DeployBundle, before anything is sent.
func (m *Model) DiffBundle(ctx context.Context, path string, opts *BundleOptions) (*BundleDiff, error) {
	d, err := m.diffBundle(ctx, path, opts)
	return d, opError("diff bundle", path, err)
}

func (m *Model) diffBundle(ctx context.Context, path string, opts *BundleOptions) (*BundleDiff, error) {
	if opts == nil {
		opts = &BundleOptions{}
	}
	b, locals, err := readBundle(path, nil, "", opts.Overlays)
	if err != nil {
		return nil, err
	}
	_, st, err := m.bundleState(ctx)
	if err != nil {
		return nil, err
	}
	d := &BundleDiff{Applications: map[string]*ApplicationDiff{}, Machines: map[string]string{}}
	for _, n := range b.AppNames() {
		a := b.Applications[n]
		ma := st.Applications[n]
		if ma == nil {
			d.Applications[n] = &ApplicationDiff{Missing: "model"}
			continue
		}
		ad := &ApplicationDiff{}
		want := a.Charm
		if lc := locals[n]; lc != nil {
			want = lc.name
		}
		want = strings.TrimPrefix(want, "ch:")
		if want != ma.CharmName {
			ad.Charm = &DiffPair{Bundle: a.Charm, Model: ma.Charm}
		}
		if a.NumUnits >= 0 && a.NumUnits != len(ma.Units) && !ma.Subordinate() {
			ad.NumUnits = &DiffPair{Bundle: a.NumUnits, Model: len(ma.Units)}
		}
		if a.Expose != ma.Exposed {
			ad.Expose = &DiffPair{Bundle: a.Expose, Model: ma.Exposed}
		}
		if len(a.Options) > 0 {
			cfg, err := m.Application(n).config(ctx)
			if err != nil {
				return nil, err
			}
			for k, v := range a.Options {
				mv := cfg[k].Value
				if fmt.Sprint(mv) != fmt.Sprint(v) {
					if ad.Options == nil {
						ad.Options = map[string]DiffPair{}
					}
					ad.Options[k] = DiffPair{Bundle: v, Model: mv}
				}
			}
		}
		if ad.Charm != nil || ad.NumUnits != nil || ad.Expose != nil || ad.Options != nil {
			d.Applications[n] = ad
		}
	}
	for n := range st.Applications {
		if _, ok := b.Applications[n]; !ok {
			d.Applications[n] = &ApplicationDiff{Missing: "bundle"}
		}
	}
	for id := range b.Machines {
		if _, ok := st.Machines[id]; !ok {
			d.Machines[id] = "model"
		}
	}
	for id := range st.Machines {
		if _, ok := b.Machines[id]; !ok {
			d.Machines[id] = "bundle"
		}
	}
	// Relations, compared by application pairs and named endpoints.
	type rel struct{ a, b string }
	model := map[string]rel{}
	for _, r := range st.Relations {
		if len(r.Endpoints) != 2 {
			continue
		}
		x := r.Endpoints[0].Application + ":" + r.Endpoints[0].Name
		y := r.Endpoints[1].Application + ":" + r.Endpoints[1].Name
		model[bundle.RelationKey(x, y)] = rel{x, y}
	}
	matched := map[string]bool{}
	for _, r := range b.Relations {
		found := false
		for k, mr := range model {
			if endpointMatch(r.A, mr.a) && endpointMatch(r.B, mr.b) || endpointMatch(r.A, mr.b) && endpointMatch(r.B, mr.a) {
				matched[k], found = true, true
				break
			}
		}
		if !found {
			d.BundleOnly = append(d.BundleOnly, [2]string{r.A, r.B})
		}
	}
	keys := make([]string, 0, len(model))
	for k := range model {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !matched[k] {
			d.ModelOnly = append(d.ModelOnly, [2]string{model[k].a, model[k].b})
		}
	}
	return d, nil
}

// endpointMatch: "app" matches "app:any"; "app:ep" matches exactly.
func endpointMatch(bundleEP, modelEP string) bool {
	if !strings.Contains(bundleEP, ":") {
		app, _ := bundle.SplitEndpoint(modelEP)
		return app == bundleEP
	}
	return bundleEP == modelEP
}

// ExportBundle returns the model as a bundle (YAML), where the controller
// supports it. Juju 4.0 does not: the error matches ErrNotSupported (and
// ErrNotImplemented, the code the controller answers).
func (m *Model) ExportBundle(ctx context.Context) (string, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return "", opError("export bundle", m.name, err)
	}
	r, err := apiclient.NewBundleClient(conn).ExportBundle(ctx, apiclient.ExportBundleParams{})
	if err == nil && r.Error != nil {
		err = r.Error
	}
	if err != nil {
		if errors.Is(err, ErrNotImplemented) {
			err = &notSupportedError{err}
		}
		return "", opError("export bundle", m.name, err)
	}
	return r.Result, nil
}

// notSupportedError is a controller's "not implemented" answer for a
// feature its release lacks: it matches ErrNotSupported too.
type notSupportedError struct{ err error }

func (e *notSupportedError) Error() string { return e.err.Error() }
func (e *notSupportedError) Unwrap() []error {
	return []error{e.err, ErrNotSupported}
}
