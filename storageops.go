package juju

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// Storage of a model (the Storage facade, version 7 on Juju 4.0 and 6 on
// 3.6, which take the same shapes), as "juju storage", "show-storage",
// "add-storage", "attach-storage", "detach-storage", "remove-storage" and
// the storage-pool commands manage it. Storage is identified by its id
// ("data/0": the charm's storage name and a number unique in the model).

// CharmStorage is one storage a charm declares.
type CharmStorage struct {
	// Type is "filesystem" or "block".
	Type string
	// Location is where a filesystem is mounted ("/srv/data").
	Location string
	// CountMin and CountMax bound the number of instances per unit;
	// CountMax -1 means no maximum.
	CountMin, CountMax int
	// MinimumSizeMiB is the smallest size the charm accepts (0: any).
	MinimumSizeMiB   uint64
	Shared, ReadOnly bool
	Description      string
}

func charmStorageFromWire(in map[string]facades.CharmStorage) map[string]CharmStorage {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]CharmStorage, len(in))
	for k, s := range in {
		out[k] = CharmStorage{Type: s.Type, Location: s.Location, CountMin: s.CountMin, CountMax: s.CountMax,
			MinimumSizeMiB: uint64(max(s.MinimumSize, 0)), Shared: s.Shared, ReadOnly: s.ReadOnly, Description: s.Description}
	}
	return out
}

// StorageInstance is one storage instance of the model with what backs it.
type StorageInstance struct {
	// ID is the storage id ("data/0"); Name the charm's storage name
	// ("data").
	ID, Name string
	// Kind is "filesystem", "block" or "unknown".
	Kind string
	// Owner is the unit that owns the instance ("pg/0"), if any.
	Owner string
	// Life is "alive", "dying" or "dead".
	Life string
	// Status is the instance's status: "pending", "attaching",
	// "attached", "detaching", "detached", "destroying" or "error".
	Status StorageStatus
	// Persistent says whether the instance outlives its machine.
	Persistent bool
	// Attachments holds the instance's attachments, by unit name.
	Attachments map[string]StorageAttachment
	// Pool and SizeMiB come from the backing filesystem or volume (Size
	// is 0 until it is provisioned); FilesystemID or VolumeID name it.
	Pool         string
	SizeMiB      uint64
	FilesystemID string
	VolumeID     string
}

// StorageStatus is a storage instance's, filesystem's or volume's status.
type StorageStatus struct {
	Current string
	Message string
	Since   time.Time
}

// StorageAttachment is a storage instance's attachment to a unit.
type StorageAttachment struct {
	Unit    string
	Machine string // the unit's machine ("" on a Kubernetes model)
	// Location is where the storage is mounted or attached for the unit
	// ("/srv/data"), once it is attached.
	Location string
	// Life is "alive" or "dying" (being detached).
	Life string
}

// Filesystem is one filesystem of the model.
type Filesystem struct {
	// ID is the filesystem id ("0"); Storage the instance it backs, if
	// any; VolumeID the volume it is on, if any.
	ID, Storage, VolumeID string
	ProviderID            string
	Pool                  string
	SizeMiB               uint64
	Life                  string
	Status                StorageStatus
	// MachineAttachments maps a machine id to the mount point;
	// UnitAttachments a unit name (Kubernetes models) to the mount point.
	MachineAttachments map[string]string
	UnitAttachments    map[string]string
}

// Volume is one volume (block device) of the model.
type Volume struct {
	ID, Storage            string
	ProviderID, HardwareID string
	Pool                   string
	SizeMiB                uint64
	Persistent             bool
	Life                   string
	Status                 StorageStatus
	// MachineAttachments maps a machine id to the device name;
	// UnitAttachments a unit name to the device name.
	MachineAttachments map[string]string
	UnitAttachments    map[string]string
}

// StoragePool is a named configuration of a storage provider.
type StoragePool struct {
	Name     string
	Provider string
	Attrs    map[string]any
}

func storageStatusFromWire(s facades.EntityStatus) StorageStatus {
	st := StorageStatus{Current: s.Status, Message: s.Info}
	if s.Since != nil {
		st.Since = *s.Since
	}
	return st
}

// storageIDFromTag turns "storage-data-0" into "data/0".
func storageIDFromTag(tag string) string {
	id := strings.TrimPrefix(tag, "storage-")
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return id[:i] + "/" + id[i+1:]
	}
	return id
}

func storageKindName(k int) string {
	switch k {
	case 1:
		return "block"
	case 2:
		return "filesystem"
	}
	return "unknown"
}

func storageInstanceFromWire(w *facades.StorageDetails) StorageInstance {
	si := StorageInstance{
		ID: storageIDFromTag(w.StorageTag), Kind: storageKindName(w.Kind), Life: w.Life,
		Status: storageStatusFromWire(w.Status), Persistent: w.Persistent,
	}
	si.Name, _, _ = strings.Cut(si.ID, "/")
	if u, ok := unitNameFromTag(w.OwnerTag); ok {
		si.Owner = u
	}
	for _, a := range w.Attachments {
		u, _ := unitNameFromTag(a.UnitTag)
		if si.Attachments == nil {
			si.Attachments = map[string]StorageAttachment{}
		}
		si.Attachments[u] = StorageAttachment{Unit: u, Machine: strings.TrimPrefix(a.MachineTag, "machine-"), Location: a.Location, Life: a.Life}
	}
	return si
}

// unitNameFromTag turns "unit-pg-0" into "pg/0".
func unitNameFromTag(tag string) (string, bool) {
	rest, ok := strings.CutPrefix(tag, "unit-")
	if !ok {
		return "", false
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 {
		return "", false
	}
	return rest[:i] + "/" + rest[i+1:], true
}

func attachmentsByMachine[T any](in map[string]T, f func(T) string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		k = strings.TrimPrefix(k, "machine-")
		if u, ok := unitNameFromTag(k); ok {
			k = u
		}
		out[k] = f(v)
	}
	return out
}

func filesystemFromWire(w *facades.FilesystemDetails) Filesystem {
	f := Filesystem{
		ID: strings.TrimPrefix(w.FilesystemTag, "filesystem-"), VolumeID: strings.TrimPrefix(w.VolumeTag, "volume-"),
		ProviderID: w.Info.FilesystemID, Pool: w.Info.Pool, SizeMiB: uint64(max(w.Info.Size, 0)), Life: w.Life,
		Status: storageStatusFromWire(w.Status),
	}
	if w.Storage != nil {
		f.Storage = storageIDFromTag(w.Storage.StorageTag)
	}
	mp := func(a facades.FilesystemAttachmentDetails) string { return a.MountPoint }
	f.MachineAttachments = attachmentsByMachine(w.MachineAttachments, mp)
	f.UnitAttachments = attachmentsByMachine(w.UnitAttachments, mp)
	return f
}

func volumeFromWire(w *facades.VolumeDetails) Volume {
	v := Volume{
		ID: strings.TrimPrefix(w.VolumeTag, "volume-"), ProviderID: w.Info.VolumeID, HardwareID: w.Info.HardwareID,
		Pool: w.Info.Pool, SizeMiB: uint64(max(w.Info.Size, 0)), Persistent: w.Info.Persistent, Life: w.Life,
		Status: storageStatusFromWire(w.Status),
	}
	if w.Storage != nil {
		v.Storage = storageIDFromTag(w.Storage.StorageTag)
	}
	dn := func(a facades.VolumeAttachmentDetails) string { return a.DeviceName }
	v.MachineAttachments = attachmentsByMachine(w.MachineAttachments, dn)
	v.UnitAttachments = attachmentsByMachine(w.UnitAttachments, dn)
	return v
}

// ListStorage lists the model's storage instances, in id order, with
// the pool, size and id of what backs each (Storage.ListStorageDetails,
// ListFilesystems and ListVolumes, as "juju storage" calls them).
func (m *Model) ListStorage(ctx context.Context) ([]StorageInstance, error) {
	out, err := m.listStorage(ctx)
	return out, opError("list storage of model", m.QualifiedName(), err)
}

func (m *Model) listStorage(ctx context.Context) ([]StorageInstance, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	sc := apiclient.NewStorageClient(conn)
	res, err := sc.ListStorageDetails(ctx, facades.StorageFilters{Filters: []facades.StorageFilter{{}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 filter", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	fss, err := m.filesystems(ctx, conn, nil)
	if err != nil {
		return nil, err
	}
	vols, err := m.volumes(ctx, conn, nil)
	if err != nil {
		return nil, err
	}
	byStorage := map[string]int{}
	out := make([]StorageInstance, 0, len(res.Results[0].Result))
	for i := range res.Results[0].Result {
		si := storageInstanceFromWire(&res.Results[0].Result[i])
		byStorage[si.ID] = len(out)
		out = append(out, si)
	}
	for _, f := range fss {
		if i, ok := byStorage[f.Storage]; ok {
			out[i].Pool, out[i].SizeMiB, out[i].FilesystemID = f.Pool, f.SizeMiB, f.ID
		}
	}
	for _, v := range vols {
		if i, ok := byStorage[v.Storage]; ok {
			out[i].VolumeID = v.ID
			if out[i].Pool == "" {
				out[i].Pool, out[i].SizeMiB = v.Pool, v.SizeMiB
			}
		}
	}
	sortStorage(out)
	return out, nil
}

// sortStorage orders instances by name, then number.
func sortStorage(s []StorageInstance) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Name != s[j].Name {
			return s[i].Name < s[j].Name
		}
		return storageNum(s[i].ID) < storageNum(s[j].ID)
	})
}

func storageNum(id string) int {
	_, n, _ := strings.Cut(id, "/")
	v := 0
	for _, c := range n {
		v = v*10 + int(c-'0')
	}
	return v
}

// ShowStorage returns the storage instances ids names ("data/0")
// (Storage.StorageDetails). An instance the model lacks is an error
// matching ErrNotFound.
func (m *Model) ShowStorage(ctx context.Context, ids ...string) ([]StorageInstance, error) {
	out, err := m.showStorage(ctx, ids)
	return out, opError("show storage", strings.Join(ids, ","), err)
}

func (m *Model) showStorage(ctx context.Context, ids []string) ([]StorageInstance, error) {
	tags, err := someStorageTags(ids)
	if err != nil {
		return nil, err
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	args := facades.Entities{}
	for _, t := range tags {
		args.Entities = append(args.Entities, facades.Entity{Tag: t})
	}
	res, err := apiclient.NewStorageClient(conn).StorageDetails(ctx, args)
	if err != nil {
		return nil, err
	}
	if len(res.Results) != len(ids) {
		return nil, fmt.Errorf("the controller returned %d results for %d storage instances", len(res.Results), len(ids))
	}
	out := make([]StorageInstance, 0, len(ids))
	for _, r := range res.Results {
		if r.Error != nil {
			return nil, apiclient.ServerError(r.Error)
		}
		if r.Result == nil {
			return nil, fmt.Errorf("the controller returned no details")
		}
		out = append(out, storageInstanceFromWire(r.Result))
	}
	return out, nil
}

// Filesystems lists the model's filesystems, or those attached to the
// machines given (Storage.ListFilesystems).
func (m *Model) Filesystems(ctx context.Context, machines ...string) ([]Filesystem, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, opError("list filesystems of model", m.QualifiedName(), err)
	}
	out, err := m.filesystems(ctx, conn, machines)
	return out, opError("list filesystems of model", m.QualifiedName(), err)
}

func machineTags(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if !IsValidMachineID(id) {
			return nil, invalid(ErrInvalidName, "machine id", id, `must be a machine number such as "0" or a container such as "0/lxd/1"`)
		}
		out = append(out, "machine-"+strings.ReplaceAll(id, "/", "-"))
	}
	return out, nil
}

func (m *Model) filesystems(ctx context.Context, conn *apiConn, machines []string) ([]Filesystem, error) {
	tags, err := machineTags(machines)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewStorageClient(conn).ListFilesystems(ctx, facades.FilesystemFilters{Filters: []facades.FilesystemFilter{{Machines: tags}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 filter", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	out := make([]Filesystem, 0, len(res.Results[0].Result))
	for i := range res.Results[0].Result {
		out = append(out, filesystemFromWire(&res.Results[0].Result[i]))
	}
	return out, nil
}

// Volumes lists the model's volumes, or those attached to the machines
// given (Storage.ListVolumes).
func (m *Model) Volumes(ctx context.Context, machines ...string) ([]Volume, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, opError("list volumes of model", m.QualifiedName(), err)
	}
	out, err := m.volumes(ctx, conn, machines)
	return out, opError("list volumes of model", m.QualifiedName(), err)
}

func (m *Model) volumes(ctx context.Context, conn *apiConn, machines []string) ([]Volume, error) {
	tags, err := machineTags(machines)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewStorageClient(conn).ListVolumes(ctx, facades.VolumeFilters{Filters: []facades.VolumeFilter{{Machines: tags}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 filter", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	out := make([]Volume, 0, len(res.Results[0].Result))
	for i := range res.Results[0].Result {
		out = append(out, volumeFromWire(&res.Results[0].Result[i]))
	}
	return out, nil
}

// unitCharmStorage returns the storage the charm of unit's application
// declares.
func (m *Model) unitCharmStorage(ctx context.Context, unit string) (map[string]CharmStorage, error) {
	app, _, _ := strings.Cut(unit, "/")
	info, err := m.Application(app).charmInfo(ctx)
	if err != nil {
		return nil, err
	}
	return info.Storage, nil
}

// checkStorageName refuses a storage name the charm lacks.
func checkStorageName(cs map[string]CharmStorage, unit, name string) error {
	if _, ok := cs[name]; ok {
		return nil
	}
	names := make([]string, 0, len(cs))
	for n := range cs {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return invalidf(ErrInvalidArgument, "storage name", name, "the charm of %s declares no storage", unit)
	}
	return invalidf(ErrInvalidArgument, "storage name", name, "the charm of %s declares only %s", unit, strings.Join(names, ", "))
}

// AddStorage adds storage to a unit, as "juju add-storage unit
// name=directive" does (Storage.AddToUnit), and returns the new
// instances' ids. The directive is in the --storage syntax ("ebs,10G,2",
// "1G", "" for one instance from the pool the unit's existing instances
// use or the default pool); a storage name the unit's charm does not
// declare, a bad directive, a size below the charm's minimum or a count
// above its maximum is refused before anything is sent. A total beyond
// the charm's maximum (with the unit's existing instances) is refused by
// the controller (ErrNotValid).
func (m *Model) AddStorage(ctx context.Context, unit, name, directive string) ([]string, error) {
	ids, err := m.addStorage(ctx, unit, name, directive)
	return ids, opError("add storage "+strconv.Quote(name)+" to", unit, err)
}

func (m *Model) addStorage(ctx context.Context, unit, name, directive string) ([]string, error) {
	if !IsValidUnitName(unit) {
		return nil, invalid(ErrInvalidName, "unit name", unit, `must be "<application>/<number>"`)
	}
	if !IsValidApplicationName(name) {
		return nil, invalid(ErrInvalidName, "storage name", name, "must be lower-case letters, digits and hyphens, starting with a letter")
	}
	var d StorageDirective
	if strings.TrimSpace(directive) != "" {
		var err error
		if d, err = ParseStorageDirective(directive); err != nil {
			return nil, err
		}
	}
	cs, err := m.unitCharmStorage(ctx, unit)
	if err != nil {
		return nil, err
	}
	if err := checkStorageName(cs, unit, name); err != nil {
		return nil, err
	}
	if min := cs[name].MinimumSizeMiB; d.Size != 0 && min > 0 && d.Size < min {
		return nil, invalidf(ErrInvalidArgument, "storage directive", directive, "the charm's minimum size for %q is %dM", name, min)
	}
	if d.Count == 0 {
		d.Count = 1
	}
	if max := cs[name].CountMax; max >= 0 && d.Count > uint64(max) {
		return nil, invalidf(ErrInvalidArgument, "storage directive", directive, "the charm allows at most %d instances of %q", max, name)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewStorageClient(conn).AddToUnit(ctx, facades.StoragesAddParams{Storages: []facades.StorageAddParams{{
		Name: name, Unit: unitTag(unit), Storage: facades.StorageDirectives{Pool: d.Pool, Size: int(d.Size), Count: int(d.Count)},
	}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 request", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	var ids []string
	if r := res.Results[0].Result; r != nil {
		for _, t := range r.StorageTags {
			ids = append(ids, storageIDFromTag(t))
		}
	}
	return ids, nil
}

// AttachStorage attaches existing, detached storage instances ("data/0")
// to a unit, as "juju attach-storage unit id..." does (Storage.Attach).
// Storage attached to another unit, or that the unit's charm does not
// declare, is refused before anything is sent (ErrInvalidArgument).
func (m *Model) AttachStorage(ctx context.Context, unit string, ids ...string) error {
	return opError("attach storage to", unit, m.attachStorage(ctx, unit, ids))
}

func (m *Model) attachStorage(ctx context.Context, unit string, ids []string) error {
	if !IsValidUnitName(unit) {
		return invalid(ErrInvalidName, "unit name", unit, `must be "<application>/<number>"`)
	}
	tags, err := someStorageTags(ids)
	if err != nil {
		return err
	}
	cs, err := m.unitCharmStorage(ctx, unit)
	if err != nil {
		return err
	}
	insts, err := m.showStorage(ctx, ids)
	if err != nil {
		return err
	}
	for _, si := range insts {
		if err := checkStorageName(cs, unit, si.Name); err != nil {
			return err
		}
		for u := range si.Attachments {
			if u == unit {
				return &codeError{msg: fmt.Sprintf("storage %s is already attached to %s", si.ID, unit), kind: ErrAlreadyExists}
			}
			return invalidf(ErrInvalidArgument, "storage", si.ID, "attached to %s: detach it first", u)
		}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	args := facades.StorageAttachmentIds{}
	for _, t := range tags {
		args.Ids = append(args.Ids, facades.StorageAttachmentId{StorageTag: t, UnitTag: unitTag(unit)})
	}
	sc := apiclient.NewStorageClient(conn)
	return resolveWrite(ctx, func() error {
		res, err := sc.Attach(ctx, args)
		return firstError(res, err, len(ids))
	}, func() (bool, error) {
		now, err := m.showStorage(ctx, ids)
		if err != nil {
			return false, err
		}
		for _, si := range now {
			if _, ok := si.Attachments[unit]; !ok {
				return false, nil
			}
		}
		return true, nil
	})
}

// firstError returns the call's error or the first per-item error of its
// results.
func firstError(res facades.ErrorResults, err error, n int) error {
	if err != nil {
		return err
	}
	if len(res.Results) != n {
		return fmt.Errorf("the controller returned %d results for %d requests", len(res.Results), n)
	}
	for _, r := range res.Results {
		if r.Error != nil {
			return apiclient.ServerError(r.Error)
		}
	}
	return nil
}

// DetachStorageOptions are the options of Model.DetachStorage.
type DetachStorageOptions struct {
	// Unit, when set, is the unit the storage is to be detached from:
	// storage not attached to it is refused before anything is sent.
	Unit string
	// Force detaches even when the unit's agent cannot run the
	// storage-detaching hook; MaxWait bounds how long the controller
	// waits for it (nil: its default, 0: at once).
	Force   bool
	MaxWait *time.Duration
}

// DetachStorage detaches storage instances ("data/0") from their units,
// as "juju detach-storage" does (Storage.DetachStorage). The detachment
// completes once the unit has run its storage-detaching hook; the
// instances stay in the model, detached, for AttachStorage or
// RemoveStorage. Detaching below the charm's minimum count is refused by
// the controller (ErrNotValid).
func (m *Model) DetachStorage(ctx context.Context, ids []string, opts *DetachStorageOptions) error {
	return opError("detach storage", strings.Join(ids, ","), m.detachStorage(ctx, ids, opts))
}

func (m *Model) detachStorage(ctx context.Context, ids []string, opts *DetachStorageOptions) error {
	if opts == nil {
		opts = &DetachStorageOptions{}
	}
	tags, err := someStorageTags(ids)
	if err != nil {
		return err
	}
	if err := checkMaxWait(opts.MaxWait, opts.Force); err != nil {
		return err
	}
	unitTagS := ""
	if opts.Unit != "" {
		if !IsValidUnitName(opts.Unit) {
			return invalid(ErrInvalidName, "unit name", opts.Unit, `must be "<application>/<number>"`)
		}
		insts, err := m.showStorage(ctx, ids)
		if err != nil {
			return err
		}
		for _, si := range insts {
			if _, ok := si.Attachments[opts.Unit]; !ok {
				return invalidf(ErrInvalidArgument, "storage", si.ID, "not attached to %s", opts.Unit)
			}
		}
		unitTagS = unitTag(opts.Unit)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	args := facades.StorageDetachmentParams{Force: opts.Force, MaxWait: opts.MaxWait}
	for _, t := range tags {
		args.Ids.Ids = append(args.Ids.Ids, facades.StorageAttachmentId{StorageTag: t, UnitTag: unitTagS})
	}
	sc := apiclient.NewStorageClient(conn)
	return resolveWrite(ctx, func() error {
		res, err := sc.DetachStorage(ctx, args)
		return firstError(res, err, len(ids))
	}, func() (bool, error) {
		now, err := m.showStorage(ctx, ids)
		if err != nil {
			return false, err
		}
		for _, si := range now {
			for _, a := range si.Attachments {
				if a.Life == "alive" || a.Life == "" {
					return false, nil
				}
			}
		}
		return true, nil
	})
}

// RemoveStorageOptions are the options of Model.RemoveStorage.
type RemoveStorageOptions struct {
	// Force removes storage that is still attached (detaching it
	// first), as "juju remove-storage --force".
	Force bool
	// NoDestroy removes the storage from the model without destroying
	// the cloud storage behind it ("--no-destroy").
	NoDestroy bool
	// MaxWait bounds how long the controller waits for a forced removal
	// (nil: its default); only with Force.
	MaxWait *time.Duration
}

// RemoveStorage removes storage instances ("data/0") from the model
// (Storage.Remove), destroying the cloud storage unless opts.NoDestroy.
// Attached storage needs opts.Force; removing below the charm's minimum
// count is refused by the controller (ErrNotValid). The instances leave
// the model once detached.
func (m *Model) RemoveStorage(ctx context.Context, ids []string, opts *RemoveStorageOptions) error {
	return opError("remove storage", strings.Join(ids, ","), m.removeStorage(ctx, ids, opts))
}

func (m *Model) removeStorage(ctx context.Context, ids []string, opts *RemoveStorageOptions) error {
	if opts == nil {
		opts = &RemoveStorageOptions{}
	}
	tags, err := someStorageTags(ids)
	if err != nil {
		return err
	}
	if err := checkMaxWait(opts.MaxWait, opts.Force); err != nil {
		return err
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	args := facades.RemoveStorage{}
	for _, t := range tags {
		args.Storage = append(args.Storage, facades.RemoveStorageInstance{
			Tag: t, DestroyAttachments: opts.Force, DestroyStorage: !opts.NoDestroy, Force: opts.Force, MaxWait: opts.MaxWait})
	}
	sc := apiclient.NewStorageClient(conn)
	return resolveWrite(ctx, func() error {
		res, err := sc.Remove(ctx, args)
		return firstError(res, err, len(ids))
	}, func() (bool, error) {
		for _, id := range ids {
			si, err := m.showStorage(ctx, []string{id})
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return false, err
			}
			if si[0].Life == "alive" {
				return false, nil
			}
		}
		return true, nil
	})
}

// StoragePools lists the model's storage pools (Storage.ListPools),
// optionally only those with the names or of the providers given.
func (m *Model) StoragePools(ctx context.Context, names, providers []string) ([]StoragePool, error) {
	out, err := m.storagePools(ctx, names, providers)
	return out, opError("list storage pools of model", m.QualifiedName(), err)
}

func (m *Model) storagePools(ctx context.Context, names, providers []string) ([]StoragePool, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewStorageClient(conn).ListPools(ctx, facades.StoragePoolFilters{Filters: []facades.StoragePoolFilter{{Names: names, Providers: providers}}})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, fmt.Errorf("the controller returned %d results for 1 filter", len(res.Results))
	}
	if e := res.Results[0].Error; e != nil {
		return nil, apiclient.ServerError(e)
	}
	out := make([]StoragePool, 0, len(res.Results[0].StoragePools))
	for _, p := range res.Results[0].StoragePools {
		out = append(out, StoragePool{Name: p.Name, Provider: p.Provider, Attrs: p.Attrs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func checkPoolName(name string) error {
	if !validPoolName.MatchString(name) {
		return invalid(ErrInvalidName, "storage pool name", name, "must start with a letter and hold only letters, digits and hyphens")
	}
	return nil
}

// CreateStoragePool creates a storage pool of a provider with the given
// attributes, as "juju create-storage-pool name provider key=value..."
// does (Storage.CreatePool). A provider the model lacks is an error
// matching ErrNotFound; a pool name in use, ErrAlreadyExists.
func (m *Model) CreateStoragePool(ctx context.Context, name, provider string, attrs map[string]any) error {
	return opError("create storage pool", name, m.writePool(ctx, "create", name, provider, attrs))
}

// UpdateStoragePool sets attributes of a storage pool (and its provider
// when provider is not empty), as "juju update-storage-pool" does
// (Storage.UpdatePool). Juju 4.0.15 does not implement it yet: the error
// then matches ErrNotSupported.
func (m *Model) UpdateStoragePool(ctx context.Context, name, provider string, attrs map[string]any) error {
	return opError("update storage pool", name, m.writePool(ctx, "update", name, provider, attrs))
}

// RemoveStoragePool removes a storage pool (Storage.RemovePool); a pool
// in use is refused by the controller. Juju 4.0.15 does not implement it
// yet: the error then matches ErrNotSupported.
func (m *Model) RemoveStoragePool(ctx context.Context, name string) error {
	return opError("remove storage pool", name, m.writePool(ctx, "remove", name, "", nil))
}

func (m *Model) writePool(ctx context.Context, op, name, provider string, attrs map[string]any) error {
	if err := checkPoolName(name); err != nil {
		return err
	}
	if op == "create" && strings.TrimSpace(provider) == "" {
		return invalid(ErrInvalidArgument, "storage provider", provider, "must not be empty")
	}
	if attrs == nil && op != "remove" {
		attrs = map[string]any{}
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	sc := apiclient.NewStorageClient(conn)
	write := func() error {
		var res facades.ErrorResults
		var err error
		switch op {
		case "create":
			res, err = sc.CreatePool(ctx, facades.StoragePoolArgs{Pools: []facades.StoragePool{{Name: name, Provider: provider, Attrs: attrs}}})
		case "update":
			res, err = sc.UpdatePool(ctx, facades.StoragePoolArgs{Pools: []facades.StoragePool{{Name: name, Provider: provider, Attrs: attrs}}})
		default:
			res, err = sc.RemovePool(ctx, facades.StoragePoolDeleteArgs{Pools: []facades.StoragePoolDeleteArg{{Name: name}}})
		}
		err = firstError(res, err, 1)
		var se *rpc.Error
		if errors.As(err, &se) && strings.HasPrefix(se.Message, "not yet available") {
			// Juju 4.0.15's answer ("not yet available in 4.0.15", code
			// "not yet available; try again later"): trying again will
			// not help.
			return codeWrap{err, ErrNotSupported}
		}
		return err
	}
	if op == "update" {
		return write() // sets the values given: resent by the connection (idempotent)
	}
	return resolveWrite(ctx, write, func() (bool, error) {
		pools, err := m.storagePools(ctx, []string{name}, nil)
		if err != nil {
			return false, err
		}
		exists := false
		for _, p := range pools {
			exists = exists || p.Name == name && (op != "create" || p.Provider == provider)
		}
		return exists == (op == "create"), nil
	})
}

// someStorageTags is storageTags for calls that need at least one
// storage ID.
func someStorageTags(ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, invalid(ErrInvalidArgument, "storage ids", "", "give at least one")
	}
	return storageTags(ids)
}

// checkMaxWait refuses a MaxWait without Force: the controller only
// waits on forced detachments and removals.
func checkMaxWait(maxWait *time.Duration, force bool) error {
	if maxWait != nil && !force {
		return invalid(ErrInvalidArgument, "max wait", maxWait.String(), "only with Force")
	}
	return nil
}
