package apiclient

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/rpc"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recorder is a Caller that records calls instead of sending them.
type recorder struct {
	version int
	bestErr error
	calls   []recorded
}

type recorded struct {
	facade, method, id string
	version            int
	params, result     any
}

func (r *recorder) BestVersion(facade string) (int, error) { return r.version, r.bestErr }

func (r *recorder) CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) error {
	r.calls = append(r.calls, recorded{facade: facade, method: method, id: id, version: version, params: params, result: result})
	return nil
}

func TestMethodVersionCheck(t *testing.T) {
	ctx := context.Background()
	errOffer := errors.New("no common version: not supported")
	tests := []struct {
		name       string
		version    int
		bestErr    error
		call       func(c Caller) error
		wantCalled bool
		wantErrIs  error
		wantInErr  []string
	}{
		{
			name:    "method added after the negotiated version",
			version: 20,
			call: func(c Caller) error {
				_, err := NewApplicationClient(c).ScaleApplications(ctx, facades.ScaleApplicationsParamsV2{})
				return err
			},
			wantErrIs: rpc.ErrNotSupported,
			wantInErr: []string{"Application.ScaleApplications", "version 20", "21, 22"},
		},
		{
			name:    "older shape refused on the newest version",
			version: 11,
			call: func(c Caller) error {
				_, err := NewModelManagerClient(c).CreateModelV10(ctx, facades.ModelCreateArgsV10{})
				return err
			},
			wantErrIs: rpc.ErrNotSupported,
			wantInErr: []string{"ModelManager.CreateModel", "version 11", "9, 10"},
		},
		{
			name:    "newest shape refused on an older version",
			version: 10,
			call: func(c Caller) error {
				_, err := NewModelManagerClient(c).CreateModel(ctx, facades.ModelCreateArgs{})
				return err
			},
			wantErrIs: rpc.ErrNotSupported,
			wantInErr: []string{"ModelManager.CreateModel", "version 10", "11"},
		},
		{
			name:    "negotiation failure is wrapped",
			bestErr: errOffer,
			call: func(c Caller) error {
				_, err := NewClientClient(c).FullStatus(ctx, facades.StatusParams{})
				return err
			},
			wantErrIs: errOffer,
			wantInErr: []string{"cannot call Client.FullStatus"},
		},
		{
			name:    "supported version is called",
			version: 11,
			call: func(c Caller) error {
				_, err := NewModelManagerClient(c).CreateModel(ctx, facades.ModelCreateArgs{Name: "m1"})
				return err
			},
			wantCalled: true,
		},
		{
			name:    "watcher id is passed",
			version: 1,
			call: func(c Caller) error {
				_, err := NewStringsWatcherClient(c).Next(ctx, "7")
				return err
			},
			wantCalled: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{version: tt.version, bestErr: tt.bestErr}
			err := tt.call(r)
			if called := len(r.calls) > 0; called != tt.wantCalled {
				t.Fatalf("called = %v, want %v", called, tt.wantCalled)
			}
			if tt.wantErrIs == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErrIs) {
				t.Fatalf("error %v does not match %v", err, tt.wantErrIs)
			}
			for _, s := range tt.wantInErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestWatcherIDAndParams(t *testing.T) {
	r := &recorder{version: 1}
	if _, err := NewStringsWatcherClient(r).Next(context.Background(), "7"); err != nil {
		t.Fatal(err)
	}
	if err := NewNotifyWatcherClient(r).Stop(context.Background(), "8"); err != nil {
		t.Fatal(err)
	}
	got := []recorded{r.calls[0], r.calls[1]}
	if got[0].facade != "StringsWatcher" || got[0].method != "Next" || got[0].id != "7" || got[0].params != nil {
		t.Errorf("StringsWatcher.Next recorded %+v", got[0])
	}
	if got[1].facade != "NotifyWatcher" || got[1].method != "Stop" || got[1].id != "8" || got[1].result != nil {
		t.Errorf("NotifyWatcher.Stop recorded %+v", got[1])
	}
}

// methodInfo is what calling a generated method revealed.
type methodInfo struct {
	facade, wire, goName string
	version              int
	params, result       reflect.Type // nil when none
}

// discover calls every generated method at every supported version with a
// recorder and returns what reached the wire, keyed by facade, method and
// version, newest shapes (shortest Go names) first.
func discover(t testing.TB) map[[2]string]map[int][]methodInfo {
	t.Helper()
	out := map[[2]string]map[int][]methodInfo{}
	for facade, versions := range SupportedVersions {
		for _, v := range versions {
			r := &recorder{version: v}
			client := reflect.ValueOf(newClients(r)[facade])
			if !client.IsValid() {
				t.Fatalf("no client for facade %s", facade)
			}
			ct := client.Type()
			for i := 0; i < ct.NumMethod(); i++ {
				m := ct.Method(i)
				args := []reflect.Value{client}
				for j := 1; j < m.Type.NumIn(); j++ {
					in := m.Type.In(j)
					if j == 1 {
						args = append(args, reflect.ValueOf(context.Background()))
						continue
					}
					args = append(args, reflect.Zero(in))
				}
				r.calls = nil
				m.Func.Call(args)
				if len(r.calls) == 0 {
					continue
				}
				c := r.calls[0]
				info := methodInfo{facade: c.facade, wire: c.method, goName: m.Name, version: c.version}
				if c.params != nil {
					info.params = reflect.TypeOf(c.params)
				}
				if c.result != nil {
					info.result = reflect.TypeOf(c.result).Elem()
				}
				key := [2]string{c.facade, c.method}
				if out[key] == nil {
					out[key] = map[int][]methodInfo{}
				}
				out[key][v] = append(out[key][v], info)
			}
		}
	}
	for _, byVersion := range out {
		for _, list := range byVersion {
			sort.Slice(list, func(i, j int) bool {
				if len(list[i].goName) != len(list[j].goName) {
					return len(list[i].goName) < len(list[j].goName)
				}
				return list[i].goName < list[j].goName
			})
		}
	}
	return out
}

// *rpc.Conn is the Caller the library uses.
var _ Caller = (*rpc.Conn)(nil)

func TestServerError(t *testing.T) {
	if ServerError(nil) != nil {
		t.Error("ServerError(nil) is not nil")
	}
	we := &facades.Error{Message: "app not found", Code: "application not found", Info: map[string]any{"k": "v"}}
	var err error = ServerError(we)
	var re *rpc.Error
	if !errors.As(err, &re) || re.Code != we.Code || re.Message != we.Message || re.Info["k"] != "v" {
		t.Errorf("ServerError(%+v) = %#v", we, err)
	}
	if !errors.Is(err, rpc.ErrNotFound) || !errors.Is(err, rpc.ErrRefused) {
		t.Errorf("%v does not match rpc.ErrNotFound and rpc.ErrRefused", err)
	}
	errs := ServerErrors([]*facades.Error{nil, we})
	if len(errs) != 2 || errs[0] != nil || errs[1].Code != we.Code {
		t.Errorf("ServerErrors = %v", errs)
	}
}
