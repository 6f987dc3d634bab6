package status

import "strings"

// Integrated holds when the two endpoints ("app" or "app:endpoint") are
// related and the relation has joined. A relation with a consumed (SAAS)
// application counts as joined once it is in the model and alive: the
// offering side's units are in another model, whose progress this
// model's status does not show in full (a controller may keep such a
// relation "joining" here).
func Integrated(a, b string) Predicate {
	return func(s *Status) (bool, []string) {
		r := s.relationBetween(a, b)
		switch {
		case r == nil:
			return false, []string{a + " " + b + ": not related yet"}
		case r.Status.Life != "" && r.Status.Life != "alive":
			return false, []string{r.Key + ": " + r.Status.Life}
		case r.Status.Current == "joined":
			return true, nil
		case r.Status.Current == "joining" && s.crossModel(r):
			return true, nil
		}
		return false, []string{r.Key + ": relation " + describe(r.Status)}
	}
}

// crossModel reports whether r has a consumed (SAAS) application at one
// end.
func (s *Status) crossModel(r *Relation) bool {
	for _, e := range r.Endpoints {
		if s.RemoteApplications[e.Application] != nil {
			return true
		}
	}
	return false
}

// relationBetween returns the relation between two endpoints
// ("app" or "app:endpoint"), if any.
func (s *Status) relationBetween(a, b string) *Relation {
	match := func(e Endpoint, want string) bool {
		app, ep, _ := strings.Cut(want, ":")
		return e.Application == app && (ep == "" || e.Name == ep)
	}
	for _, r := range s.Relations {
		if len(r.Endpoints) != 2 {
			continue
		}
		e0, e1 := r.Endpoints[0], r.Endpoints[1]
		if match(e0, a) && match(e1, b) || match(e0, b) && match(e1, a) {
			return r
		}
	}
	return nil
}
