package juju

// immutableModelConfig are the model-config keys a model's config cannot
// change after the model is added, with how they are set instead. The
// real controller refuses agent-version and charmhub-url; it takes
// "type", "uuid" and "name" from ModelSet and breaks the model (Juju
// 4.0.15 then answers every later ModelSet with "no model config
// provider exists for cloud type ..."), so they are refused too.
var immutableModelConfig = map[string]string{
	"name":          `is the model's name: fixed when the model is added`,
	"type":          `is the model's provider type: fixed when the model is added`,
	"uuid":          `is the model's UUID: fixed when the model is added`,
	"agent-version": `must be set by upgrading the model ("juju upgrade-model")`,
	"charmhub-url":  `must be set when the model is added ("juju add-model --config")`,
}

// checkMutableConfig refuses a key the model's config cannot change.
func checkMutableConfig(k string) error {
	if why, ok := immutableModelConfig[k]; ok {
		return invalid(ErrInvalidConfig, "model config key", k, why)
	}
	return nil
}
