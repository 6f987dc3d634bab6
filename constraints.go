package juju

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Constraints are the hardware and placement requirements of machines, as
// the juju CLI writes them: "mem=4G cores=2 arch=amd64". Build them as a
// struct (Constraints{Mem: 4096, Cores: 2}) or parse the CLI's language
// with ParseConstraints; String writes them back in that language. Sizes
// are in MiB. A zero field is unset. The methods that take Constraints
// (SetConstraints, DeployOptions, AddMachineOptions) refuse, before
// sending anything and with an error matching ErrInvalidConstraints, what
// ParseConstraints would refuse and what the language cannot carry.
type Constraints struct {
	Arch             string   // "amd64", "arm64", "ppc64el", "s390x", "riscv64"
	Container        string   // "lxd", "kvm" or "none"
	Cores            uint64   // minimum number of effective cores
	CPUPower         uint64   // minimum CPU power (100 = one 2010-era core)
	Mem              uint64   // minimum memory, MiB
	RootDisk         uint64   // minimum root disk size, MiB
	RootDiskSource   string   // provider-specific storage for the root disk
	Tags             []string // provider tags the machine must have
	InstanceRole     string   // cloud instance role / profile
	InstanceType     string   // cloud instance type
	Spaces           []string // network spaces; "^name" excludes a space
	VirtType         string   // virtualisation type
	Zones            []string // availability zones to choose from
	AllocatePublicIP *bool    // whether to allocate a public address
	ImageID          string   // provider image id
}

// The architectures Juju supports.
var knownArches = []string{"amd64", "arm64", "ppc64el", "s390x", "riscv64"}

var sizeSuffixes = map[byte]float64{'M': 1, 'G': 1024, 'T': 1024 * 1024, 'P': 1024 * 1024 * 1024}

// ParseConstraints parses a constraints string, a space-separated list of
// key=value pairs ("mem=4G cores=2 arch=amd64 zones=a,b spaces=db,^dmz").
// Sizes take an optional M, G, T or P suffix (MiB by default); "cpu-cores"
// is accepted as the old name of "cores"; a space inside a value is
// written "\ ". The error matches ErrInvalidConstraints.
func ParseConstraints(s string) (Constraints, error) {
	var c Constraints
	seen := map[string]bool{}
	for _, raw := range splitConstraints(s) {
		key, val, ok := strings.Cut(raw, "=")
		if !ok || key == "" {
			return Constraints{}, invalidf(ErrInvalidConstraints, "constraints", s, "%q is not key=value", raw)
		}
		if key == "cpu-cores" {
			key = "cores"
		}
		if seen[key] {
			return Constraints{}, invalidf(ErrInvalidConstraints, "constraints", s, "%q is given twice", key)
		}
		seen[key] = true
		if err := c.set(key, val); err != nil {
			return Constraints{}, invalidf(ErrInvalidConstraints, "constraints", s, "bad %q: %s", key, err.Error())
		}
	}
	return c, nil
}

// check refuses constraints that ParseConstraints would refuse (an unknown
// architecture or container type, a bad space name, a size too large) or
// that the constraints language cannot carry (an empty list item, a comma
// inside one, a tab or newline in a value), so that what is sent is what
// ParseConstraints(c.String()) gives back.
func (c Constraints) check() error {
	s := c.String()
	back, err := ParseConstraints(s)
	if err != nil {
		return err
	}
	if !c.equal(back) {
		return invalid(ErrInvalidConstraints, "constraints", s,
			"a value holds what the constraints language cannot carry (an empty list item, a comma inside one, a tab or newline)")
	}
	return nil
}

// equal reports whether c and d say the same (a nil list and an empty one
// are the same).
func (c Constraints) equal(d Constraints) bool {
	for _, l := range []*[]string{&c.Tags, &c.Spaces, &c.Zones, &d.Tags, &d.Spaces, &d.Zones} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return reflect.DeepEqual(c, d)
}

// splitConstraints splits on unescaped whitespace, turning "\ " into a
// space inside a value.
func splitConstraints(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\\' && i+1 < len(s) && s[i+1] == ' ':
			cur.WriteByte(' ')
			i++
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			flush()
		default:
			cur.WriteByte(ch)
		}
	}
	flush()
	return out
}

type constraintError string

func (e constraintError) Error() string { return string(e) }

func (c *Constraints) set(key, val string) error {
	var err error
	switch key {
	case "arch":
		if val != "" && !slices.Contains(knownArches, val) {
			return constraintError("unknown architecture " + strconv.Quote(val) + "; want one of " + strings.Join(knownArches, ", "))
		}
		c.Arch = val
	case "container":
		if val != "" && val != "none" && !isContainerType(val) {
			return constraintError("unknown container type " + strconv.Quote(val))
		}
		c.Container = val
	case "cores":
		c.Cores, err = parseCount(val)
	case "cpu-power":
		c.CPUPower, err = parseCount(val)
	case "mem":
		c.Mem, err = parseSize(val)
	case "root-disk":
		c.RootDisk, err = parseSize(val)
	case "root-disk-source":
		c.RootDiskSource = val
	case "tags":
		c.Tags = splitList(val)
	case "instance-role":
		c.InstanceRole = val
	case "instance-type":
		c.InstanceType = val
	case "spaces":
		c.Spaces = splitList(val)
		for _, sp := range c.Spaces {
			if !validSpace.MatchString(strings.TrimPrefix(sp, "^")) {
				return constraintError(strconv.Quote(strings.TrimPrefix(sp, "^")) + " is not a valid space name")
			}
		}
	case "virt-type":
		c.VirtType = val
	case "zones":
		c.Zones = splitList(val)
	case "allocate-public-ip":
		if val == "" {
			return nil
		}
		b, perr := strconv.ParseBool(val)
		if perr != nil {
			return constraintError("must be true or false")
		}
		c.AllocatePublicIP = &b
	case "image-id":
		c.ImageID = val
	default:
		return constraintError("unknown constraint")
	}
	return err
}

func parseCount(s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, constraintError("must be a non-negative integer")
	}
	return n, nil
}

func parseSize(s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	mult := 1.0
	if m, ok := sizeSuffixes[s[len(s)-1]]; ok {
		mult, s = m, s[:len(s)-1]
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f*mult > math.MaxInt64 {
		return 0, constraintError("must be a non-negative number with an optional M, G, T or P suffix")
	}
	return uint64(math.Ceil(f * mult)), nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// IsEmpty reports whether no constraint is set.
func (c Constraints) IsEmpty() bool { return c.String() == "" }

// String writes the constraints in the juju CLI's language, in a fixed key
// order; ParseConstraints(c.String()) gives c back.
func (c Constraints) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+strings.ReplaceAll(v, " ", `\ `))
		}
	}
	num := func(n uint64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatUint(n, 10)
	}
	size := func(n uint64) string {
		switch {
		case n == 0:
			return ""
		case n%(1024*1024) == 0:
			return strconv.FormatUint(n/(1024*1024), 10) + "T"
		case n%1024 == 0:
			return strconv.FormatUint(n/1024, 10) + "G"
		}
		return strconv.FormatUint(n, 10) + "M"
	}
	add("arch", c.Arch)
	add("container", c.Container)
	add("cores", num(c.Cores))
	add("cpu-power", num(c.CPUPower))
	add("instance-role", c.InstanceRole)
	add("instance-type", c.InstanceType)
	add("mem", size(c.Mem))
	add("root-disk", size(c.RootDisk))
	add("root-disk-source", c.RootDiskSource)
	add("tags", strings.Join(c.Tags, ","))
	add("spaces", strings.Join(c.Spaces, ","))
	add("virt-type", c.VirtType)
	add("zones", strings.Join(c.Zones, ","))
	if c.AllocatePublicIP != nil {
		add("allocate-public-ip", strconv.FormatBool(*c.AllocatePublicIP))
	}
	add("image-id", c.ImageID)
	return strings.Join(parts, " ")
}
