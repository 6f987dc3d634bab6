package juju

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// waitStorage polls the model's storage until ok holds for it.
func waitStorage(t *testing.T, m *Model, what string, ok func([]StorageInstance) bool) []StorageInstance {
	t.Helper()
	ctx := testCtx(t)
	var last []StorageInstance
	for {
		st, err := m.ListStorage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok(st) {
			return st
		}
		last = st
		select {
		case <-ctx.Done():
			t.Fatalf("storage never %s: %+v", what, last)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func storageByID(st []StorageInstance) map[string]StorageInstance {
	out := map[string]StorageInstance{}
	for _, s := range st {
		out[s.ID] = s
	}
	return out
}

func storageIDs(st []StorageInstance) []string {
	var out []string
	for _, s := range st {
		out = append(out, s.ID)
	}
	return out
}

func attachedTo(st []StorageInstance, id, unit string) bool {
	s, ok := storageByID(st)[id]
	if !ok || s.Status.Current != "attached" {
		return false
	}
	a, ok := s.Attachments[unit]
	return ok && a.Life == "alive" && len(s.Attachments) == 1
}

func TestStoragePools(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			pools, err := m.StoragePools(ctx, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]StoragePool{{Name: "loop", Provider: "loop"}, {Name: "rootfs", Provider: "rootfs"}, {Name: "tmpfs", Provider: "tmpfs"}}, pools); diff != "" {
				t.Errorf("default pools (-want +got):\n%s", diff)
			}
			if err := m.CreateStoragePool(ctx, "fast", "rootfs", map[string]any{"tier": "ssd"}); err != nil {
				t.Fatal(err)
			}
			if err := m.CreateStoragePool(ctx, "fast", "tmpfs", nil); !errors.Is(err, ErrAlreadyExists) || !errors.Is(err, ErrRefused) {
				t.Errorf("duplicate pool: %v", err)
			}
			if err := m.CreateStoragePool(ctx, "ebs1", "ebs", nil); !errors.Is(err, ErrNotFound) ||
				!strings.Contains(err.Error(), `no storage provider "ebs" exists in the current model`) {
				t.Errorf("unknown provider: %v", err)
			}
			r := record(c)
			for _, bad := range []func() error{
				func() error { return m.CreateStoragePool(ctx, "9lives", "rootfs", nil) },
				func() error { return m.CreateStoragePool(ctx, "ok", "", nil) },
				func() error { return m.RemoveStoragePool(ctx, "a b") },
			} {
				if err := bad(); !errors.Is(err, ErrInvalidInput) {
					t.Errorf("bad input: %v", err)
				}
			}
			if n := len(r.methods(0)); n != 0 {
				t.Errorf("bad input was sent: %v", r.methods(0))
			}
			if v == jujusim.Juju40 {
				// Not implemented by Juju 4.0.15.
				if err := m.UpdateStoragePool(ctx, "fast", "", map[string]any{"tier": "nvme"}); !errors.Is(err, ErrNotSupported) ||
					!strings.Contains(err.Error(), "not yet available in 4.0.15") {
					t.Errorf("UpdateStoragePool on 4.0: %v", err)
				}
				if err := m.RemoveStoragePool(ctx, "fast"); !errors.Is(err, ErrNotSupported) {
					t.Errorf("RemoveStoragePool on 4.0: %v", err)
				}
				return
			}
			if err := m.UpdateStoragePool(ctx, "fast", "", map[string]any{"tier": "nvme"}); err != nil {
				t.Fatal(err)
			}
			pools, err = m.StoragePools(ctx, []string{"fast"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]StoragePool{{Name: "fast", Provider: "rootfs", Attrs: map[string]any{"tier": "nvme"}}}, pools); diff != "" {
				t.Errorf("updated pool (-want +got):\n%s", diff)
			}
			if err := m.RemoveStoragePool(ctx, "fast"); err != nil {
				t.Fatal(err)
			}
			if err := m.RemoveStoragePool(ctx, "fast"); !errors.Is(err, ErrNotFound) {
				t.Errorf("removing a missing pool: %v", err)
			}
			if pools, _ := m.StoragePools(ctx, nil, []string{"rootfs"}); len(pools) != 1 {
				t.Errorf("pools of rootfs after removal: %+v", pools)
			}
		})
	}
}

func TestStorageLifecycle(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, c, m := simModel(t, v)
			ctx := testCtx(t)
			if err := m.CreateStoragePool(ctx, "fast", "rootfs", nil); err != nil {
				t.Fatal(err)
			}
			app, err := m.Deploy(ctx, charmArchive(t, "tiny-stor"), &DeployOptions{
				Storage: map[string]string{"data": "fast,2G", "logs": "1G,1"},
			})
			if err != nil {
				t.Fatal(err)
			}
			const u0 = "tiny-stor/0"
			// Created with the unit, attached once its agent is up; blk
			// (count 0-2) gets none by default.
			st := waitStorage(t, m, "attached", func(st []StorageInstance) bool {
				return attachedTo(st, "data/0", u0) && attachedTo(st, "logs/1", u0)
			})
			if diff := cmp.Diff([]string{"data/0", "logs/1"}, storageIDs(st)); diff != "" {
				t.Fatalf("storage (-want +got):\n%s", diff)
			}
			data := storageByID(st)["data/0"]
			if data.Kind != "filesystem" || data.Pool != "fast" || data.SizeMiB != 2048 || data.Owner != u0 ||
				data.Attachments[u0].Location != "/srv/data" || data.FilesystemID == "" || data.Life != "alive" {
				t.Errorf("data/0 = %+v", data)
			}
			if l := storageByID(st)["logs/1"]; l.Pool != "rootfs" || l.SizeMiB != 1024 {
				t.Errorf("logs/1 = %+v", l)
			}
			shown, err := m.ShowStorage(ctx, "data/0")
			if err != nil || len(shown) != 1 || shown[0].ID != "data/0" || shown[0].Status.Current != "attached" {
				t.Fatalf("ShowStorage = %+v, %v", shown, err)
			}
			if _, err := m.ShowStorage(ctx, "data/9"); !errors.Is(err, ErrNotFound) {
				t.Errorf("ShowStorage of a missing instance: %v", err)
			}
			fss, err := m.Filesystems(ctx)
			if err != nil || len(fss) != 2 {
				t.Fatalf("Filesystems = %+v, %v", fss, err)
			}

			// Bad input refused before sending.
			r := record(c)
			for name, bad := range map[string]func() error{
				"unknown storage": func() error { _, err := m.AddStorage(ctx, u0, "nope", "1G"); return err },
				"bad directive":   func() error { _, err := m.AddStorage(ctx, u0, "logs", "rootfs,1X"); return err },
				"below minimum":   func() error { _, err := m.AddStorage(ctx, u0, "blk", "512M"); return err },
				"bad unit":        func() error { _, err := m.AddStorage(ctx, "tiny-stor", "logs", "1G"); return err },
				"bad id":          func() error { return m.DetachStorage(ctx, []string{"data"}, nil) },
				"not its unit": func() error {
					return m.DetachStorage(ctx, []string{"logs/1"}, &DetachStorageOptions{Unit: "tiny-stor/7"})
				},
				"attached elsewhere": func() error {
					return m.AttachStorage(ctx, "tiny-stor/1", "logs/1")
				},
				"max wait without force": func() error {
					d := time.Second
					return m.RemoveStorage(ctx, []string{"logs/1"}, &RemoveStorageOptions{MaxWait: &d})
				},
			} {
				if err := bad(); !errors.Is(err, ErrInvalidInput) {
					t.Errorf("%s: %v", name, err)
				}
			}
			for _, call := range r.methods(0) {
				if strings.HasPrefix(call, "Storage.") && call != "Storage.StorageDetails" {
					t.Errorf("bad input was sent: %s", call)
				}
			}

			// Limits the controller enforces.
			if _, err := m.AddStorage(ctx, u0, "data", "1G"); !errors.Is(err, ErrNotValid) ||
				!strings.Contains(err.Error(), `request count 2 exceeds the charm's maximum count of 1`) {
				t.Errorf("adding to single storage: %v", err)
			}
			if _, err := m.AddStorage(ctx, u0, "logs", "3"); !errors.Is(err, ErrNotValid) || errors.Is(err, ErrInvalidInput) {
				t.Errorf("adding beyond the maximum: %v", err)
			}
			if _, err := m.AddStorage(ctx, u0, "logs", "4"); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("a count above the charm's maximum: %v", err)
			}
			if err := m.DetachStorage(ctx, []string{"data/0"}, nil); !errors.Is(err, ErrNotValid) ||
				!strings.Contains(err.Error(), `minimum 1 storage instances`) {
				t.Errorf("detaching required storage: %v", err)
			}
			if err := m.RemoveStorage(ctx, []string{"data/0"}, &RemoveStorageOptions{Force: true}); !errors.Is(err, ErrNotValid) {
				t.Errorf("removing required storage: %v", err)
			}

			// Add, detach, attach to a new unit.
			ids, err := m.AddStorage(ctx, u0, "logs", "")
			if err != nil || len(ids) != 1 || ids[0] != "logs/2" {
				t.Fatalf("AddStorage = %v, %v", ids, err)
			}
			blk, err := m.AddStorage(ctx, u0, "blk", "loop,2G")
			if err != nil || len(blk) != 1 {
				t.Fatalf("AddStorage blk = %v, %v", blk, err)
			}
			st = waitStorage(t, m, "attached", func(st []StorageInstance) bool {
				return attachedTo(st, "logs/2", u0) && attachedTo(st, blk[0], u0)
			})
			if b := storageByID(st)[blk[0]]; b.Kind != "block" || b.VolumeID == "" || b.Pool != "loop" || b.SizeMiB != 2048 {
				t.Errorf("%s = %+v", blk[0], b)
			}
			if vols, err := m.Volumes(ctx); err != nil || len(vols) != 1 || vols[0].Storage != blk[0] {
				t.Errorf("Volumes = %+v, %v", vols, err)
			}
			if err := m.DetachStorage(ctx, []string{"logs/2"}, &DetachStorageOptions{Unit: u0}); err != nil {
				t.Fatal(err)
			}
			waitStorage(t, m, "detached", func(st []StorageInstance) bool {
				s := storageByID(st)["logs/2"]
				return s.Status.Current == "detached" && len(s.Attachments) == 0
			})
			units, err := app.AddUnits(ctx, 1, &AddUnitsOptions{AttachStorage: []string{"logs/2"}})
			if err != nil || len(units) != 1 {
				t.Fatalf("AddUnits = %v, %v", units, err)
			}
			u1 := units[0]
			// The new unit takes logs/2 and gets its own data (its logs
			// count is met by logs/2).
			st = waitStorage(t, m, "attached to the new unit", func(st []StorageInstance) bool {
				return attachedTo(st, "logs/2", u1)
			})
			var u1Data int
			for _, s := range st {
				if _, ok := s.Attachments[u1]; ok && s.Name == "data" {
					u1Data++
				}
				if _, ok := s.Attachments[u1]; ok && s.Name == "logs" && s.ID != "logs/2" {
					t.Errorf("new unit got %s besides logs/2", s.ID)
				}
			}
			if u1Data != 1 {
				t.Errorf("new unit has %d data instances: %+v", u1Data, st)
			}
			if err := m.AttachStorage(ctx, u0, "logs/2"); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("attaching storage attached elsewhere: %v", err)
			}

			// Remove: attached storage needs force; it then leaves the model.
			if err := m.RemoveStorage(ctx, []string{"logs/1"}, nil); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "still attached") {
				t.Errorf("removing attached storage without force: %v", err)
			}
			if err := m.RemoveStorage(ctx, []string{"logs/1"}, &RemoveStorageOptions{Force: true, NoDestroy: true}); err != nil {
				t.Fatal(err)
			}
			waitStorage(t, m, "removed", func(st []StorageInstance) bool {
				_, ok := storageByID(st)["logs/1"]
				return !ok
			})

			// Status and its table.
			full, err := m.Status(ctx, &status.Options{IncludeStorage: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(full.Storage) != len(storageIDs(waitStorage(t, m, "listed", func([]StorageInstance) bool { return true }))) || len(full.Filesystems) == 0 || len(full.Volumes) != 1 {
				t.Errorf("status storage %d, filesystems %d, volumes %d", len(full.Storage), len(full.Filesystems), len(full.Volumes))
			}
			var buf bytes.Buffer
			if err := full.WriteTable(&buf, &status.TableOptions{Storage: true}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "\nStorage Unit  ") || !strings.Contains(buf.String(), "/srv/data") {
				t.Errorf("table lacks the storage section:\n%s", buf.String())
			}
		})
	}
}

func TestStorageDeployDefaults(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			app, err := m.Deploy(ctx, charmArchive(t, "tiny-stor"), nil)
			if err != nil {
				t.Fatal(err)
			}
			// Default pool and count: one rootfs data instance.
			st := waitStorage(t, m, "created", func(st []StorageInstance) bool { return len(st) == 1 })
			if st[0].ID != "data/0" || st[0].Pool != "rootfs" {
				t.Errorf("storage %+v", st)
			}
			// Refresh with directives for the new units: one logs instance
			// on tmpfs each.
			if err := app.Refresh(ctx, &RefreshOptions{Path: charmArchive(t, "tiny-stor"), Storage: map[string]string{"logs": "tmpfs,1G,1"}}); err != nil {
				t.Fatal(err)
			}
			units, err := app.AddUnits(ctx, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			st = waitStorage(t, m, "created for the new unit", func(st []StorageInstance) bool { return len(st) == 3 })
			var logs []StorageInstance
			for _, s := range st {
				if s.Name == "logs" {
					logs = append(logs, s)
				}
			}
			if len(logs) != 1 || logs[0].Pool != "tmpfs" || logs[0].Owner != units[0] {
				t.Errorf("logs after refresh: %+v", logs)
			}
			if _, err := m.Deploy(ctx, charmArchive(t, "tiny-stor"), &DeployOptions{Name: "s2", Storage: map[string]string{"nope": "1G"}}); err == nil {
				t.Errorf("deploy with storage the charm lacks succeeded")
			}
			if _, err := m.Deploy(ctx, charmArchive(t, "tiny-stor"), &DeployOptions{Name: "s3", Storage: map[string]string{"data": "nopool,1G"}}); err == nil ||
				!strings.Contains(err.Error(), `storage pool "nopool" not found`) {
				t.Errorf("deploy with a missing pool: %v", err)
			}
		})
	}
}

// TestStorageShapes checks the requests gojuju sends against the juju
// CLI's (storage2-* flows of the second conformance set, recorded on a real
// 4.0.15 controller), and the simulator's replies against the real ones.
func TestStorageShapes(t *testing.T) {
	dir := conformanceWave2(t)
	_, c, m := simModel(t, jujusim.Juju40)
	ctx := testCtx(t)
	r := record(c)
	if err := m.CreateStoragePool(ctx, "mypool2", "rootfs", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Deploy(ctx, charmArchive(t, "tiny-stor"), &DeployOptions{Name: "storm", Storage: map[string]string{"data": "mypool2,1G", "logs": "mypool2,1G,1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AddStorage(ctx, "storm/0", "logs", "mypool2,1G"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ListStorage(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ShowStorage(ctx, "data/0"); err != nil {
		t.Fatal(err)
	}
	if err := m.DetachStorage(ctx, []string{"logs/2"}, nil); err != nil {
		t.Fatal(err)
	}
	_ = m.RemoveStorage(ctx, []string{"data/0"}, &RemoveStorageOptions{Force: true})
	if _, err := m.StoragePools(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	flows := map[string]string{
		"Storage.CreatePool": "storage2-create-pool", "Storage.AddToUnit": "storage2-add-storage-multi",
		"Storage.ListFilesystems": "storage2-list", "Storage.ListVolumes": "storage2-list", "Storage.ListStorageDetails": "storage2-list",
		"Storage.StorageDetails": "storage2-show", "Storage.DetachStorage": "storage2-detach", "Storage.Remove": "storage2-remove-force",
		"Storage.ListPools": "storage2-pools",
	}
	r.mu.Lock()
	ours := append([]recordedCall(nil), r.calls...)
	r.mu.Unlock()
	conn, err := m.conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for key, flow := range flows {
		cli := wave2Requests(t, dir, flow, key)
		if cli == nil {
			t.Errorf("%s: flow %s has no such request", key, flow)
			continue
		}
		var match *recordedCall
		for i := range ours {
			if ours[i].Facade+"."+ours[i].Method == key {
				match = &ours[i]
			}
		}
		if match == nil {
			t.Errorf("gojuju did not call %s", key)
			continue
		}
		if match.Version != cli.Version {
			t.Errorf("%s: the CLI uses version %d, we use %d", key, cli.Version, match.Version)
		}
		var cliParams any
		if err := json.Unmarshal(cli.Params, &cliParams); err != nil {
			t.Fatal(err)
		}
		for _, d := range shapeDiff(key, cliParams, toJSONValue(t, match.Params)) {
			// The CLI sends "force": false explicitly; the schema's
			// omitempty leaves it out.
			if !strings.Contains(d, ".force: the CLI sends false") {
				t.Error(d)
			}
		}
	}
	// The simulator's replies to the listing calls have the real shape.
	for _, key := range []string{"Storage.ListFilesystems", "Storage.ListStorageDetails", "Storage.StorageDetails"} {
		cli := wave2Requests(t, dir, flowOf(key), key)
		want := wave2Response(t, dir, flowOf(key), cli.RequestID)
		var params any
		_ = json.Unmarshal(cli.Params, &params)
		facade, method, _ := strings.Cut(key, ".")
		var got any
		if err := conn.Call(ctx, facade, method, "", params, &got); err != nil {
			t.Fatal(err)
		}
		for _, d := range replyShapeDiff(key, want, got) {
			t.Error(d)
		}
	}
}

// tagKeyed returns a key of m when every key of m is an entity tag.
func tagKeyed(m map[string]any) string {
	first := ""
	for k := range m {
		if !strings.HasPrefix(k, "unit-") && !strings.HasPrefix(k, "machine-") {
			return ""
		}
		first = k
	}
	return first
}

func flowOf(key string) string {
	if key == "Storage.StorageDetails" {
		return "storage2-show"
	}
	return "storage2-list"
}

// replyShapeDiff compares the keys of the first element of every list
// (the real reply's shape) with ours: a key the real server sends that we
// lack is a difference.
func replyShapeDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{path + ": not an object in our reply"}
		}
		if wk, gk := tagKeyed(w), tagKeyed(g); wk != "" {
			// Keyed by entity tags: compare one value's shape.
			if gk == "" {
				return []string{path + ": keyed by tags in the real reply, not in ours"}
			}
			return replyShapeDiff(path+"[tag]", w[wk], g[gk])
		}
		var out []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				if !isZeroJSON(wv) {
					out = append(out, path+"."+k+": the real server sends it, the simulator does not")
				}
				continue
			}
			out = append(out, replyShapeDiff(path+"."+k, wv, gv)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(w) == 0 {
			return nil
		}
		if len(g) == 0 {
			return []string{path + ": empty in our reply"}
		}
		return replyShapeDiff(path+"[0]", w[0], g[0])
	}
	return nil
}

func conformanceWave2(t *testing.T) string { return testshared.ConformanceWave2(t) }

// storageFlowRequest is one recorded request of a second-set flow.
type storageFlowRequest struct {
	Version   int
	Params    json.RawMessage
	RequestID int
}

// wave2Frames reads the frames of a flow.
func wave2Frames(t *testing.T, dir, flow string) []map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, flow+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]json.RawMessage
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rec struct {
			Kind string                     `json:"kind"`
			Dir  string                     `json:"dir"`
			Msg  map[string]json.RawMessage `json:"msg"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("%s: %v", flow, err)
		}
		if rec.Kind == "ws-frame" {
			rec.Msg["dir"], _ = json.Marshal(rec.Dir)
			out = append(out, rec.Msg)
		}
	}
	return out
}

// wave2Requests returns the flow's request to key ("Storage.ListPools").
func wave2Requests(t *testing.T, dir, flow, key string) *storageFlowRequest {
	t.Helper()
	for _, f := range wave2Frames(t, dir, flow) {
		var typ, req string
		_ = json.Unmarshal(f["type"], &typ)
		_ = json.Unmarshal(f["request"], &req)
		if typ+"."+req != key {
			continue
		}
		var r storageFlowRequest
		_ = json.Unmarshal(f["version"], &r.Version)
		_ = json.Unmarshal(f["request-id"], &r.RequestID)
		r.Params = f["params"]
		return &r
	}
	return nil
}

// wave2Response returns the decoded response to request id of a flow.
func wave2Response(t *testing.T, dir, flow string, id int) any {
	t.Helper()
	for _, f := range wave2Frames(t, dir, flow) {
		var d string
		var rid int
		_ = json.Unmarshal(f["dir"], &d)
		_ = json.Unmarshal(f["request-id"], &rid)
		if d == "server->client" && rid == id {
			var v any
			if err := json.Unmarshal(f["response"], &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatalf("%s: no response to request %d", flow, id)
	return nil
}

func TestStorageKubernetes(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, m := k8sModel(t, v)
			ctx := testCtx(t)
			pools, err := m.StoragePools(ctx, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]StoragePool{{Name: "kubernetes", Provider: "kubernetes"}}, pools); diff != "" {
				t.Errorf("pools (-want +got):\n%s", diff)
			}
			if err := m.CreateStoragePool(ctx, "fast", "rootfs", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("a machine provider on a Kubernetes model: %v", err)
			}
			if _, err := m.Deploy(ctx, "postgresql-k8s", &DeployOptions{Name: "pg", Storage: map[string]string{"pgdata": "2G"}}); err != nil {
				t.Fatal(err)
			}
			st := waitStorage(t, m, "attached", func(st []StorageInstance) bool { return attachedTo(st, "pgdata/0", "pg/0") })
			if s := st[0]; s.Pool != "kubernetes" || s.SizeMiB != 2048 || s.Attachments["pg/0"].Machine != "" ||
				s.Attachments["pg/0"].Location != "/var/lib/postgresql/data" {
				t.Errorf("pgdata/0 = %+v", s)
			}
			fss, err := m.Filesystems(ctx)
			if err != nil || len(fss) != 1 || fss[0].UnitAttachments["pg/0"] != "/var/lib/postgresql/data" || len(fss[0].MachineAttachments) != 0 {
				t.Errorf("Filesystems = %+v, %v", fss, err)
			}
		})
	}
}

// TestStorageOutlivesUnit is the database charm's recovery test: the unit
// goes, its storage stays detached, a new unit takes it over; with
// DestroyStorage the storage goes with the unit.
func TestStorageOutlivesUnit(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			_, _, m := simModel(t, v)
			ctx := testCtx(t)
			app, err := m.Deploy(ctx, charmArchive(t, "tiny-stor"), &DeployOptions{NumUnits: 2})
			if err != nil {
				t.Fatal(err)
			}
			waitStorage(t, m, "attached", func(st []StorageInstance) bool {
				return attachedTo(st, "data/0", "tiny-stor/0") && attachedTo(st, "data/1", "tiny-stor/1")
			})
			if err := m.RemoveUnits(ctx, []string{"tiny-stor/0"}, nil); err != nil {
				t.Fatal(err)
			}
			if err := m.RemoveUnits(ctx, []string{"tiny-stor/1"}, &RemoveOptions{DestroyStorage: true}); err != nil {
				t.Fatal(err)
			}
			st := waitStorage(t, m, "detached and destroyed", func(st []StorageInstance) bool {
				return len(st) == 1 && st[0].ID == "data/0" && st[0].Status.Current == "detached"
			})
			if len(st[0].Attachments) != 0 || st[0].Owner != "tiny-stor/0" {
				t.Errorf("data/0 after its unit went: %+v", st[0])
			}
			units, err := app.AddUnits(ctx, 1, &AddUnitsOptions{AttachStorage: []string{"data/0"}})
			if err != nil {
				t.Fatal(err)
			}
			st = waitStorage(t, m, "attached to the new unit", func(st []StorageInstance) bool { return attachedTo(st, "data/0", units[0]) })
			if len(st) != 1 || st[0].Owner != units[0] {
				t.Errorf("the new unit got storage of its own besides data/0, or does not own it: %+v", st)
			}
		})
	}
}
