package jujusim

// AddCloud adds a cloud that models can then be created on (AddModel with
// that cloud). typ is the provider type; "kubernetes" makes models on the
// cloud container (caas) models, which scale applications instead of
// placing units on machines. regions default to a single "default" region.
// It fails when a cloud of that name already exists, such as the built-in
// "dummy" cloud.
func (s *Server) AddCloud(name, typ string, regions ...string) error {
	return s.core.AddCloud(name, typ, regions...)
}
