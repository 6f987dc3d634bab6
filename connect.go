package juju

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/rpc"
	"github.com/gojuju/juju/status"
)

// Config says which controller and model to connect to, and how. The zero
// value connects to the juju CLI's current controller and model, found in
// the local store ($JUJU_DATA, else ~/.local/share/juju), honouring
// $JUJU_CONTROLLER and $JUJU_MODEL as the CLI does.
//
// Setting Addrs switches to an explicit connection: the local store is not
// read at all, and CACert, Username and Password say how to log in.
type Config struct {
	// Model selects the model as the juju CLI's -m flag does: "" (the
	// current model), "name", "qualifier/name", "controller:",
	// "controller:name" or "controller:qualifier/name". A name without a
	// qualifier is qualified with the logged-in user.
	Model string
	// Controller names the controller in the local store when Model has
	// no controller part; "" means the current controller.
	Controller string
	// JujuData is the local store directory; "" means $JUJU_DATA, else
	// $XDG_DATA_HOME/juju, else ~/.local/share/juju.
	JujuData string

	// Addrs, when set, are the controller's API addresses ("host:port",
	// optionally with a path prefix); the local store is then not used.
	Addrs []string
	// CACert is the controller's CA certificate (PEM) for an explicit
	// connection.
	CACert string
	// Username is the user to log in as on an explicit connection; ""
	// means "admin".
	Username string
	// Password is the user's password on an explicit connection. It is
	// never logged.
	Password string
	// ModelUUID selects the model of an explicit connection by UUID
	// (instead of by name through Model).
	ModelUUID string
	// InsecureSkipVerify disables verification of the controller's
	// certificate. Never set it outside tests.
	InsecureSkipVerify bool

	// ClientVersion is the client version sent at login; "" means
	// rpc.DefaultClientVersion.
	ClientVersion string
	// Logger receives the library's logs (connections, deprecations,
	// waits); nil is silent. Passwords and secret content never reach it.
	Logger *slog.Logger
	// Tracer observes every RPC call; nil is none.
	Tracer rpc.Tracer
	// PingInterval is the period of connection liveness checks; 0 means
	// the rpc default, a negative value disables them.
	PingInterval time.Duration
	// RetryTimeout bounds how long a call keeps retrying (redialling with
	// back-off) after its connection failed, within its ctx; 0 means
	// DefaultRetryTimeout, a negative value disables retries. See the
	// package documentation, "Dropped connections", for what is retried.
	RetryTimeout time.Duration
}

// ErrClosed is returned by operations on a closed Controller or Model. It is
// the rpc package's ErrClosed, also matched by calls interrupted by Close.
var ErrClosed = rpc.ErrClosed

// Controller is a connection to a Juju controller. It opens its controller
// connection and its model connections lazily, shares them between all the
// Models it hands out, and replaces a connection that broke the next time
// it is needed. It is safe for concurrent use.
//
// Everything that differs between Juju 4 and Juju 3.6 is decided from the
// server version learnt at the first login (see ServerVersion and IsJuju4).
type Controller struct {
	cfg      Config
	logger   *slog.Logger
	store    *jujudata.Store // nil for an explicit connection
	name     string          // controller name in the store; "" for explicit
	addrs    []string
	caCert   string
	user     string
	password string
	// loginProvider, when set, replaces the password login (macaroons
	// from the cookie jar, see auth.go).
	loginProvider rpc.LoginProvider

	// the model selected by Config, if any
	defaultRef  modelRef
	defaultUUID string
	defaultType string

	mu       sync.Mutex
	closed   bool
	slots    map[string]*connSlot // "" = controller connection, else model UUID
	login    rpc.LoginInfo        // of the first successful login
	haveInfo bool
	known    map[string]modelEntry // qualified name -> model, learnt from the controller

	seriesOnce sync.Once

	// changeLogs holds, per model UUID, the log of the changes made
	// through its Models, for the waits' transient-state guard; guarded
	// by mu.
	changeLogs map[string]*status.ChangeRecorder

	// requestHook, when set (by tests), sees every request's params
	// before it is sent.
	requestHook atomic.Pointer[func(facade string, version int, method string, params any)]

	// retries counts the calls sent again on a new connection (see
	// caller.go); the benchmarks report it.
	retries atomic.Int64

	// mutationHooks are called after every mutating call (see caller.go).
	mutationHooks atomic.Pointer[[]*mutationHook]
}

// modelEntry is what the Controller knows about a model.
type modelEntry struct {
	uuid      string
	modelType string
	qualifier string
	name      string
}

// connSlot holds one lazily dialled connection. sem is a one-slot
// semaphore that serialises dialling while respecting contexts.
type connSlot struct {
	sem  chan struct{}
	conn *rpc.Conn
}

// Connect connects to the controller that cfg selects and logs in, so that
// the server version is known when it returns. When cfg selects a model,
// the first connection opened is that model's; otherwise the controller
// connection. Close the Controller when done.
func Connect(ctx context.Context, cfg Config) (*Controller, error) {
	c, err := newController(cfg)
	if err != nil {
		err = wrapStoreError(err)
		return nil, opError("connect", "", err)
	}
	uuid := c.defaultUUID
	if _, err := c.rawConn(ctx, uuid); err != nil {
		c.Close()
		return nil, opError("connect to", c.displayName(), connectCause(ctx, c.displayName(), err))
	}
	return c, nil
}

// connectCause rewords a failed dial for an OperationError that already
// names the controller (entity): a cancelled or expired ctx is said first,
// and the address the rpc error names is not repeated.
func connectCause(ctx context.Context, entity string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return &stoppedError{ctxErr: ctxErr, cause: context.Cause(ctx)}
	}
	var de *rpc.DialError
	if errors.As(err, &de) && len(de.Errors) > 0 {
		return &dialCause{entity: entity, err: de}
	}
	return err
}

// stoppedError is a connection attempt given up because the caller's
// context was cancelled or ran out: "cancelled (context canceled)". It
// matches context.Canceled or context.DeadlineExceeded, and the cause given
// to context.WithCancelCause.
type stoppedError struct {
	ctxErr error // ctx.Err()
	cause  error // context.Cause(ctx)
}

func (e *stoppedError) Error() string {
	what := "cancelled"
	if errors.Is(e.ctxErr, context.DeadlineExceeded) {
		what = "timed out"
	}
	return what + " (" + e.cause.Error() + ")"
}

func (e *stoppedError) Unwrap() []error {
	// The same value, not a match: context.Cause returns ctx.Err() itself
	// when no cause was given, and it is listed once.
	if e.cause == e.ctxErr { //nolint:errorlint // identity, as said above
		return []error{e.ctxErr}
	}
	return []error{e.ctxErr, e.cause}
}

// dialCause is an *rpc.DialError whose text leaves out the leading
// "cannot connect to the controller at <addr>", which the OperationError
// around it already says; it unwraps to the DialError.
type dialCause struct {
	entity string
	err    *rpc.DialError
}

func (e *dialCause) Error() string {
	errs := e.err.Errors
	if len(errs) == 1 && errs[0].Addr == e.entity {
		return errs[0].Err.Error()
	}
	parts := make([]string, len(errs))
	for i, ae := range errs {
		parts[i] = ae.Error()
	}
	return strings.Join(parts, "; ")
}

func (e *dialCause) Unwrap() error { return e.err }

// ConnectModel connects to the model that cfg selects (the current model
// when cfg.Model is "") and returns it. Closing the Model closes the
// Controller it came with.
func ConnectModel(ctx context.Context, cfg Config) (*Model, error) {
	c, err := Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	m, err := c.Model(ctx, "")
	if err != nil {
		c.Close()
		return nil, err
	}
	m.owner = true
	return m, nil
}

func newController(cfg Config) (*Controller, error) {
	c := &Controller{
		cfg:    cfg,
		logger: cfg.Logger,
		slots:  map[string]*connSlot{},
		known:  map[string]modelEntry{},
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	c.onMutation(c.recordChange) // the wait's transient-state guard (changelog.go)
	if cfg.ModelUUID != "" && !isUUID(cfg.ModelUUID) {
		return nil, invalid(ErrInvalidArgument, "model UUID", cfg.ModelUUID, "not a UUID")
	}
	ref, err := parseModelRef(cfg.Model)
	if err != nil {
		return nil, err
	}
	if len(cfg.Addrs) > 0 {
		if ref.controller != "" {
			return nil, invalid(ErrInvalidArgument, "model", cfg.Model, "a controller name cannot be used with explicit addresses")
		}
		c.addrs = cfg.Addrs
		c.caCert = cfg.CACert
		c.user = cfg.Username
		if c.user == "" {
			c.user = "admin"
		}
		c.user = strings.TrimPrefix(c.user, "user-")
		if err := checkUserName("user name", c.user); err != nil {
			return nil, err
		}
		c.password = cfg.Password
		c.defaultRef = ref
		if ref.name != "" && ref.qualifier == "" {
			c.defaultRef.qualifier = c.user
		}
		c.defaultUUID = cfg.ModelUUID
		return c, nil
	}
	if ref.controller != "" && cfg.Controller != "" && ref.controller != cfg.Controller {
		return nil, invalidf(ErrInvalidArgument, "controller", cfg.Controller, "conflicts with the controller %q named in the model %q", ref.controller, cfg.Model)
	}
	store, err := jujudata.New(jujudata.Config{Dir: cfg.JujuData, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	c.store = store
	modelArg := cfg.Model
	if ref.controller == "" && cfg.Controller != "" {
		modelArg = cfg.Controller + ":" + cfg.Model
	}
	var ctrlName string
	res, err := store.ResolveModel(modelArg)
	switch {
	case err == nil:
		ctrlName = res.Controller
		if q, n, ok := jujudata.SplitQualifiedModel(res.Model); ok {
			c.defaultRef = modelRef{controller: ctrlName, qualifier: q, name: n}
		} else {
			c.defaultRef = modelRef{controller: ctrlName, name: res.Model}
		}
		c.defaultUUID, c.defaultType = res.ModelUUID, res.ModelType
	case cfg.Model == "" && errors.Is(err, jujudata.ErrNoCurrentModel):
		// No model selected: a controller-only connection.
		ctrlName, err = store.ResolveController(cfg.Controller)
		if err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	details, err := store.Controller(ctrlName)
	if err != nil {
		return nil, err
	}
	account, err := store.Account(ctrlName)
	if err != nil {
		return nil, err
	}
	if account.Password == "" {
		if c.loginProvider, err = macaroonLogin(store, ctrlName, details, account, cfg.ClientVersion); err != nil { // auth.go
			return nil, err
		}
	}
	c.name = ctrlName
	c.addrs = details.APIEndpoints
	c.caCert = details.CACert
	c.user = account.User
	c.password = account.Password
	return c, nil
}

func (c *Controller) displayName() string {
	if c.name != "" {
		return c.name
	}
	if len(c.addrs) > 0 {
		return c.addrs[0]
	}
	return "controller"
}

// Name returns the controller's name in the local store, "" for an
// explicit connection.
func (c *Controller) Name() string { return c.name }

// User returns the name of the user logged in ("admin").
func (c *Controller) User() string { return c.user }

// UUID returns the controller's UUID.
func (c *Controller) UUID() string {
	info, _ := c.loginInfo()
	uuid, _ := tagID(info.ControllerTag, "controller")
	return uuid
}

// ServerVersion returns the controller's version as reported at login
// ("4.0.15", "3.6.28").
func (c *Controller) ServerVersion() string {
	info, _ := c.loginInfo()
	return info.ServerVersion
}

// IsJuju4 reports whether the controller runs Juju 4 or later.
func (c *Controller) IsJuju4() bool { return c.features().juju4 }

func (c *Controller) loginInfo() (rpc.LoginInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.login, c.haveInfo
}

func (c *Controller) rpcConfig(modelUUID string) rpc.Config {
	return rpc.Config{
		Addrs:              c.addrs,
		CACert:             c.caCert,
		InsecureSkipVerify: c.cfg.InsecureSkipVerify,
		ModelUUID:          modelUUID,
		Username:           c.user,
		Password:           c.password,
		LoginProvider:      c.loginProvider,
		ClientVersion:      c.cfg.ClientVersion,
		FacadeVersions:     apiclient.SupportedVersions,
		Logger:             c.cfg.Logger,
		Tracer:             c.cfg.Tracer,
		PingInterval:       c.cfg.PingInterval,
	}
}

// conn returns the connection for modelUUID ("" = the controller
// connection), dialling it if there is none or the last one broke.
func (c *Controller) conn(ctx context.Context, modelUUID string) (*apiConn, error) {
	conn, err := c.rawConn(ctx, modelUUID)
	if err != nil && rpc.IsRetryable(err) {
		// Nothing was sent: dial again with back-off, as calls do.
		bo := c.newBackoff()
		for err != nil && rpc.IsRetryable(err) && !c.isClosed() {
			if berr := bo.wait(ctx); berr != nil {
				break
			}
			conn, err = c.rawConn(ctx, modelUUID)
		}
	}
	if err != nil {
		return nil, err
	}
	a := &apiConn{ctrl: c, model: modelUUID}
	a.cur.Store(conn)
	return a, nil
}

func (c *Controller) rawConn(ctx context.Context, modelUUID string) (*rpc.Conn, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	slot := c.slots[modelUUID]
	if slot == nil {
		slot = &connSlot{sem: make(chan struct{}, 1)}
		c.slots[modelUUID] = slot
	}
	c.mu.Unlock()

	select {
	case slot.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-slot.sem }()

	if slot.conn != nil {
		select {
		case <-slot.conn.Broken():
			c.logger.InfoContext(ctx, "connection lost; reconnecting", "model", modelUUID, "error", errString(slot.conn.Err()))
			slot.conn.Close()
			slot.conn = nil
		default:
			return slot.conn, nil
		}
	}
	conn, err := rpc.Dial(ctx, c.rpcConfig(modelUUID))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		conn.Close()
		return nil, ErrClosed
	}
	if !c.haveInfo {
		c.login, c.haveInfo = conn.Login(), true
		c.logger.DebugContext(ctx, "connected", "controller", c.displayName(), "server-version", c.login.ServerVersion, "addr", conn.Addr())
	}
	slot.conn = conn
	return conn, nil
}

func (c *Controller) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// storeError wraps an error from the local store so that its "not found"
// matches this package's ErrNotFound too.
type storeError struct{ err error }

func (e *storeError) Error() string { return e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }
func (e *storeError) Is(target error) bool {
	return target == ErrNotFound && errors.Is(e.err, jujudata.ErrNotFound)
}

func wrapStoreError(err error) error {
	if err == nil {
		return nil
	}
	return &storeError{err}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// dropModelConn closes the connection to a model (after the model was
// destroyed). The slot stays in c.slots, so that a connection another
// goroutine is dialling into it (or that is left when ctx ends first) is
// still closed by Close.
func (c *Controller) dropModelConn(ctx context.Context, uuid string) {
	c.mu.Lock()
	slot := c.slots[uuid]
	c.mu.Unlock()
	if slot == nil {
		return
	}
	select {
	case slot.sem <- struct{}{}:
		if slot.conn != nil {
			slot.conn.Close()
			slot.conn = nil
		}
		<-slot.sem
	case <-ctx.Done():
	}
}

// Close closes every connection. It is idempotent, waits for dials in
// progress to finish, and returns after the connections' goroutines have
// exited.
func (c *Controller) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	slots := c.slots
	c.slots = map[string]*connSlot{}
	c.mu.Unlock()
	for _, slot := range slots {
		slot.sem <- struct{}{}
		if slot.conn != nil {
			slot.conn.Close()
			slot.conn = nil
		}
		<-slot.sem
	}
	return nil
}

// controllerCaller returns the controller connection as a facade caller.
func (c *Controller) controllerConn(ctx context.Context) (*apiConn, error) {
	return c.conn(ctx, "")
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
				return false
			}
		}
	}
	return true
}

// String describes the config without the password.
func (c Config) String() string {
	return fmt.Sprintf("juju.Config{Model:%q Controller:%q JujuData:%q Addrs:%q Username:%q Password:%s ModelUUID:%q CACert:%t InsecureSkipVerify:%t}",
		c.Model, c.Controller, c.JujuData, c.Addrs, c.Username, redactedPassword(c.Password), c.ModelUUID, c.CACert != "", c.InsecureSkipVerify)
}

// GoString is String, so that %#v does not print the password either.
func (c Config) GoString() string { return c.String() }

// LogValue logs the config without the password.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("model", c.Model),
		slog.String("controller", c.Controller),
		slog.String("juju-data", c.JujuData),
		slog.Any("addrs", c.Addrs),
		slog.String("user", c.Username),
		slog.String("password", redactedPassword(c.Password)),
		slog.String("model-uuid", c.ModelUUID),
		slog.Bool("ca-cert", c.CACert != ""),
		slog.Bool("insecure-skip-verify", c.InsecureSkipVerify),
	)
}

// redactedPassword stands for a password in logs and formatted output.
func redactedPassword(p string) string {
	if p == "" {
		return `""`
	}
	return "[REDACTED]"
}
