package core

// AddHubCharm adds a charm to the simulated Charmhub from its real
// metadata: files holds metadata.yaml and/or charmcraft.yaml, and
// config.yaml, actions.yaml and manifest.yaml when the charm has them (a
// charm directory's files). A deploy of its name then gets its endpoints,
// config, actions, resources, containers and storage instead of the
// built-in catalogue's or the generic charm; adding a name again makes a
// new revision. It returns the charm's name.
func (c *Controller) AddHubCharm(files map[string][]byte) (string, error) {
	ch, err := charmFromFiles(files)
	if err != nil {
		return "", err
	}
	return c.addHubTemplate(ch), nil
}

// AddHubCharmArchive adds the charm of a .charm archive to the simulated
// Charmhub (see AddHubCharm).
func (c *Controller) AddHubCharmArchive(archive []byte) (string, error) {
	ch, err := charmFromArchive(archive)
	if err != nil {
		return "", err
	}
	return c.addHubTemplate(ch), nil
}

func (c *Controller) addHubTemplate(ch *charm) string {
	if len(ch.bases) == 0 {
		ch.bases = []charmBase{{Name: "ubuntu", Channel: "22.04/stable", Architectures: []string{"amd64", "arm64"}}}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hubExtra == nil {
		c.hubExtra = map[string]hubCharm{}
	}
	rev := 1
	if old, ok := c.hubExtra[ch.name]; ok {
		rev = old.revision + 1
	}
	c.hubExtra[ch.name] = hubCharm{name: ch.name, revision: rev, channel: "latest/stable", summary: ch.summary,
		subordinate: ch.subordinate, k8s: ch.k8s, resources: ch.resources, tmpl: ch}
	return ch.name
}

// hubLookup returns the simulated Charmhub charm called name: one added
// from real metadata, else the built-in catalogue's, else a generic charm.
func (c *Controller) hubLookup(name string) (hubCharm, bool) {
	if h, ok := c.hubExtra[name]; ok {
		return h, true
	}
	return hubLookup(name)
}

// hubCopy is the charm a Charmhub deploy of real metadata adds.
func (t *charm) hubCopy(arch string, revision int, channel string) *charm {
	ch := *t
	ch.schema, ch.revision, ch.arch, ch.channel = "ch", revision, arch, channel
	ch.sha256, ch.objectName = "", ""
	if ch.description == "" {
		ch.description = ch.summary
	}
	ch.url = curl{schema: "ch", arch: arch, name: ch.name, revision: revision}.String()
	return &ch
}
