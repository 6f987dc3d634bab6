package core

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/gojuju/juju/internal/facades"
)

// The 3.6 AllWatcher: Client.WatchAll returns a watcher id; AllWatcher.Next
// returns the whole model as "change" deltas the first time, then only
// what changed (full documents) and "remove" deltas. A "remove" delta
// carries the entity's last document, as Juju's multiwatcher store keeps
// a removed entity's last info and sends it: clients find the entity by
// its id in it (python-libjuju reads a relation's, machine's or
// action's "id", an application's or unit's "name").

type awDoc struct {
	key  string // kind + "/" + id, for ordering and identity
	kind string
	doc  []byte
}

type awStatus struct {
	Current string         `json:"current"`
	Message string         `json:"message"`
	Since   *string        `json:"since"`
	Version string         `json:"version"`
	Data    map[string]any `json:"data"`
}

func toAWStatus(s status) awStatus {
	var since *string
	if !s.Since.IsZero() {
		t := s.Since.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")
		since = &t
	}
	d := s.Data
	if d == nil {
		d = map[string]any{}
	}
	return awStatus{Current: s.Status, Message: s.Message, Since: since, Data: d}
}

var kindOrder = map[string]int{"model": 0, "charm": 1, "machine": 2, "application": 3, "unit": 4, "relation": 5, "action": 6,
	"remoteApplication": 7, "applicationOffer": 8}

func (c *Controller) allWatcherDocs(m *model) []awDoc {
	var docs []awDoc
	add := func(kind, id string, doc any) {
		b, _ := json.Marshal(doc)
		docs = append(docs, awDoc{key: kind + "/" + id, kind: kind, doc: b})
	}
	cfg := map[string]any{}
	for k, v := range c.modelConfig(m) {
		cfg[k] = v.Value
	}
	add("model", m.uuid, map[string]any{
		"model-uuid": m.uuid, "name": m.name, "life": m.life, "owner": m.qualifier, "controller-uuid": c.uuid,
		"is-controller": m.isController, "config": cfg, "status": toAWStatus(m.status), "constraints": m.constraints,
		"sla": map[string]any{"level": "unsupported", "owner": m.qualifier}, "type": m.typ, "cloud": m.cloud,
		"cloud-region": m.region, "version": c.version,
	})
	for url := range m.charms {
		add("charm", url, map[string]any{"model-uuid": m.uuid, "charm-url": url, "charm-version": "", "life": lifeAlive, "profile": nil, "config": map[string]any{}})
	}
	for _, mc := range m.machines {
		addrs := []map[string]any{}
		if mc.address != "" {
			addrs = append(addrs, map[string]any{"value": mc.address, "type": "ipv4", "scope": "local-cloud"})
		}
		ctype := ""
		if mc.parent != nil {
			ctype = "lxd"
		}
		var hw any
		if mc.hardware != "" {
			hw = map[string]any{"arch": "amd64", "cores": 2, "mem": 4096, "root-disk": 20480}
		}
		add("machine", mc.id, map[string]any{
			"model-uuid": m.uuid, "id": mc.id, "instance-id": instanceIDOrEmpty(mc), "agent-status": toAWStatus(mc.agent),
			"instance-status": toAWStatus(mc.instance), "life": mc.life, "config": nil, "base": mc.base.String(),
			"container-type": ctype, "supported-containers": []string{"lxd"}, "supported-containers-known": mc.agent.Status == "started",
			"hardware-characteristics": hw, "charm-profiles": nil, "jobs": mc.jobs, "addresses": addrs,
			"has-vote": false, "wants-vote": false, "hostname": mc.hostname,
		})
	}
	for _, n := range m.sortedApps() {
		a := m.apps[n]
		cfg := map[string]any{}
		for k, v := range a.config {
			cfg[k] = v
		}
		add("application", a.name, map[string]any{
			"model-uuid": m.uuid, "name": a.name, "exposed": a.exposed, "charm-url": a.charmURL, "owner-tag": "", "life": a.life,
			"min-units": a.minUnits, "constraints": a.cons, "config": cfg, "subordinate": a.charm.subordinate,
			"status": toAWStatus(c.appDisplayStatus(a)), "workload-version": appWorkloadVersion(a),
		})
		for _, u := range a.sortedUnits() {
			_, wl := unitDisplay(u)
			machineID, principal := "", ""
			if u.machine != nil {
				machineID = u.machine.id
			}
			if u.principal != nil {
				principal = u.principal.name
			}
			add("unit", u.name, map[string]any{
				"model-uuid": m.uuid, "name": u.name, "application": a.name, "base": a.base.String(), "charm-url": a.charmURL,
				"life": u.life, "public-address": u.address, "private-address": u.address, "machine-id": machineID,
				"ports": []any{}, "port-ranges": []any{}, "principal": principal, "subordinate": u.principal != nil,
				"workload-status": toAWStatus(wl), "agent-status": toAWStatus(u.agent),
			})
		}
	}
	for _, r := range m.sortedRelations() {
		var eps []map[string]any
		for _, e := range r.endpoints {
			eps = append(eps, map[string]any{"application-name": e.app, "relation": map[string]any{
				"name": e.rel.Name, "role": e.rel.Role, "interface": e.rel.Interface, "optional": e.rel.Optional, "limit": e.rel.Limit, "scope": e.rel.Scope}})
		}
		add("relation", r.key, map[string]any{"model-uuid": m.uuid, "key": r.key, "id": r.id, "endpoints": eps})
	}
	for _, ra := range m.sortedRemoteApps() {
		if ra.consumerProxy {
			continue
		}
		add("remoteApplication", ra.name, map[string]any{
			"model-uuid": m.uuid, "name": ra.name, "offer-uuid": ra.offerUUID, "offer-url": ra.offerURL, "life": ra.life,
			"status": toAWStatus(c.saasStatus(ra)),
		})
	}
	for name, st := range c.offerStatuses(m) {
		o := m.offers[name]
		charmName := ""
		if a := m.apps[o.app]; a != nil && a.charm != nil {
			charmName = a.charm.name
		}
		add("applicationOffer", o.uuid, map[string]any{
			"model-uuid": m.uuid, "offer-name": o.name, "offer-uuid": o.uuid, "application-name": o.app, "charm-name": charmName,
			"total-connected-count": st.TotalConnectedCount, "active-connected-count": st.ActiveConnectedCount,
		})
	}
	for id, a := range m.actions {
		add("action", strconv.Itoa(id), map[string]any{
			"model-uuid": m.uuid, "id": strconv.Itoa(id), "receiver": a.receiver, "name": a.name, "parameters": a.params,
			"status": a.status, "message": a.message, "results": a.output, "enqueued": a.enqueued, "started": a.started, "completed": a.completed,
		})
	}
	sort.Slice(docs, func(i, j int) bool {
		if kindOrder[docs[i].kind] != kindOrder[docs[j].kind] {
			return kindOrder[docs[i].kind] < kindOrder[docs[j].kind]
		}
		return docs[i].key < docs[j].key
	})
	return docs
}

func instanceIDOrEmpty(mc *machine) string {
	if mc.instanceID == "pending" {
		return ""
	}
	return mc.instanceID
}

func appWorkloadVersion(a *application) string {
	for _, u := range a.sortedUnits() {
		if u.workloadVersion != "" {
			return u.workloadVersion
		}
	}
	return ""
}

func delta(kind, op string, doc []byte) json.RawMessage {
	k, _ := json.Marshal(kind)
	o, _ := json.Marshal(op)
	return json.RawMessage("[" + string(k) + "," + string(o) + "," + string(doc) + "]")
}

// WatchAll starts an AllWatcher on the model (Juju 3.6; Juju 4 has none).
func (clientFacade) WatchAll(cx *callCtx) (facades.AllWatcherId, error) {
	if cx.is4() {
		return facades.AllWatcherId{}, errNotImplemented("WatchAll not implemented")
	}
	if err := cx.need("read"); err != nil {
		return facades.AllWatcherId{}, err
	}
	c := cx.c
	m := cx.m
	type seenDoc struct {
		kind string
		doc  []byte
	}
	seen := map[string]seenDoc{}
	first := true
	var lastVersion uint64
	w := c.newWatcher(cx.s, "AllWatcher", m.uuid, func() (any, bool) {
		if !first && m.version == lastVersion {
			return nil, false
		}
		lastVersion = m.version
		docs := c.allWatcherDocs(m)
		var deltas []facades.Delta
		cur := make(map[string]bool, len(docs))
		for _, d := range docs {
			cur[d.key] = true
			if s, ok := seen[d.key]; ok && bytes.Equal(s.doc, d.doc) {
				continue
			}
			seen[d.key] = seenDoc{kind: d.kind, doc: d.doc}
			deltas = append(deltas, delta(d.kind, "change", d.doc))
		}
		var gone []string
		for k := range seen {
			if !cur[k] {
				gone = append(gone, k)
			}
		}
		sort.Strings(gone)
		for _, k := range gone {
			deltas = append(deltas, delta(seen[k].kind, "remove", seen[k].doc))
			delete(seen, k)
		}
		if len(deltas) == 0 && !first {
			return nil, false
		}
		first = false
		return facades.AllWatcherNextResults{Deltas: deltas}, true
	})
	return facades.AllWatcherId{WatcherID: w.id}, nil
}
