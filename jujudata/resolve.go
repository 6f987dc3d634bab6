package jujudata

import (
	"fmt"
	"strings"
)

// SplitControllerModel splits "controller:model" at the first colon. A
// name without a colon has an empty controller part. Either part may be
// empty ("ctrl:" names the controller's current model).
func SplitControllerModel(name string) (controller, model string) {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// JoinControllerModel returns "controller:model".
func JoinControllerModel(controller, model string) string {
	return controller + ":" + model
}

// SplitQualifiedModel splits "qualifier/model" at the first slash; ok is
// false when there is no slash. On Juju 4 the qualifier is the model's
// qualifier, on 3.6 its owner's user name; both have the same shape.
func SplitQualifiedModel(name string) (qualifier, model string, ok bool) {
	i := strings.IndexByte(name, '/')
	if i < 0 {
		return "", name, false
	}
	return name[:i], name[i+1:], true
}

// QualifyModelName qualifies a bare model name with a user name as the CLI
// does: ("bob", "mymodel") gives "bob/mymodel", ("bob@external",
// "mymodel") gives "bob@external/mymodel", and the "@local" domain is
// dropped ("admin@local" gives "admin/..."). A name that already has a
// qualifier is returned unchanged.
func QualifyModelName(user, name string) string {
	if strings.Contains(name, "/") {
		return name
	}
	user = strings.TrimSuffix(user, "@local")
	return user + "/" + name
}

// Resolved is the outcome of resolving a controller and model name.
type Resolved struct {
	// Controller is the controller name as in controllers.yaml.
	Controller string
	// Model is the qualified model name ("admin/default"); empty from
	// ResolveController.
	Model string
	// ModelUUID is the model's UUID when models.yaml knows the model,
	// empty otherwise (the caller may refresh the list from the
	// controller with ModelManager.ListModels and UpdateModel).
	ModelUUID string
	// ModelType is "iaas" or "caas" when models.yaml knows the model.
	ModelType string
}

// String returns "controller:model", or the controller name alone.
func (r Resolved) String() string {
	if r.Model == "" {
		return r.Controller
	}
	return JoinControllerModel(r.Controller, r.Model)
}

// ResolveController returns the controller a controller-level command
// uses, as the juju CLI chooses it: name (the -c flag) when not empty;
// else the controller part of $JUJU_MODEL ("ctrl:model"), which must
// agree with $JUJU_CONTROLLER when both are set (ErrConflict); else
// $JUJU_CONTROLLER; else current-controller (ErrNoCurrentController when
// unset). The controller must exist in controllers.yaml (ErrNotFound).
func (s *Store) ResolveController(name string) (string, error) {
	cf, err := s.ReadControllers()
	if err != nil {
		return "", err
	}
	if name == "" {
		name, err = s.defaultController(cf)
		if err != nil {
			return "", fmt.Errorf("cannot resolve controller: %w", err)
		}
	}
	if _, ok := cf.Controllers[name]; !ok {
		return "", fmt.Errorf("cannot resolve controller: controller %q: %w", name, ErrNotFound)
	}
	return name, nil
}

// defaultController applies the environment, then current-controller.
func (s *Store) defaultController(cf *ControllersFile) (string, error) {
	envCtrl := s.getenv(EnvController)
	if envModel := s.getenv(EnvModel); envModel != "" {
		if c, _ := SplitControllerModel(envModel); c != "" {
			if envCtrl != "" && envCtrl != c {
				return "", fmt.Errorf("%w: controller name from %s (%s) conflicts with value in %s (%s)",
					ErrConflict, EnvModel, c, EnvController, envCtrl)
			}
			return c, nil
		}
	}
	if envCtrl != "" {
		return envCtrl, nil
	}
	if cf.CurrentController == "" {
		return "", s.noCurrentController(cf)
	}
	return cf.CurrentController, nil
}

// ResolveModel returns the controller and model a model command uses, as
// the juju CLI chooses them. name is the -m flag value: "", "model",
// "qualifier/model", "controller:", "controller:model" or
// "controller:qualifier/model". An empty name means $JUJU_MODEL, and when
// that is unset too, the current model.
//
// Without a controller part the controller is chosen as ResolveController
// chooses it. When $JUJU_MODEL names a controller that differs from
// $JUJU_CONTROLLER the result is ErrConflict (stricter than the CLI's
// model commands, which silently prefer $JUJU_MODEL). Without a model part the controller's current-model is used
// (ErrNoCurrentModel when unset). A model name without a qualifier is
// qualified with the controller's account user. A name that is no stored
// model but the prefix (at least 6 characters) of exactly one stored
// model's UUID selects that model. A model that models.yaml does not know
// is not an error: the result then has an empty ModelUUID.
func (s *Store) ResolveModel(name string) (*Resolved, error) {
	cf, err := s.ReadControllers()
	if err != nil {
		return nil, err
	}
	id := name
	if id == "" {
		id = s.getenv(EnvModel)
	}
	ctrl, model := SplitControllerModel(id)
	if name == "" && ctrl != "" {
		// The CLI's model commands let JUJU_MODEL's controller win
		// silently here; its controller commands report the conflict.
		// We report it in both cases.
		if envCtrl := s.getenv(EnvController); envCtrl != "" && envCtrl != ctrl {
			return nil, fmt.Errorf("cannot resolve model: %w: controller name from %s (%s) conflicts with value in %s (%s)",
				ErrConflict, EnvModel, ctrl, EnvController, envCtrl)
		}
	}
	if ctrl == "" {
		ctrl, err = s.defaultController(cf)
		if err != nil {
			return nil, fmt.Errorf("cannot resolve model: %w", err)
		}
	}
	if _, ok := cf.Controllers[ctrl]; !ok {
		return nil, fmt.Errorf("cannot resolve model: controller %q: %w", ctrl, ErrNotFound)
	}
	mf, err := s.ReadModels()
	if err != nil {
		return nil, err
	}
	cm := mf.Controllers[ctrl]
	if cm == nil {
		cm = &ControllerModels{}
	}
	res := &Resolved{Controller: ctrl}
	if model == "" {
		if cm.CurrentModel == "" {
			return nil, fmt.Errorf("cannot resolve model: %w for controller %q: select one with \"juju switch\" or set $%s",
				ErrNoCurrentModel, ctrl, EnvModel)
		}
		res.Model = cm.CurrentModel
		if d, ok := cm.Models[res.Model]; ok {
			res.ModelUUID, res.ModelType = d.UUID, d.Type
		}
		return res, nil
	}
	qualified := model
	if !strings.Contains(model, "/") {
		af, err := s.ReadAccounts()
		if err != nil {
			return nil, err
		}
		acct, ok := af.Controllers[ctrl]
		if !ok || acct.User == "" {
			return nil, fmt.Errorf("cannot resolve model: cannot qualify model name %q: no account for controller %q: %w",
				model, ctrl, ErrNotFound)
		}
		qualified = QualifyModelName(acct.User, model)
	}
	if d, ok := cm.Models[qualified]; ok {
		res.Model, res.ModelUUID, res.ModelType = qualified, d.UUID, d.Type
		return res, nil
	}
	if len(model) > 5 {
		var match string
		n := 0
		for mname, d := range cm.Models {
			if strings.HasPrefix(d.UUID, model) {
				match = mname
				n++
			}
		}
		if n == 1 {
			d := cm.Models[match]
			res.Model, res.ModelUUID, res.ModelType = match, d.UUID, d.Type
			return res, nil
		}
	}
	res.Model = qualified
	return res, nil
}
