package jujudata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// LockFileName is the lock file, in the store directory, that every write
// holds.
const LockFileName = ".gojuju-store.lock"

// edit is a store file loaded for modification.
type edit struct {
	name    string
	doc     *yaml.Node // document node
	top     *yaml.Node // its top-level mapping
	changed bool
}

// load reads and validates a store file for editing; out receives the
// typed content.
func (s *Store) load(name string, out any) (*edit, error) {
	data, err := s.readFile(name)
	if err != nil {
		return nil, err
	}
	doc, err := decodeYAML(name, data, out)
	if err != nil {
		return nil, s.withPath(name, err)
	}
	if doc == nil {
		doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{newMap()}}
	}
	return &edit{name: name, doc: doc, top: doc.Content[0]}, nil
}

// save writes an edited file atomically, after checking that the new
// content parses back into the file's type.
func (s *Store) save(e *edit, check any) error {
	if !e.changed {
		return nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(e.doc); err != nil {
		return fmt.Errorf("cannot encode %s: %w", e.name, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("cannot encode %s: %w", e.name, err)
	}
	if _, err := decodeYAML(e.name, buf.Bytes(), check); err != nil {
		// Only a hand-written file with anchors shared between entries
		// can get here; refuse rather than write what we cannot read.
		return fmt.Errorf("refusing to write %s: the result would not parse: %w", s.Path(e.name), err)
	}
	if err := writeAtomic(s.Path(e.name), buf.Bytes()); err != nil {
		return err
	}
	if s.logger != nil {
		s.logger.Debug("jujudata: wrote store file", "path", s.Path(e.name))
	}
	return nil
}

// writeAtomic replaces path with data: a temporary file in the same
// directory, written, synced and renamed over path, mode 0600.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("cannot write %s: %w", path, err)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	// Make the rename durable; not every system can sync a directory.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// locked runs fn holding the store's write lock, creating the directory
// first.
func (s *Store) locked(ctx context.Context, fn func() error) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	l, err := acquireLock(ctx, s.Path(LockFileName))
	if err != nil {
		return fmt.Errorf("cannot lock %s: %w", s.dir, err)
	}
	defer l.release()
	return fn()
}

func validName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty %s name", ErrNotValid, what)
	}
	if strings.ContainsAny(name, ":/") || strings.IndexFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}) >= 0 {
		return fmt.Errorf("%w: %s name %q", ErrNotValid, what, name)
	}
	return nil
}

// validModelName accepts "qualifier/model" only.
func validModelName(name string) error {
	q, m, ok := SplitQualifiedModel(name)
	if !ok {
		return fmt.Errorf("%w: model name %q has no qualifier (want \"qualifier/model\")", ErrNotValid, name)
	}
	if err := validName("qualifier", q); err != nil {
		return err
	}
	return validName("model", m)
}

// UpdateController adds or replaces a controller in controllers.yaml.
// Keys of an existing entry that ControllerDetails does not know are kept.
// details.UUID is required; another controller name with the same UUID
// gives ErrAlreadyExists.
func (s *Store) UpdateController(ctx context.Context, name string, details ControllerDetails) error {
	if err := s.updateController(ctx, name, details); err != nil {
		return fmt.Errorf("cannot update controller %q: %w", name, err)
	}
	return nil
}

func (s *Store) updateController(ctx context.Context, name string, details ControllerDetails) error {
	if err := validName("controller", name); err != nil {
		return err
	}
	if details.UUID == "" {
		return fmt.Errorf("%w: empty controller UUID", ErrNotValid)
	}
	return s.locked(ctx, func() error {
		var cf ControllersFile
		e, err := s.load(ControllersFileName, &cf)
		if err != nil {
			return err
		}
		for other, d := range cf.Controllers {
			if other != name && d.UUID == details.UUID {
				return fmt.Errorf("%w: controller %q has UUID %s", ErrAlreadyExists, other, d.UUID)
			}
		}
		setEntry(childMap(e.top, "controllers"), name, details)
		e.changed = true
		return s.save(e, &ControllersFile{})
	})
}

// RemoveController removes a controller from controllers.yaml, its
// account from accounts.yaml, its models from models.yaml and its cookie
// jar, and clears current-controller when it named the controller. Other
// controllers with the same UUID are left alone (the CLI removes them
// too). All three files are validated before any is written; a controller
// that none of them mentions gives ErrNotFound.
func (s *Store) RemoveController(ctx context.Context, name string) error {
	err := s.locked(ctx, func() error {
		var cf ControllersFile
		var af AccountsFile
		var mf ModelsFile
		ce, err := s.load(ControllersFileName, &cf)
		if err != nil {
			return err
		}
		ae, err := s.load(AccountsFileName, &af)
		if err != nil {
			return err
		}
		me, err := s.load(ModelsFileName, &mf)
		if err != nil {
			return err
		}
		for _, e := range []*edit{ce, ae, me} {
			if c := mapGet(e.top, "controllers"); c != nil && c.Kind == yaml.MappingNode {
				e.changed = mapDelete(c, name)
			}
		}
		if cf.CurrentController == name {
			mapDelete(ce.top, "current-controller")
			ce.changed = true
		}
		if !ce.changed && !ae.changed && !me.changed {
			return ErrNotFound
		}
		// Controllers last, so that a failure leaves no account or
		// models without their controller.
		if err := s.save(me, &ModelsFile{}); err != nil {
			return err
		}
		if err := s.save(ae, &AccountsFile{}); err != nil {
			return err
		}
		if validName("controller", name) == nil {
			err := os.Remove(filepath.Join(s.dir, CookiesDirName, name+".json"))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		return s.save(ce, &ControllersFile{})
	})
	if err != nil {
		return fmt.Errorf("cannot remove controller %q: %w", name, err)
	}
	return nil
}

// SetCurrentController sets current-controller in controllers.yaml. The
// controller must exist (ErrNotFound). As the CLI does, a change of
// controller moves the old one to previous-controller and sets
// has-controller-changed-on-previous-switch.
func (s *Store) SetCurrentController(ctx context.Context, name string) error {
	err := s.locked(ctx, func() error {
		var cf ControllersFile
		e, err := s.load(ControllersFileName, &cf)
		if err != nil {
			return err
		}
		if _, ok := cf.Controllers[name]; !ok {
			return ErrNotFound
		}
		changed := cf.CurrentController != name
		if changed {
			if cf.CurrentController != "" {
				mapSet(e.top, "previous-controller", valueNode(cf.CurrentController))
			}
			mapSet(e.top, "current-controller", valueNode(name))
		}
		mapSet(e.top, "has-controller-changed-on-previous-switch", valueNode(changed))
		e.changed = true
		return s.save(e, &ControllersFile{})
	})
	if err != nil {
		return fmt.Errorf("cannot set current controller to %q: %w", name, err)
	}
	return nil
}

// UpdateAccount adds or replaces the account used on a controller in
// accounts.yaml. details.User is required. Unknown keys of an existing
// entry are kept.
func (s *Store) UpdateAccount(ctx context.Context, controller string, details AccountDetails) error {
	err := func() error {
		if err := validName("controller", controller); err != nil {
			return err
		}
		if details.User == "" {
			return fmt.Errorf("%w: empty user name", ErrNotValid)
		}
		return s.locked(ctx, func() error {
			e, err := s.load(AccountsFileName, &AccountsFile{})
			if err != nil {
				return err
			}
			setEntry(childMap(e.top, "controllers"), controller, details)
			e.changed = true
			return s.save(e, &AccountsFile{})
		})
	}()
	if err != nil {
		return fmt.Errorf("cannot update account for controller %q: %w", controller, err)
	}
	return nil
}

// RemoveAccount removes the account of a controller from accounts.yaml
// (ErrNotFound when there is none).
func (s *Store) RemoveAccount(ctx context.Context, controller string) error {
	err := s.locked(ctx, func() error {
		e, err := s.load(AccountsFileName, &AccountsFile{})
		if err != nil {
			return err
		}
		c := mapGet(e.top, "controllers")
		if c == nil || c.Kind != yaml.MappingNode || !mapDelete(c, controller) {
			return ErrNotFound
		}
		e.changed = true
		return s.save(e, &AccountsFile{})
	})
	if err != nil {
		return fmt.Errorf("cannot remove account for controller %q: %w", controller, err)
	}
	return nil
}

// UpdateModel adds or replaces a model of a controller in models.yaml.
// name must be qualified ("admin/default"); details.UUID is required.
// Unknown keys of an existing entry are kept. The controller need not be
// in controllers.yaml.
func (s *Store) UpdateModel(ctx context.Context, controller, name string, details ModelDetails) error {
	err := func() error {
		if err := validName("controller", controller); err != nil {
			return err
		}
		if err := validModelName(name); err != nil {
			return err
		}
		if details.UUID == "" {
			return fmt.Errorf("%w: empty model UUID", ErrNotValid)
		}
		return s.locked(ctx, func() error {
			e, err := s.load(ModelsFileName, &ModelsFile{})
			if err != nil {
				return err
			}
			cm := childMap(childMap(e.top, "controllers"), controller)
			setEntry(childMap(cm, "models"), name, details)
			e.changed = true
			return s.save(e, &ModelsFile{})
		})
	}()
	if err != nil {
		return fmt.Errorf("cannot update model %s:%s: %w", controller, name, err)
	}
	return nil
}

// SetModels replaces the models cached for a controller with models, as
// after listing them from the controller: entries not in models are
// removed (with current-model and previous-model if they named one),
// the others are updated keeping their unknown keys.
func (s *Store) SetModels(ctx context.Context, controller string, models map[string]ModelDetails) error {
	err := func() error {
		if err := validName("controller", controller); err != nil {
			return err
		}
		for name, d := range models {
			if err := validModelName(name); err != nil {
				return err
			}
			if d.UUID == "" {
				return fmt.Errorf("%w: empty UUID for model %q", ErrNotValid, name)
			}
		}
		return s.locked(ctx, func() error {
			var mf ModelsFile
			e, err := s.load(ModelsFileName, &mf)
			if err != nil {
				return err
			}
			cm := childMap(childMap(e.top, "controllers"), controller)
			mm := childMap(cm, "models")
			if old := mf.Controllers[controller]; old != nil {
				for name := range old.Models {
					if _, ok := models[name]; !ok {
						mapDelete(mm, name)
					}
				}
				for _, key := range []string{"current-model", "previous-model"} {
					cur := key2(old, key)
					if _, ok := models[cur]; cur != "" && !ok {
						mapDelete(cm, key)
					}
				}
			}
			for _, name := range sortedKeys(models) {
				setEntry(mm, name, models[name])
			}
			e.changed = true
			return s.save(e, &ModelsFile{})
		})
	}()
	if err != nil {
		return fmt.Errorf("cannot set models of controller %q: %w", controller, err)
	}
	return nil
}

func key2(cm *ControllerModels, key string) string {
	if key == "current-model" {
		return cm.CurrentModel
	}
	return cm.PreviousModel
}

// RemoveModel removes a model of a controller from models.yaml, and
// current-model and previous-model when they name it. name must be
// qualified. A model that is not there gives ErrNotFound.
func (s *Store) RemoveModel(ctx context.Context, controller, name string) error {
	err := func() error {
		if err := validModelName(name); err != nil {
			return err
		}
		return s.locked(ctx, func() error {
			var mf ModelsFile
			e, err := s.load(ModelsFileName, &mf)
			if err != nil {
				return err
			}
			old := mf.Controllers[controller]
			if old == nil {
				return ErrNotFound
			}
			if _, ok := old.Models[name]; !ok {
				return ErrNotFound
			}
			cm := childMap(childMap(e.top, "controllers"), controller)
			mapDelete(childMap(cm, "models"), name)
			if old.CurrentModel == name {
				mapDelete(cm, "current-model")
			}
			if old.PreviousModel == name {
				mapDelete(cm, "previous-model")
			}
			e.changed = true
			return s.save(e, &ModelsFile{})
		})
	}()
	if err != nil {
		return fmt.Errorf("cannot remove model %s:%s: %w", controller, name, err)
	}
	return nil
}

// SetCurrentModel sets a controller's current-model in models.yaml. name
// must be a qualified model in models.yaml (ErrNotFound otherwise); the
// old current model becomes previous-model. An empty name clears
// current-model.
func (s *Store) SetCurrentModel(ctx context.Context, controller, name string) error {
	err := func() error {
		if name != "" {
			if err := validModelName(name); err != nil {
				return err
			}
		}
		return s.locked(ctx, func() error {
			var mf ModelsFile
			e, err := s.load(ModelsFileName, &mf)
			if err != nil {
				return err
			}
			old := mf.Controllers[controller]
			if name == "" {
				if old == nil || old.CurrentModel == "" {
					return nil
				}
				mapDelete(childMap(childMap(e.top, "controllers"), controller), "current-model")
				e.changed = true
				return s.save(e, &ModelsFile{})
			}
			if old == nil {
				return ErrNotFound
			}
			if _, ok := old.Models[name]; !ok {
				return ErrNotFound
			}
			if old.CurrentModel == name {
				return nil
			}
			cm := childMap(childMap(e.top, "controllers"), controller)
			if old.CurrentModel != "" {
				mapSet(cm, "previous-model", valueNode(old.CurrentModel))
			}
			mapSet(cm, "current-model", valueNode(name))
			e.changed = true
			return s.save(e, &ModelsFile{})
		})
	}()
	if err != nil {
		return fmt.Errorf("cannot set current model of controller %q to %q: %w", controller, name, err)
	}
	return nil
}
