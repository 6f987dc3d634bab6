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
	var out []Change
	seq := 0
	add := func(method string, args map[string]any, desc string, requires ...string) string {
		id := method + "-" + strconv.Itoa(seq)
		seq++
		sort.Strings(requires)
		if requires == nil {
			requires = []string{}
		}
		out = append(out, Change{ID: id, Method: method, Args: args, Requires: requires, Description: desc})
		return id
	}
	deployID := map[string]string{}
	for _, n := range b.AppNames() {
		a := b.Applications[n]
		if _, ok := st.Applications[n]; ok {
			continue
		}
		def := ""
		if localBase != nil {
			def = localBase(n)
		}
		base := b.BaseOf(a, def)
		on := ""
		if base != "" {
			on = " for base " + base
		}
		charmArgs := map[string]any{"charm": a.Charm}
		if base != "" {
			charmArgs["base"] = base
		}
		desc := "upload charm " + a.Charm + on
		if !IsLocal(a.Charm) {
			if a.Channel != "" {
				charmArgs["channel"] = a.Channel
			}
			desc = "upload charm " + strings.TrimPrefix(a.Charm, "ch:") + " from charm-hub" + on
			if a.Channel != "" {
				desc += " with channel " + a.Channel
			}
			if a.Revision != nil {
				charmArgs["revision"] = *a.Revision
			}
		}
		cid := add("addCharm", charmArgs, desc)
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
		deployID[n] = add("deploy", dargs, ddesc, cid)
		// The controller lists an application's annotations and exposure
		// right after it.
		if len(a.Annotations) > 0 {
			add("setAnnotations", map[string]any{"annotations": a.Annotations, "entity-type": "application", "id": "$" + deployID[n]}, "set annotations for "+n, deployID[n])
		}
		if a.Expose || len(a.ExposedEndpoints) > 0 {
			eargs := map[string]any{"application": "$" + deployID[n]}
			desc := "expose all endpoints of " + n + " and allow access from CIDRs 0.0.0.0/0 and ::/0"
			if len(a.ExposedEndpoints) > 0 {
				eargs["exposed-endpoints"] = a.ExposedEndpoints
				desc = "expose endpoints of " + n
			}
			add("expose", eargs, desc, deployID[n])
		}
	}
	saasNames := make([]string, 0, len(b.SAAS))
	for sn := range b.SAAS {
		saasNames = append(saasNames, sn)
	}
	sort.Strings(saasNames)
	saasID := map[string]string{}
	for _, sn := range saasNames {
		if _, ok := st.Applications[sn]; ok {
			continue
		}
		saasID[sn] = add("consumeOffer", map[string]any{"application-name": sn, "url": b.SAAS[sn].URL}, "consume offer "+b.SAAS[sn].URL+" at "+sn)
	}
	appRef := func(n string) string {
		if id, ok := deployID[n]; ok {
			return "$" + id
		}
		if id, ok := saasID[n]; ok {
			return "$" + id
		}
		return n
	}
	machineID := map[string]string{}
	machineNum := map[string]int{}
	next := st.NextMachine
	mids := make([]string, 0, len(b.Machines))
	for id := range b.Machines {
		mids = append(mids, id)
	}
	sort.Slice(mids, func(i, j int) bool { x, _ := strconv.Atoi(mids[i]); y, _ := strconv.Atoi(mids[j]); return x < y })
	for _, id := range mids {
		m := b.Machines[id]
		args := map[string]any{}
		if base := b.BaseOf(&Application{Base: m.Base}, ""); base != "" {
			args["base"] = base
		}
		if m.Constraints != "" {
			args["constraints"] = m.Constraints
		}
		machineNum[id] = next
		machineID[id] = add("addMachines", args, "add new machine "+strconv.Itoa(next))
		next++
	}
	for _, r := range b.Relations {
		if st.Relations[RelationKey(r.A, r.B)] {
			continue
		}
		a1, e1 := SplitEndpoint(r.A)
		a2, e2 := SplitEndpoint(r.B)
		var req []string
		for _, n := range []string{a1, a2} {
			if id, ok := deployID[n]; ok {
				req = append(req, id)
			}
			if id, ok := saasID[n]; ok {
				req = append(req, id)
			}
		}
		ep := func(app, e string) string {
			if e == "" {
				return appRef(app)
			}
			return appRef(app) + ":" + e
		}
		add("addRelation", map[string]any{"endpoint1": ep(a1, e1), "endpoint2": ep(a2, e2)}, "add relation "+r.A+" - "+r.B, req...)
	}
	unitIDs := map[string][]string{}
	unitMachine := map[string][]string{} // app -> description of each unit's machine
	for _, n := range b.AppNames() {
		a := b.Applications[n]
		have := st.Applications[n].Units
		want := a.NumUnits
		if want < 0 {
			// No num_units: no units, as the controller computes it
			// (and an application already deployed keeps its own).
			want = have
		}
		def := ""
		if localBase != nil {
			def = localBase(n)
		}
		appBase := b.BaseOf(a, def)
		for i := have; i < want; i++ {
			args := map[string]any{"application": appRef(n)}
			var req []string
			if id, ok := deployID[n]; ok {
				req = append(req, id)
			}
			if ids := unitIDs[n]; len(ids) > 0 {
				req = append(req, ids[len(ids)-1])
			}
			directive := "new"
			if i < len(a.To) {
				directive = a.To[i]
			}
			p, _ := ParsePlacement(directive)
			// The unit's ID is taken before its container's, which the
			// controller lists first.
			uidNum := seq
			seq++
			var where, parent, parentDesc string
			switch {
			case p.App != "":
				target := p.Unit
				if target < 0 {
					target = i
				}
				if ids := unitIDs[p.App]; target < len(ids) {
					parent = ids[target]
					parentDesc = unitMachine[p.App][target]
				}
			case p.Machine != "" && p.Machine != "new":
				parent = machineID[p.Machine]
				parentDesc = "new machine " + strconv.Itoa(machineNum[p.Machine])
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
					on = "new machine " + strconv.Itoa(next)
					next++
				}
				where = "new " + p.Container + " container on " + on
				mid := add("addMachines", margs, "add "+p.Container+" container on "+on, mreq...)
				args["to"] = "$" + mid
				req = append(req, mid)
			case parent != "":
				args["to"] = "$" + parent
				req = append(req, parent)
				where = parentDesc
			default:
				where = "new machine " + strconv.Itoa(next)
				next++
			}
			sort.Strings(req)
			uid := "addUnit-" + strconv.Itoa(uidNum)
			unit := fmt.Sprintf("%s/%d", n, i)
			out = append(out, Change{ID: uid, Method: "addUnit", Args: args, Requires: req, Description: "add unit " + unit + " to " + where, Unit: unit})
			unitIDs[n] = append(unitIDs[n], uid)
			unitMachine[n] = append(unitMachine[n], where)
		}
	}
	for _, n := range b.AppNames() {
		a := b.Applications[n]
		if _, deployed := deployID[n]; a.Expose && !deployed && !st.Applications[n].Exposed {
			var req []string
			if id, ok := deployID[n]; ok {
				req = append(req, id)
			}
			add("expose", map[string]any{"application": appRef(n)}, "expose all endpoints of "+n+" and allow access from CIDRs 0.0.0.0/0 and ::/0", req...)
		}
		onames := make([]string, 0, len(a.Offers))
		for on := range a.Offers {
			onames = append(onames, on)
		}
		sort.Strings(onames)
		for _, on := range onames {
			o := a.Offers[on]
			var req []string
			if id, ok := deployID[n]; ok {
				req = append(req, id)
			}
			oid := add("createOffer", map[string]any{"application": n, "endpoints": o.Endpoints, "offer-name": on}, "create offer "+on+" using "+n+":"+strings.Join(o.Endpoints, ","), req...)
			users := make([]string, 0, len(o.ACL))
			for u := range o.ACL {
				users = append(users, u)
			}
			sort.Strings(users)
			for _, u := range users {
				add("grantOfferAccess", map[string]any{"access": o.ACL[u], "offer": on, "user": u}, "grant "+u+" "+o.ACL[u]+" access to offer "+on, oid)
			}
		}
	}
	return out
}
