package juju

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gojuju/juju/jujusim"
)

// dropReplyOf arranges for the reply to the next call of facade.method to
// be lost: the controller runs the call, then the connection drops
// before the answer. It returns how many times the method was sent.
func dropReplyOf(c *Controller, srv *jujusim.Server, facade, method string) *atomic.Int32 {
	var sent atomic.Int32
	h := func(f string, _ int, m string, _ any) {
		if f == facade && m == method && sent.Add(1) == 1 {
			srv.DropInFrames(1) // the request is the next frame: it runs, its reply is lost
		}
	}
	c.requestHook.Store(&h)
	return &sent
}

// Each operation whose state answers resolves a lost reply into a
// definite success, and makes its change exactly once; AddUnits says its
// outcome is unknown.
func TestLostReplyResolved(t *testing.T) {
	for _, v := range []string{jujusim.Juju40, jujusim.Juju36} {
		t.Run(v, func(t *testing.T) {
			srv := startSim(t, v)
			c := connectSim(t, srv)
			m := defaultModel(t, c)
			ctx := testCtx(t)
			if _, err := m.Deploy(ctx, "mysql", &DeployOptions{Name: "db", Base: "ubuntu@22.04"}); err != nil {
				t.Fatal(err)
			}
			if err := srv.Seed(m.UUID(), map[string]int{"wp0": 1}); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				facade, method string
				do             func() error
				check          func() error
			}{
				{"Application", "DeployFromRepository", func() error {
					_, err := m.Deploy(ctx, "wordpress", &DeployOptions{Name: "wp", Base: "ubuntu@22.04"})
					return err
				}, nil},
				{"Application", "AddRelation", func() error {
					_, err := m.Integrate(ctx, "wp:db", "db", nil)
					return err
				}, nil},
				{"Secrets", "CreateSecrets", func() error {
					_, err := m.AddSecret(ctx, "pw", map[string]string{"value": "one"}, nil)
					return err
				}, nil},
				{"Secrets", "UpdateSecrets", func() error {
					return m.UpdateSecret(ctx, "pw", map[string]string{"value": "two"}, nil)
				}, func() error {
					s, err := m.Secret(ctx, "pw", &SecretOptions{Reveal: true})
					if err != nil {
						return err
					}
					if len(s.Revisions) != 2 || s.Content["value"] != "two" {
						return errors.New("want 2 revisions, the last one updated")
					}
					return nil
				}},
				{"Secrets", "GrantSecret", func() error { return m.GrantSecret(ctx, "pw", "wp") }, nil},
				{"ModelConfig", "ModelSet", func() error {
					return m.SetConfig(ctx, map[string]any{"logging-config": "<root>=ERROR"})
				}, nil},
				{"Application", "DestroyRelation", func() error { return m.RemoveRelation(ctx, "wp:db", "db", nil) }, nil},
				{"Secrets", "RemoveSecrets", func() error { return m.RemoveSecret(ctx, "pw", nil) }, nil},
				{"Application", "DestroyUnit", func() error { return m.RemoveUnits(ctx, []string{"wp0/0"}, nil) }, nil},
				{"Application", "DestroyApplication", func() error { return m.Application("wp").Remove(ctx, nil) }, nil},
			}
			for _, s := range steps {
				sent := dropReplyOf(c, srv, s.facade, s.method)
				if err := s.do(); err != nil {
					t.Fatalf("%s.%s with its reply lost: %v, want a definite success", s.facade, s.method, err)
				}
				if sent.Load() == 0 {
					t.Fatalf("%s.%s was never sent", s.facade, s.method)
				}
				if s.check != nil {
					if err := s.check(); err != nil {
						t.Fatalf("after %s.%s: %v", s.facade, s.method, err)
					}
				}
			}
			c.requestHook.Store(nil)
			st, err := m.Status(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := st.Applications["wp"]; ok {
				t.Errorf("application wp still there after its removal succeeded")
			}
			if len(st.Relations) != 0 {
				for _, r := range st.Relations {
					if !r.Peer() {
						t.Errorf("relation %s still there after its removal succeeded", r.Key)
					}
				}
			}
			if _, err := m.Secret(ctx, "pw", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("secret after its removal succeeded: %v", err)
			}

			// AddUnits: state cannot tell a lost reply from a unit
			// added by someone else: the outcome is unknown.
			dropReplyOf(c, srv, "Application", "AddUnits")
			_, err = m.Application("db").AddUnits(ctx, 1, nil)
			var ue *OutcomeUnknownError
			if !errors.Is(err, ErrOutcomeUnknown) || IsRetryable(err) || !errors.As(err, &ue) || ue.Call.Method != "AddUnits" || !strings.Contains(err.Error(), `add unit to "db"`) {
				t.Fatalf("AddUnits with its reply lost: %v, want ErrOutcomeUnknown naming the operation, not retryable", err)
			}
			c.requestHook.Store(nil)
		})
	}
}

// Removals that wait for the entities to go ride through a connection
// dropped during the wait (they used to poll the connection captured
// before the removal, and fail).
func TestRemoveWaitRidesThroughDrop(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	ctx := testCtx(t)
	if err := srv.Seed(m.UUID(), map[string]int{"a": 2, "b": 1}); err != nil {
		t.Fatal(err)
	}
	var polls atomic.Int32
	h := func(f string, _ int, meth string, _ any) {
		if f == "Client" && meth == "FullStatus" && polls.Add(1) == 1 {
			srv.DropInFrames(1) // lose the first poll's reply
		}
	}
	c.requestHook.Store(&h)
	defer c.requestHook.Store(nil)
	if err := m.RemoveUnits(ctx, []string{"a/1"}, &RemoveOptions{Wait: true}); err != nil {
		t.Fatalf("RemoveUnits with Wait and a drop during the wait: %v", err)
	}
	polls.Store(0)
	if err := m.Application("b").Remove(ctx, &RemoveOptions{Wait: true}); err != nil {
		t.Fatalf("Remove with Wait and a drop during the wait: %v", err)
	}
	if polls.Load() == 0 {
		t.Fatal("the wait did not poll")
	}
	polls.Store(0)
	ids, err := m.AddMachines(ctx, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Machine(ids[0]).Remove(ctx, &RemoveMachineOptions{Wait: true}); err != nil {
		t.Fatalf("Machine.Remove with Wait and a drop during the wait: %v", err)
	}
}

// A write whose reply outlives the caller's deadline says its outcome is
// unknown (and that the deadline passed); nothing can be read to resolve
// it once ctx has ended.
func TestWriteReplyOutlivesDeadline(t *testing.T) {
	srv := startSim(t, "")
	c := connectSim(t, srv)
	m := defaultModel(t, c)
	if _, err := m.Config(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	release := srv.Stall("Application", "DeployFromRepository")
	defer release()
	ctx, cancel := context.WithTimeout(testCtx(t), 100*time.Millisecond)
	defer cancel()
	_, err := m.Deploy(ctx, "wordpress", &DeployOptions{Base: "ubuntu@22.04"})
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) || IsRetryable(err) {
		t.Fatalf("Deploy whose reply outlived the deadline: %v, want ErrOutcomeUnknown and DeadlineExceeded, not retryable", err)
	}
	// A read that outlives its deadline is just late.
	release2 := srv.Stall("ModelConfig", "ModelGet")
	defer release2()
	ctx2, cancel2 := context.WithTimeout(testCtx(t), 100*time.Millisecond)
	defer cancel2()
	if _, err := m.Config(ctx2); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("read past its deadline: %v, want DeadlineExceeded only", err)
	}
}

func TestCharmName(t *testing.T) {
	for url, want := range map[string]string{
		"ch:amd64/jammy/wordpress-4": "wordpress",
		"ch:wordpress":               "wordpress",
		"local:tiny-db-0":            "tiny-db",
		"wordpress":                  "wordpress",
		"grafana-agent":              "grafana-agent",
		"ch:amd64/grafana-agent-260": "grafana-agent",
	} {
		if got := charmName(url); got != want {
			t.Errorf("charmName(%q) = %q, want %q", url, got, want)
		}
	}
}
