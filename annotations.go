package juju

import (
	"context"
	"fmt"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Annotations are free-form key-value notes a user attaches to a model,
// an application, a unit or a machine (the Annotations facade; bundles
// carry applications' annotations, and "juju export-bundle" shows them).
// The controller does not interpret them.

// Annotations returns the model's annotations.
func (m *Model) Annotations(ctx context.Context) (map[string]string, error) {
	a, err := m.annotations(ctx, modelTag(m.uuid))
	return a, opError("get annotations of model", m.name, err)
}

// SetAnnotations sets the model's annotations given; an empty value
// removes its key. Keys are non-empty and without '.'.
func (m *Model) SetAnnotations(ctx context.Context, annotations map[string]string) error {
	return opError("set annotations of model", m.name, m.setAnnotations(ctx, modelTag(m.uuid), annotations))
}

// Annotations returns the application's annotations.
func (a *Application) Annotations(ctx context.Context) (map[string]string, error) {
	var ann map[string]string
	err := checkApplicationName(a.name)
	if err == nil {
		ann, err = a.m.annotations(ctx, applicationTag(a.name))
	}
	return ann, opError("get annotations of application", a.name, err)
}

// SetAnnotations sets the application's annotations given; an empty
// value removes its key. Keys are non-empty and without '.'.
func (a *Application) SetAnnotations(ctx context.Context, annotations map[string]string) error {
	err := checkApplicationName(a.name)
	if err == nil {
		err = a.m.setAnnotations(ctx, applicationTag(a.name), annotations)
	}
	return opError("set annotations of application", a.name, err)
}

// Annotations returns the unit's annotations.
func (u *Unit) Annotations(ctx context.Context) (map[string]string, error) {
	var ann map[string]string
	err := checkUnitName(u.name)
	if err == nil {
		ann, err = u.m.annotations(ctx, unitTag(u.name))
	}
	return ann, opError("get annotations of unit", u.name, err)
}

// SetAnnotations sets the unit's annotations given; an empty value
// removes its key. Keys are non-empty and without '.'.
func (u *Unit) SetAnnotations(ctx context.Context, annotations map[string]string) error {
	err := checkUnitName(u.name)
	if err == nil {
		err = u.m.setAnnotations(ctx, unitTag(u.name), annotations)
	}
	return opError("set annotations of unit", u.name, err)
}

// Annotations returns the machine's annotations.
func (mc *Machine) Annotations(ctx context.Context) (map[string]string, error) {
	var ann map[string]string
	err := checkMachineID(mc.id)
	if err == nil {
		ann, err = mc.m.annotations(ctx, machineTag(mc.id))
	}
	return ann, opError("get annotations of machine", mc.id, err)
}

// SetAnnotations sets the machine's annotations given; an empty value
// removes its key. Keys are non-empty and without '.'.
func (mc *Machine) SetAnnotations(ctx context.Context, annotations map[string]string) error {
	err := checkMachineID(mc.id)
	if err == nil {
		err = mc.m.setAnnotations(ctx, machineTag(mc.id), annotations)
	}
	return opError("set annotations of machine", mc.id, err)
}

func (m *Model) annotations(ctx context.Context, tag string) (map[string]string, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewAnnotationsClient(conn).Get(ctx, facades.Entities{Entities: []facades.Entity{{Tag: tag}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	r := res.Results[0]
	if r.Error != nil && r.Error.Error != nil {
		return nil, apiclient.ServerError(r.Error.Error)
	}
	out := make(map[string]string, len(r.Annotations))
	for k, v := range r.Annotations {
		out[k] = v
	}
	return out, nil
}

func (m *Model) setAnnotations(ctx context.Context, tag string, annotations map[string]string) error {
	if len(annotations) == 0 {
		return invalid(ErrInvalidArgument, "annotations", "", "set at least one key")
	}
	for k := range annotations {
		if k == "" || strings.Contains(k, ".") {
			return invalid(ErrInvalidArgument, "annotation key", k, "must be non-empty and without '.'")
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	// Annotations.Set sets the values given: sent again after a lost
	// reply (the idempotent table), it changes nothing the first did not.
	return errorResults(apiclient.NewAnnotationsClient(conn).Set(ctx, facades.AnnotationsSet{Annotations: []facades.EntityAnnotations{{Entity: tag, Annotations: annotations}}}))
}
