package core

import (
	"github.com/gojuju/juju/internal/facades"
)

// ---- Spaces on a provider without them ----

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
