package juju

import "github.com/gojuju/juju/internal/facades"

// CharmResource is a resource a charm declares.
type CharmResource struct {
	// Type is ResourceFile or ResourceOCIImage.
	Type string
	// Path is the file name the charm sees (file resources).
	Path string
	// Description is the charm's description of the resource.
	Description string
}

// CharmContainer is a workload container a Kubernetes charm declares.
type CharmContainer struct {
	// Resource is the OCI image resource the container runs.
	Resource string
	// Mounts lists the storage the container mounts.
	Mounts []CharmMount
}

// CharmMount is a storage mount of a charm's container.
type CharmMount struct {
	Storage  string // the charm's storage name
	Location string // where it is mounted in the container
}

func charmResourcesFromWire(in map[string]facades.CharmResourceMeta) map[string]CharmResource {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]CharmResource, len(in))
	for k, r := range in {
		out[k] = CharmResource{Type: r.Type, Path: r.Path, Description: r.Description}
	}
	return out
}

func charmContainersFromWire(in map[string]facades.CharmContainer) map[string]CharmContainer {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]CharmContainer, len(in))
	for k, c := range in {
		cc := CharmContainer{Resource: c.Resource}
		for _, mt := range c.Mounts {
			cc.Mounts = append(cc.Mounts, CharmMount{Storage: mt.Storage, Location: mt.Location})
		}
		out[k] = cc
	}
	return out
}
