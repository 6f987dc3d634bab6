package core

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config configures a simulated controller. The zero value is valid.
type Config struct {
	// JujuVersion is "4.0.15" (default) or "3.6.28". It decides the facade
	// set and versions and the semantics. Any 4.x or 3.x version is
	// accepted and reported; the facade set follows the major version.
	JujuVersion string
	// Clock is the time source; nil means the real clock. A *FakeClock
	// lets tests move time with Advance.
	Clock Clock
	// Timing sets the duration of lifecycle steps; the zero value is Fast().
	Timing Timing
	// Logger receives the simulator's own diagnostics; nil is silent.
	Logger *slog.Logger
	// ControllerUUID; "" generates one.
	ControllerUUID string
	// ControllerName; "" means "jujusim".
	ControllerName string
	// AdminPassword is the password of user "admin"; "" generates one.
	AdminPassword string
	// DefaultModel is the name of the model created at start besides
	// "controller"; "" means "default".
	DefaultModel string
}

// Controller is a simulated Juju controller: users, models, applications,
// units, machines, relations, secrets and actions, with simulated agents
// driven by a scheduler on the configured clock. It is safe for concurrent
// use.
type Controller struct {
	cfg    Config
	log    *slog.Logger
	clock  Clock
	timing Timing

	version string
	major   int
	// dispatch routes facade calls: dispatch40 or dispatch36
	// (server_gen.go), as major says.
	dispatch map[string]map[string][]dispatchEntry

	mu    stateMutex // the lock of all state; see statuscache.go
	sched *scheduler

	uuid          string
	name          string
	adminPassword string

	users        map[string]*user
	models       map[string]*model
	gone         map[string]bool // uuids of models that were removed
	ctrlModel    string
	defaultModel string

	modelSeq int
	addrSeq  int
	watchers map[watcherKey]*watcher

	behaviours map[string]Behaviour // "<model uuid>/<app>"

	execHandlers map[string]ExecHandler       // by execKey; see h_exec.go
	relData      map[string]map[string]string // by relDataKey; see h_reldata.go
	ssh          *sshState                    // see h_ssh.go

	backends    map[string]*secretBackend
	cloudsState *cloudStore
	defaults    map[string]map[string]any // model defaults by "cloud" or "cloud/region"; see h_defaults.go
	ctrlConfig  map[string]any            // controller config set with ConfigSet; see h_defaults.go
	hubExtra    map[string]hubCharm       // Charmhub charms from real metadata (AddHubCharm)

	macaroons map[string]issuedMacaroon // by id; see macaroons.go

	caCert string // the transport's CA certificate, for offer consumers

	done      chan struct{}
	closeOnce sync.Once
	closed    bool
}

// Session is one logged-in connection. Create it with Controller.Login and
// end it with Controller.EndSession when the connection closes.
type Session struct {
	user           string
	modelUUID      string
	controllerConn bool
	modelAccess    string
	ctrlAccess     string
	addrs          []string // the server addresses given at login

	mu         sync.Mutex
	watchers   map[string]bool
	watcherSeq int // numbers the session's watchers, from 1 as on a real connection
	ended      bool
}

// User returns the session's user name.
func (s *Session) User() string { return s.user }

// ModelUUID returns the model of a model connection, "" for a controller
// connection.
func (s *Session) ModelUUID() string { return s.modelUUID }

// New creates a simulated controller with the user "admin", the
// "controller" model and a default model.
func New(cfg Config) (*Controller, error) {
	c := &Controller{
		cfg:        cfg,
		log:        cfg.Logger,
		clock:      cfg.Clock,
		timing:     cfg.Timing.orDefault(),
		users:      map[string]*user{},
		models:     map[string]*model{},
		gone:       map[string]bool{},
		watchers:   map[watcherKey]*watcher{},
		behaviours: map[string]Behaviour{},
		backends:   map[string]*secretBackend{},
		done:       make(chan struct{}),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.clock == nil {
		c.clock = RealClock()
	}
	c.version = cfg.JujuVersion
	if c.version == "" {
		c.version = "4.0.15"
	}
	switch {
	case strings.HasPrefix(c.version, "4."):
		c.major, c.dispatch = 4, dispatch40
	case strings.HasPrefix(c.version, "3."):
		c.major, c.dispatch = 3, dispatch36
	default:
		return nil, fmt.Errorf("cannot create simulated controller: unsupported Juju version %q (want 4.x or 3.x)", c.version)
	}
	c.uuid = cfg.ControllerUUID
	if c.uuid == "" {
		c.uuid = newUUID()
	}
	c.name = cfg.ControllerName
	if c.name == "" {
		c.name = "jujusim"
	}
	c.adminPassword = cfg.AdminPassword
	if c.adminPassword == "" {
		c.adminPassword = randomHex(16)
	}
	c.sched = newScheduler(&c.mu, c.clock)
	now := c.clock.Now()
	c.users["admin"] = &user{name: "admin", displayName: "admin", password: c.adminPassword, controllerAccess: "superuser", created: now, createdBy: "admin"}
	c.backends["internal"] = &secretBackend{name: "internal", typ: "controller", builtin: true}

	c.mu.Lock()
	ctrl := c.newModel("controller", "admin", "dummy", "dummy-region", "iaas")
	ctrl.isController = true
	c.ctrlModel = ctrl.uuid
	dm := cfg.DefaultModel
	if dm == "" {
		dm = "default"
	}
	def := c.newModel(dm, "admin", "dummy", "dummy-region", "iaas")
	c.defaultModel = def.uuid
	c.mu.Unlock()
	return c, nil
}

// Close stops the simulated agents and ends all watchers and log
// subscriptions. It is idempotent and returns after the scheduler's
// goroutines have exited.
func (c *Controller) Close() error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		close(c.done)
		for _, w := range c.watchers {
			w.stop()
		}
		for _, m := range c.models {
			m.logs.close()
		}
		c.mu.Unlock()
		c.sched.close()
	})
	return nil
}

// AdminPassword returns the password of user "admin".
func (c *Controller) AdminPassword() string { return c.adminPassword }

// UUID returns the controller UUID.
func (c *Controller) UUID() string { return c.uuid }

// Name returns the controller name.
func (c *Controller) Name() string { return c.name }

// Version returns the Juju version the controller reports.
func (c *Controller) Version() string { return c.version }

// Major is the simulated Juju's major version: 4 or 3.
func (c *Controller) Major() int { return c.major }

// DefaultModelUUID returns the UUID of the default model.
func (c *Controller) DefaultModelUUID() string { return c.defaultModel }

// ControllerModelUUID returns the UUID of the "controller" model.
func (c *Controller) ControllerModelUUID() string { return c.ctrlModel }

// Clock returns the controller's clock.
func (c *Controller) Clock() Clock { return c.clock }

// ModelUUID returns the UUID of the model called qualifier/name (or name
// when qualifier is "admin"), and whether it exists.
func (c *Controller) ModelUUID(qualifier, name string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if qualifier == "" {
		qualifier = "admin"
	}
	for _, m := range c.models {
		if m.name == name && m.qualifier == qualifier {
			return m.uuid, true
		}
	}
	return "", false
}

// Grant gives a user access (see Controller.AddUser; jujusim exports it as
// jujusim.Grant): with ModelUUID empty, controller access ("login" or
// "superuser"); otherwise access to that model ("read", "write" or
// "admin").
type Grant struct {
	// ModelUUID is the model the grant is for; empty means the
	// controller.
	ModelUUID string
	// Access is the access level: "login" or "superuser" for the
	// controller, "read", "write" or "admin" for a model.
	Access string
}

// AddUser adds a local user with a password and the given grants. A user
// without a controller grant gets "login" access.
func (c *Controller) AddUser(name, password string, grants ...Grant) error {
	if !validUserName(name) {
		return errNotValid("cannot add user %q: invalid user name", name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.users[name]; ok {
		return errAlreadyExists("cannot add user %q: user already exists", name)
	}
	u := &user{name: name, password: password, controllerAccess: "login", created: c.clock.Now(), createdBy: "admin"}
	for _, g := range grants {
		if g.ModelUUID == "" {
			if g.Access != "login" && g.Access != "superuser" {
				return errNotValid("cannot add user %q: invalid controller access %q", name, g.Access)
			}
			continue
		}
		if _, ok := c.models[g.ModelUUID]; !ok {
			return newErr(CodeModelNotFound, "cannot add user %q: model %q not found", name, g.ModelUUID)
		}
		if accessRank[g.Access] == 0 || g.Access == "login" || g.Access == "superuser" {
			return errNotValid("cannot add user %q: invalid model access %q", name, g.Access)
		}
	}
	for _, g := range grants {
		if g.ModelUUID == "" {
			u.controllerAccess = g.Access
		} else {
			c.models[g.ModelUUID].access[name] = g.Access
		}
	}
	c.users[name] = u
	return nil
}

var accessRank = map[string]int{"read": 1, "write": 2, "admin": 3, "login": 1, "superuser": 3}

// SetBehaviour sets how the simulated charm of app in the model behaves.
// It applies to units deployed later and, for an existing application, to
// its units at once (settled units run a config-changed hook and end in the
// new state).
func (c *Controller) SetBehaviour(modelUUID, app string, b Behaviour) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.behaviours[modelUUID+"/"+app] = b
	for uuid, m := range c.models {
		if uuid != modelUUID && (modelUUID != AnyModel || c.hasOwnBehaviour(uuid, app)) {
			continue
		}
		if a, ok := m.apps[app]; ok {
			a.behaviour = b
			c.applyBehaviour(a)
		}
	}
	c.sched.kick()
}

// timingFor returns the timing used for app.
func (c *Controller) timingFor(a *application) Timing {
	if a != nil && a.behaviour.Timing != nil {
		return a.behaviour.Timing.orDefault()
	}
	return c.timing
}

func (c *Controller) newModel(name, qualifier, cloud, region, typ string) *model {
	now := c.clock.Now()
	m := &model{
		uuid:         newUUID(),
		name:         name,
		qualifier:    qualifier,
		typ:          typ,
		cloud:        cloud,
		region:       region,
		credential:   "default",
		providerType: cloudType(cloud),
		life:         lifeAlive,
		status:       status{Status: "available", Since: now},
		created:      now,
		access:       map[string]string{qualifier: "admin"},
		lastConn:     map[string]time.Time{},
		config:       map[string]any{},
		apps:         map[string]*application{},
		machines:     map[string]*machine{},
		relations:    map[int]*relation{},
		charms:       map[string]*charm{},
		secrets:      map[string]*secret{},
		actions:      map[int]*action{},
		operations:   map[int]*operation{},
		history:      map[string][]status{},
		logs:         newLogBuffer(),
		changed:      make(chan struct{}),
		stateGen:     &c.mu.gen,
	}
	if c.major >= 4 {
		// The real 4.0.15 server numbers a model's operations and tasks
		// from 0 ("Scheduled operation 0 with task 1"); 3.6 from 1.
		m.actionSeq = -1
	}
	if qualifier != "admin" {
		m.access["admin"] = "admin"
	}
	c.modelSeq++
	m.seq = c.modelSeq
	c.models[m.uuid] = m
	c.ensureSystemKey(m)
	c.record(m, "model", "model-"+m.uuid, m.status)
	return m
}

func cloudType(cloud string) string {
	switch cloud {
	case "dummy":
		return "dummy"
	case "microk8s", "k8s":
		return "kubernetes"
	}
	return "dummy"
}

// historyLimit is how many status history entries are kept per entity (at
// least; up to twice as many before trimming).
const historyLimit = 100

// record appends to an entity's status history.
func (c *Controller) record(m *model, kind, tag string, s status) {
	k := kind + ":" + tag
	h := append(m.history[k], s)
	if len(h) > 2*historyLimit {
		h = append([]status(nil), h[len(h)-historyLimit:]...)
	}
	m.history[k] = h
}

// logf writes a simulated agent log line to the model's debug log.
func (c *Controller) logf(m *model, entity, sev, module, format string, args ...any) {
	m.logs.add(LogRecord{
		ModelUUID: m.uuid,
		Entity:    entity,
		Time:      c.clock.Now().UTC(),
		Severity:  sev,
		Module:    module,
		Location:  "",
		Message:   fmt.Sprintf(format, args...),
	})
}

// Logs subscribes to a model's debug log.
func (c *Controller) Logs(modelUUID string, q LogQuery) (*LogSubscription, error) {
	c.mu.Lock()
	m, ok := c.models[modelUUID]
	c.mu.Unlock()
	if !ok {
		return nil, newErr(CodeModelNotFound, "unknown model: %q", modelUUID)
	}
	sub, err := newSubscription(m.logs, q, c.done)
	if err != nil {
		return nil, errBadRequest("cannot stream logs: %v: %q", err, q.Level)
	}
	return sub, nil
}

// CheckHTTPAuth checks Basic-auth credentials for the HTTP endpoints. user
// may be "admin" or "user-admin". modelUUID "" checks controller access
// only; otherwise the user needs at least read access to the model.
func (c *Controller) CheckHTTPAuth(userName, password, modelUUID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	name := strings.TrimPrefix(userName, "user-")
	u, ok := c.users[name]
	if !ok || u.disabled || u.password == "" || u.password != password {
		return &Error{Code: CodeUnauthorized, Message: "invalid entity name or password"}
	}
	if modelUUID == "" {
		return nil
	}
	m, ok := c.models[modelUUID]
	if !ok {
		return newErr(CodeModelNotFound, "unknown model: %q", modelUUID)
	}
	if c.modelAccess(u, m) == "" {
		return errPermissionDenied
	}
	return nil
}

// modelAccess returns the user's effective access to m ("" = none).
func (c *Controller) modelAccess(u *user, m *model) string {
	if u.controllerAccess == "superuser" {
		return "admin"
	}
	return m.access[u.name]
}

// EndSession releases what a session holds (its watchers, whose blocked
// Next calls return). Call it when the connection closes. Idempotent.
func (c *Controller) EndSession(s *Session) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	ids := make([]string, 0, len(s.watchers))
	for id := range s.watchers {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if w, ok := c.watchers[watcherKey{s, id}]; ok {
			w.stop()
			delete(c.watchers, watcherKey{s, id})
		}
	}
}

// ModelExists reports whether the controller has a model uuid.
func (c *Controller) ModelExists(uuid string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.models[uuid]
	return ok
}

// Models returns the UUIDs of all models in creation order.
func (c *Controller) Models() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	ms := c.sortedModels()
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.uuid
	}
	return out
}

func (c *Controller) sortedModels() []*model {
	ms := make([]*model, 0, len(c.models))
	for _, m := range c.models {
		ms = append(ms, m)
	}
	// Creation order, as the real controller lists them.
	sort.Slice(ms, func(i, j int) bool { return ms[i].seq < ms[j].seq })
	return ms
}

func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return formatUUID(b[:])
}

// formatUUID renders the first 16 bytes of b as a version 4 UUID.
func formatUUID(b []byte) string {
	b = slices.Clone(b[:16])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
