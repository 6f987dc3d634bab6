package juju

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestUsersLifecycle(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)

			n, err := c.AddUser(ctx, "bob", nil)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "AddUser params", lastParams(t, r, "UserManager", "AddUser"), wave2Request(t, "add-user", "AddUser"))
			if n.Name != "bob" || len(n.SecretKey) == 0 || n.RegistrationString == "" {
				t.Fatalf("new user %+v", n)
			}
			if s := fmt.Sprint(*n); strings.Contains(s, n.RegistrationString) {
				t.Errorf("NewUser prints its registration string: %s", s)
			}
			// The registration string decodes as the juju CLI decodes it.
			raw, err := base64.URLEncoding.DecodeString(n.RegistrationString)
			if err != nil {
				t.Fatal(err)
			}
			var ri registrationInfo
			if rest, err := asn1.Unmarshal(raw, &ri); err != nil || len(rest) != 0 {
				t.Fatalf("registration string: %v (%d bytes left)", err, len(rest))
			}
			if ri.User != "bob" || !bytes.Equal(ri.SecretKey, n.SecretKey) || len(ri.Addrs) == 0 || ri.ControllerName == "" {
				t.Errorf("registration info %+v", ri)
			}
			if _, err := c.AddUser(ctx, "bob", nil); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("adding bob again: %v, want ErrAlreadyExists", err)
			}
			if n, err := c.AddUser(ctx, "carol", &AddUserOptions{DisplayName: "Carol C", Password: "s3cret-pw"}); err != nil || n.RegistrationString != "" {
				t.Fatalf("AddUser with a password = %+v, %v", n, err)
			}

			u, err := c.ShowUser(ctx, "bob")
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "UserInfo params", lastParams(t, r, "UserManager", "UserInfo"), []byte(`{"entities":[{"tag":"user-bob"}],"include-disabled":true}`))
			if u.Name != "bob" || u.Access != "login" || u.CreatedBy != "admin" || u.Created.IsZero() || u.Disabled {
				t.Errorf("ShowUser(bob) = %+v", u)
			}
			if _, err := c.ShowUser(ctx, "nosuch"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowUser(nosuch): %v, want ErrNotFound", err)
			}

			// Controller access: a grant the user has or exceeds is
			// refused, never a downgrade.
			if err := c.GrantController(ctx, "bob", "superuser"); err != nil {
				t.Fatal(err)
			}
			if err := c.GrantController(ctx, "bob", "login"); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("granting login to a superuser: %v, want ErrAlreadyExists", err)
			}
			if u, _ := c.ShowUser(ctx, "bob"); u == nil || u.Access != "superuser" {
				t.Errorf("after a refused lower grant, bob is %+v", u)
			}
			if err := c.RevokeController(ctx, "bob", "superuser"); err != nil {
				t.Fatal(err)
			}
			if u, _ := c.ShowUser(ctx, "bob"); u == nil || u.Access != "login" {
				t.Errorf("after revoking superuser, bob is %+v", u)
			}

			// Model access.
			if err := c.GrantModel(ctx, "bob", "read", "default"); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "ModifyModelAccess params", lastParams(t, r, "ModelManager", "ModifyModelAccess"),
				bytes.ReplaceAll(wave2Request(t, "grant-read", "ModifyModelAccess"), []byte("f5c5f9bb-9872-47d5-8737-06d3e2d89d35"), []byte(m.UUID())))
			if err := c.GrantModel(ctx, "bob", "read", "default"); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("granting read again: %v, want ErrAlreadyExists", err)
			}
			if err := c.GrantModel(ctx, "bob", "admin", "default"); err != nil {
				t.Fatal(err)
			}
			if err := c.GrantModel(ctx, "bob", "write", "default"); !errors.Is(err, ErrAlreadyExists) {
				t.Errorf("granting write to an admin: %v, want ErrAlreadyExists", err)
			}
			if err := c.RevokeModel(ctx, "bob", "admin", "default"); err != nil {
				t.Fatal(err)
			}
			if got := modelAccess(t, c, "default", "bob"); got != "write" {
				t.Errorf("after revoking admin, bob has %q, want write", got)
			}
			if err := c.RevokeModel(ctx, "bob", "read", "default"); err != nil {
				t.Fatal(err)
			}
			if got := modelAccess(t, c, "default", "bob"); got != "" {
				t.Errorf("after revoking read, bob has %q, want none", got)
			}

			// Passwords.
			if err := c.SetPassword(ctx, "bob", "n3w-secret"); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "SetPassword params", bytes.Replace(lastParams(t, r, "UserManager", "SetPassword"), []byte("n3w-secret"), []byte("REDACTED"), 1),
				wave2Request(t, "change-user-password", "SetPassword"))
			reset, err := c.ResetPassword(ctx, "bob")
			if err != nil || len(reset.SecretKey) == 0 || reset.RegistrationString == "" || reset.RegistrationString == n.RegistrationString {
				t.Fatalf("ResetPassword = %+v, %v", reset, err)
			}
			sameJSON(t, "ResetPassword params", lastParams(t, r, "UserManager", "ResetPassword"), wave2Request(t, "change-user-password-reset", "ResetPassword"))

			// Disable, list, enable, remove.
			if err := c.DisableUser(ctx, "bob"); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "DisableUser params", lastParams(t, r, "UserManager", "DisableUser"), wave2Request(t, "disable-user", "DisableUser"))
			if _, err := c.ResetPassword(ctx, "bob"); err == nil {
				t.Error("resetting a disabled user's password succeeded")
			}
			names := func(all bool) string {
				us, err := c.Users(ctx, all)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, u := range us {
					out = append(out, fmt.Sprintf("%s:%t", u.Name, u.Disabled))
				}
				return strings.Join(out, " ")
			}
			if got := names(false); got != "admin:false carol:false" {
				t.Errorf("Users(false) = %s", got)
			}
			if got := names(true); got != "admin:false bob:true carol:false" {
				t.Errorf("Users(true) = %s", got)
			}
			sameJSON(t, "UserInfo (all) params", lastParams(t, r, "UserManager", "UserInfo"), wave2Request(t, "users-all", "UserInfo"))
			if err := c.EnableUser(ctx, "bob"); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "EnableUser params", lastParams(t, r, "UserManager", "EnableUser"), wave2Request(t, "enable-user", "EnableUser"))
			if err := c.DisableUser(ctx, "admin"); err == nil {
				t.Error("disabling admin succeeded")
			}
			if err := c.RemoveUser(ctx, "bob"); err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "RemoveUser params", lastParams(t, r, "UserManager", "RemoveUser"), wave2Request(t, "remove-user", "RemoveUser"))
			if _, err := c.ShowUser(ctx, "bob"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowUser of a removed user: %v, want ErrNotFound", err)
			}
			if err := c.RemoveUser(ctx, "nosuch"); !errors.Is(err, ErrNotFound) {
				t.Errorf("RemoveUser(nosuch): %v, want ErrNotFound", err)
			}
		})
	}
}

// modelAccess returns the access user has to the model ("" for none).
func modelAccess(t *testing.T, c *Controller, model, user string) string {
	t.Helper()
	info, err := c.ModelInfo(testCtx(t), model)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range info.Users {
		if u.User == user || u.User == user+"@local" {
			return u.Access
		}
	}
	return ""
}

func TestUsersBadInput(t *testing.T) {
	parallel(t)
	_, c, _ := simModel(t, simVersions[0])
	r := record(c)
	ctx := testCtx(t)
	expectNothingSent(t, r, func() {
		for _, bad := range []string{"", "Bad_Name", "-bob", "b", "bob smith"} {
			if _, err := c.AddUser(ctx, bad, nil); !errors.Is(err, ErrInvalidName) {
				t.Errorf("AddUser(%q): %v, want ErrInvalidName", bad, err)
			}
			if err := c.GrantModel(ctx, bad, "read", "default"); !errors.Is(err, ErrInvalidName) {
				t.Errorf("GrantModel(%q): %v, want ErrInvalidName", bad, err)
			}
		}
		if _, err := c.AddUser(ctx, "bob@external", nil); !errors.Is(err, ErrInvalidName) {
			t.Errorf("AddUser of an external user: %v, want ErrInvalidName", err)
		}
		for _, acc := range []string{"", "bogus", "superuser", "consume"} {
			if err := c.GrantModel(ctx, "bob", acc, "default"); !errors.Is(err, ErrInvalidArgument) || !errors.Is(err, ErrInvalidInput) {
				t.Errorf("GrantModel access %q: %v, want ErrInvalidArgument", acc, err)
			}
		}
		for _, acc := range []string{"", "admin", "read", "Superuser"} {
			if err := c.GrantController(ctx, "bob", acc); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("GrantController access %q: %v, want ErrInvalidArgument", acc, err)
			}
		}
		if err := c.GrantModel(ctx, "bob", "read"); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("GrantModel without models: %v", err)
		}
		if err := c.RevokeModel(ctx, "bob", "read", "Bad Model"); !errors.Is(err, ErrInvalidName) {
			t.Errorf("RevokeModel of a bad model name: %v", err)
		}
		if err := c.SetPassword(ctx, "bob", ""); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("SetPassword empty: %v", err)
		}
		if err := c.RemoveUser(ctx, "Bad_Name"); !errors.Is(err, ErrInvalidName) {
			t.Errorf("RemoveUser bad name: %v", err)
		}
	})
}

// Passwords and registration strings never reach the log.
func TestUsersSecretsNotLogged(t *testing.T) {
	parallel(t)
	srv := startSim(t, simVersions[0])
	var buf bytes.Buffer
	cfg := simConfig(srv)
	cfg.Logger = newTestLogger(&buf)
	c, err := Connect(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	const pw = "pw-never-logged-1"
	n, err := c.AddUser(ctx, "dave", &AddUserOptions{Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetPassword(ctx, "dave", pw+"x"); err != nil {
		t.Fatal(err)
	}
	reset, err := c.ResetPassword(ctx, "dave")
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.AddUser(ctx, "erin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetPassword(ctx, "nosuch", pw+"y"); err == nil {
		t.Fatal("SetPassword of an unknown user succeeded")
	} else if strings.Contains(err.Error(), pw) {
		t.Errorf("error shows the password: %v", err)
	}
	if buf.Len() == 0 {
		t.Fatal("nothing was logged; the test would prove nothing")
	}
	log := buf.String()
	for _, s := range []string{pw, reset.RegistrationString, e.RegistrationString, base64.StdEncoding.EncodeToString(e.SecretKey), string(e.SecretKey)} {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("log shows a secret %q", s)
		}
	}
	if s := fmt.Sprintf("%v %+v", AddUserOptions{Password: pw}, *n); strings.Contains(s, pw) {
		t.Errorf("printing options shows the password: %s", s)
	}
}

// Each user and access write whose reply is lost resolves, by reading the
// user or the model, or by sending it again, into a definite success made
// once (a second grant would be refused as already granted).
func TestUsersLostReplyResolved(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, _ := simModel(t, v)
			ctx := testCtx(t)
			if err := srv.AddUser("bob", "bob-pass"); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				facade, method string
				do             func() error
			}{
				{"Controller", "ModifyControllerAccess", func() error { return c.GrantController(ctx, "bob", "superuser") }},
				{"Controller", "ModifyControllerAccess", func() error { return c.RevokeController(ctx, "bob", "superuser") }},
				{"ModelManager", "ModifyModelAccess", func() error { return c.GrantModel(ctx, "bob", "write", "default") }},
				{"ModelManager", "ModifyModelAccess", func() error { return c.RevokeModel(ctx, "bob", "write", "default") }},
				{"UserManager", "SetPassword", func() error { return c.SetPassword(ctx, "bob", "other-pass") }},
				{"UserManager", "DisableUser", func() error { return c.DisableUser(ctx, "bob") }},
				{"UserManager", "EnableUser", func() error { return c.EnableUser(ctx, "bob") }},
				{"UserManager", "RemoveUser", func() error { return c.RemoveUser(ctx, "bob") }},
			}
			for _, s := range steps {
				sent := dropReplyOf(c, srv, s.facade, s.method)
				if err := s.do(); err != nil {
					t.Fatalf("%s.%s with its reply lost: %v, want a definite success", s.facade, s.method, err)
				}
				if sent.Load() == 0 {
					t.Fatalf("%s.%s was never sent", s.facade, s.method)
				}
				c.requestHook.Store(nil)
			}
			if got := modelAccess(t, c, "default", "bob"); got != "" {
				t.Errorf("bob's model access at the end: %q, want none", got)
			}
			if _, err := c.ShowUser(ctx, "bob"); !errors.Is(err, ErrNotFound) {
				t.Errorf("bob after the removal: %v, want ErrNotFound", err)
			}
		})
	}
}
