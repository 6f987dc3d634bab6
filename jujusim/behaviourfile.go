package jujusim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// AnyModel is the model UUID that, given to SetBehaviour, SetExecHandler and
// SetRelationData, applies the setting to every model, those created later
// included, except where a model has a setting of its own.
const AnyModel = core.AnyModel

// BehaviourFile is a set of behaviours read from YAML (ParseBehaviourFile),
// the format of "gojuju sim --behaviour FILE", by application name:
//
//	applications:
//	  pg:
//	    status: blocked            # workload status the units end in
//	    message: needs a database
//	    app-status: active         # and app-message: the leader's application status
//	    workload-version: "14.9"
//	    fail-hook: install         # a hook that fails until resolved
//	    maintenance-for: 2s
//	    flap: 0s
//	    never-settle: false
//	    open-ports: [5432/tcp]
//	    timing: {install: 5s, hook: 1s, action: 500ms}
//	    exec:                      # results of commands run with juju exec
//	      hostname: {stdout: "pg-0\n"}
//	      systemctl is-active postgresql: {code: 3, stdout: "inactive\n"}
//	    actions:                   # results of actions
//	      get-password: {status: completed, output: {password: s3cr3t}, log: [fetching]}
//	    relation-app-data:         # application databag, by endpoint
//	      database: {username: pg-user}
//	    relation-unit-data:        # each unit's databag, by endpoint
//	      database-peers: {member: "yes"}
type BehaviourFile struct {
	// Applications holds the behaviour of each application by name.
	Applications map[string]Behaviour
}

type fileDuration time.Duration

func (d *fileDuration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration such as 2s or 500ms", n.Line, n.Value)
	}
	*d = fileDuration(v)
	return nil
}

type fileExec struct {
	Code   int    `yaml:"code"`
	Stdout string `yaml:"stdout"`
	Stderr string `yaml:"stderr"`
	Fail   string `yaml:"fail"`
}

type fileAction struct {
	Status  string         `yaml:"status"`
	Message string         `yaml:"message"`
	Output  map[string]any `yaml:"output"`
	Log     []string       `yaml:"log"`
}

type fileTiming struct {
	MachineProvision     fileDuration `yaml:"machine-provision"`
	MachineStart         fileDuration `yaml:"machine-start"`
	Install              fileDuration `yaml:"install"`
	Hook                 fileDuration `yaml:"hook"`
	Removal              fileDuration `yaml:"removal"`
	Action               fileDuration `yaml:"action"`
	UpdateStatusInterval fileDuration `yaml:"update-status-interval"`
}

type fileApp struct {
	Status           string                       `yaml:"status"`
	Message          string                       `yaml:"message"`
	AppStatus        string                       `yaml:"app-status"`
	AppMessage       string                       `yaml:"app-message"`
	WorkloadVersion  string                       `yaml:"workload-version"`
	FailHook         string                       `yaml:"fail-hook"`
	MaintenanceFor   fileDuration                 `yaml:"maintenance-for"`
	Flap             fileDuration                 `yaml:"flap"`
	NeverSettle      bool                         `yaml:"never-settle"`
	OpenPorts        []string                     `yaml:"open-ports"`
	Timing           *fileTiming                  `yaml:"timing"`
	Exec             map[string]fileExec          `yaml:"exec"`
	Actions          map[string]fileAction        `yaml:"actions"`
	RelationAppData  map[string]map[string]string `yaml:"relation-app-data"`
	RelationUnitData map[string]map[string]string `yaml:"relation-unit-data"`
}

var workloadStatuses = map[string]bool{"": true, "active": true, "blocked": true, "waiting": true, "maintenance": true}

// ErrBadBehaviourFile is matched by the errors of ParseBehaviourFile.
var ErrBadBehaviourFile = errors.New("invalid behaviour file")

// ParseBehaviourFile reads a behaviour file (see BehaviourFile). Unknown
// keys, bad durations and statuses are refused with an error matching
// ErrBadBehaviourFile that names the problem.
func ParseBehaviourFile(data []byte) (*BehaviourFile, error) {
	var raw struct {
		Applications map[string]fileApp `yaml:"applications"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", ErrBadBehaviourFile, err)
	}
	out := &BehaviourFile{Applications: map[string]Behaviour{}}
	names := make([]string, 0, len(raw.Applications))
	for n := range raw.Applications {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		fa := raw.Applications[name]
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: application %q: %s", ErrBadBehaviourFile, name, fmt.Sprintf(format, args...))
		}
		if !workloadStatuses[fa.Status] {
			return nil, bad("status %q is not active, blocked, waiting or maintenance", fa.Status)
		}
		if fa.AppStatus != "unknown" && !workloadStatuses[fa.AppStatus] {
			return nil, bad("app-status %q is not active, blocked, waiting, maintenance or unknown", fa.AppStatus)
		}
		b := Behaviour{Status: fa.Status, Message: fa.Message, AppStatus: fa.AppStatus, AppMessage: fa.AppMessage,
			WorkloadVersion: fa.WorkloadVersion, FailHook: fa.FailHook, MaintenanceFor: time.Duration(fa.MaintenanceFor),
			Flap: time.Duration(fa.Flap), NeverSettle: fa.NeverSettle, OpenPorts: fa.OpenPorts,
			RelationAppData: fa.RelationAppData, RelationUnitData: fa.RelationUnitData}
		if t := fa.Timing; t != nil {
			b.Timing = &Timing{Name: "behaviour file", MachineProvision: time.Duration(t.MachineProvision),
				MachineStart: time.Duration(t.MachineStart), Install: time.Duration(t.Install), Hook: time.Duration(t.Hook),
				Removal: time.Duration(t.Removal), Action: time.Duration(t.Action), UpdateStatusInterval: time.Duration(t.UpdateStatusInterval)}
		}
		if len(fa.Exec) > 0 {
			b.ExecResults = map[string]ExecResult{}
			for cmd, r := range fa.Exec {
				if r.Code < 0 || r.Code > 255 {
					return nil, bad("exec %q: code %d is not 0-255", cmd, r.Code)
				}
				b.ExecResults[cmd] = ExecResult{Code: r.Code, Stdout: r.Stdout, Stderr: r.Stderr, Fail: r.Fail}
			}
		}
		if len(fa.Actions) > 0 {
			b.ActionResults = map[string]ActionOutcome{}
			for act, r := range fa.Actions {
				if r.Status != "" && r.Status != "completed" && r.Status != "failed" {
					return nil, bad("action %q: status %q is not completed or failed", act, r.Status)
				}
				b.ActionResults[act] = ActionOutcome{Status: r.Status, Message: r.Message, Output: r.Output, Log: r.Log}
			}
		}
		out.Applications[name] = b
	}
	return out, nil
}

// SetBehaviours sets the behaviour of each application of f in the model
// (AnyModel: every model). See SetBehaviour.
func (s *Server) SetBehaviours(modelUUID string, f *BehaviourFile) {
	for name, b := range f.Applications {
		s.SetBehaviour(modelUUID, name, b)
	}
}
