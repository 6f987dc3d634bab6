package core

import (
	"sort"

	"github.com/gojuju/juju/internal/facades"
)

// ---- Cloud: credential contents; Spaces on a provider without them ----

// CredentialContents answers with the logged-in user's credentials: one
// "default" credential per cloud (the one models use unless told
// otherwise), with the models that use it. Secret attributes only when
// asked for.
func (cloudFacade) CredentialContents(cx *callCtx, a facades.CloudCredentialArgs) (facades.CredentialContentResults, error) {
	c := cx.c
	content := func(cl cloudDef, name string) facades.CredentialContentResult {
		attrs := map[string]string{"username": "dummy"}
		if a.IncludeSecrets {
			attrs["password"] = "sim-secret"
		}
		info := &facades.ControllerCredentialInfo{Content: &facades.CredentialContent{Cloud: cl.name, Name: name, AuthType: "userpass", Attrs: attrs, Valid: true}}
		for _, m := range c.sortedModels() {
			if m.cloud != cl.name || m.qualifier != cx.u.name && cx.u.name != "admin" || m.credential != name {
				continue
			}
			acc := m.access[cx.u.name]
			if acc == "" && cx.u.controllerAccess == "superuser" {
				acc = "admin"
			}
			info.Models = append(info.Models, facades.ModelAccess{Model: m.qualifier + "/" + m.name, Access: acc})
		}
		sort.Slice(info.Models, func(i, j int) bool { return info.Models[i].Model < info.Models[j].Model })
		return facades.CredentialContentResult{Result: info}
	}
	out := facades.CredentialContentResults{}
	if len(a.Credentials) == 0 {
		for _, cl := range c.clouds() {
			out.Results = append(out.Results, content(cl, "default"))
		}
		return out, nil
	}
	for _, want := range a.Credentials {
		cl, ok := c.cloud(want.CloudName)
		if !ok || want.CredentialName != "default" {
			var r facades.CredentialContentResult
			setErr(&r.Error, errNotFound("cloud credential %q not found", want.CloudName+"/"+cx.u.name+"/"+want.CredentialName))
			out.Results = append(out.Results, r)
			continue
		}
		out.Results = append(out.Results, content(cl, "default"))
	}
	return out, nil
}

// errNoSpaces is what a provider without network spaces (the dummy
// provider the simulator's clouds are) answers to every Spaces call, as
// the real controller does.
func errNoSpaces() error { return errNotSupported("spaces not supported") }

func (spacesFacade) ListSpaces(*callCtx) (facades.ListSpacesResults, error) {
	return facades.ListSpacesResults{}, errNoSpaces()
}

func (spacesFacade) ListSpacesJuju36(*callCtx) (facades.ListSpacesResultsJuju36, error) {
	return facades.ListSpacesResultsJuju36{}, errNoSpaces()
}

func (spacesFacade) CreateSpaces(*callCtx, facades.CreateSpacesParams) (facades.ErrorResults, error) {
	return facades.ErrorResults{}, errNoSpaces()
}

func (spacesFacade) ShowSpace(*callCtx, facades.Entities) (facades.ShowSpaceResults, error) {
	return facades.ShowSpaceResults{}, errNoSpaces()
}

func (spacesFacade) ShowSpaceJuju36(*callCtx, facades.Entities) (facades.ShowSpaceResultsJuju36, error) {
	return facades.ShowSpaceResultsJuju36{}, errNoSpaces()
}

func (spacesFacade) MoveSubnets(*callCtx, facades.MoveSubnetsParams) (facades.MoveSubnetsResults, error) {
	return facades.MoveSubnetsResults{}, errNoSpaces()
}

func (spacesFacade) RemoveSpace(*callCtx, facades.RemoveSpaceParams) (facades.RemoveSpaceResults, error) {
	return facades.RemoveSpaceResults{}, errNoSpaces()
}

func (spacesFacade) RenameSpace(*callCtx, facades.RenameSpacesParams) (facades.ErrorResults, error) {
	return facades.ErrorResults{}, errNoSpaces()
}

func (spacesFacade) ReloadSpaces(*callCtx) error { return errNoSpaces() }
