package juju

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/rpc"
)

// AllWatcherSourceConfig configures an AllWatcherSource; the zero value is
// valid.
type AllWatcherSourceConfig struct {
	// Interval is the longest time Next waits for a delta before it
	// returns a snapshot anyway (so that idle periods can pass while
	// nothing changes); 0 means DefaultStatusInterval.
	Interval time.Duration
	// Logger receives reconnection and resync messages; nil is silent.
	Logger *slog.Logger
}

// AllWatcherSource is a StatusSource for Juju 3.6 driven by the
// AllWatcher (Client.WatchAll, AllWatcher.Next): it keeps a local model of
// the applications, units, machines and relations from the watcher's
// deltas and builds Status snapshots like the ones Model.Status returns.
// Juju 4 has no AllWatcher: NewAllWatcherSource refuses it.
//
// What the deltas lack is filled from Client.FullStatus ("resyncs"): the
// leader flags, relation statuses, charm channel, base, endpoint
// bindings, workload versions of units, offers and remote applications.
// A resync is made at the start, and again (at most once per Interval)
// after an application, unit, machine or relation appeared or went away,
// or while an application with units has no known leader. Status changes,
// the frequent part, cost no FullStatus.
//
// Idle timing: deltas carry each status's since (by the controller's
// clock) but not the controller's current time. A snapshot's
// ControllerTimestamp is the controller timestamp of the last FullStatus
// call plus the local time elapsed since it arrived, and never earlier
// than the latest since seen. When Interval passes without deltas, Next
// re-reads the controller's clock with one FullStatus restricted to a
// pattern that matches nothing (a constant cost whatever the model's
// size) before returning the snapshot, so idle periods are measured by
// the controller's clock as with a PollingSource.
//
// A lost connection is ridden through: the source reconnects, starts a
// new watcher and replaces its local model with the new watcher's first
// batch. It is safe for concurrent use; snapshots are handed out to one
// caller at a time.
type AllWatcherSource struct {
	m   *Model
	cfg AllWatcherSourceConfig

	batches  chan awBatch
	stopDone chan struct{} // closed when the watcher was stopped
	done     chan struct{} // closed when read returned
	closed   chan struct{}
	once     sync.Once

	wmu       sync.Mutex // guards conn and watcherID
	conn      *apiConn
	watcherID string

	mu          sync.Mutex // serialises Next and guards what follows
	started     bool
	failed      error
	apps        map[string]*awApp
	units       map[string]*awUnit
	machines    map[string]*awMachine
	relations   map[string]*awRelation
	model       *awModel
	base        *Status
	lastResync  time.Time
	needResync  bool
	anchorCtrl  time.Time
	anchorLocal time.Time
	maxSince    time.Time
	probeFailed bool
}

// awProbePattern is a FullStatus pattern that matches no entity: a unit
// of an application whose name Juju does not allow.
const awProbePattern = "gojuju--clock-probe/0"

type awBatch struct {
	deltas []facades.Delta
	reset  bool // the first batch of a new watcher: the whole model
	err    error
}

type awInfo struct {
	Current string         `json:"current"`
	Message string         `json:"message"`
	Since   *time.Time     `json:"since"`
	Version string         `json:"version"`
	Data    map[string]any `json:"data"`
	Err     *rpc.Error     `json:"err,omitempty"`
}

type awModel struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Cloud       string `json:"cloud"`
	CloudRegion string `json:"cloud-region"`
	Version     string `json:"version"`
	Life        string `json:"life"`
	Status      awInfo `json:"status"`
}

type awApp struct {
	Name            string `json:"name"`
	Exposed         bool   `json:"exposed"`
	CharmURL        string `json:"charm-url"`
	Life            string `json:"life"`
	Subordinate     bool   `json:"subordinate"`
	Status          awInfo `json:"status"`
	WorkloadVersion string `json:"workload-version"`
}

type awUnit struct {
	Name           string `json:"name"`
	Application    string `json:"application"`
	Base           string `json:"base"`
	Life           string `json:"life"`
	PublicAddress  string `json:"public-address"`
	MachineID      string `json:"machine-id"`
	Principal      string `json:"principal"`
	WorkloadStatus awInfo `json:"workload-status"`
	AgentStatus    awInfo `json:"agent-status"`
	PortRanges     []struct {
		From     int    `json:"from-port"`
		To       int    `json:"to-port"`
		Protocol string `json:"protocol"`
	} `json:"port-ranges"`
}

type awMachine struct {
	ID             string   `json:"id"`
	InstanceID     string   `json:"instance-id"`
	AgentStatus    awInfo   `json:"agent-status"`
	InstanceStatus awInfo   `json:"instance-status"`
	Base           string   `json:"base"`
	Jobs           []string `json:"jobs"`
	Hostname       string   `json:"hostname"`
	HasVote        bool     `json:"has-vote"`
	WantsVote      bool     `json:"wants-vote"`
	Addresses      []struct {
		Value string `json:"value"`
	} `json:"addresses"`
}

type awRelation struct {
	Key       string `json:"key"`
	ID        int    `json:"id"`
	Endpoints []struct {
		Application string `json:"application-name"`
		Relation    struct {
			Name      string `json:"name"`
			Role      string `json:"role"`
			Interface string `json:"interface"`
			Scope     string `json:"scope"`
		} `json:"relation"`
	} `json:"endpoints"`
}

// NewAllWatcherSource starts an AllWatcherSource over m: one
// Client.FullStatus, then Client.WatchAll. On a Juju 4 controller it
// returns an error matching ErrNotSupported without calling WatchAll.
// Close the source when done; that stops the watcher (AllWatcher.Stop).
func NewAllWatcherSource(ctx context.Context, m *Model, cfg *AllWatcherSourceConfig) (*AllWatcherSource, error) {
	var c AllWatcherSourceConfig
	if cfg != nil {
		c = *cfg
	}
	if c.Interval < 0 {
		return nil, fmt.Errorf("cannot watch model status: %w: negative interval %v", ErrInvalidArgument, c.Interval)
	}
	if c.Interval == 0 {
		c.Interval = DefaultStatusInterval
	}
	refuse := func() error {
		return fmt.Errorf("cannot watch model %q status: %w: Juju %s has no AllWatcher; use a PollingSource",
			m.QualifiedName(), ErrNotSupported, m.ctrl.ServerVersion())
	}
	if m.ctrl.features().juju4 {
		return nil, refuse()
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, opError("watch status of model", m.QualifiedName(), err)
	}
	if featuresFor(conn.Login().ServerVersion).juju4 {
		return nil, refuse()
	}
	s := &AllWatcherSource{
		m: m, cfg: c,
		batches:  make(chan awBatch, 1),
		stopDone: make(chan struct{}),
		done:     make(chan struct{}),
		closed:   make(chan struct{}),
	}
	if err := s.resync(ctx); err != nil {
		return nil, opError("watch status of model", m.QualifiedName(), err)
	}
	id, err := facades.NewClientClient(conn).WatchAll(ctx)
	if err != nil {
		return nil, opError("watch status of model", m.QualifiedName(), err)
	}
	s.conn, s.watcherID = conn, id.WatcherID
	// The reader outlives ctx (it ends at Close), so it runs on a context
	// detached from ctx's cancellation.
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	go s.read(rctx)
	go func() {
		defer close(s.stopDone)
		<-s.closed
		s.stopWatcher(rctx)
		cancel()
	}()
	return s, nil
}

// stopWatcher calls AllWatcher.Stop on the current watcher.
func (s *AllWatcherSource) stopWatcher(ctx context.Context) {
	s.wmu.Lock()
	conn, id := s.conn, s.watcherID
	s.wmu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := facades.NewAllWatcherClient(conn).Stop(ctx, id); err != nil {
		s.logInfo(ctx, "cannot stop the status watcher", "error", err.Error())
	}
}

// read calls AllWatcher.Next until ctx ends, handing each batch to Next.
func (s *AllWatcherSource) read(ctx context.Context) {
	defer close(s.done)
	reset := true
	for {
		s.wmu.Lock()
		conn, id := s.conn, s.watcherID
		s.wmu.Unlock()
		res, err := facades.NewAllWatcherClient(conn).Next(ctx, id)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !srcIsConnectionError(err) && !rpc.IsRetryable(err) {
				s.send(ctx, awBatch{err: err})
				return
			}
			s.logInfo(ctx, "status watcher lost; watching again", "error", err.Error())
			if !s.rewatch(ctx) {
				return
			}
			reset = true
			continue
		}
		if !s.send(ctx, awBatch{deltas: res.Deltas, reset: reset}) {
			return
		}
		reset = false
	}
}

// rewatch starts a new watcher on a (re)opened connection, retrying until
// ctx ends; it reports whether it succeeded.
func (s *AllWatcherSource) rewatch(ctx context.Context) bool {
	backoff := s.cfg.Interval
	for {
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		backoff = min(backoff*2, max(s.cfg.Interval, 10*time.Second))
		conn, err := s.m.conn(ctx)
		if err == nil {
			var id facades.AllWatcherId
			id, err = facades.NewClientClient(conn).WatchAll(ctx)
			if err == nil {
				s.wmu.Lock()
				s.conn, s.watcherID = conn, id.WatcherID
				s.wmu.Unlock()
				return true
			}
		}
		if ctx.Err() != nil {
			return false
		}
		s.logInfo(ctx, "cannot watch model status yet; will retry", "error", err.Error())
	}
}

func (s *AllWatcherSource) send(ctx context.Context, b awBatch) bool {
	select {
	case s.batches <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// Close stops the watcher (AllWatcher.Stop) and waits for the source's
// goroutine to exit; Next then fails with ErrSourceClosed. It is
// idempotent and always returns nil.
func (s *AllWatcherSource) Close() error {
	s.once.Do(func() {
		close(s.closed)
		<-s.stopDone
		<-s.done
	})
	return nil
}

// Next returns the first snapshot once the watcher has sent the whole
// model; later calls return after the next batch of deltas, or after
// Interval without any.
func (s *AllWatcherSource) Next(ctx context.Context) (*Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.stopped(ctx); err != nil {
		return nil, err
	}
	if s.failed != nil {
		return nil, s.failed
	}
	gotDeltas := false
	if !s.started {
		select {
		case b := <-s.batches:
			if err := s.apply(b); err != nil {
				return nil, err
			}
			gotDeltas = true
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-s.closed:
			return nil, ErrSourceClosed
		}
		s.started = true
	} else {
		t := time.NewTimer(s.cfg.Interval)
		select {
		case b := <-s.batches:
			t.Stop()
			if err := s.apply(b); err != nil {
				return nil, err
			}
			gotDeltas = true
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, context.Cause(ctx)
		case <-s.closed:
			t.Stop()
			return nil, ErrSourceClosed
		}
	}
	for more := true; more; { // take what else is already there
		select {
		case b := <-s.batches:
			if err := s.apply(b); err != nil {
				return nil, err
			}
		default:
			more = false
		}
	}
	s.needResync = s.needResync || s.leaderMissing()
	switch {
	case s.needResync && time.Since(s.lastResync) >= s.cfg.Interval:
		if err := s.resync(ctx); err != nil {
			if cerr := s.stopped(ctx); cerr != nil {
				return nil, cerr
			}
			s.logInfo(ctx, "status resync failed; will retry", "error", err.Error())
		}
	case !gotDeltas:
		s.probe(ctx)
	}
	return s.build(), nil
}

func (s *AllWatcherSource) stopped(ctx context.Context) error {
	select {
	case <-s.closed:
		return ErrSourceClosed
	default:
	}
	return context.Cause(ctx)
}

// resync fetches the whole model's FullStatus: the base for what deltas
// lack, and the controller's clock.
func (s *AllWatcherSource) resync(ctx context.Context) error {
	st, err := s.m.stFetch(ctx, nil, false)
	if err != nil {
		return err
	}
	s.base, s.lastResync, s.needResync = st, time.Now(), false
	s.anchor(st)
	return nil
}

// probe re-reads the controller's clock.
func (s *AllWatcherSource) probe(ctx context.Context) {
	if s.probeFailed {
		return
	}
	st, err := s.m.stFetch(ctx, []string{awProbePattern}, false)
	if err != nil {
		if !srcIsConnectionError(err) && ctx.Err() == nil {
			s.probeFailed = true
			s.logInfo(ctx, "cannot read the controller's clock; estimating it locally", "error", err.Error())
		}
		return
	}
	s.anchor(st)
}

func (s *AllWatcherSource) anchor(st *Status) {
	if !st.ControllerTimestamp.IsZero() {
		s.anchorCtrl, s.anchorLocal = st.ControllerTimestamp, st.received
	}
}

func (s *AllWatcherSource) leaderMissing() bool {
	if s.base == nil {
		return true
	}
	for _, u := range s.units {
		if u.Principal == "" && s.base.Leader(u.Application) == nil {
			return true
		}
	}
	return false
}

// apply applies one batch of deltas to the local model.
func (s *AllWatcherSource) apply(b awBatch) error {
	if b.err != nil {
		s.failed = fmt.Errorf("cannot watch model %q status: %w", s.m.QualifiedName(), b.err)
		return s.failed
	}
	if b.reset || s.apps == nil {
		s.apps, s.units = map[string]*awApp{}, map[string]*awUnit{}
		s.machines, s.relations = map[string]*awMachine{}, map[string]*awRelation{}
		s.needResync = s.needResync || s.started
	}
	for _, raw := range b.deltas {
		var d [3]json.RawMessage
		var kind, op string
		if json.Unmarshal(raw, &d) != nil || json.Unmarshal(d[0], &kind) != nil || json.Unmarshal(d[1], &op) != nil {
			continue // not a delta: ignore it rather than fail the wait
		}
		rm := op == "remove"
		switch kind {
		case "model":
			if !rm {
				var v awModel
				if json.Unmarshal(d[2], &v) == nil {
					s.model = &v
					s.seen(v.Status)
				}
			}
		case "application":
			var v awApp
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = awPut(s.apps, v.Name, &v, rm) || s.needResync
				s.seen(v.Status)
			}
		case "unit":
			var v awUnit
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = awPut(s.units, v.Name, &v, rm) || s.needResync
				s.seen(v.WorkloadStatus)
				s.seen(v.AgentStatus)
			}
		case "machine":
			var v awMachine
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = awPut(s.machines, v.ID, &v, rm) || s.needResync
				s.seen(v.AgentStatus)
				s.seen(v.InstanceStatus)
			}
		case "relation":
			var v awRelation
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = awPut(s.relations, v.Key, &v, rm) || s.needResync
			}
		}
	}
	return nil
}

// awPut stores or removes v and reports whether membership changed.
func awPut[T any](m map[string]*T, key string, v *T, remove bool) bool {
	_, had := m[key]
	if remove {
		delete(m, key)
		return had
	}
	m[key] = v
	return !had
}

func (s *AllWatcherSource) seen(i awInfo) {
	if i.Since != nil && i.Since.After(s.maxSince) {
		s.maxSince = *i.Since
	}
}

func (i awInfo) info() StatusInfo {
	st := StatusInfo{Current: i.Current, Message: i.Message, Version: i.Version}
	if i.Since != nil {
		st.Since = *i.Since
	}
	if len(i.Data) > 0 {
		st.Data = i.Data
	}
	if i.Err != nil {
		st.Err = i.Err
	}
	return st
}

// build makes a snapshot from the local model over the last resync.
func (s *AllWatcherSource) build() *Status {
	base := s.base
	if base == nil {
		base = &Status{}
	}
	now := time.Now()
	st := &Status{
		Model:              base.Model,
		Applications:       make(map[string]*ApplicationStatus, len(s.apps)),
		Machines:           make(map[string]*MachineStatus),
		Offers:             base.Offers,
		RemoteApplications: base.RemoteApplications,
		received:           now,
		sent:               now,
	}
	if !s.anchorCtrl.IsZero() {
		st.ControllerTimestamp = s.anchorCtrl.Add(now.Sub(s.anchorLocal))
		if s.maxSince.After(st.ControllerTimestamp) {
			st.ControllerTimestamp = s.maxSince
		}
	}
	if mv := s.model; mv != nil {
		st.Model.Name, st.Model.Type, st.Model.Region, st.Model.Version = mv.Name, mv.Type, mv.CloudRegion, mv.Version
		st.Model.Cloud = mv.Cloud
		st.Model.Status = mv.Status.info()
		st.Model.Status.Life = mv.Life
	}
	// Relations, and from them each application's endpoints.
	appRels := map[string]map[string][]string{}
	subTo := map[string][]string{}
	for _, key := range awSortedKeys(s.relations) {
		r := s.relations[key]
		rs := &RelationStatus{ID: r.ID, Key: r.Key}
		if br := stRelationIndex(base.Relations)[r.Key]; br != nil {
			rs.Status = br.Status
		}
		for _, e := range r.Endpoints {
			if rs.Interface == "" {
				rs.Interface, rs.Scope = e.Relation.Interface, e.Relation.Scope
			}
			if e.Relation.Scope == "container" {
				rs.Scope = "container"
			}
			sub := s.apps[e.Application] != nil && s.apps[e.Application].Subordinate
			rs.Endpoints = append(rs.Endpoints, EndpointStatus{Application: e.Application, Name: e.Relation.Name, Role: e.Relation.Role, Subordinate: sub})
		}
		for i, e := range r.Endpoints {
			if appRels[e.Application] == nil {
				appRels[e.Application] = map[string][]string{}
			}
			for j, o := range r.Endpoints {
				if i != j || len(r.Endpoints) == 1 {
					appRels[e.Application][e.Relation.Name] = awAddSorted(appRels[e.Application][e.Relation.Name], o.Application)
				}
				if i != j && rs.Scope == "container" && s.apps[e.Application] != nil && s.apps[e.Application].Subordinate &&
					(s.apps[o.Application] == nil || !s.apps[o.Application].Subordinate) {
					subTo[e.Application] = awAddSorted(subTo[e.Application], o.Application)
				}
			}
		}
		st.Relations = append(st.Relations, rs)
	}
	for name, a := range s.apps {
		as := &ApplicationStatus{}
		if ba := base.Applications[name]; ba != nil {
			*as = *ba
		}
		as.Name, as.Charm, as.Exposed, as.Life = a.Name, a.CharmURL, a.Exposed, a.Life
		as.CharmName, as.CharmRev, _ = stParseCharmURL(a.CharmURL)
		as.Status = a.Status.info()
		as.WorkloadVersion = a.WorkloadVersion
		as.Relations = appRels[name]
		as.SubordinateTo = subTo[name]
		as.Units = map[string]*UnitStatus{}
		st.Applications[name] = as
	}
	// Principal units first, then subordinates under them.
	for _, sub := range []bool{false, true} {
		for _, name := range awSortedKeys(s.units) {
			u := s.units[name]
			if (u.Principal != "") != sub {
				continue
			}
			us := &UnitStatus{}
			if bu := base.Unit(name); bu != nil {
				*us = *bu
			}
			us.Name, us.Application, us.Principal = u.Name, u.Application, u.Principal
			us.Machine, us.PublicAddress = u.MachineID, u.PublicAddress
			us.WorkloadStatus, us.AgentStatus = u.WorkloadStatus.info(), u.AgentStatus.info()
			if us.AgentStatus.Current == "error" {
				// FullStatus shows a failed hook as an idle agent with the
				// workload in error; so does the snapshot.
				us.WorkloadStatus = us.AgentStatus
				us.AgentStatus.Current, us.AgentStatus.Message, us.AgentStatus.Data = "idle", "", nil
			}
			us.WorkloadStatus.Life, us.AgentStatus.Life = u.Life, ""
			us.OpenedPorts = nil
			for _, p := range u.PortRanges {
				ps := strconv.Itoa(p.From)
				if p.To != p.From {
					ps += "-" + strconv.Itoa(p.To)
				}
				us.OpenedPorts = append(us.OpenedPorts, ps+"/"+p.Protocol)
			}
			us.Subordinates = nil
			if as := st.Applications[u.Application]; as != nil && as.Base.Name == "" {
				as.Base = awBase(u.Base)
			}
			if !sub {
				if as := st.Applications[u.Application]; as != nil {
					as.Units[name] = us
				}
				continue
			}
			if pu := st.Applications[strings.SplitN(u.Principal, "/", 2)[0]]; pu != nil {
				if p := pu.Units[u.Principal]; p != nil {
					if p.Subordinates == nil {
						p.Subordinates = map[string]*UnitStatus{}
					}
					p.Subordinates[name] = us
				}
			}
		}
	}
	// Machines, containers under their hosts (parents sort first).
	all := map[string]*MachineStatus{}
	for _, id := range awSortedKeys(s.machines) {
		mv := s.machines[id]
		ms := &MachineStatus{}
		if bm := base.Machine(id); bm != nil {
			*ms = *bm
		}
		ms.ID, ms.InstanceID, ms.Hostname, ms.Jobs = mv.ID, mv.InstanceID, mv.Hostname, mv.Jobs
		ms.HasVote, ms.WantsVote = mv.HasVote, mv.WantsVote
		ms.AgentStatus, ms.InstanceStatus = mv.AgentStatus.info(), mv.InstanceStatus.info()
		if ms.Base.Name == "" {
			ms.Base = awBase(mv.Base)
		}
		if len(mv.Addresses) > 0 {
			ms.IPAddresses = nil
			for _, a := range mv.Addresses {
				ms.IPAddresses = append(ms.IPAddresses, a.Value)
			}
			if ms.DNSName == "" {
				ms.DNSName = ms.IPAddresses[0]
			}
		}
		ms.Containers = nil
		all[id] = ms
		parts := strings.Split(id, "/")
		if len(parts) < 3 {
			st.Machines[id] = ms
			continue
		}
		if p := all[strings.Join(parts[:len(parts)-2], "/")]; p != nil {
			if p.Containers == nil {
				p.Containers = map[string]*MachineStatus{}
			}
			p.Containers[id] = ms
		}
	}
	st.stIndex()
	return st
}

// awBase turns "ubuntu@22.04" into a StatusBase.
func awBase(b string) StatusBase {
	name, channel, ok := strings.Cut(b, "@")
	if !ok {
		return StatusBase{}
	}
	return StatusBase{Name: name, Channel: channel}
}

func awSortedKeys[T any](m map[string]*T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		// Hosts before their containers, then by name and number.
		if c := strings.Count(a, "/") - strings.Count(b, "/"); c != 0 {
			return c
		}
		return stCompareUnitNames(a, b)
	})
	return keys
}

func awAddSorted(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	list = append(list, v)
	slices.Sort(list)
	return list
}

func (s *AllWatcherSource) logInfo(ctx context.Context, msg string, args ...any) {
	l := s.cfg.Logger
	if l == nil {
		l = s.m.ctrl.logger
	}
	if l != nil {
		l.InfoContext(ctx, msg, args...)
	}
}

var _ StatusSource = (*AllWatcherSource)(nil)
