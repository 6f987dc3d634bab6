package jujusim

// SetRelationData sets keys in a databag of the relations of endpoint:
// entity is an application ("pg": its application databag) or a unit
// ("pg/0": its unit databag). The keys go on top of what the
// application's Behaviour writes; an empty value removes a key, and nil
// data removes everything SetRelationData set there. The application need
// not exist yet.
func (s *Server) SetRelationData(modelUUID, entity, endpoint string, data map[string]string) {
	s.core.SetRelationData(modelUUID, entity, endpoint, data)
}
