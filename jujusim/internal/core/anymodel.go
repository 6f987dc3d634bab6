package core

// AnyModel is the model UUID that, given to SetBehaviour, SetExecHandler and
// SetRelationData, makes the setting apply to every model, those created
// later included, unless the model has a setting of its own.
const AnyModel = "*"

// behaviourFor returns the behaviour set for app in the model, else the
// one set for every model.
func (c *Controller) behaviourFor(modelUUID, app string) (Behaviour, bool) {
	if b, ok := c.behaviours[modelUUID+"/"+app]; ok {
		return b, true
	}
	b, ok := c.behaviours[AnyModel+"/"+app]
	return b, ok
}

// hasOwnBehaviour reports whether app has a behaviour set for the model
// itself (not through AnyModel).
func (c *Controller) hasOwnBehaviour(modelUUID, app string) bool {
	_, ok := c.behaviours[modelUUID+"/"+app]
	return ok
}
