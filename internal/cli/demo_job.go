package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// The rest of a charm integration test's job, once the model has settled:
// a command on a unit, relation data, an action and its result, a secret
// granted to an application, and a unit removed and waited for.

// demoSecretName is the name of the secret the demo creates.
const demoSecretName = "wordpress-admin"

// job runs the steps after the first wait.
func (d *demo) job(ctx context.Context) error {
	if err := d.exec(ctx); err != nil {
		return err
	}
	if err := d.relationData(ctx); err != nil {
		return err
	}
	if err := d.action(ctx); err != nil {
		return err
	}
	if err := d.secret(ctx); err != nil {
		return err
	}
	if err := d.offer(ctx); err != nil {
		return err
	}
	return d.removeUnit(ctx)
}

// exec runs a command on a unit, as a test checks a workload.
func (d *demo) exec(ctx context.Context) error {
	const unit, cmd = "wordpress/0", "hostname"
	res, err := d.model.Exec(ctx, unit, cmd, &juju.ExecOptions{Timeout: time.Minute})
	if err != nil {
		return err
	}
	if res.Code != 0 {
		return fmt.Errorf("%q on %s exited with code %d: %s", cmd, unit, res.Code, strings.TrimSpace(res.Stderr))
	}
	d.say("Ran %q on %s: exit code %d, output %q.", cmd, unit, res.Code, strings.TrimSpace(res.Stdout))
	return nil
}

// relationData reads what a unit sees of its relation (juju show-unit).
func (d *demo) relationData(ctx context.Context) error {
	const unit, endpoint = "wordpress/0", "database"
	info, err := d.model.Unit(unit).Info(ctx)
	if err != nil {
		return err
	}
	rel := info.Relation(endpoint)
	if rel == nil {
		return fmt.Errorf("%s has no relation on %s", unit, endpoint)
	}
	other := rel.RelatedEndpoint
	for u := range rel.RelatedUnits {
		app, _, _ := strings.Cut(u, "/")
		other = app + ":" + rel.RelatedEndpoint
		break
	}
	d.say("Read %s's data of relation %d (%s with %s), as juju show-unit shows it:", unit, rel.ID, endpoint, other)
	for _, u := range slices.Sorted(maps.Keys(rel.RelatedUnits)) {
		// Keys only: a charm's relation data can hold credentials.
		d.note("%s: %s", u, keyList(rel.RelatedUnits[u].Data))
	}
	if len(rel.ApplicationData) > 0 {
		d.note("application data: %s", keyList(rel.ApplicationData))
	}
	return nil
}

// action runs an action on the leader and reads its result.
func (d *demo) action(ctx context.Context) error {
	const unit, name = "mysql/leader", "get-password"
	if d.sim != nil {
		// The simulated mysql answers as the charm does.
		d.sim.SetActionResult(d.model.UUID(), "mysql", name, jujusim.ActionOutcome{
			Output: map[string]any{"username": "root", "password": demoRandomSuffix() + demoRandomSuffix()},
		})
	}
	a, err := d.model.RunAction(ctx, unit, name, nil, nil)
	if err != nil {
		return err
	}
	res, err := a.Wait(ctx)
	if err != nil {
		return err
	}
	if res.Status != "completed" {
		return fmt.Errorf("action %s on %s: %s %s", name, res.Unit, res.Status, res.Message)
	}
	d.say("Ran action %s on %s (the leader), %s; its result has %s (values not shown).", name, res.Unit, res.Status, keyList(res.Output))
	return nil
}

// secret creates a user secret and grants it to wordpress.
func (d *demo) secret(ctx context.Context) error {
	uri, err := d.model.AddSecret(ctx, demoSecretName, map[string]string{"password": demoRandomSuffix() + demoRandomSuffix()}, &juju.AddSecretOptions{Description: "wordpress admin password"})
	if err != nil {
		return err
	}
	if err := d.model.GrantSecret(ctx, demoSecretName, "wordpress"); err != nil {
		return err
	}
	d.say("Created secret %q (%s) and granted it to wordpress.", demoSecretName, uri)
	return nil
}

// offer offers mysql's database endpoint to other models, as a test of
// cross-model relations does.
func (d *demo) offer(ctx context.Context) error {
	o, err := d.model.Offer(ctx, "mysql", []string{"database"}, &juju.OfferOptions{Name: "mysql-db"})
	if err != nil {
		return err
	}
	d.say("Offered mysql:database to other models as %s.", o.URL)
	return nil
}

// removeUnit removes a unit and waits until it is gone, with the progress
// view.
func (d *demo) removeUnit(ctx context.Context) error {
	const unit = "wordpress/1"
	if err := d.model.RemoveUnits(ctx, []string{unit}, nil); err != nil {
		return err
	}
	d.say("Removed %s; waiting until it is gone and wordpress has one unit:", unit)
	// Only units: the wait looks at wordpress alone, and a machine that
	// hosted none of its units would seem gone.
	view := &demoProgress{out: d.out, live: d.live, unitsOnly: true}
	_, err := d.model.WaitForIdle(ctx, &status.WaitForIdleOptions{
		Apps:       []string{"wordpress"},
		Status:     "active",
		ExactUnits: 1,
		IdlePeriod: -1,
		Timeout:    d.o.timeout,
		Interval:   d.o.interval,
		Progress:   view.update,
	})
	view.finish()
	if err != nil {
		var we *status.WaitError
		if errors.As(err, &we) && we.Last != nil {
			d.note("The wait failed; the status it last saw:")
			fmt.Fprintln(d.out)
			_ = we.Last.WriteTable(d.out, &status.TableOptions{Controller: d.ctrlName, Relations: true})
			fmt.Fprintln(d.out)
		}
		return err
	}
	d.note("Gone after %s.", time.Since(view.started).Round(100*time.Millisecond))
	return nil
}

// keyList renders a map's keys, sorted: "a, b, c", or "(none)".
func keyList[V any](m map[string]V) string {
	if len(m) == 0 {
		return "(none)"
	}
	return strings.Join(slices.Sorted(maps.Keys(m)), ", ")
}
