package jujutest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// EnvDumpDir names a directory where the model of every failed test is
// dumped (see Options.DumpDir).
const EnvDumpDir = "GOJUJU_DUMP_DIR"

// DefaultDumpDebugLogLines is how many debug-log lines a dump keeps.
const DefaultDumpDebugLogLines = 10000

// dumpDir returns where a failed test's model is dumped, or "".
func (o *Options) dumpDir() string {
	if o.DumpDir != "" {
		return o.DumpDir
	}
	return os.Getenv(EnvDumpDir)
}

// dump writes the model's status (status.txt as juju status prints it,
// status.json), its debug log (debug-log.txt) and the show-unit of every
// unit (show-unit.json) into the directory out, for CI to keep as
// artifacts.
func dump(ctx context.Context, tg *target, m *juju.Model, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("cannot dump model %q: %w", m.QualifiedName(), err)
	}
	var errs []error
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			errs = append(errs, err)
		}
	}
	st, err := m.Status(ctx, nil)
	if err != nil {
		errs = append(errs, err)
	} else {
		var b strings.Builder
		_ = st.WriteTable(&b, &status.TableOptions{Controller: tg.controller, Relations: true}) // a strings.Builder does not fail
		write("status.txt", []byte(b.String()))
		if data, err := json.MarshalIndent(st, "", "  "); err != nil {
			errs = append(errs, err)
		} else {
			write("status.json", append(data, '\n'))
		}
		var units []string
		for _, app := range st.ApplicationNames() {
			for _, u := range st.Applications[app].UnitList() {
				units = append(units, u.Name)
			}
		}
		if len(units) > 0 {
			infos, err := m.UnitsInfo(ctx, units...)
			if err != nil {
				errs = append(errs, err)
			} else {
				byName := make(map[string]*juju.UnitInfo, len(infos))
				for _, i := range infos {
					byName[i.Name] = i
				}
				if data, err := json.MarshalIndent(byName, "", "  "); err != nil {
					errs = append(errs, err)
				} else {
					write("show-unit.json", append(data, '\n'))
				}
			}
		}
	}
	logs, err := debugLogTail(ctx, tg, m, DefaultDumpDebugLogLines)
	if err != nil && len(logs) == 0 {
		errs = append(errs, err)
	} else {
		write("debug-log.txt", []byte(strings.Join(logs, "\n")+"\n"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cannot dump all of model %q to %s: %w", m.QualifiedName(), out, err)
	}
	return nil
}
