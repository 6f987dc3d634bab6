package jujutest

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
)

// addModelOptions returns the options of the model's creation: AddModel,
// completed for a Kubernetes model (Kubernetes, or Cloud/GOJUJU_CLOUD
// "kubernetes"), a machine model (Cloud "machine": the controller's first
// machine cloud) or a named cloud.
func (o *Options) addModelOptions(ctx context.Context, tg *target, ctrl *juju.Controller) (*juju.AddModelOptions, error) {
	if o.AddModel != nil && o.AddModel.Cloud != "" {
		return o.AddModel, nil
	}
	if o.Kubernetes {
		return kubernetesModelOptions(ctx, tg, ctrl, o.AddModel)
	}
	cloud := o.Cloud
	if cloud == "" {
		cloud = os.Getenv(EnvCloud)
	}
	switch strings.ToLower(strings.TrimSpace(cloud)) {
	case "":
		return o.AddModel, nil
	case "kubernetes", "k8s":
		return kubernetesModelOptions(ctx, tg, ctrl, o.AddModel)
	case "machine", "machines":
		// The first machine cloud: a controller with a Kubernetes
		// cloud as well needs it named.
		clouds, err := ctrl.Clouds(ctx)
		if err != nil {
			return nil, err
		}
		cloud = ""
		for _, c := range clouds {
			if !c.IsKubernetes() {
				cloud = c.Name
				break
			}
		}
		if cloud == "" {
			return nil, fmt.Errorf("cannot add a machine model: the controller %q has no machine cloud", tg.controller)
		}
	}
	out := juju.AddModelOptions{}
	if o.AddModel != nil {
		out = *o.AddModel
	}
	out.Cloud = cloud
	if out.Credential == "" {
		creds, err := ctrl.CloudCredentials(ctx, cloud)
		if err != nil {
			return nil, fmt.Errorf("cannot add a model on cloud %q (%s or Options.Cloud): %w", cloud, EnvCloud, err)
		}
		if len(creds) > 0 {
			out.Credential = creds[0]
		}
	}
	return &out, nil
}

// kubernetesModelOptions completes the options of a Kubernetes model
// (Options.Kubernetes): the controller's Kubernetes cloud, registered
// first on a simulator that has none, and a credential of the user's for
// it when none is given.
func kubernetesModelOptions(ctx context.Context, tg *target, ctrl *juju.Controller, in *juju.AddModelOptions) (*juju.AddModelOptions, error) {
	out := juju.AddModelOptions{}
	if in != nil {
		out = *in
	}
	if out.Cloud == "" {
		cloud, err := kubernetesCloud(ctx, ctrl)
		if err != nil {
			return nil, err
		}
		if cloud == "" && tg.sim != nil {
			if err := tg.sim.AddCloud(jujusim.DefaultKubernetesCloud, "kubernetes"); err != nil {
				// A parallel test may have added it first.
				if cloud, _ = kubernetesCloud(ctx, ctrl); cloud == "" {
					return nil, fmt.Errorf("cannot add a Kubernetes cloud to the simulator: %w", err)
				}
			} else {
				cloud = jujusim.DefaultKubernetesCloud
			}
		}
		if cloud == "" {
			return nil, fmt.Errorf("cannot add a Kubernetes model: the controller %q has no Kubernetes cloud", tg.controller)
		}
		out.Cloud = cloud
	}
	if out.Credential == "" {
		creds, err := ctrl.CloudCredentials(ctx, out.Cloud)
		if err != nil {
			return nil, err
		}
		if len(creds) > 0 {
			out.Credential = creds[0]
		}
	}
	return &out, nil
}

// kubernetesCloud returns the first Kubernetes cloud of the controller, or
// "".
func kubernetesCloud(ctx context.Context, ctrl *juju.Controller) (string, error) {
	clouds, err := ctrl.Clouds(ctx)
	if err != nil {
		return "", err
	}
	for _, c := range clouds {
		if c.IsKubernetes() {
			return c.Name, nil
		}
	}
	return "", nil
}
