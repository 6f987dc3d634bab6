package core

import (
	"github.com/gojuju/juju/internal/facades"
)

// ---- Storage facade ----

func (c *Controller) storageByTag(m *model, tag string) (*storageInstance, error) {
	id, ok := storageIDFromTag(tag)
	if !ok {
		return nil, errNotValid("%q is not a valid storage tag", tag)
	}
	si, ok := m.stor().instances[id]
	if !ok {
		return nil, errNotFound("storage %q does not exist", id)
	}
	return si, nil
}

func (storageFacade) ListStorageDetails(cx *callCtx, a facades.StorageFilters) (facades.StorageDetailsListResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.StorageDetailsListResults{}, err
	}
	out := facades.StorageDetailsListResults{Results: make([]facades.StorageDetailsListResult, len(a.Filters))}
	st, _, _ := cx.c.storageStatus(cx.m)
	for i := range a.Filters {
		out.Results[i].Result = st
	}
	return out, nil
}

func (storageFacade) StorageDetails(cx *callCtx, a facades.Entities) (facades.StorageDetailsResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.StorageDetailsResults{}, err
	}
	return facades.StorageDetailsResults{Results: eachItem(a.Entities, func(e facades.Entity) (facades.StorageDetailsResult, error) {
		id, ok := storageIDFromTag(e.Tag)
		if !ok {
			return facades.StorageDetailsResult{}, errNotValid("%q is not a valid storage tag", e.Tag)
		}
		si, ok := cx.m.stor().instances[id]
		if !ok {
			return facades.StorageDetailsResult{}, errNotFound("storage instance %q not found", id)
		}
		d := cx.c.storageDetailsWire(cx.m, si)
		return facades.StorageDetailsResult{Result: &d}, nil
	})}, nil
}

// onMachines reports whether si is attached on one of the machines (an
// empty filter matches everything).
func onMachines(si *storageInstance, machines []string) bool {
	if len(machines) == 0 {
		return true
	}
	if si.att == nil || si.att.unit.machine == nil {
		return false
	}
	for _, mt := range machines {
		if mt == machineTag(si.att.unit.machine.id) {
			return true
		}
	}
	return false
}

func (storageFacade) ListFilesystems(cx *callCtx, a facades.FilesystemFilters) (facades.FilesystemDetailsListResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.FilesystemDetailsListResults{}, err
	}
	out := facades.FilesystemDetailsListResults{Results: make([]facades.FilesystemDetailsListResult, len(a.Filters))}
	for i, f := range a.Filters {
		for _, si := range cx.m.stor().sorted() {
			if si.kind == storageKindFilesystem && onMachines(si, f.Machines) {
				out.Results[i].Result = append(out.Results[i].Result, cx.c.filesystemWire(cx.m, si, false))
			}
		}
	}
	return out, nil
}

func (storageFacade) ListVolumes(cx *callCtx, a facades.VolumeFilters) (facades.VolumeDetailsListResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.VolumeDetailsListResults{}, err
	}
	out := facades.VolumeDetailsListResults{Results: make([]facades.VolumeDetailsListResult, len(a.Filters))}
	for i, f := range a.Filters {
		for _, si := range cx.m.stor().sorted() {
			if si.kind == storageKindBlock && onMachines(si, f.Machines) {
				out.Results[i].Result = append(out.Results[i].Result, cx.c.volumeWire(cx.m, si))
			}
		}
	}
	return out, nil
}

func (storageFacade) ListPools(cx *callCtx, a facades.StoragePoolFilters) (facades.StoragePoolsResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.StoragePoolsResults{}, err
	}
	st := cx.m.stor()
	out := facades.StoragePoolsResults{Results: make([]facades.StoragePoolsResult, len(a.Filters))}
	for i, f := range a.Filters {
		for _, n := range sortedStringKeys(st.pools) {
			p := st.pools[n]
			if len(f.Names) > 0 && !contains(f.Names, p.name) || len(f.Providers) > 0 && !contains(f.Providers, p.provider) {
				continue
			}
			out.Results[i].StoragePools = append(out.Results[i].StoragePools, facades.StoragePool{Name: p.name, Provider: p.provider, Attrs: p.attrs})
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func validPoolName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func (storageFacade) CreatePool(cx *callCtx, a facades.StoragePoolArgs) (facades.ErrorResults, error) {
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	m := cx.m
	return eachErr(a.Pools, func(p facades.StoragePool) error {
		if !validPoolName(p.Name) {
			return errNotValid("pool name %q not valid", p.Name)
		}
		if _, ok := storageProviders(m)[p.Provider]; !ok {
			return errNotFound("no storage provider %q exists in the current model", p.Provider)
		}
		if _, ok := m.stor().pools[p.Name]; ok {
			return errAlreadyExists("storage pool %q already exists", p.Name)
		}
		m.stor().pools[p.Name] = &storagePool{name: p.Name, provider: p.Provider, attrs: p.Attrs}
		m.notify()
		return nil
	}), nil
}

// errPoolsNotYet is Juju 4.0.15's answer to UpdatePool and RemovePool,
// which it does not implement yet.
func errPoolsNotYet(cx *callCtx) error {
	return newErr("not yet available; try again later", "not yet available in %s", cx.c.version)
}

func (storageFacade) UpdatePool(cx *callCtx, a facades.StoragePoolArgs) (facades.ErrorResults, error) {
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	m := cx.m
	return eachErr(a.Pools, func(p facades.StoragePool) error {
		if cx.is4() {
			return errPoolsNotYet(cx)
		}
		have, ok := m.stor().pools[p.Name]
		if !ok {
			return errNotFound("storage pool %q not found", p.Name)
		}
		if p.Provider != "" && p.Provider != have.provider {
			if _, ok := storageProviders(m)[p.Provider]; !ok {
				return errNotFound("no storage provider %q exists in the current model", p.Provider)
			}
			have.provider = p.Provider
		}
		if have.attrs == nil {
			have.attrs = map[string]any{}
		}
		for k, v := range p.Attrs {
			have.attrs[k] = v
		}
		m.notify()
		return nil
	}), nil
}

func (storageFacade) RemovePool(cx *callCtx, a facades.StoragePoolDeleteArgs) (facades.ErrorResults, error) {
	if err := cx.check("admin"); err != nil {
		return facades.ErrorResults{}, err
	}
	m := cx.m
	return eachErr(a.Pools, func(p facades.StoragePoolDeleteArg) error {
		if cx.is4() {
			return errPoolsNotYet(cx)
		}
		if _, ok := m.stor().pools[p.Name]; !ok {
			return errNotFound("storage pool %q not found", p.Name)
		}
		for _, si := range m.stor().instances {
			if si.pool == p.Name {
				return errNotValid("storage pool %q in use", p.Name)
			}
		}
		delete(m.stor().pools, p.Name)
		m.notify()
		return nil
	}), nil
}

func (storageFacade) AddToUnit(cx *callCtx, a facades.StoragesAddParams) (facades.AddStorageResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.AddStorageResults{}, err
	}
	c, m := cx.c, cx.m
	return facades.AddStorageResults{Results: eachItem(a.Storages, func(p facades.StorageAddParams) (facades.AddStorageResult, error) {
		u, err := c.unitByTag(m, p.Unit)
		if err != nil {
			return facades.AddStorageResult{}, err
		}
		if u.life != lifeAlive {
			return facades.AddStorageResult{}, errNotValid("adding storage to unit %s: unit is not alive", u.name)
		}
		have := unitStorage(u, p.Name)
		d := p.Storage
		if d.Pool == "" && len(have) > 0 {
			d.Pool = have[0].pool
		}
		sd, err := resolveDirective(m, u.app.charm, p.Name, d, len(have), true)
		if err != nil {
			return facades.AddStorageResult{}, err
		}
		res := &facades.AddStorageDetails{StorageTags: []string{}}
		for _, si := range c.newStorage(u, p.Name, sd) {
			res.StorageTags = append(res.StorageTags, storageTag(si.id))
		}
		return facades.AddStorageResult{Result: res}, nil
	})}, nil
}

// checkAttach checks that si can be attached to u.
func checkAttach(si *storageInstance, u *unit) error {
	if si.life != lifeAlive {
		return errNotValid("cannot attach storage %s to unit %s: storage is not alive", si.id, u.name)
	}
	if u.life != lifeAlive {
		return errNotValid("cannot attach storage %s to unit %s: unit is not alive", si.id, u.name)
	}
	if si.att != nil {
		if si.att.unit == u {
			return errAlreadyExists("storage %s is already attached to unit %s", si.id, u.name)
		}
		return errNotValid("cannot attach storage %s to unit %s: storage is attached to unit %s", si.id, u.name, si.att.unit.name)
	}
	cs, ok := u.app.charm.extras.storage[si.name]
	if !ok {
		return errNotSupported("cannot attach storage %s to unit %s: charm has no storage %q", si.id, u.name, si.name)
	}
	if charmStorageKind(cs) != si.kind {
		return errNotValid("cannot attach storage %s to unit %s: storage kind %s does not match the charm's %s", si.id, u.name, storageKindName(si.kind), cs.Type)
	}
	if n := len(unitStorage(u, si.name)) + 1; cs.CountMax >= 0 && n > cs.CountMax {
		return errNotValid("cannot attach storage %s to unit %s: attaching would exceed the charm's maximum count of %d for storage %q", si.id, u.name, cs.CountMax, si.name)
	}
	return nil
}

func (storageFacade) Attach(cx *callCtx, a facades.StorageAttachmentIds) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c, m := cx.c, cx.m
	return eachErr(a.Ids, func(id facades.StorageAttachmentId) error {
		si, err := c.storageByTag(m, id.StorageTag)
		if err != nil {
			return err
		}
		u, err := c.unitByTag(m, id.UnitTag)
		if err != nil {
			return err
		}
		if err := checkAttach(si, u); err != nil {
			return err
		}
		c.attachStorage(si, u)
		return nil
	}), nil
}

// checkDetach checks that si can leave its unit without breaking the
// charm's minimum count.
func checkDetach(si *storageInstance, what string) error {
	u := si.att.unit
	cs := u.app.charm.extras.storage[si.name]
	if u.life == lifeAlive && len(unitStorage(u, si.name))-1 < cs.CountMin {
		return errNotValid("%s storage %q from unit %q: removing storage from unit would violate charm storage %q requirements of having minimum %d storage instances", what, si.id, u.name, si.name, cs.CountMin)
	}
	return nil
}

func (storageFacade) DetachStorage(cx *callCtx, a facades.StorageDetachmentParams) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c, m := cx.c, cx.m
	return eachErr(a.Ids.Ids, func(id facades.StorageAttachmentId) error {
		si, err := c.storageByTag(m, id.StorageTag)
		if err != nil {
			return err
		}
		if id.UnitTag != "" {
			u, err := c.unitByTag(m, id.UnitTag)
			if err != nil {
				return err
			}
			if si.att == nil || si.att.unit != u {
				return errNotFound("storage %s is not attached to unit %s", si.id, u.name)
			}
		}
		if si.att == nil {
			return nil // already detached
		}
		if err := checkDetach(si, "detaching"); err != nil {
			return err
		}
		c.detachStorage(si)
		if a.Force && a.MaxWait != nil && *a.MaxWait == 0 {
			c.storageDetached(si)
		}
		return nil
	}), nil
}

func (storageFacade) Remove(cx *callCtx, a facades.RemoveStorage) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	c, m := cx.c, cx.m
	return eachErr(a.Storage, func(r facades.RemoveStorageInstance) error {
		si, err := c.storageByTag(m, r.Tag)
		if err != nil {
			return err
		}
		if si.att != nil {
			if !r.DestroyAttachments {
				return newErr("", "removing storage %q: storage instance still attached", si.id)
			}
			if err := checkDetach(si, "removing"); err != nil {
				return err
			}
		}
		si.life = lifeDying
		si.removing = true
		si.destroy = r.DestroyStorage
		if si.att == nil {
			c.removeStorageNow(m, si)
			return nil
		}
		c.detachStorage(si)
		if r.Force && r.MaxWait != nil && *r.MaxWait == 0 {
			c.storageDetached(si)
		}
		m.notify()
		return nil
	}), nil
}

func (storageFacade) Import(cx *callCtx, _ facades.BulkImportStorageParamsV2) (facades.ImportStorageResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ImportStorageResults{}, err
	}
	return facades.ImportStorageResults{}, errNotSupported("importing storage is not simulated by jujusim (it has no cloud storage to import)")
}
