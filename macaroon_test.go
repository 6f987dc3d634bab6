package juju

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/rpc"
)

// writeMacaroonJujuData writes a local store in which user has no password
// but a cookie jar from the simulator, as after "juju login".
func writeMacaroonJujuData(t *testing.T, srv *jujusim.Server, user string, ttl time.Duration) string {
	t.Helper()
	dir := writeJujuData(t, srv, true)
	st, err := jujudata.New(jujudata.Config{Dir: dir, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateAccount(testCtx(t), "sim", jujudata.AccountDetails{User: user}); err != nil {
		t.Fatal(err)
	}
	jar, err := srv.IssueMacaroonCookies(user, ttl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(st.CookieJarPath("sim")), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(st.CookieJarPath("sim"), jar, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConnectMacaroons(t *testing.T) {
	srv := startSim(t, "")
	t.Setenv("JUJU_MODEL", "")
	t.Setenv("JUJU_CONTROLLER", "")

	dir := writeMacaroonJujuData(t, srv, "admin", time.Hour)
	m, err := ConnectModel(testCtx(t), Config{JujuData: dir, PingInterval: -1})
	if err != nil {
		t.Fatalf("ConnectModel with the cookie jar: %v", err)
	}
	defer m.Close()
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Errorf("Config: %v", err)
	}
	if _, err := m.Status(testCtx(t), nil); err != nil {
		t.Errorf("Status: %v", err)
	}
	// The HTTP endpoints take the same macaroons (as cookies).
	logs, err := m.DebugLog(testCtx(t), &DebugLogOptions{Limit: 1})
	if err != nil {
		t.Errorf("DebugLog with a macaroon login: %v", err)
	} else {
		logs.Close()
	}

	tests := []struct {
		name string
		dir  func() string
	}{
		{"expired jar", func() string { return writeMacaroonJujuData(t, srv, "admin", -time.Minute) }},
		{"no jar", func() string {
			d := writeMacaroonJujuData(t, srv, "admin", time.Hour)
			if err := os.RemoveAll(filepath.Join(d, jujudata.CookiesDirName)); err != nil {
				t.Fatal(err)
			}
			return d
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ConnectModel(testCtx(t), Config{JujuData: tt.dir(), PingInterval: -1})
			var dre *rpc.DischargeRequiredError
			if !errors.As(err, &dre) || !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("ConnectModel = %v (%T), want a *rpc.DischargeRequiredError matching ErrUnauthorized", err, err)
			}
			if !strings.Contains(err.Error(), `run "juju login -c sim"`) {
				t.Errorf("error %q does not say to run juju login", err)
			}
			// No macaroon was sent: the controller refused none.
			if !strings.Contains(err.Error(), "no unexpired macaroons stored") || strings.Contains(err.Error(), "refused the stored macaroons") {
				t.Errorf("error %q does not say that there were no macaroons to log in with", err)
			}
		})
	}

	t.Run("corrupt jar", func(t *testing.T) {
		d := writeMacaroonJujuData(t, srv, "admin", time.Hour)
		if err := os.WriteFile(filepath.Join(d, jujudata.CookiesDirName, "sim.json"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ConnectModel(testCtx(t), Config{JujuData: d, PingInterval: -1})
		var fe *jujudata.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("ConnectModel = %v (%T), want a *jujudata.FileError", err, err)
		}
	})
}
