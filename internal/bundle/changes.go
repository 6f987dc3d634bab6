package bundle

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Change is one step of a bundle deployment, in the shape of Juju's
// GetChangesMapArgs: Args refer to earlier changes as "$<id>".
type Change struct {
	ID          string
	Method      string
	Args        map[string]any
	Requires    []string
	Description string
	// Unit is the name an addUnit change's unit gets ("db/1") where the
	// model's unit numbering is known (units are numbered on from the
	// application's count).
	Unit string
}

// ModelApp is an application already in the model.
type ModelApp struct {
	Charm   string // charm URL or name
	Units   int
	Exposed bool
}

// ModelState is what the change list takes from the model: its
// applications and relations (as "app:ep app:ep" keys, sorted) and its
// next machine number.
type ModelState struct {
	Applications map[string]ModelApp
	Relations    map[string]bool
	NextMachine  int
}

// RelationKey is the key of a relation in ModelState.Relations.
func RelationKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + " " + b
}

// BaseOf returns the base an application is deployed on: its own, else
// the bundle's default, else def (a local charm's first base).
func (b *Bundle) BaseOf(a *Application, def string) string {
	base := a.Base
	if base == "" {
		base = b.DefaultBase
	}
	if base == "" {
		base = def
	}
	if base != "" && !strings.Contains(base, "/") {
		base += "/stable"
	}
	return base
}

// Changes computes the ordered change list: charms and applications in
// name order, then machines, relations, units and exposure, as the Juju
// CLI orders them. Applications and relations the model already has are
// left out, and only the missing units are added. localBase gives a
// local charm's preferred base (nil: none).
func Changes(b *Bundle, st *ModelState, localBase func(app string) string) []Change {
	if st == nil {
		st = &ModelState{}
	}
	c := &changes{
		b: b, st: st, localBase: localBase,
		deployID: map[string]string{}, saasID: map[string]string{},
		machineID: map[string]string{}, machineNum: map[string]int{},
		unitIDs: map[string][]string{}, unitMachine: map[string][]string{},
		next: st.NextMachine,
	}
	c.applications()
	c.consumeOffers()
	c.machines()
	c.relations()
	c.units()
	c.exposeAndOffers()
	return c.out
}

// changes is the state of one Changes computation: the list so far, the
// change IDs each bundle entity got, and the next machine number.
type changes struct {
	b         *Bundle
	st        *ModelState
	localBase func(app string) string
	out       []Change
	seq       int

	deployID    map[string]string   // app -> its deploy change
	saasID      map[string]string   // SAAS name -> its consumeOffer change
	machineID   map[string]string   // bundle machine -> its addMachines change
	machineNum  map[string]int      // bundle machine -> model machine number
	unitIDs     map[string][]string // app -> its addUnit changes, in order
	unitMachine map[string][]string // app -> description of each unit's machine
	next        int                 // next model machine number
}

// add appends a change with the next ID and returns that ID.
func (c *changes) add(method string, args map[string]any, desc string, requires ...string) string {
	id := method + "-" + strconv.Itoa(c.seq)
	c.seq++
	sort.Strings(requires)
	if requires == nil {
		requires = []string{}
	}
	c.out = append(c.out, Change{ID: id, Method: method, Args: args, Requires: requires, Description: desc})
	return id
}

// baseOf is the base application n is deployed on.
func (c *changes) baseOf(n string) string {
	def := ""
	if c.localBase != nil {
		def = c.localBase(n)
	}
	return c.b.BaseOf(c.b.Applications[n], def)
}

// appRef is how a change refers to application n: the change that
// deploys or consumes it, else its name (already in the model).
func (c *changes) appRef(n string) string {
	if id, ok := c.deployID[n]; ok {
		return "$" + id
	}
	if id, ok := c.saasID[n]; ok {
		return "$" + id
	}
	return n
}

// applications adds each new application's addCharm and deploy, each
// followed by its annotations and exposure, as the controller lists them.
func (c *changes) applications() {
	for _, n := range c.b.AppNames() {
		if _, ok := c.st.Applications[n]; ok {
			continue
		}
		a := c.b.Applications[n]
		base := c.baseOf(n)
		cid := c.add("addCharm", charmArgs(a, base), charmDescription(a, base))
		dargs := map[string]any{"charm": "$" + cid, "application": n}
		if base != "" {
			dargs["base"] = base
		}
		if len(a.Options) > 0 {
			dargs["options"] = a.Options
		}
		if a.Constraints != "" {
			dargs["constraints"] = a.Constraints
		}
		if len(a.Storage) > 0 {
			dargs["storage"] = a.Storage
		}
		if len(a.Resources) > 0 {
			dargs["resources"] = a.Resources
		}
		if len(a.Bindings) > 0 {
			dargs["endpoint-bindings"] = a.Bindings
		}
		if a.Channel != "" {
			dargs["channel"] = a.Channel
		}
		if a.Trust {
			dargs["trust"] = true
		}
		ddesc := "deploy application " + n
		if base != "" {
			ddesc += " on " + base
		}
		if a.Channel != "" {
			ddesc += " with " + a.Channel
		}
		did := c.add("deploy", dargs, ddesc, cid)
		c.deployID[n] = did
		if len(a.Annotations) > 0 {
			c.add("setAnnotations", map[string]any{"annotations": a.Annotations, "entity-type": "application", "id": "$" + did}, "set annotations for "+n, did)
		}
		if a.Expose || len(a.ExposedEndpoints) > 0 {
			eargs := map[string]any{"application": "$" + did}
			desc := exposeAllDescription(n)
			if len(a.ExposedEndpoints) > 0 {
				eargs["exposed-endpoints"] = a.ExposedEndpoints
				desc = "expose endpoints of " + n
			}
			c.add("expose", eargs, desc, did)
		}
	}
}

// charmArgs are the arguments of an application's addCharm change.
func charmArgs(a *Application, base string) map[string]any {
	args := map[string]any{"charm": a.Charm}
	if base != "" {
		args["base"] = base
	}
	if !IsLocal(a.Charm) {
		if a.Channel != "" {
			args["channel"] = a.Channel
		}
		if a.Revision != nil {
			args["revision"] = *a.Revision
		}
	}
	return args
}

// charmDescription describes an application's addCharm change.
func charmDescription(a *Application, base string) string {
	on := ""
	if base != "" {
		on = " for base " + base
	}
	if IsLocal(a.Charm) {
		return "upload charm " + a.Charm + on
	}
	desc := "upload charm " + strings.TrimPrefix(a.Charm, "ch:") + " from charm-hub" + on
	if a.Channel != "" {
		desc += " with channel " + a.Channel
	}
	return desc
}

func exposeAllDescription(app string) string {
	return "expose all endpoints of " + app + " and allow access from CIDRs 0.0.0.0/0 and ::/0"
}

// consumeOffers adds a consumeOffer for each SAAS entry the model lacks.
func (c *changes) consumeOffers() {
	names := make([]string, 0, len(c.b.SAAS))
	for sn := range c.b.SAAS {
		names = append(names, sn)
	}
	sort.Strings(names)
	for _, sn := range names {
		if _, ok := c.st.Applications[sn]; ok {
			continue
		}
		url := c.b.SAAS[sn].URL
		c.saasID[sn] = c.add("consumeOffer", map[string]any{"application-name": sn, "url": url}, "consume offer "+url+" at "+sn)
	}
}

// machines adds the bundle's machines in numeric order.
func (c *changes) machines() {
	ids := make([]string, 0, len(c.b.Machines))
	for id := range c.b.Machines {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { x, _ := strconv.Atoi(ids[i]); y, _ := strconv.Atoi(ids[j]); return x < y })
	for _, id := range ids {
		m := c.b.Machines[id]
		args := map[string]any{}
		if base := c.b.BaseOf(&Application{Base: m.Base}, ""); base != "" {
			args["base"] = base
		}
		if m.Constraints != "" {
			args["constraints"] = m.Constraints
		}
		c.machineNum[id] = c.next
		c.machineID[id] = c.add("addMachines", args, "add new machine "+strconv.Itoa(c.next))
		c.next++
	}
}

// relations adds the relations the model lacks.
func (c *changes) relations() {
	for _, r := range c.b.Relations {
		if c.st.Relations[RelationKey(r.A, r.B)] {
			continue
		}
		a1, e1 := SplitEndpoint(r.A)
		a2, e2 := SplitEndpoint(r.B)
		var req []string
		for _, n := range []string{a1, a2} {
			if id, ok := c.deployID[n]; ok {
				req = append(req, id)
			}
			if id, ok := c.saasID[n]; ok {
				req = append(req, id)
			}
		}
		ep := func(app, e string) string {
			if e == "" {
				return c.appRef(app)
			}
			return c.appRef(app) + ":" + e
		}
		c.add("addRelation", map[string]any{"endpoint1": ep(a1, e1), "endpoint2": ep(a2, e2)}, "add relation "+r.A+" - "+r.B, req...)
	}
}

// units adds each application's missing units, in name order, with the
// containers their placement asks for.
func (c *changes) units() {
	for _, n := range c.b.AppNames() {
		a := c.b.Applications[n]
		have := c.st.Applications[n].Units
		want := a.NumUnits
		if want < 0 {
			// No num_units: no units, as the controller computes it
			// (and an application already deployed keeps its own).
			want = have
		}
		appBase := c.baseOf(n)
		for i := have; i < want; i++ {
			directive := "new"
			if i < len(a.To) {
				directive = a.To[i]
			}
			c.unit(n, i, directive, appBase)
		}
	}
}

// unit adds unit i of application n placed by directive (and the
// container it asks for).
func (c *changes) unit(n string, i int, directive, appBase string) {
	args := map[string]any{"application": c.appRef(n)}
	var req []string
	if id, ok := c.deployID[n]; ok {
		req = append(req, id)
	}
	if ids := c.unitIDs[n]; len(ids) > 0 {
		req = append(req, ids[len(ids)-1])
	}
	p, _ := ParsePlacement(directive)
	// The unit's ID is taken before its container's, which the
	// controller lists first.
	uidNum := c.seq
	c.seq++
	var where, parent, parentDesc string
	switch {
	case p.App != "":
		target := p.Unit
		if target < 0 {
			target = i
		}
		if ids := c.unitIDs[p.App]; target < len(ids) {
			parent = ids[target]
			parentDesc = c.unitMachine[p.App][target]
		}
	case p.Machine != "" && p.Machine != "new":
		parent = c.machineID[p.Machine]
		parentDesc = "new machine " + strconv.Itoa(c.machineNum[p.Machine])
	}
	switch {
	case p.Container != "":
		margs := map[string]any{"container-type": p.Container}
		if appBase != "" {
			margs["base"] = appBase
		}
		var mreq []string
		on := parentDesc
		if parent != "" {
			margs["parent-id"] = "$" + parent
			mreq = append(mreq, parent)
		} else {
			on = "new machine " + strconv.Itoa(c.next)
			c.next++
		}
		where = "new " + p.Container + " container on " + on
		mid := c.add("addMachines", margs, "add "+p.Container+" container on "+on, mreq...)
		args["to"] = "$" + mid
		req = append(req, mid)
	case parent != "":
		args["to"] = "$" + parent
		req = append(req, parent)
		where = parentDesc
	default:
		where = "new machine " + strconv.Itoa(c.next)
		c.next++
	}
	sort.Strings(req)
	uid := "addUnit-" + strconv.Itoa(uidNum)
	unit := fmt.Sprintf("%s/%d", n, i)
	c.out = append(c.out, Change{ID: uid, Method: "addUnit", Args: args, Requires: req, Description: "add unit " + unit + " to " + where, Unit: unit})
	c.unitIDs[n] = append(c.unitIDs[n], uid)
	c.unitMachine[n] = append(c.unitMachine[n], where)
}

// exposeAndOffers exposes applications already in the model that the
// bundle exposes, and adds each application's offers and their grants.
func (c *changes) exposeAndOffers() {
	for _, n := range c.b.AppNames() {
		a := c.b.Applications[n]
		did, deployed := c.deployID[n]
		if a.Expose && !deployed && !c.st.Applications[n].Exposed {
			c.add("expose", map[string]any{"application": c.appRef(n)}, exposeAllDescription(n))
		}
		onames := make([]string, 0, len(a.Offers))
		for on := range a.Offers {
			onames = append(onames, on)
		}
		sort.Strings(onames)
		for _, on := range onames {
			o := a.Offers[on]
			var req []string
			if deployed {
				req = append(req, did)
			}
			oid := c.add("createOffer", map[string]any{"application": n, "endpoints": o.Endpoints, "offer-name": on}, "create offer "+on+" using "+n+":"+strings.Join(o.Endpoints, ","), req...)
			users := make([]string, 0, len(o.ACL))
			for u := range o.ACL {
				users = append(users, u)
			}
			sort.Strings(users)
			for _, u := range users {
				c.add("grantOfferAccess", map[string]any{"access": o.ACL[u], "offer": on, "user": u}, "grant "+u+" "+o.ACL[u]+" access to offer "+on, oid)
			}
		}
	}
}
