package core

import "github.com/gojuju/juju/internal/facades"

// ---- UserManager: removing users and resetting passwords ----

// RemoveUser deletes users for good, with their model access; the
// controller's owner cannot be removed.
func (userManagerFacade) RemoveUser(cx *callCtx, a facades.Entities) (facades.ErrorResults, error) {
	c := cx.c
	if err := cx.needSuperuser(); err != nil {
		return facades.ErrorResults{}, err
	}
	return eachErr(a.Entities, func(e facades.Entity) error {
		u, err := c.userFromTag(e.Tag)
		if err != nil {
			n, _ := parseTag(e.Tag, "user")
			return newErr(CodeUserNotFound, "failed to delete user %q: active user %q: user not found", n, n)
		}
		if u.name == "admin" || u == cx.u {
			return errNotValid("failed to delete user %q: cannot delete controller owner or yourself", u.name)
		}
		delete(c.users, u.name)
		for _, m := range c.models {
			delete(m.access, u.name)
		}
		return nil
	}), nil
}

// ResetPassword replaces each user's password with a one-time secret key
// (what "juju register" takes), as the real controller does.
func (userManagerFacade) ResetPassword(cx *callCtx, a facades.Entities) (facades.AddUserResults, error) {
	c := cx.c
	out := facades.AddUserResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.AddUserResult, error) {
		var r facades.AddUserResult
		u, err := c.userFromTag(e.Tag)
		if err != nil {
			return r, err
		}
		if u != cx.u && cx.u.controllerAccess != "superuser" {
			return r, errPermissionDenied
		}
		if u.disabled {
			return r, errNotValid("setting activation key for user %q: %q: user authentication disabled", u.name, u.name)
		}
		u.password = ""
		r.Tag = "user-" + u.name
		r.SecretKey = []byte(randomHex(16))
		return r, nil
	})}
	return out, nil
}
