package core

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// ---- storage state ----
//
// A model's storage: pools (the providers' default pools and the user's),
// storage instances created with units from the charm's storage metadata
// (or added, attached, detached and removed through the Storage facade),
// and the filesystem or volume backing each instance. The lifecycle is
// pending (the unit's host is not up) -> attached (with the
// <name>-storage-attached hook) -> detaching (the attachment is dying,
// <name>-storage-detaching runs) -> detached -> destroyed (gone from the
// model).

// Storage kinds as the wire encodes them.
const (
	storageKindBlock      = 1
	storageKindFilesystem = 2
)

// storagePool is a named pool of a storage provider.
type storagePool struct {
	name     string
	provider string
	attrs    map[string]any
	builtin  bool // a provider's default pool
}

// storageInstance is one storage instance ("data/0").
type storageInstance struct {
	id         string // "data/0"
	name       string // the charm's storage name
	num        int
	kind       int
	pool       string
	sizeMiB    int
	owner      string // unit name that owns it
	life       string
	status     status
	persistent bool
	backingID  string // filesystem or volume id
	att        *storageAttachment
	removeEv   *event
	destroy    bool // destroy (not release) when detached, for Remove
	removing   bool // leave the model when detached
}

// storageAttachment is an instance's attachment to a unit.
type storageAttachment struct {
	unit     *unit
	life     string
	location string
	attached bool
}

type modelStorage struct {
	pools     map[string]*storagePool
	instances map[string]*storageInstance
	seq       int // storage instance numbers, model-wide
	fsSeq     int
	volSeq    int
}

// storageProviders returns the storage providers of model m: rootfs,
// tmpfs and loop on a machine model, kubernetes on a Kubernetes model.
func storageProviders(m *model) map[string]int {
	if m.typ == "caas" {
		return map[string]int{"kubernetes": storageKindFilesystem}
	}
	return map[string]int{"rootfs": storageKindFilesystem, "tmpfs": storageKindFilesystem, "loop": storageKindBlock}
}

// stor returns m's storage state, creating it with the providers' default
// pools (one per provider, named after it) on first use.
func (m *model) stor() *modelStorage {
	if m.storage == nil {
		m.storage = &modelStorage{pools: map[string]*storagePool{}, instances: map[string]*storageInstance{}}
		for p := range storageProviders(m) {
			m.storage.pools[p] = &storagePool{name: p, provider: p, builtin: true}
		}
	}
	return m.storage
}

func storageTag(id string) string { return "storage-" + strings.ReplaceAll(id, "/", "-") }

// storageIDFromTag converts storage-data-0 to data/0.
func storageIDFromTag(tag string) (string, bool) {
	rest, ok := parseTag(tag, "storage")
	if !ok {
		return "", false
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 {
		return "", false
	}
	if _, err := strconv.Atoi(rest[i+1:]); err != nil {
		return "", false
	}
	return rest[:i] + "/" + rest[i+1:], true
}

// defaultPool returns the pool storage of kind k takes when none is given.
func defaultPool(m *model, kind int) string {
	if m.typ == "caas" {
		return "kubernetes"
	}
	if kind == storageKindBlock {
		return "loop"
	}
	return "rootfs"
}

func charmStorageKind(cs facades.CharmStorage) int {
	if cs.Type == "block" {
		return storageKindBlock
	}
	return storageKindFilesystem
}

// storageDirective is a resolved storage directive.
type storageDirective struct {
	pool    string
	sizeMiB int
	count   int
}

// resolveDirective checks directive d for storage name of charm ch in
// model m and fills in the defaults. have is the number of instances of
// that storage the unit already has (for AddToUnit).
func resolveDirective(m *model, ch *charm, name string, d facades.StorageDirectives, have int, adding bool) (storageDirective, error) {
	cs, ok := ch.extras.storage[name]
	if !ok {
		return storageDirective{}, errNotSupported("storage name %q not supported by charm", name)
	}
	out := storageDirective{pool: d.Pool, sizeMiB: d.Size, count: d.Count}
	kind := charmStorageKind(cs)
	if out.pool == "" {
		out.pool = defaultPool(m, kind)
	}
	p, ok := m.stor().pools[out.pool]
	if !ok {
		return storageDirective{}, newErr("", "storage directive %s pool: getting storage pool %q UUID: storage pool %q not found", name, out.pool, out.pool)
	}
	if storageProviders(m)[p.provider] != kind && !(m.typ != "caas" && p.provider == "loop" && kind == storageKindFilesystem) {
		return storageDirective{}, errNotValid("storage directive %q: pool %q (provider %q) does not support %s storage", name, out.pool, p.provider, storageKindName(kind))
	}
	if out.sizeMiB == 0 {
		out.sizeMiB = max(cs.MinimumSize, 1024)
	}
	if cs.MinimumSize > 0 && out.sizeMiB < cs.MinimumSize {
		return storageDirective{}, errNotValid("storage directive %q: minimum storage size is %dM, %dM specified", name, cs.MinimumSize, out.sizeMiB)
	}
	if !adding && d.Count == 0 {
		out.count = cs.CountMin
	} else if adding && d.Count == 0 {
		out.count = 1
	}
	total := have + out.count
	if cs.CountMax >= 0 && total > cs.CountMax {
		return storageDirective{}, errNotValid("storage directive %q request count %d exceeds the charm's maximum count of %d", name, total, cs.CountMax)
	}
	if !adding && out.count < cs.CountMin {
		return storageDirective{}, errNotValid("storage directive %q request count %d is less than the charm's minimum count of %d", name, out.count, cs.CountMin)
	}
	return out, nil
}

func storageKindName(k int) string {
	if k == storageKindBlock {
		return "block"
	}
	return "filesystem"
}

// checkDeployStorage checks an application's storage directives before
// anything is created.
func checkDeployStorage(m *model, app string, ch *charm, dirs map[string]facades.Directive) (map[string]storageDirective, error) {
	out := map[string]storageDirective{}
	for _, name := range sortedStringKeys(dirs) {
		if _, ok := ch.extras.storage[name]; !ok {
			return nil, newErr("", "cannot deploy %q: charm %q has no store called %q", app, ch.name, name)
		}
	}
	for name := range ch.extras.storage {
		d := dirs[name]
		sd, err := resolveDirective(m, ch, name, facades.StorageDirectives(d), 0, false)
		if err != nil {
			e := AsError(err)
			return nil, newErr(e.Code, "cannot deploy %q: %s", app, e.Message)
		}
		out[name] = sd
	}
	return out, nil
}

func sortedStringKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// newStorage creates count instances of storage name for unit u.
func (c *Controller) newStorage(u *unit, name string, d storageDirective) []*storageInstance {
	m := u.app.m
	st := m.stor()
	cs := u.app.charm.extras.storage[name]
	var out []*storageInstance
	for range d.count {
		num := st.seq
		st.seq++
		si := &storageInstance{
			id: name + "/" + strconv.Itoa(num), name: name, num: num, kind: charmStorageKind(cs), pool: d.pool,
			sizeMiB: d.sizeMiB, owner: u.name, life: lifeAlive, status: status{Status: "pending", Since: c.now()},
		}
		if si.kind == storageKindBlock {
			si.backingID = strconv.Itoa(st.volSeq)
			st.volSeq++
		} else {
			si.backingID = strconv.Itoa(st.fsSeq)
			st.fsSeq++
		}
		st.instances[si.id] = si
		c.attachStorage(si, u)
		out = append(out, si)
	}
	return out
}

// storageLocation is where instance si is mounted for unit u's charm.
func storageLocation(u *unit, si *storageInstance) string {
	cs := u.app.charm.extras.storage[si.name]
	if cs.Location == "" || si.kind == storageKindBlock {
		return ""
	}
	if cs.CountMax == 1 {
		return cs.Location
	}
	return cs.Location + "/" + strconv.Itoa(si.num)
}

// attachStorage attaches si to u; it becomes attached (with the
// storage-attached hook) once u's agent is up.
func (c *Controller) attachStorage(si *storageInstance, u *unit) {
	si.att = &storageAttachment{unit: u, life: lifeAlive, location: storageLocation(u, si)}
	si.owner = u.name // unit-owned storage belongs to the unit it is attached to
	if u.ready {
		c.storageAttached(si)
		c.queueHooks(u, si.name+"-storage-attached")
	}
	u.app.m.notify()
}

// storageAttached marks si's attachment as provisioned.
func (c *Controller) storageAttached(si *storageInstance) {
	if si.att == nil || si.att.attached {
		return
	}
	si.att.attached = true
	si.status = status{Status: "attached", Since: c.now()}
}

// storageHooksOnReady marks the storage of u attached as its agent comes
// up and returns the storage-attached hooks it runs before install.
func (c *Controller) storageHooksOnReady(u *unit) []string {
	if u.app.m.storage == nil {
		return nil
	}
	var hooks []string
	for _, si := range u.app.m.storage.sorted() {
		if si.att != nil && si.att.unit == u && si.att.life == lifeAlive {
			c.storageAttached(si)
			hooks = append(hooks, si.name+"-storage-attached")
		}
	}
	return hooks
}

// sorted returns the instances in id order (name, then number).
func (st *modelStorage) sorted() []*storageInstance {
	out := make([]*storageInstance, 0, len(st.instances))
	for _, si := range st.instances {
		out = append(out, si)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].num < out[j].num
	})
	return out
}

// unitStorage returns the instances of storage name attached to u.
func unitStorage(u *unit, name string) []*storageInstance {
	if u.app.m.storage == nil {
		return nil
	}
	var out []*storageInstance
	for _, si := range u.app.m.storage.sorted() {
		if si.att != nil && si.att.unit == u && (name == "" || si.name == name) {
			out = append(out, si)
		}
	}
	return out
}

// detachStorage starts detaching si from its unit: the attachment dies,
// the storage-detaching hook runs, and the instance is detached (and
// removed from the model when it is being removed).
func (c *Controller) detachStorage(si *storageInstance) {
	att := si.att
	if att == nil || att.life != lifeAlive {
		return
	}
	att.life = lifeDying
	u := att.unit
	m := u.app.m
	if att.attached {
		si.status = status{Status: "detaching", Since: c.now()}
		c.queueHooks(u, si.name+"-storage-detaching")
	}
	t := c.timingFor(u.app)
	si.removeEv.cancel()
	si.removeEv = c.sched.after(t.Hook+t.Removal, func() {
		si.removeEv = nil
		c.storageDetached(si)
	})
	m.notify()
}

// storageDetached ends si's attachment.
func (c *Controller) storageDetached(si *storageInstance) {
	if si.att == nil {
		return
	}
	m := si.att.unit.app.m
	si.att = nil
	si.status = status{Status: "detached", Since: c.now()}
	if si.removing {
		c.removeStorageNow(m, si)
	}
	m.notify()
}

// removeStorageNow takes si out of the model.
func (c *Controller) removeStorageNow(m *model, si *storageInstance) {
	si.removeEv.cancel()
	si.life = lifeDead
	delete(m.stor().instances, si.id)
	m.notify()
}

// unitStorageGone handles u's storage as u is removed: destroyed with it
// when destroy is set, otherwise detached and kept.
func (c *Controller) unitStorageGone(u *unit, destroy bool) {
	m := u.app.m
	for _, si := range unitStorage(u, "") {
		si.att = nil
		si.removeEv.cancel()
		if destroy || si.removing {
			c.removeStorageNow(m, si)
			continue
		}
		si.status = status{Status: "detached", Since: c.now()}
	}
}

// ---- wire ----

func (c *Controller) storageDetailsWire(m *model, si *storageInstance) facades.StorageDetails {
	d := facades.StorageDetails{
		Kind: si.kind, Life: si.life, Persistent: si.persistent, StorageTag: storageTag(si.id),
		Status: facades.EntityStatus{Status: si.status.Status, Info: si.status.Message, Since: timePtr(si.status.Since)},
	}
	if si.owner != "" {
		d.OwnerTag = unitTag(si.owner)
	}
	if si.att != nil {
		ad := facades.StorageAttachmentDetails{Life: si.att.life, StorageTag: d.StorageTag, UnitTag: unitTag(si.att.unit.name)}
		if si.att.attached {
			ad.Location = si.att.location
		}
		if mc := si.att.unit.machine; mc != nil {
			ad.MachineTag = machineTag(mc.id)
		}
		d.Attachments = map[string]facades.StorageAttachmentDetails{ad.UnitTag: ad}
	}
	return d
}

// filesystemWire is the wire form of a filesystem. Its storage's
// attachments repeat the attachment's life in FullStatus (withLife,
// storage2-status.jsonl) but not in Storage.ListFilesystems
// (storage2-list.jsonl).
func (c *Controller) filesystemWire(m *model, si *storageInstance, withLife bool) facades.FilesystemDetails {
	sd := c.storageDetailsWire(m, si)
	for k, a := range sd.Attachments {
		if !withLife {
			a.Life = ""
			sd.Attachments[k] = a
		}
	}
	fd := facades.FilesystemDetails{
		FilesystemTag: "filesystem-" + si.backingID, Life: si.life, Storage: &sd,
		Info:   facades.FilesystemInfo{Pool: si.pool},
		Status: facades.EntityStatus{Status: si.status.Status, Info: si.status.Message, Since: timePtr(si.status.Since)},
	}
	if si.att != nil && si.att.attached {
		fd.Info.Size = si.sizeMiB
		fd.Info.FilesystemID = si.pool + "-" + si.backingID
	}
	if si.att != nil {
		info := facades.FilesystemAttachmentDetails{Life: si.att.life}
		if si.att.attached {
			info.MountPoint = si.att.location
		}
		if mc := si.att.unit.machine; mc != nil {
			fd.MachineAttachments = map[string]facades.FilesystemAttachmentDetails{machineTag(mc.id): info}
		} else {
			fd.UnitAttachments = map[string]facades.FilesystemAttachmentDetails{unitTag(si.att.unit.name): info}
		}
	}
	return fd
}

func (c *Controller) volumeWire(m *model, si *storageInstance) facades.VolumeDetails {
	sd := c.storageDetailsWire(m, si)
	for k, a := range sd.Attachments {
		a.Life = ""
		sd.Attachments[k] = a
	}
	vd := facades.VolumeDetails{
		VolumeTag: "volume-" + si.backingID, Life: si.life, Storage: &sd,
		Info:   facades.VolumeInfo{Pool: si.pool, Persistent: si.persistent},
		Status: facades.EntityStatus{Status: si.status.Status, Info: si.status.Message, Since: timePtr(si.status.Since)},
	}
	if si.att != nil && si.att.attached {
		vd.Info.Size = si.sizeMiB
		vd.Info.VolumeID = si.pool + "-" + si.backingID
		vd.Info.HardwareID = "loop" + si.backingID
	}
	if si.att != nil {
		info := facades.VolumeAttachmentDetails{Life: si.att.life}
		if si.att.attached {
			info.DeviceName = "loop" + si.backingID
		}
		if mc := si.att.unit.machine; mc != nil {
			vd.MachineAttachments = map[string]facades.VolumeAttachmentDetails{machineTag(mc.id): info}
		} else {
			vd.UnitAttachments = map[string]facades.VolumeAttachmentDetails{unitTag(si.att.unit.name): info}
		}
	}
	return vd
}

// storageStatus adds the model's storage to a FullStatus (include-storage).
func (c *Controller) storageStatus(m *model) (st []facades.StorageDetails, fs []facades.FilesystemDetails, vs []facades.VolumeDetails) {
	if m.storage == nil {
		return nil, nil, nil
	}
	for _, si := range m.storage.sorted() {
		st = append(st, c.storageDetailsWire(m, si))
		if si.kind == storageKindBlock {
			vs = append(vs, c.volumeWire(m, si))
		} else {
			fs = append(fs, c.filesystemWire(m, si, true))
		}
	}
	return st, fs, vs
}

// newUnitStorage gives a new unit its storage: the existing instances the
// caller asked to attach (a.attachNext), then new instances up to each
// directive's count.
func (c *Controller) newUnitStorage(u *unit) {
	a := u.app
	attach := a.attachNext
	a.attachNext = nil
	have := map[string]int{}
	for _, si := range attach {
		c.attachStorage(si, u)
		have[si.name]++
	}
	for _, name := range sortedStringKeys(a.storage) {
		d := a.storage[name]
		d.count -= have[name]
		if d.count > 0 {
			c.newStorage(u, name, d)
		}
	}
}

// checkAttachNew checks existing storage (tags) that a new unit of
// application app (charm ch) is to take, and returns the instances.
func (c *Controller) checkAttachNew(m *model, app string, ch *charm, tags []string) ([]*storageInstance, error) {
	var out []*storageInstance
	count := map[string]int{}
	for _, tag := range tags {
		if id, ok := storageIDFromTag(tag); ok {
			tag = storageTag(id)
		} else if _, err := parseStorageID(tag); err == nil {
			tag = storageTag(tag)
		}
		si, err := c.storageByTag(m, tag)
		if err != nil {
			return nil, err
		}
		if si.life != lifeAlive {
			return nil, errNotValid("cannot attach storage %s to a new unit of %q: storage is not alive", si.id, app)
		}
		if si.att != nil {
			return nil, errNotValid("cannot attach storage %s to a new unit of %q: storage is attached to unit %s", si.id, app, si.att.unit.name)
		}
		cs, ok := ch.extras.storage[si.name]
		if !ok {
			return nil, errNotSupported("cannot attach storage %s to a new unit of %q: charm has no storage %q", si.id, app, si.name)
		}
		count[si.name]++
		if cs.CountMax >= 0 && count[si.name] > cs.CountMax {
			return nil, errNotValid("cannot attach storage %s to a new unit of %q: attaching would exceed the charm's maximum count of %d for storage %q", si.id, app, cs.CountMax, si.name)
		}
		out = append(out, si)
	}
	return out, nil
}

// parseStorageID checks "data/0".
func parseStorageID(id string) (string, error) {
	name, num, ok := strings.Cut(id, "/")
	if !ok || name == "" {
		return "", errNotValid("%q is not a valid storage id", id)
	}
	if _, err := strconv.Atoi(num); err != nil {
		return "", errNotValid("%q is not a valid storage id", id)
	}
	return name, nil
}

// refreshStorage returns application a's storage directives for its new
// charm ch: those given, those it had for storage ch keeps, and the
// defaults for storage ch adds.
func refreshStorage(m *model, a *application, ch *charm, given map[string]facades.StorageDirectives) (map[string]storageDirective, error) {
	for _, name := range sortedStringKeys(given) {
		if _, ok := ch.extras.storage[name]; !ok {
			return nil, errNotValid("cannot upgrade application %q to charm %q: charm has no storage %q", a.name, ch.url, name)
		}
	}
	out := map[string]storageDirective{}
	for _, name := range sortedStringKeys(ch.extras.storage) {
		if d, ok := given[name]; ok {
			sd, err := resolveDirective(m, ch, name, d, 0, false)
			if err != nil {
				return nil, err
			}
			out[name] = sd
			continue
		}
		if d, ok := a.storage[name]; ok {
			out[name] = d
			continue
		}
		sd, err := resolveDirective(m, ch, name, facades.StorageDirectives{}, 0, false)
		if err != nil {
			return nil, err
		}
		out[name] = sd
	}
	return out, nil
}

// hubStorage is the storage the built-in Charmhub catalogue's charms
// declare, as their real metadata does.
var hubStorage = map[string]map[string]facades.CharmStorage{
	"postgresql":     {"pgdata": {Name: "pgdata", Type: "filesystem", Location: "/var/snap/charmed-postgresql/common", CountMin: 1, CountMax: 1}},
	"postgresql-k8s": {"pgdata": {Name: "pgdata", Type: "filesystem", Location: "/var/lib/postgresql/data", CountMin: 1, CountMax: 1}},
	"mysql":          {"database": {Name: "database", Type: "filesystem", Location: "/var/snap/charmed-mysql/common", CountMin: 1, CountMax: 1}},
	"mysql-k8s":      {"database": {Name: "database", Type: "filesystem", Location: "/var/lib/mysql", CountMin: 1, CountMax: 1}},
}
