package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
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
	server  string // the controller's version at login; "" when unknown
	reply   string // JSON decoded into each call's result, if any
	calls   []recorded
}

type recorded struct {
	facade, method, id string
	version            int
	params, result     any
}

func (r *recorder) BestVersion(facade string) (int, error) { return r.version, r.bestErr }

func (r *recorder) Login() rpc.LoginInfo { return rpc.LoginInfo{ServerVersion: r.server} }

func (r *recorder) CallVersion(ctx context.Context, facade string, version int, method, id string, params, result any) error {
	r.calls = append(r.calls, recorded{facade: facade, method: method, id: id, version: version, params: params, result: result})
	if r.reply != "" && result != nil {
		return json.Unmarshal([]byte(r.reply), result)
	}
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
			name:    "adapter refuses a version none of its shapes has",
			version: 8,
			call: func(c Caller) error {
				_, err := NewModelManagerClient(c).CreateModel(ctx, ModelCreateArgs{})
				return err
			},
			wantErrIs: rpc.ErrNotSupported,
			wantInErr: []string{"ModelManager.CreateModel", "version 8", "9, 10, 11"},
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
				_, err := NewModelManagerClient(c).CreateModel(ctx, ModelCreateArgs{Name: "m1"})
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
			for _, server := range []string{"4.0.15", "3.6.28"} {
				r := &recorder{version: v, server: server}
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
					if !slices.ContainsFunc(out[key][v], func(o methodInfo) bool { return o == info }) {
						out[key][v] = append(out[key][v], info)
					}
				}
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

// TestAdapterShapes checks that an adapter sends the shape of the
// negotiated version, and of the controller's release where two releases
// give one version different params, and decodes any shape's answer.
func TestAdapterShapes(t *testing.T) {
	ctx := context.Background()
	storage := map[string]facades.StorageDirectives{"data": {Pool: "rootfs", Size: 1024}}
	constraints := map[string]facades.StorageConstraints{"data": {Pool: "rootfs", Size: 1024}}
	setCharm := ApplicationSetCharmV2{Application: "pg", CharmURL: "ch:pg-1", StorageDirectives: storage, StorageConstraints: constraints}
	tests := []struct {
		name    string
		version int
		server  string
		call    func(c Caller) error
		want    any // the params sent
		wantErr error
	}{
		{"CreateModel at version 11 sends the qualifier", 11, "4.0.15", func(c Caller) error {
			_, err := NewModelManagerClient(c).CreateModel(ctx, ModelCreateArgs{Name: "m", Qualifier: "bob", OwnerTag: "user-bob"})
			return err
		}, facades.ModelCreateArgs{Name: "m", Qualifier: "bob"}, nil},
		{"CreateModel at version 10 sends the owner tag", 10, "4.0.15", func(c Caller) error {
			_, err := NewModelManagerClient(c).CreateModel(ctx, ModelCreateArgs{Name: "m", Qualifier: "bob", OwnerTag: "user-bob"})
			return err
		}, facades.ModelCreateArgsJuju36{Name: "m", OwnerTag: "user-bob"}, nil},
		{"SetCharm on Juju 4 at version 20 sends storage directives", 20, "4.0.15", func(c Caller) error {
			return NewApplicationClient(c).SetCharm(ctx, setCharm)
		}, facades.ApplicationSetCharmV2{Application: "pg", CharmURL: "ch:pg-1", StorageDirectives: storage}, nil},
		{"SetCharm on Juju 4 at version 19 sends storage constraints", 19, "4.0.15", func(c Caller) error {
			return NewApplicationClient(c).SetCharm(ctx, setCharm)
		}, facades.ApplicationSetCharm{Application: "pg", CharmURL: "ch:pg-1", StorageConstraints: constraints}, nil},
		{"SetCharm on Juju 3.6 at version 22 sends storage constraints", 22, "3.6.28", func(c Caller) error {
			return NewApplicationClient(c).SetCharm(ctx, setCharm)
		}, facades.ApplicationSetCharm{Application: "pg", CharmURL: "ch:pg-1", StorageConstraints: constraints}, nil},
		{"SetCharm on Juju 4.1 takes the Juju 4.0 shape", 22, "4.1.0", func(c Caller) error {
			return NewApplicationClient(c).SetCharm(ctx, setCharm)
		}, facades.ApplicationSetCharmV2{Application: "pg", CharmURL: "ch:pg-1", StorageDirectives: storage}, nil},
		{"SetCharm without a known release sends nothing", 22, "", func(c Caller) error {
			return NewApplicationClient(c).SetCharm(ctx, setCharm)
		}, nil, ErrUnknownRelease},
		{"SetCharm on Juju 5 has no shape", 22, "5.0.0", func(c Caller) error {
			return NewApplicationClient(c).SetCharm(ctx, setCharm)
		}, nil, rpc.ErrNotSupported},
		// The two shapes key storage "storage" (4.0) and "Storage" (3.6).
		{"DeployFromRepository on Juju 3.6 carries storage under its own key", 20, "3.6.28", func(c Caller) error {
			_, err := NewApplicationClient(c).DeployFromRepository(ctx, DeployFromRepositoryArgs{Args: []DeployFromRepositoryArg{{
				CharmName: "pg", Storage: map[string]facades.Directive{"data": {Pool: "rootfs", Count: 1}}}}})
			return err
		}, facades.DeployFromRepositoryArgsJuju36{Args: []facades.DeployFromRepositoryArgJuju36{{
			CharmName: "pg", Storage: map[string]facades.Directive{"data": {Pool: "rootfs", Count: 1}}}}}, nil},
		{"FullStatus needs no release: both shapes take the same params", 8, "", func(c Caller) error {
			_, err := NewClientClient(c).FullStatus(ctx, facades.StatusParams{})
			return err
		}, facades.StatusParams{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{version: tt.version, server: tt.server}
			err := tt.call(r)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || len(r.calls) != 0 {
					t.Fatalf("error = %v after %d calls, want one matching %v before any", err, len(r.calls), tt.wantErr)
				}
				return
			}
			if err != nil || len(r.calls) != 1 {
				t.Fatalf("error = %v after %d calls", err, len(r.calls))
			}
			if got := r.calls[0].params; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sent %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestAdapterDecodesEveryShape(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		version       int
		reply         string
		wantQualifier string
		wantOwner     string
	}{
		{11, `{"results":[{"result":{"name":"m","qualifier":"bob","machines":[{"id":"0"}]}}]}`, "bob", ""},
		{10, `{"results":[{"result":{"name":"m","owner-tag":"user-bob","default-base":"ubuntu@22.04","machines":[{"id":"0"}]}}]}`, "", "user-bob"},
	} {
		r := &recorder{version: tt.version, server: "4.0.15", reply: tt.reply}
		res, err := NewModelManagerClient(r).ModelInfo(ctx, facades.Entities{})
		if err != nil {
			t.Fatal(err)
		}
		m := res.Results[0].Result
		if m.Name != "m" || m.Qualifier != tt.wantQualifier || m.OwnerTag != tt.wantOwner || len(m.Machines) != 1 || m.Machines[0].ID != "0" {
			t.Errorf("version %d: decoded %+v", tt.version, m)
		}
		if tt.version == 10 && m.DefaultBase != "ubuntu@22.04" {
			t.Errorf("version 10: the Juju 3.6 field default-base was lost: %+v", m)
		}
	}
}
