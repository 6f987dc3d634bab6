package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// ---- cross-model relations: offers (ApplicationOffers facade) ----

// offer is an application's endpoints offered to other models.
type offer struct {
	uuid        string
	name        string
	m           *model
	app         string
	description string
	endpoints   map[string]string // alias -> the application's endpoint name
	access      map[string]string // user -> read|consume|admin
	owner       string
	created     time.Time
}

// offerRank orders offer access levels.
var offerRank = map[string]int{"read": 1, "consume": 2, "admin": 3}

func (o *offer) url() string { return o.m.qualifier + "/" + o.m.name + "." + o.name }

// offerURLRef is a parsed offer URL, "[controller:][qualifier/]model.offer".
type offerURLRef struct {
	controller, qualifier, model, offer string
}

func parseOfferURL(s, defaultQualifier string) (offerURLRef, error) {
	var r offerURLRef
	rest := s
	if c, after, ok := strings.Cut(s, ":"); ok {
		r.controller, rest = c, after
	}
	if q, after, ok := strings.Cut(rest, "/"); ok {
		r.qualifier, rest = q, after
	} else {
		r.qualifier = defaultQualifier
	}
	mod, off, ok := strings.Cut(rest, ".")
	if !ok || !validModelName(mod) || !validAppName(off) || (r.qualifier != "" && !validUserName(strings.TrimSuffix(r.qualifier, "@local"))) {
		return r, errNotValid("application offer URL %q not valid", s)
	}
	r.model, r.offer = mod, off
	return r, nil
}

// offerLookup is the call looking an offer up: Juju 4.0 says that an
// offer is missing in the words of each call.
type offerLookup int

const (
	lookupDestroy offerLookup = iota // DestroyOffers and the rest: `"name": offer not found`, no code
	lookupShow                       // ApplicationOffers: `application offer "url"`
	lookupConsume                    // GetConsumeDetails: `application offer "url" not found`
	lookupAccess                     // ModifyOfferAccess: `offer "url" not found`
)

// offerFor finds the offer an URL names (in any model of the controller),
// for the call how says it.
func (c *Controller) offerFor(cx *callCtx, url string, how offerLookup) (*offer, error) {
	ref, err := parseOfferURL(url, cx.u.name)
	if err != nil {
		return nil, err
	}
	qualifier := strings.TrimSuffix(ref.qualifier, "@local")
	for _, m := range c.models {
		if m.name != ref.model || m.qualifier != qualifier {
			continue
		}
		if o := m.offers[ref.offer]; o != nil {
			return o, nil
		}
		return nil, c.offerNotFound(cx, url, how)
	}
	if cx.is4() {
		return nil, errNotFound("model %q: not found", qualifier+"/"+ref.model)
	}
	return nil, c.offerNotFound(cx, url, how)
}

// offerNotFound is the error for an offer that does not exist, or that
// the user may not read (as if it did not exist).
func (c *Controller) offerNotFound(cx *callCtx, url string, how offerLookup) error {
	ref, _ := parseOfferURL(url, cx.u.name)
	if !cx.is4() {
		return errNotFound("application offer %q not found", url)
	}
	full := strings.TrimSuffix(ref.qualifier, "@local") + "/" + ref.model + "." + ref.offer
	switch how {
	case lookupShow:
		return errNotFound("application offer %q", full)
	case lookupConsume:
		return errNotFound("application offer %q not found", full)
	case lookupAccess:
		return errNotFound("offer %q not found", full)
	}
	// As the real 4.0.15 server: without an error code.
	return newErr("", "%q: offer not found", ref.offer)
}

// offerAccess is u's access to o: its own grant, or admin for the model's
// admins and the controller's superusers.
func (c *Controller) offerAccess(u *user, o *offer) string {
	if u.controllerAccess == "superuser" || o.m.access[u.name] == "admin" {
		return "admin"
	}
	return o.access[u.name]
}

func (c *Controller) needOfferAccess(u *user, o *offer, access string) error {
	if offerRank[c.offerAccess(u, o)] < offerRank[access] {
		return errPermissionDenied
	}
	return nil
}

// charmURLWithArch renders a charm's URL with its architecture, as offers
// show it ("local:amd64/app-0").
func charmURLWithArch(ch *charm) string {
	if ch == nil {
		return ""
	}
	arch := ch.arch
	if arch == "" {
		arch = "amd64"
	}
	return ch.schema + ":" + arch + "/" + ch.name + "-" + strconv.Itoa(ch.revision)
}

// offerEndpoints returns the offered endpoints, sorted by alias.
func (o *offer) remoteEndpoints() []facades.RemoteEndpoint {
	a := o.m.apps[o.app]
	aliases := make([]string, 0, len(o.endpoints))
	for k := range o.endpoints {
		aliases = append(aliases, k)
	}
	sort.Strings(aliases)
	out := make([]facades.RemoteEndpoint, 0, len(aliases))
	for _, alias := range aliases {
		re := facades.RemoteEndpoint{Name: alias}
		if a != nil && a.charm != nil {
			r := a.charm.relations[o.endpoints[alias]]
			re.Interface, re.Role, re.Limit = r.Interface, r.Role, r.Limit
		}
		out = append(out, re)
	}
	return out
}

// connections lists the alive relations consuming models have with o.
func (c *Controller) offerConnections(o *offer) []facades.OfferConnection {
	var out []facades.OfferConnection
	for _, m := range c.sortedModels() {
		for _, ra := range m.sortedRemoteApps() {
			if ra.offerUUID != o.uuid || ra.life != lifeAlive {
				continue
			}
			for _, r := range m.sortedRelations() {
				ep, ok := r.endpointFor(ra.name)
				if !ok || r.life != lifeAlive {
					continue
				}
				st := r.status
				out = append(out, facades.OfferConnection{
					SourceModelTag: "model-" + m.uuid, RelationID: r.id, Username: ra.consumer,
					Endpoint: ep.rel.Name, IngressSubnets: []string{},
					Status: facades.EntityStatus{Status: st.Status, Info: st.Message, Since: timePtr(st.Since)},
				})
			}
		}
	}
	return out
}

// offerDetails renders o for u: the users list holds everyone for an
// offer admin, only u otherwise; connections only for admins.
func (c *Controller) offerDetails(u *user, o *offer) facades.ApplicationOfferAdminDetailsV5 {
	d := facades.ApplicationOfferAdminDetailsV5{
		ApplicationOfferDetailsV5: facades.ApplicationOfferDetailsV5{
			ApplicationDescription: o.description, Endpoints: o.remoteEndpoints(), OfferName: o.name,
			OfferURL: o.url(), OfferUUID: o.uuid, SourceModelTag: "model-" + o.m.uuid,
		},
		ApplicationName: o.app,
	}
	if a := o.m.apps[o.app]; a != nil {
		d.CharmURL = charmURLWithArch(a.charm)
		if d.ApplicationDescription == "" && a.charm != nil {
			d.ApplicationDescription = a.charm.description
			if d.ApplicationDescription == "" {
				d.ApplicationDescription = a.charm.summary
			}
		}
	}
	admin := c.offerAccess(u, o) == "admin"
	names := make([]string, 0, len(o.access))
	for n := range o.access {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !admin && n != u.name {
			continue
		}
		dn := n
		if x := c.users[n]; x != nil && x.displayName != "" {
			dn = x.displayName
		}
		d.Users = append(d.Users, facades.OfferUserDetails{User: n, DisplayName: dn, Access: o.access[n]})
	}
	if !admin && o.access[u.name] == "" {
		d.Users = append(d.Users, facades.OfferUserDetails{User: u.name, DisplayName: u.name, Access: c.offerAccess(u, o)})
	}
	if admin {
		d.Connections = c.offerConnections(o)
	}
	return d
}

func (applicationOffersFacade) Offer(cx *callCtx, a facades.AddApplicationOffers) (facades.ErrorResults, error) {
	c := cx.c
	return eachErr(a.Offers, func(ao facades.AddApplicationOffer) error {
		m, err := c.modelFromTag(ao.ModelTag)
		if err != nil {
			return err
		}
		if cx.u.controllerAccess != "superuser" && m.access[cx.u.name] != "admin" {
			return errPermissionDenied
		}
		owner := cx.u.name
		if ao.OwnerTag != "" {
			ow, err := c.userFromTag(ao.OwnerTag)
			if err != nil {
				return err
			}
			owner = ow.name
		}
		app, ok := m.apps[ao.ApplicationName]
		if !ok {
			if cx.is4() {
				return errNotFound("application %q not found in model %q", ao.ApplicationName, m.uuid)
			}
			return errAppNotFound(ao.ApplicationName)
		}
		name := ao.OfferName
		if name == "" {
			name = app.name
		}
		if !validAppName(name) {
			return errNotValid("offer name %q not valid", name)
		}
		if len(ao.Endpoints) == 0 {
			return errBadRequest("no endpoints specified")
		}
		if err := checkOfferedEndpoints(cx, app, name, ao.Endpoints); err != nil {
			return err
		}
		if m.offers == nil {
			m.offers = map[string]*offer{}
		}
		eps := make(map[string]string, len(ao.Endpoints))
		for k, v := range ao.Endpoints {
			eps[k] = v
		}
		if o := m.offers[name]; o != nil {
			if o.app != app.name {
				return errAlreadyExists("offer %q already exists for application %q", name, o.app)
			}
			// Offering again updates the offer, as Juju does.
			o.endpoints, o.description = eps, ao.ApplicationDescription
			m.notify()
			return nil
		}
		m.offers[name] = &offer{
			uuid: newUUID(), name: name, m: m, app: app.name, description: ao.ApplicationDescription,
			endpoints: eps, access: map[string]string{owner: "admin"}, owner: owner, created: c.now(),
		}
		m.notify()
		return nil
	}), nil
}

// offerFilter is the part of the 4.0 and 3.6 filter shapes the simulator
// uses.
type offerFilter struct {
	qualifier, model, offer, app, description string
	endpoints                                 []facades.EndpointFilterAttributes
	allowedUsers, connectedUsers              []string
}

func offerFilters(a facades.OfferFilters) []offerFilter {
	var out []offerFilter
	for _, f := range a.Filters {
		out = append(out, offerFilter{qualifier: f.ModelQualifier, model: f.ModelName, offer: f.OfferName, app: f.ApplicationName,
			description: f.ApplicationDescription, endpoints: f.Endpoints, allowedUsers: f.AllowedUsers, connectedUsers: f.ConnectedUsers})
	}
	return out
}

func offerFiltersJuju36(a facades.OfferFiltersJuju36) []offerFilter {
	var out []offerFilter
	for _, f := range a.Filters {
		out = append(out, offerFilter{qualifier: f.OwnerName, model: f.ModelName, offer: f.OfferName, app: f.ApplicationName,
			description: f.ApplicationDescription, endpoints: f.Endpoints, allowedUsers: f.AllowedUsers, connectedUsers: f.ConnectedUsers})
	}
	return out
}

func (c *Controller) offerMatches(o *offer, f offerFilter) bool {
	switch {
	case f.qualifier != "" && strings.TrimSuffix(f.qualifier, "@local") != o.m.qualifier,
		f.model != "" && f.model != o.m.name,
		f.app != "" && f.app != o.app,
		f.description != "" && !strings.Contains(o.description, f.description):
		return false
	case f.offer != "":
		// Juju matches the offer name as a regular expression prefix;
		// a substring match is close enough for a simulator.
		if !strings.Contains(o.name, f.offer) {
			return false
		}
	}
	for _, want := range f.endpoints {
		found := false
		for _, e := range o.remoteEndpoints() {
			if (want.Name == "" || want.Name == e.Name) && (want.Interface == "" || want.Interface == e.Interface) &&
				(want.Role == "" || want.Role == e.Role) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	for _, u := range f.allowedUsers {
		if offerRank[o.access[u]] < offerRank["consume"] {
			return false
		}
	}
	for _, u := range f.connectedUsers {
		found := false
		for _, cn := range c.offerConnections(o) {
			found = found || cn.Username == u
		}
		if !found {
			return false
		}
	}
	return true
}

// listOffers returns the offers matching any filter that u may see with
// at least the given access.
func (c *Controller) listOffers(cx *callCtx, filters []offerFilter, access string) []facades.ApplicationOfferAdminDetailsV5 {
	out := []facades.ApplicationOfferAdminDetailsV5{}
	if len(filters) == 0 {
		filters = []offerFilter{{}}
	}
	for _, m := range c.sortedModels() {
		for _, o := range m.sortedOffers() {
			if c.needOfferAccess(cx.u, o, access) != nil {
				continue
			}
			for _, f := range filters {
				if c.offerMatches(o, f) {
					out = append(out, c.offerDetails(cx.u, o))
					break
				}
			}
		}
	}
	return out
}

func (c *Controller) listApplicationOffers(cx *callCtx, fs []offerFilter) (facades.QueryApplicationOffersResultsV5, error) {
	if len(fs) == 0 {
		return facades.QueryApplicationOffersResultsV5{}, errBadRequest("at least one offer filter is required")
	}
	res := c.listOffers(cx, fs, "admin")
	if len(res) == 0 {
		res = nil // as Juju sends it: "results": null
	}
	return facades.QueryApplicationOffersResultsV5{Results: res}, nil
}

func (c *Controller) findApplicationOffers(cx *callCtx, fs []offerFilter) (facades.QueryApplicationOffersResultsV5, error) {
	res := c.listOffers(cx, fs, "read")
	for i := range res {
		res[i].Connections = nil
	}
	return facades.QueryApplicationOffersResultsV5{Results: res}, nil
}

func (applicationOffersFacade) ListApplicationOffers(cx *callCtx, a facades.OfferFilters) (facades.QueryApplicationOffersResultsV5, error) {
	return cx.c.listApplicationOffers(cx, offerFilters(a))
}

func (applicationOffersFacade) ListApplicationOffersJuju36(cx *callCtx, a facades.OfferFiltersJuju36) (facades.QueryApplicationOffersResultsV5, error) {
	return cx.c.listApplicationOffers(cx, offerFiltersJuju36(a))
}

func (applicationOffersFacade) FindApplicationOffers(cx *callCtx, a facades.OfferFilters) (facades.QueryApplicationOffersResultsV5, error) {
	return cx.c.findApplicationOffers(cx, offerFilters(a))
}

func (applicationOffersFacade) FindApplicationOffersJuju36(cx *callCtx, a facades.OfferFiltersJuju36) (facades.QueryApplicationOffersResultsV5, error) {
	return cx.c.findApplicationOffers(cx, offerFiltersJuju36(a))
}

func (applicationOffersFacade) ApplicationOffers(cx *callCtx, a facades.OfferURLs) (facades.ApplicationOffersResults, error) {
	c := cx.c
	if cx.is4() {
		// Juju 4.0 fails the whole call for an offer in a missing model.
		for _, url := range a.OfferUrls {
			if _, err := c.offerFor(cx, url, lookupShow); err != nil && strings.HasPrefix(err.Error(), "model ") {
				return facades.ApplicationOffersResults{}, err
			}
		}
	}
	return facades.ApplicationOffersResults{Results: eachItem(a.OfferUrls, func(url string) (facades.ApplicationOfferResult, error) {
		o, err := c.offerFor(cx, url, lookupShow)
		if err != nil {
			return facades.ApplicationOfferResult{}, err
		}
		if err := c.needOfferAccess(cx.u, o, "read"); err != nil {
			return facades.ApplicationOfferResult{}, c.offerNotFound(cx, url, lookupShow)
		}
		d := c.offerDetails(cx.u, o)
		return facades.ApplicationOfferResult{Result: &d}, nil
	})}, nil
}

func (applicationOffersFacade) DestroyOffers(cx *callCtx, a facades.DestroyApplicationOffers) (facades.ErrorResults, error) {
	c := cx.c
	return eachErr(a.OfferUrls, func(url string) error {
		o, err := c.offerFor(cx, url, lookupDestroy)
		if err != nil {
			return err
		}
		if err := c.needOfferAccess(cx.u, o, "admin"); err != nil {
			return err
		}
		conns := c.offerConnections(o)
		if len(conns) > 0 && !a.Force {
			return newErr("", "cannot delete application offer %q: offer has %d relation%s", o.name, len(conns), plural(len(conns)))
		}
		delete(o.m.offers, o.name)
		o.m.notify()
		// The consumers see the offer go: their SAAS is terminated and
		// its relations removed.
		for _, m := range c.sortedModels() {
			for _, ra := range m.sortedRemoteApps() {
				if ra.offerUUID != o.uuid {
					continue
				}
				ra.status = status{Status: "terminated", Message: "offer has been removed", Since: c.now()}
				for _, r := range m.sortedRelations() {
					if r.involves(ra.name) {
						c.destroyRelation(r, m)
					}
				}
				m.notify()
			}
		}
		return nil
	}), nil
}

// checkOfferedEndpoints refuses an offer of endpoints the application
// lacks, as Juju says it: 4.0 names the one missing endpoint, or lists all
// those asked for with the application's UUID.
func checkOfferedEndpoints(cx *callCtx, app *application, offer string, eps map[string]string) error {
	var missing []string
	for alias, ep := range eps {
		if alias == "" {
			return errNotValid("empty endpoint alias for %q", ep)
		}
		if _, ok := app.charm.relations[ep]; !ok {
			missing = append(missing, ep)
		}
	}
	switch {
	case len(missing) == 0:
		return nil
	case !cx.is4():
		return errNotFound("getting offered endpoints: application %q has no %q relation", app.name, slices.Min(missing))
	case len(eps) == 1:
		return newErr("", "creating offer %q: %q: endpoint not found", offer, missing[0])
	}
	asked := slices.Sorted(maps.Values(eps))
	return newErr("", "creating offer %q: not all endpoints found %q for application %q", offer, strings.Join(asked, ", "), appUUID(app))
}

// appUUID is a stable UUID for an application (the simulator keeps none):
// derived from its model's UUID and its name.
func appUUID(app *application) string {
	h := sha256.Sum256([]byte(app.m.uuid + "/" + app.name))
	return formatUUID(h[:])
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (applicationOffersFacade) ModifyOfferAccess(cx *callCtx, a facades.ModifyOfferAccessRequest) (facades.ErrorResults, error) {
	c := cx.c
	return eachErr(a.Changes, func(ch facades.ModifyOfferAccess) error {
		o, err := c.offerFor(cx, ch.OfferURL, lookupAccess)
		if err != nil {
			return err
		}
		if err := c.needOfferAccess(cx.u, o, "admin"); err != nil {
			return err
		}
		u, err := c.userFromTag(ch.UserTag)
		if err != nil {
			return err
		}
		if offerRank[ch.Access] == 0 {
			return errNotValid("%q offer access not valid", ch.Access)
		}
		cur := o.access[u.name]
		switch ch.Action {
		case "grant":
			if offerRank[cur] >= offerRank[ch.Access] {
				return errAlreadyExists("user already has %q access or greater", ch.Access)
			}
			o.access[u.name] = ch.Access
		case "revoke":
			// Revoking a level leaves the one below it, as for models.
			if offerRank[cur] < offerRank[ch.Access] {
				return errNotFound("user %q does not have %q access", u.name, ch.Access)
			}
			switch ch.Access {
			case "read":
				delete(o.access, u.name)
			case "consume":
				o.access[u.name] = "read"
			case "admin":
				o.access[u.name] = "consume"
			}
		default:
			return errNotValid("unknown action %q", ch.Action)
		}
		o.m.notify()
		return nil
	}), nil
}

func (applicationOffersFacade) GetConsumeDetails(cx *callCtx, a facades.ConsumeOfferDetailsArg) (facades.ConsumeOfferDetailsResults, error) {
	c := cx.c
	u := cx.u
	if a.UserTag != "" {
		x, err := c.userFromTag(a.UserTag)
		if err != nil {
			return facades.ConsumeOfferDetailsResults{}, err
		}
		if x.name != u.name && u.controllerAccess != "superuser" {
			return facades.ConsumeOfferDetailsResults{}, errPermissionDenied
		}
		u = x
	}
	return facades.ConsumeOfferDetailsResults{Results: eachItem(a.OfferUrls.OfferUrls, func(url string) (facades.ConsumeOfferDetailsResult, error) {
		o, err := c.offerFor(cx, url, lookupConsume)
		if err != nil {
			return facades.ConsumeOfferDetailsResult{}, err
		}
		if offerRank[c.offerAccess(u, o)] < offerRank["read"] {
			return facades.ConsumeOfferDetailsResult{}, c.offerNotFound(cx, url, lookupConsume)
		}
		if err := c.needOfferAccess(u, o, "consume"); err != nil {
			return facades.ConsumeOfferDetailsResult{}, err
		}
		mac := offerMacaroon(o, a.OfferUrls.BakeryVersion)
		return facades.ConsumeOfferDetailsResult{ConsumeOfferDetails: facades.ConsumeOfferDetails{
			Offer: &facades.ApplicationOfferDetailsV5{
				Endpoints: o.remoteEndpoints(), OfferName: o.name, OfferURL: o.url(), OfferUUID: o.uuid,
				SourceModelTag: "model-" + o.m.uuid,
			},
			Macaroon: mac,
			ExternalController: &facades.ExternalControllerInfo{
				Addrs: append([]string{}, cx.s.addrs...), CACert: c.caCert, ControllerTag: "controller-" + c.uuid,
			},
		}}, nil
	})}, nil
}

func (applicationOffersFacade) RemoteApplicationInfo(cx *callCtx, a facades.OfferURLs) (facades.RemoteApplicationInfoResults, error) {
	c := cx.c
	return facades.RemoteApplicationInfoResults{Results: eachItem(a.OfferUrls, func(url string) (facades.RemoteApplicationInfoResult, error) {
		o, err := c.offerFor(cx, url, lookupDestroy)
		if err != nil {
			return facades.RemoteApplicationInfoResult{}, err
		}
		if err := c.needOfferAccess(cx.u, o, "read"); err != nil {
			return facades.RemoteApplicationInfoResult{}, c.offerNotFound(cx, url, lookupDestroy)
		}
		d := c.offerDetails(cx.u, o)
		return facades.RemoteApplicationInfoResult{Result: &facades.RemoteApplicationInfo{
			Name: o.name, OfferURL: o.url(), ModelTag: "model-" + o.m.uuid, Description: d.ApplicationDescription,
			Endpoints: d.Endpoints, IconURLPath: "rest/1.0/remote-application/" + o.name + "/icon",
		}}, nil
	})}, nil
}

func (m *model) sortedOffers() []*offer {
	out := make([]*offer, 0, len(m.offers))
	for _, o := range m.offers {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// offerStatuses is FullStatus's offers section.
func (c *Controller) offerStatuses(m *model) map[string]facades.ApplicationOfferStatus {
	out := map[string]facades.ApplicationOfferStatus{}
	for _, o := range m.sortedOffers() {
		eps := map[string]facades.RemoteEndpoint{}
		for _, e := range o.remoteEndpoints() {
			eps[e.Name] = e
		}
		conns := c.offerConnections(o)
		active := 0
		for _, cn := range conns {
			if cn.Status.Status == "joined" {
				active++
			}
		}
		st := facades.ApplicationOfferStatus{
			OfferName: o.name, ApplicationName: o.app, Endpoints: eps,
			ActiveConnectedCount: active, TotalConnectedCount: len(conns),
		}
		if a := m.apps[o.app]; a != nil {
			st.Charm = charmURLWithArch(a.charm)
		}
		out[o.name] = st
	}
	return out
}

// SetCACert records the PEM CA certificate the transport serves with, for
// the consume details of offers.
func (c *Controller) SetCACert(pem string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.caCert = pem
}

// offerMacaroon is the macaroon of GetConsumeDetails, with a random
// signature (the simulator checks no macaroon of Consume), in the JSON form
// of gopkg.in/macaroon.v2 for the bakery version the client asked for, as
// a real controller mints it: a macaroon V2 ({"i", "l", "c", "s64"}) for
// bakery versions 2 and later (the juju CLI asks for 3), a macaroon V1
// ({"identifier", "location", "caveats", "signature" in hex}) for 0 and 1
// (python-libjuju sends no bakery-version and reads "caveats").
func offerMacaroon(o *offer, bakeryVersion int) json.RawMessage {
	sig := make([]byte, 32)
	_, _ = rand.Read(sig)
	id, loc := "jujusim-offer-"+o.uuid, "juju offer "+o.url()
	var m map[string]any
	if bakeryVersion < 2 {
		m = map[string]any{"identifier": id, "location": loc, "caveats": []any{}, "signature": hex.EncodeToString(sig)}
	} else {
		m = map[string]any{"i": id, "l": loc, "c": []any{}, "s64": base64.RawURLEncoding.EncodeToString(sig)}
	}
	b, _ := json.Marshal(m)
	return b
}
