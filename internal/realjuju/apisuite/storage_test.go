package apisuite_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// Storage pools: create, list, refuse duplicates and unknown providers,
// remove.
func TestStoragePools(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		pools, err := m.StoragePools(ctx, nil, nil)
		if err != nil {
			t.Fatalf("StoragePools: %v", err)
		}
		if got := len(pools) > 0; got != b.DefaultStoragePools {
			t.Errorf("default pools %+v, want some: %v", pools, b.DefaultStoragePools)
		}
		if err := m.CreateStoragePool(ctx, "mypool", b.StorageProvider, nil); err != nil {
			t.Fatalf("CreateStoragePool: %v", err)
		}
		if err := m.CreateStoragePool(ctx, "mypool", b.StorageProvider, nil); !errors.Is(err, juju.ErrAlreadyExists) {
			t.Errorf("duplicate pool: %s", errCode(err))
		}
		if err := m.CreateStoragePool(ctx, "other", "nosuchprovider", nil); !errors.Is(err, juju.ErrNotFound) ||
			!strings.Contains(err.Error(), `no storage provider "nosuchprovider" exists in the current model`) {
			t.Errorf("unknown provider: %s", errCode(err))
		}
		pools, err = m.StoragePools(ctx, []string{"mypool"}, nil)
		if err != nil {
			t.Fatalf("StoragePools: %v", err)
		}
		if len(pools) != 1 || pools[0].Name != "mypool" || pools[0].Provider != b.StorageProvider {
			t.Errorf("pools named mypool: %+v", pools)
		}
		// Juju 4.0.15 does not implement updating or removing pools yet.
		if err := m.UpdateStoragePool(ctx, "mypool", "", map[string]any{"a": "b"}); !errors.Is(err, juju.ErrNotSupported) ||
			!strings.Contains(err.Error(), "not yet available in 4.0.15") {
			t.Errorf("UpdateStoragePool: %s", errCode(err))
		}
		if err := m.RemoveStoragePool(ctx, "mypool"); !errors.Is(err, juju.ErrNotSupported) {
			t.Errorf("RemoveStoragePool: %s", errCode(err))
		}
		pools, err = m.StoragePools(ctx, nil, nil)
		if err != nil {
			t.Fatalf("StoragePools: %v", err)
		}
		if !slices.ContainsFunc(pools, func(p juju.StoragePool) bool { return p.Name == "mypool" }) {
			t.Errorf("pool not listed: %+v", pools)
		}
	})
}

// Storage of units: created at deploy, listed, shown, added, detached,
// attached to a new unit, removed; the limits the controller enforces.
func TestStorageFlows(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		if err := m.CreateStoragePool(ctx, "mypool", b.StorageProvider, nil); err != nil {
			t.Fatalf("CreateStoragePool: %v", err)
		}
		if _, err := m.Deploy(ctx, charmDir(t, "suite-store"), &juju.DeployOptions{
			Name: "store", Storage: map[string]string{"data": "mypool,1M"},
		}); err != nil {
			t.Fatalf("Deploy store: %v", err)
		}
		logs, err := m.Deploy(ctx, charmDir(t, "suite-logs"), &juju.DeployOptions{
			Name: "logs", Storage: map[string]string{"logs": "mypool,1M,1"},
		})
		if err != nil {
			t.Fatalf("Deploy logs: %v", err)
		}
		st, err := m.ListStorage(ctx)
		if err != nil {
			t.Fatalf("ListStorage: %v", err)
		}
		if len(st) != 2 {
			t.Fatalf("storage %+v, want data and logs", st)
		}
		var dataID, logsID string
		for _, s := range st {
			if s.Pool != "mypool" || s.Kind != "filesystem" || s.Life != "alive" || s.FilesystemID == "" {
				t.Errorf("storage %+v", s)
			}
			switch s.Name {
			case "data":
				dataID = s.ID
				if s.Owner != "store/0" || len(s.Attachments) != 1 {
					t.Errorf("data = %+v", s)
				}
			case "logs":
				logsID = s.ID
			}
		}
		if dataID == "" || logsID == "" {
			t.Fatalf("storage %+v", st)
		}
		shown, err := m.ShowStorage(ctx, dataID)
		if err != nil || len(shown) != 1 || shown[0].ID != dataID {
			t.Fatalf("ShowStorage = %+v, %v", shown, err)
		}
		if _, err := m.ShowStorage(ctx, "data/99"); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("ShowStorage of a missing instance: %s", errCode(err))
		}
		// Limits.
		if _, err := m.AddStorage(ctx, "store/0", "data", "1M"); !errors.Is(err, juju.ErrNotValid) ||
			!strings.Contains(err.Error(), "exceeds the charm's maximum count of 1") {
			t.Errorf("adding to single storage: %s", errCode(err))
		}
		if _, err := m.AddStorage(ctx, "store/0", "nope", "1M"); !errors.Is(err, juju.ErrInvalidInput) {
			t.Errorf("adding storage the charm lacks: %v", err)
		}
		if err := m.RemoveStorage(ctx, []string{dataID}, &juju.RemoveStorageOptions{Force: true}); !errors.Is(err, juju.ErrNotValid) ||
			!strings.Contains(err.Error(), "minimum 1 storage instances") {
			t.Errorf("removing required storage: %s", errCode(err))
		}
		if err := m.DetachStorage(ctx, []string{"logs/99"}, nil); !errors.Is(err, juju.ErrNotFound) {
			t.Errorf("detaching missing storage: %s", errCode(err))
		}
		// Add one more logs instance, then detach it.
		added, err := m.AddStorage(ctx, "logs/0", "logs", "mypool,1M")
		if err != nil || len(added) != 1 {
			t.Fatalf("AddStorage = %v, %v", added, err)
		}
		if err := m.DetachStorage(ctx, added, &juju.DetachStorageOptions{Unit: "logs/0"}); err != nil {
			t.Fatalf("DetachStorage: %v", err)
		}
		full, err := m.Status(ctx, &status.Options{IncludeStorage: true})
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if len(full.Storage) != 3 || len(full.Filesystems) != 3 {
			t.Errorf("status storage %d, filesystems %d, want 3 and 3", len(full.Storage), len(full.Filesystems))
		}
		if !b.StorageDetachCompletes {
			// The attachment is dying, the storage stays attached.
			shown, err := m.ShowStorage(ctx, added[0])
			if err != nil || shown[0].Attachments["logs/0"].Life != "dying" {
				t.Errorf("detached storage on this bed: %+v, %v", shown, err)
			}
			if err := m.RemoveStorage(ctx, added, &juju.RemoveStorageOptions{Force: true}); err == nil || !strings.Contains(err.Error(), "still attached") {
				t.Errorf("removing storage whose detachment cannot complete: %v", err)
			}
			return
		}
		waitFor(t, "storage detached", func() bool {
			shown, err := m.ShowStorage(ctx, added[0])
			return err == nil && len(shown[0].Attachments) == 0 && shown[0].Status.Current == "detached"
		})
		// The detached storage goes to a new unit.
		units, err := logs.AddUnits(ctx, 1, &juju.AddUnitsOptions{AttachStorage: added})
		if err != nil || len(units) != 1 {
			t.Fatalf("AddUnits = %v, %v", units, err)
		}
		waitFor(t, "storage attached to the new unit", func() bool {
			shown, err := m.ShowStorage(ctx, added[0])
			return err == nil && shown[0].Attachments[units[0]].Life == "alive" && shown[0].Status.Current == "attached"
		})
		if err := m.RemoveStorage(ctx, added, &juju.RemoveStorageOptions{Force: true}); err != nil {
			t.Fatalf("RemoveStorage: %v", err)
		}
		waitFor(t, "storage removed", func() bool {
			_, err := m.ShowStorage(ctx, added[0])
			return errors.Is(err, juju.ErrNotFound)
		})
	})
}

// waitFor polls cond until it holds or the test's deadline nears.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
