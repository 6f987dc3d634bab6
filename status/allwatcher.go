package status

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
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// AllWatcherSourceConfig configures an AllWatcherSource. Only Conn is
// required; Model.AllWatcherSource supplies it.
type AllWatcherSourceConfig struct {
	// Conn returns the connection to the model to watch, opening it again
	// if it broke; it is called at the start and after a lost connection.
	Conn func(ctx context.Context) (Caller, error)
	// Interval is the longest time Next waits for a delta before it
	// returns a snapshot anyway (so that idle periods can pass while
	// nothing changes); 0 means DefaultInterval.
	Interval time.Duration
	// Logger receives reconnection and resync messages; nil is silent.
	Logger *slog.Logger
}

// AllWatcherSource is a Source for Juju 3.6 driven by the
// AllWatcher (Client.WatchAll, AllWatcher.Next): it keeps a local model of
// the applications, units, machines and relations from the watcher's
// deltas and builds Status snapshots like the ones Model.Status returns.
// Juju 4 has no AllWatcher: Model.AllWatcherSource refuses it.
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
	cfg AllWatcherSourceConfig

	batches  chan watchBatch
	stopDone chan struct{} // closed when the watcher was stopped
	done     chan struct{} // closed when read returned
	closed   chan struct{}
	once     sync.Once

	wmu       sync.Mutex // guards conn and watcherID
	conn      Caller
	watcherID string

	mu          sync.Mutex // serialises Next and guards what follows
	started     bool
	failed      error
	apps        map[string]*deltaApp
	units       map[string]*deltaUnit
	machines    map[string]*deltaMachine
	relations   map[string]*deltaRelation
	model       *deltaModel
	base        *Status
	lastResync  time.Time
	needResync  bool
	anchorCtrl  time.Time
	anchorLocal time.Time
	maxSince    time.Time
	probeFailed bool
}

// clockProbePattern is a FullStatus pattern that matches no entity: a unit
// of an application whose name Juju does not allow.
const clockProbePattern = "gojuju--clock-probe/0"

type watchBatch struct {
	deltas []facades.Delta
	reset  bool // the first batch of a new watcher: the whole model
	err    error
}

type deltaInfo struct {
	Current string         `json:"current"`
	Message string         `json:"message"`
	Since   *time.Time     `json:"since"`
	Version string         `json:"version"`
	Data    map[string]any `json:"data"`
	Err     *rpc.Error     `json:"err,omitempty"`
}

type deltaModel struct {
	Name        string    `json:"name"`
	Type        string    `json:"type"`
	Cloud       string    `json:"cloud"`
	CloudRegion string    `json:"cloud-region"`
	Version     string    `json:"version"`
	Life        string    `json:"life"`
	Status      deltaInfo `json:"status"`
}

type deltaApp struct {
	Name            string    `json:"name"`
	Exposed         bool      `json:"exposed"`
	CharmURL        string    `json:"charm-url"`
	Life            string    `json:"life"`
	Subordinate     bool      `json:"subordinate"`
	Status          deltaInfo `json:"status"`
	WorkloadVersion string    `json:"workload-version"`
}

type deltaUnit struct {
	Name           string    `json:"name"`
	Application    string    `json:"application"`
	Base           string    `json:"base"`
	Life           string    `json:"life"`
	PublicAddress  string    `json:"public-address"`
	MachineID      string    `json:"machine-id"`
	Principal      string    `json:"principal"`
	WorkloadStatus deltaInfo `json:"workload-status"`
	AgentStatus    deltaInfo `json:"agent-status"`
	PortRanges     []struct {
		From     int    `json:"from-port"`
		To       int    `json:"to-port"`
		Protocol string `json:"protocol"`
	} `json:"port-ranges"`
}

type deltaMachine struct {
	ID             string    `json:"id"`
	InstanceID     string    `json:"instance-id"`
	AgentStatus    deltaInfo `json:"agent-status"`
	InstanceStatus deltaInfo `json:"instance-status"`
	Base           string    `json:"base"`
	Jobs           []string  `json:"jobs"`
	Hostname       string    `json:"hostname"`
	HasVote        bool      `json:"has-vote"`
	WantsVote      bool      `json:"wants-vote"`
	Addresses      []struct {
		Value string `json:"value"`
	} `json:"addresses"`
}

type deltaRelation struct {
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

// NewAllWatcherSource starts an AllWatcherSource: one Client.FullStatus,
// then Client.WatchAll. It returns an error matching ErrInvalidArgument
// for a config without Conn or with a negative interval, and one matching
// rpc.ErrNotSupported when the connection offers no AllWatcher facade.
// Close the source when done; that stops the watcher (AllWatcher.Stop).
func NewAllWatcherSource(ctx context.Context, cfg AllWatcherSourceConfig) (*AllWatcherSource, error) {
	if cfg.Conn == nil {
		return nil, fmt.Errorf("cannot watch model status: %w: no connection", ErrInvalidArgument)
	}
	if cfg.Interval < 0 {
		return nil, fmt.Errorf("cannot watch model status: %w: negative interval %v", ErrInvalidArgument, cfg.Interval)
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	conn, err := cfg.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("cannot watch model status: %w", err)
	}
	if _, err := conn.BestVersion("AllWatcher"); err != nil {
		return nil, fmt.Errorf("cannot watch model status: %w", err)
	}
	s := &AllWatcherSource{
		cfg:      cfg,
		batches:  make(chan watchBatch, 1),
		stopDone: make(chan struct{}),
		done:     make(chan struct{}),
		closed:   make(chan struct{}),
	}
	if err := s.resync(ctx); err != nil {
		return nil, fmt.Errorf("cannot watch model status: %w", err)
	}
	id, err := apiclient.NewClientClient(conn).WatchAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("cannot watch model status: %w", err)
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
	if err := apiclient.NewAllWatcherClient(conn).Stop(ctx, id); err != nil {
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
		res, err := apiclient.NewAllWatcherClient(conn).Next(ctx, id)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !isConnectionError(err) && !rpc.IsRetryable(err) {
				s.send(ctx, watchBatch{err: err})
				return
			}
			s.logInfo(ctx, "status watcher lost; watching again", "error", err.Error())
			if !s.rewatch(ctx) {
				return
			}
			reset = true
			continue
		}
		if !s.send(ctx, watchBatch{deltas: res.Deltas, reset: reset}) {
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
		conn, err := s.cfg.Conn(ctx)
		if err == nil {
			var id facades.AllWatcherId
			id, err = apiclient.NewClientClient(conn).WatchAll(ctx)
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

func (s *AllWatcherSource) send(ctx context.Context, b watchBatch) bool {
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
	st, err := s.fetch(ctx, nil)
	if err != nil {
		return err
	}
	s.base, s.lastResync, s.needResync = st, time.Now(), false
	s.anchor(st)
	return nil
}

// fetch makes one Client.FullStatus call restricted to patterns.
func (s *AllWatcherSource) fetch(ctx context.Context, patterns []string) (*Status, error) {
	conn, err := s.cfg.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return Fetch(ctx, conn, &Options{Patterns: patterns})
}

// probe re-reads the controller's clock.
func (s *AllWatcherSource) probe(ctx context.Context) {
	if s.probeFailed {
		return
	}
	st, err := s.fetch(ctx, []string{clockProbePattern})
	if err != nil {
		if !isConnectionError(err) && ctx.Err() == nil {
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
func (s *AllWatcherSource) apply(b watchBatch) error {
	if b.err != nil {
		s.failed = fmt.Errorf("cannot watch model status: %w", b.err)
		return s.failed
	}
	if b.reset || s.apps == nil {
		s.apps, s.units = map[string]*deltaApp{}, map[string]*deltaUnit{}
		s.machines, s.relations = map[string]*deltaMachine{}, map[string]*deltaRelation{}
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
				var v deltaModel
				if json.Unmarshal(d[2], &v) == nil {
					s.model = &v
					s.seen(v.Status)
				}
			}
		case "application":
			var v deltaApp
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = putDelta(s.apps, v.Name, &v, rm) || s.needResync
				s.seen(v.Status)
			}
		case "unit":
			var v deltaUnit
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = putDelta(s.units, v.Name, &v, rm) || s.needResync
				s.seen(v.WorkloadStatus)
				s.seen(v.AgentStatus)
			}
		case "machine":
			var v deltaMachine
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = putDelta(s.machines, v.ID, &v, rm) || s.needResync
				s.seen(v.AgentStatus)
				s.seen(v.InstanceStatus)
			}
		case "relation":
			var v deltaRelation
			if json.Unmarshal(d[2], &v) == nil {
				s.needResync = putDelta(s.relations, v.Key, &v, rm) || s.needResync
			}
		case "remoteApplication", "applicationOffer":
			// Consumed applications and offers are taken from the
			// resync's FullStatus (which has their endpoints and
			// relations): any change to them asks for one.
			s.needResync = true
		}
	}
	return nil
}

// putDelta stores or removes v and reports whether membership changed.
func putDelta[T any](m map[string]*T, key string, v *T, remove bool) bool {
	_, had := m[key]
	if remove {
		delete(m, key)
		return had
	}
	m[key] = v
	return !had
}

func (s *AllWatcherSource) seen(i deltaInfo) {
	if i.Since != nil && i.Since.After(s.maxSince) {
		s.maxSince = *i.Since
	}
}

func (i deltaInfo) info() Info {
	st := Info{Current: i.Current, Message: i.Message, Version: i.Version}
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
		Applications:       make(map[string]*Application, len(s.apps)),
		Machines:           make(map[string]*Machine),
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
	for _, key := range sortedKeys(s.relations) {
		r := s.relations[key]
		rs := &Relation{ID: r.ID, Key: r.Key}
		if br := relationIndex(base.Relations)[r.Key]; br != nil {
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
			rs.Endpoints = append(rs.Endpoints, Endpoint{Application: e.Application, Name: e.Relation.Name, Role: e.Relation.Role, Subordinate: sub})
		}
		for i, e := range r.Endpoints {
			if appRels[e.Application] == nil {
				appRels[e.Application] = map[string][]string{}
			}
			for j, o := range r.Endpoints {
				if i != j || len(r.Endpoints) == 1 {
					appRels[e.Application][e.Relation.Name] = addSorted(appRels[e.Application][e.Relation.Name], o.Application)
				}
				if i != j && rs.Scope == "container" && s.apps[e.Application] != nil && s.apps[e.Application].Subordinate &&
					(s.apps[o.Application] == nil || !s.apps[o.Application].Subordinate) {
					subTo[e.Application] = addSorted(subTo[e.Application], o.Application)
				}
			}
		}
		st.Relations = append(st.Relations, rs)
	}
	for name, a := range s.apps {
		as := &Application{}
		if ba := base.Applications[name]; ba != nil {
			*as = *ba
		}
		as.Name, as.Charm, as.Exposed, as.Life = a.Name, a.CharmURL, a.Exposed, a.Life
		as.CharmName, as.CharmRev, _ = parseCharmURL(a.CharmURL)
		as.Status = a.Status.info()
		as.WorkloadVersion = a.WorkloadVersion
		as.Relations = appRels[name]
		as.SubordinateTo = subTo[name]
		as.Units = map[string]*Unit{}
		st.Applications[name] = as
	}
	// Principal units first, then subordinates under them.
	for _, sub := range []bool{false, true} {
		for _, name := range sortedKeys(s.units) {
			u := s.units[name]
			if (u.Principal != "") != sub {
				continue
			}
			us := &Unit{}
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
				as.Base = parseBase(u.Base)
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
						p.Subordinates = map[string]*Unit{}
					}
					p.Subordinates[name] = us
				}
			}
		}
	}
	// Machines, containers under their hosts (parents sort first).
	all := map[string]*Machine{}
	for _, id := range sortedKeys(s.machines) {
		mv := s.machines[id]
		ms := &Machine{}
		if bm := base.Machine(id); bm != nil {
			*ms = *bm
		}
		ms.ID, ms.InstanceID, ms.Hostname, ms.Jobs = mv.ID, mv.InstanceID, mv.Hostname, mv.Jobs
		ms.HasVote, ms.WantsVote = mv.HasVote, mv.WantsVote
		ms.AgentStatus, ms.InstanceStatus = mv.AgentStatus.info(), mv.InstanceStatus.info()
		if ms.Base.Name == "" {
			ms.Base = parseBase(mv.Base)
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
				p.Containers = map[string]*Machine{}
			}
			p.Containers[id] = ms
		}
	}
	st.index()
	return st
}

// parseBase turns "ubuntu@22.04" into a Base.
func parseBase(b string) Base {
	name, channel, ok := strings.Cut(b, "@")
	if !ok {
		return Base{}
	}
	return Base{Name: name, Channel: channel}
}

func sortedKeys[T any](m map[string]*T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		// Hosts before their containers, then by name and number.
		if c := strings.Count(a, "/") - strings.Count(b, "/"); c != 0 {
			return c
		}
		return compareUnitNames(a, b)
	})
	return keys
}

func addSorted(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	list = append(list, v)
	slices.Sort(list)
	return list
}

func (s *AllWatcherSource) logInfo(ctx context.Context, msg string, args ...any) {
	if s.cfg.Logger != nil {
		s.cfg.Logger.InfoContext(ctx, msg, args...)
	}
}

var _ Source = (*AllWatcherSource)(nil)
