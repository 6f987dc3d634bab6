package juju

import (
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/lazyregexp"
)

// StorageDirective says how to provision one storage of a charm: from
// which pool, how large, how many. Parse one with ParseStorageDirective.
type StorageDirective struct {
	// Pool is the storage pool ("ebs", "rootfs"); "" means the default.
	Pool string
	// Size is the size of each instance in MiB; 0 means the charm's
	// minimum.
	Size uint64
	// Count is the number of instances; 0 means the charm's minimum.
	Count uint64
}

var (
	validPoolName  = lazyregexp.New(`^[a-zA-Z][a-zA-Z0-9-]*$`)
	validCount     = lazyregexp.New(`^[0-9]+$`)
	validSizeValue = lazyregexp.New(`^[0-9]+(?:\.[0-9]+)?[MGTP]$`)
)

// ParseStorageDirective parses a storage directive as the juju CLI's
// --storage option takes it: comma-separated pool, size and count in any
// order, each optional ("ebs,10G,3", "10G", "rootfs", "2"). A size needs a
// unit suffix (M, G, T, P); a count is a bare number. The error matches
// ErrInvalidArgument.
func ParseStorageDirective(s string) (StorageDirective, error) {
	var d StorageDirective
	if strings.TrimSpace(s) == "" {
		return d, invalid(ErrInvalidArgument, "storage directive", s, "must not be empty")
	}
	var havePool, haveSize, haveCount bool
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch {
		case validCount.MatchString(f):
			if haveCount {
				return StorageDirective{}, invalid(ErrInvalidArgument, "storage directive", s, "count given twice")
			}
			n, err := strconv.ParseUint(f, 10, 64)
			if err != nil {
				return StorageDirective{}, invalid(ErrInvalidArgument, "storage directive", s, "count out of range")
			}
			d.Count, haveCount = n, true
		case validSizeValue.MatchString(f):
			if haveSize {
				return StorageDirective{}, invalid(ErrInvalidArgument, "storage directive", s, "size given twice")
			}
			n, err := parseSize(f)
			if err != nil {
				return StorageDirective{}, invalid(ErrInvalidArgument, "storage directive", s, "size out of range")
			}
			d.Size, haveSize = n, true
		case validPoolName.MatchString(f):
			if havePool {
				return StorageDirective{}, invalid(ErrInvalidArgument, "storage directive", s, "pool given twice")
			}
			d.Pool, havePool = f, true
		default:
			return StorageDirective{}, invalidf(ErrInvalidArgument, "storage directive", s, "%q is neither a pool, a size (such as 10G) nor a count", f)
		}
	}
	return d, nil
}

// String writes the directive back in the --storage syntax.
func (d StorageDirective) String() string {
	var parts []string
	if d.Pool != "" {
		parts = append(parts, d.Pool)
	}
	if d.Size != 0 {
		s := strconv.FormatUint(d.Size, 10) + "M"
		if d.Size%1024 == 0 {
			s = strconv.FormatUint(d.Size/1024, 10) + "G"
		}
		parts = append(parts, s)
	}
	if d.Count != 0 {
		parts = append(parts, strconv.FormatUint(d.Count, 10))
	}
	return strings.Join(parts, ",")
}

// parseStorage parses a map of storage name -> directive.
func parseStorage(in map[string]string) (map[string]StorageDirective, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]StorageDirective, len(in))
	for _, name := range sortedKeys(in) {
		if !IsValidApplicationName(name) {
			return nil, invalid(ErrInvalidName, "storage name", name, "must be lower-case letters, digits and hyphens, starting with a letter")
		}
		d, err := ParseStorageDirective(in[name])
		if err != nil {
			return nil, err
		}
		out[name] = d
	}
	return out, nil
}
