package core

import "testing"

// TestSuperuserOnlyMethods checks that controller methods that need
// superuser access refuse a user with login access only, and change nothing.
func TestSuperuserOnlyMethods(t *testing.T) {
	s := newSim(t, Config{})
	if err := s.c.AddUser("bob", "pw", Grant{Access: "login"}); err != nil {
		t.Fatal(err)
	}
	bob, _, err := s.login("", "bob", "pw")
	if err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		facade  string
		version int
		method  string
		params  any
	}{
		{"UserManager", 3, "AddUser", map[string]any{"users": []any{map[string]any{"username": "eve", "password": "x"}}}},
		{"SecretBackends", 1, "AddSecretBackends", map[string]any{"args": []any{map[string]any{"name": "vault1", "backend-type": "vault"}}}},
		{"SecretBackends", 1, "RemoveSecretBackends", map[string]any{"args": []any{map[string]any{"name": "internal"}}}},
	}
	for _, c := range calls {
		if _, err := s.call(bob, c.facade, c.version, c.method, c.params); errCode(err) != CodeUnauthorized {
			t.Errorf("%s.%s as a login-only user: err = %v, want code %q", c.facade, c.method, err, CodeUnauthorized)
		}
	}
	if _, _, err := s.login("", "eve", "x"); err == nil {
		t.Error("the refused AddUser created user eve")
	}
}
