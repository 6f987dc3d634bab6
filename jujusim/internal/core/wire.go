package core

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// setErr stores err in a generated result's error field (the params.Error
// JSON shape {"message","code","info"}). The field's Go type belongs to the
// client's rpc package; core fills it by field name so that it never
// imports client code.
func setErr[T any](dst **T, err error) {
	if err == nil {
		*dst = nil
		return
	}
	p := new(T)
	fillErr(reflect.ValueOf(p).Elem(), err)
	*dst = p
}

// fillErr fills an error struct (Message, Code, Info) from err.
func fillErr(v reflect.Value, err error) {
	e := AsError(err)
	v.FieldByName("Message").SetString(e.Message)
	v.FieldByName("Code").SetString(e.Code)
	if e.Info != nil {
		v.FieldByName("Info").Set(reflect.ValueOf(e.Info))
	}
}

func detailed(s status, life string) facades.DetailedStatus {
	d := facades.DetailedStatus{Status: s.Status, Info: s.Message, Data: s.Data, Life: life, Since: timePtr(s.Since)}
	return d
}

func wireBase(b base) facades.Base { return facades.Base{Name: b.Name, Channel: b.Channel} }

// consString renders constraints the way status shows them.
func consString(v facades.Value) string {
	var parts []string
	add := func(k, val string) { parts = append(parts, k+"="+val) }
	if v.Arch != "" {
		add("arch", v.Arch)
	}
	if v.Container != "" {
		add("container", v.Container)
	}
	if v.Cores != 0 {
		add("cores", strconv.Itoa(v.Cores))
	}
	if v.CPUPower != 0 {
		add("cpu-power", strconv.Itoa(v.CPUPower))
	}
	if v.Mem != 0 {
		add("mem", strconv.Itoa(v.Mem)+"M")
	}
	if v.RootDisk != 0 {
		add("root-disk", strconv.Itoa(v.RootDisk)+"M")
	}
	if v.RootDiskSource != "" {
		add("root-disk-source", v.RootDiskSource)
	}
	if v.InstanceType != "" {
		add("instance-type", v.InstanceType)
	}
	if v.InstanceRole != "" {
		add("instance-role", v.InstanceRole)
	}
	if len(v.Spaces) > 0 {
		add("spaces", strings.Join(v.Spaces, ","))
	}
	if len(v.Tags) > 0 {
		add("tags", strings.Join(v.Tags, ","))
	}
	if len(v.Zones) > 0 {
		add("zones", strings.Join(v.Zones, ","))
	}
	if v.VirtType != "" {
		add("virt-type", v.VirtType)
	}
	if v.AllocatePublicIP != nil {
		add("allocate-public-ip", strconv.FormatBool(*v.AllocatePublicIP))
	}
	if v.ImageID != "" {
		add("image-id", v.ImageID)
	}
	return strings.Join(parts, " ")
}

// mergeCons fills unset fields of v from def.
func mergeCons(v, def facades.Value) facades.Value {
	if v.Arch == "" {
		v.Arch = def.Arch
	}
	if v.Cores == 0 {
		v.Cores = def.Cores
	}
	if v.Mem == 0 {
		v.Mem = def.Mem
	}
	if v.RootDisk == 0 {
		v.RootDisk = def.RootDisk
	}
	if v.InstanceType == "" {
		v.InstanceType = def.InstanceType
	}
	if len(v.Spaces) == 0 {
		v.Spaces = def.Spaces
	}
	if len(v.Zones) == 0 {
		v.Zones = def.Zones
	}
	if len(v.Tags) == 0 {
		v.Tags = def.Tags
	}
	if v.VirtType == "" {
		v.VirtType = def.VirtType
	}
	if v.AllocatePublicIP == nil {
		v.AllocatePublicIP = def.AllocatePublicIP
	}
	return v
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	p := new(time.Time) // not &t, which would allocate even for the zero time
	*p = t
	return p
}

// appendErr appends err to a generated []*Error list.
func appendErr[T any](dst *[]*T, err error) {
	var e *T
	setErr(&e, err)
	*dst = append(*dst, e)
}

// reshape converts a value of one generated wire type into another
// through its JSON form. The simulator implements a method whose shape
// differs between releases once, on the newest shape, and serves the older
// shape by reshaping its params and result.
func reshape[T any](v any) T {
	var out T
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		// Both are generated wire types of the same method: their JSON
		// always converts.
		panic(fmt.Sprintf("cannot reshape %T into %T: %v", v, out, err))
	}
	return out
}

// The methods below serve the Juju 3.6 shapes of methods implemented on
// their Juju 4.0 shape.

func (f actionFacade) RunJuju36(cx *callCtx, a facades.RunParamsJuju36) (facades.EnqueuedActions, error) {
	return f.Run(cx, reshape[facades.RunParams](a))
}

func (f actionFacade) RunOnAllMachinesJuju36(cx *callCtx, a facades.RunParamsJuju36) (facades.EnqueuedActions, error) {
	return f.RunOnAllMachines(cx, reshape[facades.RunParams](a))
}

func (f applicationFacade) DeployFromRepositoryJuju36(cx *callCtx, a facades.DeployFromRepositoryArgsJuju36) (facades.DeployFromRepositoryResultsJuju36, error) {
	res, err := f.DeployFromRepository(cx, reshape[facades.DeployFromRepositoryArgs](a))
	return reshape[facades.DeployFromRepositoryResultsJuju36](res), err
}

func (f applicationFacade) SetCharmJuju36(cx *callCtx, a facades.ApplicationSetCharm) error {
	v2 := reshape[facades.ApplicationSetCharmV2](a)
	// 3.6 calls the directives storage constraints.
	for name, c := range a.StorageConstraints {
		if v2.StorageDirectives == nil {
			v2.StorageDirectives = map[string]facades.StorageDirectives{}
		}
		v2.StorageDirectives[name] = facades.StorageDirectives(c)
	}
	return f.SetCharm(cx, v2)
}

func (f charmsFacade) CharmInfoJuju36(cx *callCtx, a facades.CharmURL) (facades.CharmJuju36, error) {
	res, err := f.CharmInfo(cx, a)
	return reshape[facades.CharmJuju36](res), err
}
