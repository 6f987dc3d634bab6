package apisuite_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/gojuju/juju"
)

// uniqueUser is a user name no other test (or earlier run on a shared
// controller) uses.
func uniqueUser(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// Users and access: add (registration string), show, list, controller
// and model grants and revokes (a grant the user has or exceeds is
// refused), passwords, disable, enable, remove.
func TestUsers(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		c := m.Controller()
		name := uniqueUser(t, "bob")

		n, err := c.AddUser(ctx, name, nil)
		if err != nil {
			t.Fatalf("AddUser: %v", err)
		}
		if n.RegistrationString == "" || len(n.SecretKey) == 0 {
			t.Errorf("AddUser gave no registration string: %v", n)
		}
		if _, err := c.AddUser(ctx, name, nil); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("AddUser again = %s, want ErrAlreadyExists", errCode(err))
		}
		u, err := c.ShowUser(ctx, name)
		if err != nil || u.Name != name || u.Access != "login" || u.Disabled || u.Created.IsZero() {
			t.Fatalf("ShowUser = %+v, %v", u, err)
		}
		if _, err := c.ShowUser(ctx, uniqueUser(t, "ghost")); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ShowUser of a missing user = %s, want ErrNotFound", errCode(err))
		}

		if err := c.GrantController(ctx, name, "superuser"); err != nil {
			t.Fatalf("GrantController: %v", err)
		}
		if err := c.GrantController(ctx, name, "login"); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("granting login to a superuser = %s, want ErrAlreadyExists", errCode(err))
		}
		if err := c.RevokeController(ctx, name, "superuser"); err != nil {
			t.Fatalf("RevokeController: %v", err)
		}
		if u, err := c.ShowUser(ctx, name); err != nil || u.Access != "login" {
			t.Errorf("after revoking superuser: %+v, %v", u, err)
		}

		model := m.QualifiedName()
		if err := c.GrantModel(ctx, name, "read", model); err != nil {
			t.Fatalf("GrantModel: %v", err)
		}
		if err := c.GrantModel(ctx, name, "read", model); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("granting read again = %s, want ErrAlreadyExists", errCode(err))
		}
		if err := c.GrantModel(ctx, name, "admin", model); err != nil {
			t.Fatalf("GrantModel admin: %v", err)
		}
		if err := c.GrantModel(ctx, name, "write", model); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("granting write to an admin = %s, want ErrAlreadyExists", errCode(err))
		}
		if err := c.RevokeModel(ctx, name, "admin", model); err != nil {
			t.Fatalf("RevokeModel: %v", err)
		}
		info, err := c.ModelInfo(ctx, model)
		if err != nil {
			t.Fatal(err)
		}
		access := ""
		for _, mu := range info.Users {
			if mu.User == name {
				access = mu.Access
			}
		}
		if access != "write" {
			t.Errorf("after revoking admin the user has %q, want write", access)
		}

		if err := c.SetPassword(ctx, name, "a-new-password"); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if r, err := c.ResetPassword(ctx, name); err != nil || r.RegistrationString == "" {
			t.Fatalf("ResetPassword = %v, %v", r, err)
		}
		if err := c.DisableUser(ctx, name); err != nil {
			t.Fatalf("DisableUser: %v", err)
		}
		if u, err := c.ShowUser(ctx, name); err != nil || !u.Disabled {
			t.Errorf("after DisableUser: %+v, %v", u, err)
		}
		listed := func(all bool) bool {
			us, err := c.Users(ctx, all)
			if err != nil {
				t.Fatalf("Users: %v", err)
			}
			for _, u := range us {
				if u.Name == name {
					return true
				}
			}
			return false
		}
		if listed(false) || !listed(true) {
			t.Errorf("a disabled user: listed %t, listed with all %t", listed(false), listed(true))
		}
		if err := c.EnableUser(ctx, name); err != nil {
			t.Fatalf("EnableUser: %v", err)
		}
		if err := c.RemoveUser(ctx, name); err != nil {
			t.Fatalf("RemoveUser: %v", err)
		}
		if _, err := c.ShowUser(ctx, name); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ShowUser of a removed user = %s, want ErrNotFound", errCode(err))
		}
		if err := c.RemoveUser(ctx, name); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("RemoveUser again = %s, want ErrNotFound", errCode(err))
		}
	})
}
