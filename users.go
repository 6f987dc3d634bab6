package juju

import (
	"context"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// User is a user of the controller (UserManager.UserInfo), as "juju
// show-user" shows it.
type User struct {
	// Name is the user name ("bob"; "someone@external" for an external
	// user).
	Name string
	// DisplayName is the user's full name, if set.
	DisplayName string
	// Access is the user's controller access: "login", "superuser", or
	// empty when the user has none (after a revoke of "login").
	Access string
	// CreatedBy names the user who added this one.
	CreatedBy string
	// Created is when the user was added; zero if the controller does
	// not say.
	Created time.Time
	// LastConnection is the user's last login; zero for never.
	LastConnection time.Time
	// Disabled reports whether the user is disabled.
	Disabled bool
}

// controllerAccessLevels are the controller access levels, lowest first.
var controllerAccessLevels = []string{"login", "superuser"}

// modelAccessLevels are the model access levels, lowest first.
var modelAccessLevels = []string{"read", "write", "admin"}

func userFromWire(w *facades.UserInfo) User {
	u := User{Name: w.Username, DisplayName: w.DisplayName, Access: w.Access, CreatedBy: w.CreatedBy, Disabled: w.Disabled}
	if w.DateCreated != nil {
		u.Created = *w.DateCreated
	}
	if w.LastConnection != nil {
		u.LastConnection = *w.LastConnection
	}
	return u
}

// Users lists the controller's users (UserManager.UserInfo, as "juju
// users"); disabled users only when all is true (as "juju users --all").
func (c *Controller) Users(ctx context.Context, all bool) ([]User, error) {
	us, err := c.users(ctx, all)
	return us, opError("list users of controller", c.displayName(), err)
}

func (c *Controller) users(ctx context.Context, all bool) ([]User, error) {
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewUserManagerClient(conn).UserInfo(ctx, facades.UserInfoRequest{IncludeDisabled: all})
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(res.Results))
	for _, r := range res.Results {
		if r.Error != nil {
			return nil, r.Error
		}
		if r.Result != nil {
			out = append(out, userFromWire(r.Result))
		}
	}
	return out, nil
}

// ShowUser shows one user (UserManager.UserInfo, as "juju show-user"); a
// user that does not exist (or was removed) is ErrNotFound.
func (c *Controller) ShowUser(ctx context.Context, name string) (*User, error) {
	u, err := c.showUser(ctx, name)
	return u, opError("show user", name, err)
}

func (c *Controller) showUser(ctx context.Context, name string) (*User, error) {
	if err := checkUserName("user name", name); err != nil {
		return nil, err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewUserManagerClient(conn).UserInfo(ctx, facades.UserInfoRequest{Entities: []facades.Entity{{Tag: userTag(name)}}, IncludeDisabled: true})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, res.Results[0].Error
	}
	if res.Results[0].Result == nil {
		return nil, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	u := userFromWire(res.Results[0].Result)
	return &u, nil
}

// AddUserOptions are the options of Controller.AddUser.
type AddUserOptions struct {
	// DisplayName is the user's full name.
	DisplayName string
	// Password, when set, is the user's password and no registration
	// string is made; when empty the controller makes a one-time secret
	// key, for "juju register".
	Password string
}

// String shows the options with the password redacted, so that they can
// be logged.
func (o AddUserOptions) String() string {
	return fmt.Sprintf("juju.AddUserOptions{DisplayName:%q Password:%s}", o.DisplayName, redactedPassword(o.Password))
}

// NewUser is a user just added, or whose password was just reset.
type NewUser struct {
	// Name is the user's name.
	Name string
	// SecretKey is the one-time key the controller made (nil when a
	// password was given).
	SecretKey []byte `json:"-"`
	// RegistrationString is what "juju register" takes to log in as the
	// user for the first time (empty when a password was given): the
	// user, the controller's addresses and name and the secret key,
	// encoded as the juju CLI encodes them. It is a credential: never
	// log it.
	RegistrationString string `json:"-"`
}

// String shows the new user with its secret redacted, so that it can be
// logged.
func (n NewUser) String() string {
	return fmt.Sprintf("juju.NewUser{Name:%q RegistrationString:%s}", n.Name, redactedPassword(n.RegistrationString))
}

// registrationInfo is what a registration string encodes (ASN.1 DER,
// then base64 URL encoding), as the juju CLI reads it.
type registrationInfo struct {
	User           string
	Addrs          []string
	SecretKey      []byte
	ControllerName string
	ProxyConfig    string
}

func (c *Controller) registrationString(user string, key []byte) (string, error) {
	if len(key) == 0 {
		return "", nil
	}
	b, err := asn1.Marshal(registrationInfo{User: user, Addrs: slices.Clone(c.addrs), SecretKey: key, ControllerName: c.displayName()})
	if err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(b), nil
}

// AddUser adds a local user with "login" access to the controller
// (UserManager.AddUser, as "juju add-user"). Without a password it
// returns the registration string for "juju register". A user that
// exists already is ErrAlreadyExists.
func (c *Controller) AddUser(ctx context.Context, name string, opts *AddUserOptions) (*NewUser, error) {
	n, err := c.addUser(ctx, name, opts)
	return n, opError("add user", name, err)
}

func (c *Controller) addUser(ctx context.Context, name string, opts *AddUserOptions) (*NewUser, error) {
	if opts == nil {
		opts = &AddUserOptions{}
	}
	if err := checkLocalUserName(name); err != nil {
		return nil, err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	// Not resent after an unknown outcome: the secret key of the first
	// send could not be told.
	res, err := apiclient.NewUserManagerClient(conn).AddUser(ctx, facades.AddUsers{Users: []facades.AddUser{{Username: name, DisplayName: opts.DisplayName, Password: opts.Password}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, userError(apiclient.ServerError(res.Results[0].Error))
	}
	n := &NewUser{Name: name, SecretKey: res.Results[0].SecretKey}
	if n.RegistrationString, err = c.registrationString(name, n.SecretKey); err != nil {
		return nil, err
	}
	return n, nil
}

// checkLocalUserName refuses names the controller cannot add as local
// users: invalid ones and those with a domain.
func checkLocalUserName(name string) error {
	if err := checkUserName("user name", name); err != nil {
		return err
	}
	if strings.Contains(name, "@") {
		return invalid(ErrInvalidName, "user name", name, "a local user has no @domain")
	}
	return nil
}

// RemoveUser removes a user from the controller for good
// (UserManager.RemoveUser, as "juju remove-user"); the name can never be
// used again on Juju 3.6.
func (c *Controller) RemoveUser(ctx context.Context, name string) error {
	return opError("remove user", name, c.userEntities(ctx, "RemoveUser", name, func() (bool, error) {
		_, err := c.showUser(ctx, name)
		return isNotFound(err), nil
	}))
}

// DisableUser disables a user, who can no longer log in
// (UserManager.DisableUser, as "juju disable-user").
func (c *Controller) DisableUser(ctx context.Context, name string) error {
	return opError("disable user", name, c.userEntities(ctx, "DisableUser", name, nil))
}

// EnableUser enables a disabled user again (UserManager.EnableUser, as
// "juju enable-user").
func (c *Controller) EnableUser(ctx context.Context, name string) error {
	return opError("enable user", name, c.userEntities(ctx, "EnableUser", name, nil))
}

// userEntities sends one of the UserManager methods that take the
// user's tag and answer with error results.
func (c *Controller) userEntities(ctx context.Context, method, name string, applied func() (bool, error)) error {
	if err := checkUserName("user name", name); err != nil {
		return err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	client := apiclient.NewUserManagerClient(conn)
	args := facades.Entities{Entities: []facades.Entity{{Tag: userTag(name)}}}
	return resolveWrite(ctx, func() error {
		return userError(userEntitiesCall(ctx, client, method, args))
	}, applied)
}

func userEntitiesCall(ctx context.Context, client *apiclient.UserManagerClient, method string, args facades.Entities) error {
	switch method {
	case "RemoveUser":
		return errorResults(client.RemoveUser(ctx, args))
	case "DisableUser":
		return errorResults(client.DisableUser(ctx, args))
	default:
		return errorResults(client.EnableUser(ctx, args))
	}
}

// userError makes Juju 4.0's code-less refusals match their sentinels:
// a user that exists already and a grant the user has or exceeds
// ErrAlreadyExists (the generic rule for code-less "not found" messages
// covers a missing user).
func userError(err error) error {
	if err == nil || errors.Is(err, ErrAlreadyExists) {
		return err
	}
	msg := err.Error()
	if strings.HasSuffix(msg, "user already exists") || strings.Contains(msg, "access or greater") {
		return &matchedError{err: err, kind: ErrAlreadyExists}
	}
	return err
}

// SetPassword sets a user's password (UserManager.SetPassword, as "juju
// change-user-password"). The password is never logged.
func (c *Controller) SetPassword(ctx context.Context, name, password string) error {
	return opError("set password of user", name, c.setPassword(ctx, name, password))
}

func (c *Controller) setPassword(ctx context.Context, name, password string) error {
	if err := checkUserName("user name", name); err != nil {
		return err
	}
	if password == "" {
		return invalid(ErrInvalidArgument, "password", "", "must not be empty")
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewUserManagerClient(conn).SetPassword(ctx, facades.EntityPasswords{Changes: []facades.EntityPassword{{Tag: userTag(name), Password: password}}}))
	}, nil)
}

// ResetPassword replaces a user's password with a new one-time secret
// key (UserManager.ResetPassword, as "juju change-user-password
// --reset") and returns the new registration string.
func (c *Controller) ResetPassword(ctx context.Context, name string) (*NewUser, error) {
	n, err := c.resetPassword(ctx, name)
	return n, opError("reset password of user", name, err)
}

func (c *Controller) resetPassword(ctx context.Context, name string) (*NewUser, error) {
	if err := checkUserName("user name", name); err != nil {
		return nil, err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	// Not resent after an unknown outcome: the secret key of the first
	// send could not be told.
	res, err := apiclient.NewUserManagerClient(conn).ResetPassword(ctx, facades.Entities{Entities: []facades.Entity{{Tag: userTag(name)}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return nil, userError(apiclient.ServerError(res.Results[0].Error))
	}
	n := &NewUser{Name: name, SecretKey: res.Results[0].SecretKey}
	if n.RegistrationString, err = c.registrationString(name, n.SecretKey); err != nil {
		return nil, err
	}
	return n, nil
}

// GrantController gives user controller access ("login" or
// "superuser"; Controller.ModifyControllerAccess, as "juju grant bob
// superuser"). Access the user already has, or exceeds, is refused by the
// controller with ErrAlreadyExists, never a silent downgrade.
func (c *Controller) GrantController(ctx context.Context, user, access string) error {
	return opError("grant "+strconv.Quote(access)+" on the controller to", user, c.modifyControllerAccess(ctx, "grant", user, access))
}

// RevokeController takes controller access away: revoking "superuser"
// leaves "login", revoking "login" leaves none (as "juju revoke").
func (c *Controller) RevokeController(ctx context.Context, user, access string) error {
	return opError("revoke "+strconv.Quote(access)+" on the controller from", user, c.modifyControllerAccess(ctx, "revoke", user, access))
}

func (c *Controller) modifyControllerAccess(ctx context.Context, action, user, access string) error {
	if err := checkUserName("user name", user); err != nil {
		return err
	}
	if !slices.Contains(controllerAccessLevels, access) {
		return invalid(ErrInvalidArgument, "controller access", access, `must be "login" or "superuser"`)
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return userError(errorResults(apiclient.NewControllerClient(conn).ModifyControllerAccess(ctx, facades.ModifyControllerAccessRequest{Changes: []facades.ModifyControllerAccess{{UserTag: userTag(user), Action: action, Access: access}}})))
	}, func() (bool, error) {
		u, err := c.showUser(ctx, user)
		if err != nil {
			return false, err
		}
		have, want := slices.Index(controllerAccessLevels, u.Access), slices.Index(controllerAccessLevels, access)
		return action == "grant" && have >= want || action == "revoke" && have < want, nil
	})
}

// GrantModel gives user access ("read", "write" or "admin") to the
// models (names as Controller.Model takes them; ModelManager.
// ModifyModelAccess, as "juju grant bob write mymodel"). Access the user
// already has, or exceeds, is refused by the controller with
// ErrAlreadyExists, never a silent downgrade.
func (c *Controller) GrantModel(ctx context.Context, user, access string, models ...string) error {
	return opError("grant "+strconv.Quote(access)+" on models to", user, c.modifyModelAccess(ctx, "grant", user, access, models))
}

// RevokeModel takes model access away: revoking "admin" leaves "write",
// "write" leaves "read", "read" leaves none (as "juju revoke").
func (c *Controller) RevokeModel(ctx context.Context, user, access string, models ...string) error {
	return opError("revoke "+strconv.Quote(access)+" on models from", user, c.modifyModelAccess(ctx, "revoke", user, access, models))
}

func (c *Controller) modifyModelAccess(ctx context.Context, action, user, access string, models []string) error {
	if err := checkUserName("user name", user); err != nil {
		return err
	}
	if !slices.Contains(modelAccessLevels, access) {
		return invalid(ErrInvalidArgument, "model access", access, `must be "read", "write" or "admin"`)
	}
	if len(models) == 0 {
		return invalid(ErrInvalidArgument, "models", "", "name at least one model")
	}
	for _, m := range models {
		if _, err := parseModelRef(m); err != nil {
			return err
		}
	}
	var changes []facades.ModifyModelAccess
	for _, m := range models {
		e, err := c.resolveModel(ctx, m)
		if err != nil {
			return err
		}
		changes = append(changes, facades.ModifyModelAccess{UserTag: userTag(user), Action: action, Access: access, ModelTag: modelTag(e.uuid)})
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return userError(errorResults(apiclient.NewModelManagerClient(conn).ModifyModelAccess(ctx, facades.ModifyModelAccessRequest{Changes: changes})))
	}, func() (bool, error) {
		// Applied when every model shows the user at the level the
		// action leaves.
		want := slices.Index(modelAccessLevels, access)
		for _, ch := range changes {
			uuid, _ := tagID(ch.ModelTag, "model")
			info, err := c.modelInfo(ctx, uuid)
			if err != nil {
				return false, err
			}
			have := -1
			for _, mu := range info.Users {
				if mu.User == user || mu.User == user+"@local" {
					have = slices.Index(modelAccessLevels, mu.Access)
				}
			}
			if action == "grant" && have < want || action == "revoke" && have >= want {
				return false, nil
			}
		}
		return true, nil
	})
}
