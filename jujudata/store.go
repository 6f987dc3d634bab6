package jujudata

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Config configures a Store. The zero value is valid: the directory is
// found with DefaultDir from the process environment.
type Config struct {
	// Dir is the store directory. Empty means DefaultDir(Getenv).
	Dir string
	// Getenv looks up environment variables (JUJU_DATA, XDG_DATA_HOME,
	// HOME, JUJU_CONTROLLER, JUJU_MODEL). Nil means os.Getenv. Tests set
	// it to avoid touching the process environment.
	Getenv func(key string) string
	// Logger, when set, receives debug records of writes. It never sees
	// passwords or tokens.
	Logger *slog.Logger
}

// Store is the juju CLI's local store in one directory. It holds no open
// files and no cache: every method reads the files afresh. It is safe for
// concurrent use, including by several processes.
type Store struct {
	dir    string
	getenv func(string) string
	logger *slog.Logger
}

// New returns the store described by cfg. It fails only when cfg.Dir is
// empty and no directory can be derived from the environment. The
// directory need not exist: reads then see an empty store and the first
// write creates it.
func New(cfg Config) (*Store, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	dir := cfg.Dir
	if dir == "" {
		d, err := DefaultDir(getenv)
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return &Store{dir: dir, getenv: getenv, logger: cfg.Logger}, nil
}

// DefaultDir returns the juju CLI's data directory: $JUJU_DATA, else
// $XDG_DATA_HOME/juju, else $HOME/.local/share/juju. A nil getenv means
// os.Getenv. When getenv is os.Getenv and HOME is unset, the home
// directory comes from os.UserHomeDir.
func DefaultDir(getenv func(string) string) (string, error) {
	usingOS := getenv == nil
	if usingOS {
		getenv = os.Getenv
	}
	if d := getenv(EnvData); d != "" {
		return d, nil
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "juju"), nil
	}
	home := getenv("HOME")
	if home == "" && usingOS {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return "", fmt.Errorf("cannot find the juju data directory: none of $%s, $XDG_DATA_HOME, $HOME is set", EnvData)
	}
	return filepath.Join(home, ".local", "share", "juju"), nil
}

// Dir returns the store directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the path of the named file in the store directory.
func (s *Store) Path(name string) string { return filepath.Join(s.dir, name) }

// readFile reads a store file; a missing file gives nil data and no error.
func (s *Store) readFile(name string) ([]byte, error) {
	p := s.Path(name)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &FileError{Path: p, Err: err}
	}
	return data, nil
}

// withPath sets the full path on a *FileError from a Parse function.
func (s *Store) withPath(name string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		fe.Path = s.Path(name)
	}
	return err
}

// ReadControllers reads controllers.yaml. A missing file gives an empty
// ControllersFile.
func (s *Store) ReadControllers() (*ControllersFile, error) {
	data, err := s.readFile(ControllersFileName)
	if err != nil {
		return nil, err
	}
	f, err := ParseControllers(data)
	return f, s.withPath(ControllersFileName, err)
}

// ReadAccounts reads accounts.yaml. A missing file gives an empty
// AccountsFile.
func (s *Store) ReadAccounts() (*AccountsFile, error) {
	data, err := s.readFile(AccountsFileName)
	if err != nil {
		return nil, err
	}
	f, err := ParseAccounts(data)
	return f, s.withPath(AccountsFileName, err)
}

// ReadModels reads models.yaml. A missing file gives an empty ModelsFile.
func (s *Store) ReadModels() (*ModelsFile, error) {
	data, err := s.readFile(ModelsFileName)
	if err != nil {
		return nil, err
	}
	f, err := ParseModels(data)
	return f, s.withPath(ModelsFileName, err)
}

// Controllers returns every controller in controllers.yaml by name.
func (s *Store) Controllers() (map[string]ControllerDetails, error) {
	f, err := s.ReadControllers()
	if err != nil {
		return nil, err
	}
	return f.Controllers, nil
}

// Controller returns the named controller's details, or an error matching
// ErrNotFound.
func (s *Store) Controller(name string) (*ControllerDetails, error) {
	f, err := s.ReadControllers()
	if err != nil {
		return nil, err
	}
	c, ok := f.Controllers[name]
	if !ok {
		return nil, fmt.Errorf("cannot get controller %q: %w", name, ErrNotFound)
	}
	return &c, nil
}

// CurrentController returns current-controller from controllers.yaml, or
// ErrNoCurrentController when it is unset. It does not consult the
// environment; ResolveController does.
func (s *Store) CurrentController() (string, error) {
	f, err := s.ReadControllers()
	if err != nil {
		return "", err
	}
	if f.CurrentController == "" {
		return "", s.noCurrentController(f)
	}
	return f.CurrentController, nil
}

// noCurrentController is the error for an unset current-controller. With
// no controllers at all it names the directory (and where that came from,
// and whether it exists), so that a wrong JUJU_DATA is obvious.
func (s *Store) noCurrentController(f *ControllersFile) error {
	if len(f.Controllers) == 0 {
		where := s.dir
		if d := s.getenv(EnvData); d != "" && d == s.dir {
			where += " ($" + EnvData + ")"
		}
		if _, err := os.Stat(s.dir); errors.Is(err, fs.ErrNotExist) {
			where += ", which does not exist"
		}
		return fmt.Errorf("%w: no controllers registered in %s", ErrNoCurrentController, where)
	}
	return fmt.Errorf("%w: select one with \"juju switch\" or set $%s", ErrNoCurrentController, EnvController)
}

// Account returns the account used on the named controller, or an error
// matching ErrNotFound.
func (s *Store) Account(controller string) (*AccountDetails, error) {
	f, err := s.ReadAccounts()
	if err != nil {
		return nil, err
	}
	a, ok := f.Controllers[controller]
	if !ok {
		return nil, fmt.Errorf("cannot get account for controller %q: %w", controller, ErrNotFound)
	}
	return &a, nil
}

// Models returns the models cached for the controller, by qualified name.
// A controller without models gives an empty map.
func (s *Store) Models(controller string) (map[string]ModelDetails, error) {
	f, err := s.ReadModels()
	if err != nil {
		return nil, err
	}
	cm, ok := f.Controllers[controller]
	if !ok {
		return map[string]ModelDetails{}, nil
	}
	return cm.Models, nil
}

// Model returns a model's details, or an error matching ErrNotFound. A
// name without a qualifier is qualified with the controller's account user
// as the CLI does ("mymodel" for bob is "bob/mymodel").
func (s *Store) Model(controller, name string) (*ModelDetails, error) {
	qualified, err := s.qualify(controller, name)
	if err != nil {
		return nil, err
	}
	models, err := s.Models(controller)
	if err != nil {
		return nil, err
	}
	m, ok := models[qualified]
	if !ok {
		return nil, fmt.Errorf("cannot get model %s:%s: %w", controller, qualified, ErrNotFound)
	}
	return &m, nil
}

// CurrentModel returns the controller's current-model from models.yaml (a
// qualified name), or ErrNoCurrentModel when it is unset. It does not
// consult the environment; ResolveModel does.
func (s *Store) CurrentModel(controller string) (string, error) {
	f, err := s.ReadModels()
	if err != nil {
		return "", err
	}
	cm, ok := f.Controllers[controller]
	if !ok || cm.CurrentModel == "" {
		return "", fmt.Errorf("%w for controller %q: select one with \"juju switch\" or set $%s", ErrNoCurrentModel, controller, EnvModel)
	}
	return cm.CurrentModel, nil
}

// qualify returns name qualified with the controller's account user when
// it has no qualifier.
func (s *Store) qualify(controller, name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	acct, err := s.Account(controller)
	if err != nil {
		return "", fmt.Errorf("cannot qualify model name %q: %w", name, err)
	}
	return QualifyModelName(acct.User, name), nil
}
