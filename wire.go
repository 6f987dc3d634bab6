package juju

import (
	"slices"

	"github.com/gojuju/juju/internal/facades"
)

// Conversions between this package's types and the generated wire types.

func (c Constraints) wire() facades.Value {
	v := facades.Value{
		Arch:           c.Arch,
		Container:      c.Container,
		Cores:          int(c.Cores),
		CPUPower:       int(c.CPUPower),
		Mem:            int(c.Mem),
		RootDisk:       int(c.RootDisk),
		RootDiskSource: c.RootDiskSource,
		Tags:           slices.Clone(c.Tags),
		InstanceRole:   c.InstanceRole,
		InstanceType:   c.InstanceType,
		Spaces:         slices.Clone(c.Spaces),
		VirtType:       c.VirtType,
		Zones:          slices.Clone(c.Zones),
		ImageID:        c.ImageID,
	}
	if c.AllocatePublicIP != nil {
		b := *c.AllocatePublicIP
		v.AllocatePublicIP = &b
	}
	return v
}

func constraintsFromWire(v facades.Value) Constraints {
	c := Constraints{
		Arch:           v.Arch,
		Container:      v.Container,
		Cores:          uint64(max(v.Cores, 0)),
		CPUPower:       uint64(max(v.CPUPower, 0)),
		Mem:            uint64(max(v.Mem, 0)),
		RootDisk:       uint64(max(v.RootDisk, 0)),
		RootDiskSource: v.RootDiskSource,
		Tags:           slices.Clone(v.Tags),
		InstanceRole:   v.InstanceRole,
		InstanceType:   v.InstanceType,
		Spaces:         slices.Clone(v.Spaces),
		VirtType:       v.VirtType,
		Zones:          slices.Clone(v.Zones),
		ImageID:        v.ImageID,
	}
	if v.AllocatePublicIP != nil {
		b := *v.AllocatePublicIP
		c.AllocatePublicIP = &b
	}
	return c
}

func (b Base) wire() *facades.Base {
	if b.IsZero() {
		return nil
	}
	return &facades.Base{Name: b.OS, Channel: b.Channel}
}

func baseFromWire(b *facades.Base) Base {
	if b == nil {
		return Base{}
	}
	return Base{OS: b.Name, Channel: b.Channel}
}

// wirePlacement converts a placement; the model scope becomes the model's
// UUID, as the controller expects.
func (p Placement) wire(modelUUID string) facades.Placement {
	scope := p.Scope
	if scope == ModelScope {
		scope = modelUUID
	}
	return facades.Placement{Scope: scope, Directive: p.Directive}
}

func wirePlacements(ps []Placement, modelUUID string) []facades.Placement {
	if len(ps) == 0 {
		return nil
	}
	out := make([]facades.Placement, len(ps))
	for i, p := range ps {
		out[i] = p.wire(modelUUID)
	}
	return out
}
