package status

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// storageTable is the storage section of "juju status --storage": one row
// per storage instance and unit it is attached to (or with no unit when
// detached), ordered by unit and then storage id, with the pool, mount
// point and size of the filesystem or volume behind it.
func (s *Status) storageTable() *table {
	type row struct {
		unit string
		si   *StorageInstance
	}
	fsByStorage := map[string]*Filesystem{}
	for _, f := range s.Filesystems {
		if f.Storage != "" {
			fsByStorage[f.Storage] = f
		}
	}
	volByStorage := map[string]*Volume{}
	for _, v := range s.Volumes {
		if v.Storage != "" {
			volByStorage[v.Storage] = v
		}
	}
	var rows []row
	for _, si := range s.Storage {
		if len(si.Attachments) == 0 {
			rows = append(rows, row{si: si})
			continue
		}
		for u := range si.Attachments {
			rows = append(rows, row{unit: u, si: si})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].unit != rows[j].unit {
			return lessUnit(rows[i].unit, rows[j].unit)
		}
		return lessStorageID(rows[i].si.ID, rows[j].si.ID)
	})
	t := &table{}
	t.add("Storage Unit", "Storage ID", "Type", "Pool", "Mountpoint", "Size", "Status", "Message")
	for _, r := range rows {
		var pool, mount string
		var size uint64
		if f := fsByStorage[r.si.ID]; f != nil {
			pool, size = f.Pool, f.SizeMiB
			if r.unit != "" {
				if a, ok := r.si.Attachments[r.unit]; ok {
					mount = f.MachineAttachments[a.Machine]
				}
				if mount == "" {
					mount = f.UnitAttachments[r.unit]
				}
			}
		} else if v := volByStorage[r.si.ID]; v != nil {
			pool, size = v.Pool, v.SizeMiB
		}
		if mount == "" && r.unit != "" {
			mount = r.si.Attachments[r.unit].Location
		}
		t.add(r.unit, r.si.ID, r.si.Kind, pool, mount, humanMiB(size), r.si.Status.Current, r.si.Status.Message)
	}
	return t
}

// lessUnit orders unit names by application, then number.
func lessUnit(a, b string) bool {
	aa, an, _ := strings.Cut(a, "/")
	ba, bn, _ := strings.Cut(b, "/")
	if aa != ba {
		return aa < ba
	}
	x, _ := strconv.Atoi(an)
	y, _ := strconv.Atoi(bn)
	return x < y
}

// lessStorageID orders storage ids by name, then number.
func lessStorageID(a, b string) bool { return lessUnit(a, b) }

// humanMiB writes a size in MiB as the juju CLI does (binary units, one
// decimal below 10: "1.0 GiB", "512 MiB"); zero is empty.
func humanMiB(mib uint64) string {
	if mib == 0 {
		return ""
	}
	v := float64(mib)
	units := []string{"MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, units[i])
	}
	return fmt.Sprintf("%.0f %s", v, units[i])
}
