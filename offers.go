package juju

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// Offer describes an application offer: endpoints of an application that
// other models may consume (cross-model relations).
type Offer struct {
	Name string
	// URL is the offer's URL as the controller reports it
	// ("admin/prod.db").
	URL         string
	UUID        string
	ModelUUID   string // the offering model
	Application string // empty when the user is not an offer admin
	Description string
	CharmURL    string
	Endpoints   []OfferEndpoint
	// Users are the users with access to the offer (only the caller's own
	// entry for users who are not offer admins).
	Users []OfferUser
	// Connections are the relations consuming models have with the
	// offer; only offer admins see them.
	Connections []OfferConnection
}

// OfferEndpoint is an offered endpoint, by the name consumers see.
type OfferEndpoint struct {
	Name      string
	Role      string // "provider", "requirer"
	Interface string
	Limit     int
}

// OfferUser is a user's access to an offer: "read", "consume" or "admin".
type OfferUser struct {
	User        string
	DisplayName string
	Access      string
}

// OfferConnection is a relation a consuming model has with an offer.
type OfferConnection struct {
	ModelUUID      string // the consuming model
	RelationID     int
	User           string // who consumed the offer
	Endpoint       string
	Status         string // the relation status: "joined", "joining", ...
	Message        string
	Since          time.Time
	IngressSubnets []string
}

func offerFromWire(d facades.ApplicationOfferAdminDetailsV5) Offer {
	o := Offer{
		Name: d.OfferName, URL: d.OfferURL, UUID: d.OfferUUID, ModelUUID: tagOrID(d.SourceModelTag, "model"),
		Application: d.ApplicationName, Description: d.ApplicationDescription, CharmURL: d.CharmURL,
	}
	for _, e := range d.Endpoints {
		o.Endpoints = append(o.Endpoints, OfferEndpoint{Name: e.Name, Role: e.Role, Interface: e.Interface, Limit: e.Limit})
	}
	for _, u := range d.Users {
		o.Users = append(o.Users, OfferUser{User: u.User, DisplayName: u.DisplayName, Access: u.Access})
	}
	for _, c := range d.Connections {
		oc := OfferConnection{
			ModelUUID: tagOrID(c.SourceModelTag, "model"), RelationID: c.RelationID, User: c.Username,
			Endpoint: c.Endpoint, Status: c.Status.Status, Message: c.Status.Info, IngressSubnets: c.IngressSubnets,
		}
		if c.Status.Since != nil {
			oc.Since = *c.Status.Since
		}
		o.Connections = append(o.Connections, oc)
	}
	return o
}

// OfferOptions are the options of Model.Offer.
type OfferOptions struct {
	// Name is the offer name; empty means the application's name.
	Name string
	// Description replaces the charm's description in the offer.
	Description string
}

// Offer offers endpoints of an application to other models
// (ApplicationOffers.Offer, as "juju offer app:ep1,ep2 name"). Each
// endpoint is the application's endpoint name, or "alias=name" to offer it
// under another name. An endpoint the application does not have is
// refused before anything is sent (ErrInvalidEndpoint). Offering again
// under the same name updates the offer. It returns the offer as the
// controller shows it.
func (m *Model) Offer(ctx context.Context, application string, endpoints []string, opts *OfferOptions) (*Offer, error) {
	o, err := m.offer(ctx, application, endpoints, opts)
	return o, opError("offer", application, err)
}

func (m *Model) offer(ctx context.Context, application string, endpoints []string, opts *OfferOptions) (*Offer, error) {
	if opts == nil {
		opts = &OfferOptions{}
	}
	if err := checkApplicationName(application); err != nil {
		return nil, err
	}
	name := opts.Name
	if name == "" {
		name = application
	}
	if !IsValidOfferName(name) {
		return nil, invalid(ErrInvalidName, "offer name", name, "must be lower-case letters and digits in hyphen-separated parts, starting with a letter")
	}
	if len(endpoints) == 0 {
		return nil, invalid(ErrInvalidEndpoint, "offered endpoints", "", "name at least one endpoint")
	}
	eps := make(map[string]string, len(endpoints))
	for _, e := range endpoints {
		alias, ep, ok := strings.Cut(e, "=")
		if !ok {
			ep = alias
		}
		if !validEndpointName.MatchString(alias) || !validEndpointName.MatchString(ep) {
			return nil, invalid(ErrInvalidEndpoint, "offered endpoint", e, `must be "endpoint" or "alias=endpoint"`)
		}
		if _, dup := eps[alias]; dup {
			return nil, invalid(ErrInvalidEndpoint, "offered endpoint", e, "offered twice")
		}
		eps[alias] = ep
	}
	mconn, err := m.conn(ctx)
	if err != nil {
		return nil, err
	}
	rels, err := apiclient.NewApplicationClient(mconn).CharmRelations(ctx, facades.ApplicationCharmRelations{Application: application})
	if err != nil {
		return nil, err
	}
	for _, ep := range eps {
		if ep != "juju-info" && !slices.Contains(rels.CharmRelations, ep) {
			return nil, invalidf(ErrInvalidEndpoint, "offered endpoint", ep, "application %q has no such endpoint (it has %s)", application, strings.Join(rels.CharmRelations, ", "))
		}
	}
	conn, err := m.ctrl.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	url := OfferURL{Qualifier: m.qualifier, Model: m.name, Name: name}.String()
	arg := facades.AddApplicationOffer{
		ApplicationName: application, ApplicationDescription: opts.Description, Endpoints: eps,
		ModelTag: modelTag(m.uuid), OfferName: name, OwnerTag: userTag(strings.TrimSuffix(m.ctrl.user, "@local")),
	}
	var out *Offer
	err = resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewApplicationOffersClient(conn).Offer(ctx, facades.AddApplicationOffers{Offers: []facades.AddApplicationOffer{arg}}))
	}, func() (bool, error) {
		o, err := m.ctrl.showOffer(ctx, url)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return o.Application == application && len(o.Endpoints) == len(eps), nil
	})
	if err != nil {
		return nil, err
	}
	out, err = m.ctrl.showOffer(ctx, url)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OfferFilter selects offers. Empty fields match everything.
type OfferFilter struct {
	// URL is an offer URL, or part of one ("admin/prod", "prod.db"), whose
	// qualifier, model and offer name fill the fields below.
	URL string
	// Qualifier is the offering model's qualifier (owner on 3.6).
	Qualifier string
	// Model is the offering model's name.
	Model string
	// Name matches offer names (the controller treats it as a pattern).
	Name        string
	Application string
	// Interface, Endpoint and Role select offers with a matching
	// endpoint.
	Interface, Endpoint, Role string
	// AllowedUsers selects offers these users may consume.
	AllowedUsers []string
	// ConnectedUsers selects offers these users have consumed.
	ConnectedUsers []string
}

func (f *OfferFilter) resolve() error {
	if f.URL == "" {
		return nil
	}
	s := f.URL
	if _, after, ok := strings.Cut(s, ":"); ok {
		s = after
	}
	if q, after, ok := strings.Cut(s, "/"); ok {
		if !IsValidUserName(q) {
			return invalid(ErrInvalidOfferURL, "offer URL pattern", f.URL, "qualifier "+quote(q)+" is not valid")
		}
		f.Qualifier, s = q, after
	}
	model, name, _ := strings.Cut(s, ".")
	if model != "" && !IsValidModelName(model) {
		return invalid(ErrInvalidOfferURL, "offer URL pattern", f.URL, "model name "+quote(model)+" is not valid")
	}
	f.Model, f.Name = model, name
	return nil
}

// Offers lists the offers matching filter that the user administers,
// with their connections (ApplicationOffers.ListApplicationOffers, as
// "juju offers"). A nil filter lists every offer the user administers.
func (c *Controller) Offers(ctx context.Context, filter *OfferFilter) ([]Offer, error) {
	o, err := c.queryOffers(ctx, filter, false)
	return o, opError("list offers", "", err)
}

// Offers lists the offers this model makes, with their connections.
func (m *Model) Offers(ctx context.Context) ([]Offer, error) {
	o, err := m.ctrl.queryOffers(ctx, &OfferFilter{Qualifier: m.qualifier, Model: m.name}, false)
	return o, opError("list offers of", m.QualifiedName(), err)
}

// FindOffers finds the offers matching filter that the user may see, in
// every model of the controller (ApplicationOffers.FindApplicationOffers,
// as "juju find-offers"). A nil filter finds all.
func (c *Controller) FindOffers(ctx context.Context, filter *OfferFilter) ([]Offer, error) {
	o, err := c.queryOffers(ctx, filter, true)
	return o, opError("find offers", "", err)
}

func (c *Controller) queryOffers(ctx context.Context, filter *OfferFilter, find bool) ([]Offer, error) {
	var f OfferFilter
	if filter != nil {
		f = *filter
	}
	if err := f.resolve(); err != nil {
		return nil, err
	}
	if f.Qualifier != "" && !IsValidUserName(f.Qualifier) {
		return nil, invalid(ErrInvalidName, "model qualifier", f.Qualifier, "is not a valid qualifier or user name")
	}
	for _, u := range slices.Concat(f.AllowedUsers, f.ConnectedUsers) {
		if err := checkUserName("user", u); err != nil {
			return nil, err
		}
	}
	var eps []facades.EndpointFilterAttributes
	if f.Interface != "" || f.Endpoint != "" || f.Role != "" {
		eps = append(eps, facades.EndpointFilterAttributes{Interface: f.Interface, Name: f.Endpoint, Role: f.Role})
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	ao := apiclient.NewApplicationOffersClient(conn)
	// Juju 4 filters on the model's qualifier, 3.6 on its owner: the
	// client sends the field of the controller's shape.
	args := apiclient.OfferFilters{Filters: []apiclient.OfferFilter{{
		ModelQualifier: f.Qualifier, OwnerName: f.Qualifier, ModelName: f.Model, OfferName: f.Name, ApplicationName: f.Application,
		Endpoints: eps, AllowedUsers: f.AllowedUsers, ConnectedUsers: f.ConnectedUsers,
	}}}
	var res facades.QueryApplicationOffersResultsV5
	if find {
		res, err = ao.FindApplicationOffers(ctx, args)
	} else {
		res, err = ao.ListApplicationOffers(ctx, args)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Offer, 0, len(res.Results))
	for _, d := range res.Results {
		out = append(out, offerFromWire(d))
	}
	return out, nil
}

// ShowOffer returns the offer at url (ApplicationOffers.ApplicationOffers,
// as "juju show-offer"). An offer the user may not read is not found
// (ErrNotFound).
func (c *Controller) ShowOffer(ctx context.Context, url string) (*Offer, error) {
	o, err := c.showOffer(ctx, url)
	return o, opError("show offer", url, err)
}

// offerRef parses url for use on c: it must name no other controller; a
// missing qualifier is the user's.
func (c *Controller) offerRef(url string) (OfferURL, error) {
	u, err := ParseOfferURL(url)
	if err != nil {
		return u, err
	}
	if u.Controller != "" && c.name != "" && u.Controller != c.name {
		return u, invalidf(ErrInvalidOfferURL, "offer URL", url, "names controller %q, not %q", u.Controller, c.name)
	}
	u.Controller = ""
	if u.Qualifier == "" {
		u.Qualifier = strings.TrimSuffix(c.user, "@local")
	}
	return u, nil
}

func (c *Controller) showOffer(ctx context.Context, url string) (*Offer, error) {
	u, err := c.offerRef(url)
	if err != nil {
		return nil, err
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewApplicationOffersClient(conn).ApplicationOffers(ctx, facades.OfferURLs{OfferUrls: []string{u.String()}, BakeryVersion: 3})
	if err != nil {
		return nil, err
	}
	if len(res.Results) != 1 {
		return nil, errors.New("the controller answered " + strconv.Itoa(len(res.Results)) + " results for one offer")
	}
	if e := res.Results[0].Error; e != nil {
		return nil, offerError(apiclient.ServerError(e))
	}
	if res.Results[0].Result == nil {
		return nil, notFoundf("offer %q not found", u.String())
	}
	o := offerFromWire(*res.Results[0].Result)
	return &o, nil
}

// offerError makes Juju 4.0's code-less `"db": offer not found` match
// ErrNotFound (the generic rule for code-less "not found" messages does
// that), and a refusal to delete an offer with relations ErrOfferInUse.
func offerError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "cannot delete application offer") && strings.Contains(msg, "relation"):
		return &matchedError{err: err, kind: ErrOfferInUse}
	case strings.HasSuffix(msg, "offer not found"):
		return &matchedError{err: err, kind: ErrNotFound}
	}
	return err
}

// matchedError is a controller's refusal that matches a sentinel its code
// does not give.
type matchedError struct {
	err  error
	kind error
}

func (e *matchedError) Error() string        { return e.err.Error() }
func (e *matchedError) Unwrap() error        { return e.err }
func (e *matchedError) Is(target error) bool { return target == e.kind }

// RemoveOfferOptions are the options of Controller.RemoveOffer.
type RemoveOfferOptions struct {
	// Force removes the offer even when consuming models are related to
	// it; their relations are removed.
	Force bool
}

// RemoveOffer removes the offer at url (ApplicationOffers.DestroyOffers,
// as "juju remove-offer"). Without Force, an offer with connections is
// refused before anything is sent (ErrOfferInUse).
func (c *Controller) RemoveOffer(ctx context.Context, url string, opts *RemoveOfferOptions) error {
	return opError("remove offer", url, c.removeOffer(ctx, url, opts))
}

func (c *Controller) removeOffer(ctx context.Context, url string, opts *RemoveOfferOptions) error {
	if opts == nil {
		opts = &RemoveOfferOptions{}
	}
	u, err := c.offerRef(url)
	if err != nil {
		return err
	}
	if !opts.Force {
		o, err := c.showOffer(ctx, u.String())
		if err != nil {
			return err
		}
		if n := len(o.Connections); n > 0 {
			return &codeError{msg: "offer " + strconv.Quote(o.URL) + " has " + strconv.Itoa(n) + " connection(s); remove them or use Force", kind: ErrOfferInUse}
		}
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return offerError(errorResults(apiclient.NewApplicationOffersClient(conn).DestroyOffers(ctx,
			facades.DestroyApplicationOffers{OfferUrls: []string{u.String()}, Force: opts.Force})))
	}, func() (bool, error) {
		_, err := c.showOffer(ctx, u.String())
		if errors.Is(err, ErrNotFound) {
			return true, nil
		}
		return false, err
	})
}

// offerAccessLevels are the access levels of offers, lowest first.
var offerAccessLevels = []string{"read", "consume", "admin"}

// GrantOffer gives user access ("read", "consume" or "admin") to the
// offers at urls (ApplicationOffers.ModifyOfferAccess, as "juju grant
// user consume url").
func (c *Controller) GrantOffer(ctx context.Context, user, access string, urls ...string) error {
	return opError("grant "+strconv.Quote(access)+" on offers to", user, c.modifyOfferAccess(ctx, "grant", user, access, urls))
}

// RevokeOffer takes access away from user: revoking "consume" leaves
// "read", revoking "read" removes all access (as "juju revoke").
func (c *Controller) RevokeOffer(ctx context.Context, user, access string, urls ...string) error {
	return opError("revoke "+strconv.Quote(access)+" on offers from", user, c.modifyOfferAccess(ctx, "revoke", user, access, urls))
}

func (c *Controller) modifyOfferAccess(ctx context.Context, action, user, access string, urls []string) error {
	if err := checkUserName("user name", user); err != nil {
		return err
	}
	if !slices.Contains(offerAccessLevels, access) {
		return invalid(ErrInvalidArgument, "offer access", access, `must be "read", "consume" or "admin"`)
	}
	if len(urls) == 0 {
		return invalid(ErrInvalidArgument, "offer URLs", "", "name at least one offer")
	}
	var changes []facades.ModifyOfferAccess
	for _, s := range urls {
		u, err := c.offerRef(s)
		if err != nil {
			return err
		}
		changes = append(changes, facades.ModifyOfferAccess{UserTag: userTag(user), Action: action, Access: access, OfferURL: u.String()})
	}
	conn, err := c.controllerConn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return offerError(errorResults(apiclient.NewApplicationOffersClient(conn).ModifyOfferAccess(ctx, facades.ModifyOfferAccessRequest{Changes: changes})))
	}, func() (bool, error) {
		// Applied when every offer shows the user at the level the
		// action leaves.
		for _, ch := range changes {
			o, err := c.showOffer(ctx, ch.OfferURL)
			if err != nil {
				return false, err
			}
			have := -1
			for _, ou := range o.Users {
				if ou.User == user || ou.User == user+"@local" {
					have = slices.Index(offerAccessLevels, ou.Access)
				}
			}
			want := slices.Index(offerAccessLevels, access)
			if action == "grant" && have < want || action == "revoke" && have >= want {
				return false, nil
			}
		}
		return true, nil
	})
}

// ConsumeOptions are the options of Model.Consume.
type ConsumeOptions struct {
	// Alias is the name of the consumed application in this model; empty
	// means the offer's name.
	Alias string
	// Source is the controller that hosts the offer when it is not the
	// model's own: a connection to it, used to ask for the consume
	// details. A URL naming another controller needs it.
	Source *Controller
}

// Consume adds the offer at url to the model as a consumed (SAAS)
// application that Integrate can relate local applications to
// (ApplicationOffers.GetConsumeDetails on the offer's controller, then
// Application.Consume, as "juju consume"). It returns the SAAS name. An
// offer the user may not consume is refused by the controller
// (ErrUnauthorized, or ErrNotFound when the user may not even read it).
func (m *Model) Consume(ctx context.Context, url string, opts *ConsumeOptions) (string, error) {
	name, err := m.consume(ctx, url, opts)
	return name, opError("consume", url, err)
}

func (m *Model) consume(ctx context.Context, url string, opts *ConsumeOptions) (string, error) {
	if opts == nil {
		opts = &ConsumeOptions{}
	}
	u, err := ParseOfferURL(url)
	if err != nil {
		return "", err
	}
	if opts.Alias != "" {
		if err := checkApplicationName(opts.Alias); err != nil {
			return "", err
		}
	}
	src := m.ctrl
	if opts.Source != nil {
		src = opts.Source
	}
	if u.Controller != "" && src.name != "" && u.Controller != src.name {
		return "", invalidf(ErrInvalidOfferURL, "offer URL", url, "names controller %q: pass a connection to it in ConsumeOptions.Source", u.Controller)
	}
	ref, err := src.offerRef(url)
	if err != nil {
		return "", err
	}
	sconn, err := src.controllerConn(ctx)
	if err != nil {
		return "", err
	}
	res, err := apiclient.NewApplicationOffersClient(sconn).GetConsumeDetails(ctx, facades.ConsumeOfferDetailsArg{
		OfferUrls: facades.OfferURLs{OfferUrls: []string{ref.String()}, BakeryVersion: 3},
	})
	if err != nil {
		return "", err
	}
	if len(res.Results) != 1 {
		return "", errors.New("the controller answered " + strconv.Itoa(len(res.Results)) + " results for one offer")
	}
	if e := res.Results[0].Error; e != nil {
		return "", offerError(apiclient.ServerError(e))
	}
	details := res.Results[0].ConsumeOfferDetails
	if details.Offer == nil {
		return "", notFoundf("offer %q not found", ref.String())
	}
	arg := facades.ConsumeApplicationArgV5{
		ApplicationOfferDetailsV5: *details.Offer, ApplicationAlias: opts.Alias,
		ExternalController: details.ExternalController, Macaroon: details.Macaroon,
	}
	if src != m.ctrl && src.name != "" && !strings.Contains(arg.OfferURL, ":") {
		arg.OfferURL = src.name + ":" + arg.OfferURL
	}
	name := opts.Alias
	if name == "" {
		name = details.Offer.OfferName
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return "", err
	}
	err = resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewApplicationClient(conn).Consume(ctx, facades.ConsumeApplicationArgsV5{Args: []facades.ConsumeApplicationArgV5{arg}}))
	}, func() (bool, error) {
		life, ok, err := m.saasLife(ctx, name)
		return ok && !goingOrGone(life), err
	})
	if err != nil {
		return "", err
	}
	return name, nil
}

// saasLife reads the life of the consumed application name from status.
func (m *Model) saasLife(ctx context.Context, name string) (life string, exists bool, err error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return "", false, err
	}
	var st struct {
		RemoteApplications map[string]struct {
			Life string `json:"life"`
		} `json:"remote-applications"`
	}
	if err := conn.Call(ctx, "Client", "FullStatus", "", map[string]any{"patterns": []string{}}, &st); err != nil {
		return "", false, err
	}
	ra, ok := st.RemoteApplications[name]
	return ra.Life, ok, nil
}

// RemoveSAASOptions are the options of Model.RemoveSAAS.
type RemoveSAASOptions struct {
	// Force removes the consumed application even if its relations'
	// hooks fail.
	Force bool
	// MaxWait, with Force, is how long to wait for a normal removal
	// before forcing it.
	MaxWait *time.Duration
}

// RemoveSAAS removes a consumed (SAAS) application and its relations
// (Application.DestroyConsumedApplications, as "juju remove-saas"). It
// returns once the controller accepted the removal; wait with
// status.Gone(name) for it to be gone.
func (m *Model) RemoveSAAS(ctx context.Context, name string, opts *RemoveSAASOptions) error {
	return opError("remove SAAS", name, m.removeSAAS(ctx, name, opts))
}

func (m *Model) removeSAAS(ctx context.Context, name string, opts *RemoveSAASOptions) error {
	if opts == nil {
		opts = &RemoveSAASOptions{}
	}
	if err := checkApplicationName(name); err != nil {
		return err
	}
	if opts.MaxWait != nil && !opts.Force {
		return invalid(ErrInvalidArgument, "option", "MaxWait", "needs Force")
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	return resolveWrite(ctx, func() error {
		return errorResults(apiclient.NewApplicationClient(conn).DestroyConsumedApplications(ctx, facades.DestroyConsumedApplicationsParams{
			Applications: []facades.DestroyConsumedApplicationParams{{ApplicationTag: applicationTag(name), Force: opts.Force, MaxWait: opts.MaxWait}},
		}))
	}, func() (bool, error) {
		life, ok, err := m.saasLife(ctx, name)
		return !ok || goingOrGone(life), err
	})
}
