package apisuite_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/gojuju/juju"
)

// Clouds on the controller: add (the dummy provider's controller
// whitelists no other cloud type, so only with Force, but a Kubernetes
// cloud without), update, remove;
// cloud access grants and revokes (a grant the user has or exceeds is
// refused); credentials added, updated, set on a model and revoked, with
// the controller's refusals: a credential of an auth type the cloud does
// not take, one in use by a model, a cloud in use.
func TestCloudAdmin(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		c := m.Controller()
		info, err := c.ModelInfo(ctx, m.QualifiedName())
		if err != nil {
			t.Fatal(err)
		}
		cl, err := c.ShowCloud(ctx, info.Cloud)
		if err != nil || cl.Users[c.User()] != "admin" {
			t.Fatalf("ShowCloud(%q) = %+v, %v; want the users with %s as admin", info.Cloud, cl, err, c.User())
		}

		name := uniqueUser(t, "suite-lxd")
		lxd := juju.Cloud{Name: name, Type: "lxd", AuthTypes: []string{"certificate"}, Endpoint: "https://10.0.0.1:8443", Regions: []string{"default"}}
		if err := c.AddCloud(ctx, lxd, nil); !errors.Is(err, juju.ErrIncompatibleCloud) {
			t.Errorf("AddCloud without Force = %s (%v), want ErrIncompatibleCloud", errCode(err), err)
		}
		if _, err := c.ShowCloud(ctx, name); !errors.Is(err, juju.ErrNotFound) {
			t.Fatalf("a refused cloud was added: %v", err)
		}
		// A Kubernetes cloud goes on any controller, without Force.
		k8s := juju.Cloud{Name: name + "-k8s", Type: "kubernetes", AuthTypes: []string{"userpass"}, Endpoint: "https://10.0.0.3:6443"}
		if err := c.AddCloud(ctx, k8s, nil); err != nil {
			t.Errorf("AddCloud of a Kubernetes cloud without Force: %v", err)
		} else if got, err := c.ShowCloud(ctx, k8s.Name); err != nil || !got.IsKubernetes() || !slices.Equal(got.Regions, []string{"default"}) {
			t.Errorf("ShowCloud(%q) = %+v, %v; want a Kubernetes cloud with the region the controller gives a cloud without any, default", k8s.Name, got, err)
		} else if err := c.RemoveCloud(ctx, k8s.Name); err != nil {
			t.Errorf("RemoveCloud(%q): %v", k8s.Name, err)
		}
		bogus := juju.Cloud{Name: name + "-x", Type: "nosuch", AuthTypes: []string{"userpass"}}
		if err := c.AddCloud(ctx, bogus, &juju.AddCloudOptions{Force: true}); !errors.Is(err, juju.ErrNotValid) {
			t.Errorf("AddCloud of an unknown type = %s (%v), want ErrNotValid", errCode(err), err)
		}
		if err := c.AddCloud(ctx, lxd, &juju.AddCloudOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.RemoveCloud(testCtx(t), name) })
		if err := c.AddCloud(ctx, lxd, &juju.AddCloudOptions{Force: true}); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("AddCloud twice = %s, want ErrAlreadyExists", errCode(err))
		}
		got, err := c.ShowCloud(ctx, name)
		if err != nil || got.Type != "lxd" || got.Endpoint != lxd.Endpoint || len(got.Regions) != 1 || got.Users[c.User()] != "admin" {
			t.Fatalf("ShowCloud(%q) = %+v, %v", name, got, err)
		}
		upd := lxd
		upd.Endpoint = "https://10.0.0.2:8443"
		if err := c.UpdateCloud(ctx, upd); err != nil {
			t.Fatal(err)
		}
		if got, err := c.ShowCloud(ctx, name); err != nil || got.Endpoint != upd.Endpoint {
			t.Errorf("after UpdateCloud: %+v, %v", got, err)
		}

		// Cloud access.
		user := uniqueUser(t, "cloudy")
		if _, err := c.AddUser(ctx, user, &juju.AddUserOptions{Password: "suite-pass"}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.RemoveUser(testCtx(t), user) })
		if err := c.GrantCloud(ctx, user, "add-model", name); err != nil {
			t.Fatal(err)
		}
		if err := c.GrantCloud(ctx, user, "add-model", name); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("a cloud grant the user has = %s (%v), want ErrAlreadyExists", errCode(err), err)
		}
		if err := c.GrantCloud(ctx, user, "admin", name); err != nil {
			t.Fatal(err)
		}
		if err := c.GrantCloud(ctx, user, "add-model", name); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("a cloud grant the user exceeds = %s, want ErrAlreadyExists", errCode(err))
		}
		if err := c.RevokeCloud(ctx, user, "admin", name); err != nil {
			t.Fatal(err)
		}
		if got, err := c.ShowCloud(ctx, name); err != nil || got.Users[user] != "add-model" {
			t.Errorf("after revoking admin: %+v, %v; want add-model", got, err)
		}
		if err := c.RevokeCloud(ctx, user, "add-model", name); err != nil {
			t.Fatal(err)
		}
		if got, err := c.ShowCloud(ctx, name); err != nil || got.Users[user] != "" {
			t.Errorf("after revoking add-model: %+v, %v; want no access", got, err)
		}

		// Credentials.
		credName := uniqueUser(t, "cred")
		cred := juju.Credential{Cloud: name, Name: credName, AuthType: "userpass", Attributes: map[string]string{"username": "u", "password": "p"}}
		if err := c.AddCredential(ctx, cred, nil); !errors.Is(err, juju.ErrNotSupported) {
			t.Errorf("a userpass credential for a certificate cloud = %s (%v), want ErrNotSupported", errCode(err), err)
		}
		cred.Cloud = info.Cloud
		if err := c.AddCredential(ctx, cred, nil); err != nil {
			t.Fatal(err)
		}
		if err := c.AddCredential(ctx, cred, nil); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("AddCredential twice = %s, want ErrAlreadyExists", errCode(err))
		}
		cred.Attributes = map[string]string{"username": "u2", "password": "p2"}
		if err := c.UpdateCredential(ctx, cred, nil); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Credential(ctx, cred.Cloud, credName, &juju.CredentialsOptions{IncludeSecrets: true}); err != nil || got.Attributes["username"] != "u2" {
			t.Errorf("Credential after UpdateCredential = %v, %v", got, err)
		}
		if err := m.ChangeCredential(ctx, credName); err != nil {
			t.Fatal(err)
		}
		if mi, err := c.ModelInfo(ctx, m.QualifiedName()); err != nil || mi.Credential != cred.Cloud+"/"+c.User()+"/"+credName {
			t.Errorf("model credential after ChangeCredential = %+v, %v", mi, err)
		}
		if err := m.ChangeCredential(ctx, "no-such-cred"); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ChangeCredential to a missing credential = %s, want ErrNotFound", errCode(err))
		}
		if err := c.RevokeCredential(ctx, cred.Cloud, credName, nil); !errors.Is(err, juju.ErrCredentialInUse) {
			t.Errorf("revoking a credential in use = %s (%v), want ErrCredentialInUse", errCode(err), err)
		}
		if _, err := c.Credential(ctx, cred.Cloud, credName, nil); err != nil {
			t.Errorf("a refused revoke removed the credential: %v", err)
		}
		if err := c.RevokeCredential(ctx, cred.Cloud, credName, &juju.RevokeCredentialOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
		if err := c.RevokeCredential(ctx, cred.Cloud, credName, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("revoking it again = %s, want ErrNotFound", errCode(err))
		}

		// remove-cloud: not one that models are on.
		if err := c.RemoveCloud(ctx, info.Cloud); !errors.Is(err, juju.ErrCloudInUse) {
			t.Errorf("RemoveCloud of the models' cloud = %s (%v), want ErrCloudInUse", errCode(err), err)
		}
		if err := c.RemoveCloud(ctx, name); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ShowCloud(ctx, name); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ShowCloud after RemoveCloud = %s, want ErrNotFound", errCode(err))
		}
		if err := c.RemoveCloud(ctx, name); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("RemoveCloud twice = %s (%v), want ErrNotFound", errCode(err), err)
		}
	})
}
