package core

import (
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// checkEntity reports whether tag names something that exists in m.
func (c *Controller) checkEntity(m *model, tag string) error {
	switch {
	case tag == "model-"+m.uuid:
		return nil
	case strings.HasPrefix(tag, "application-"):
		_, err := c.appFromTag(m, tag)
		return err
	case strings.HasPrefix(tag, "unit-"):
		_, err := c.unitByTag(m, tag)
		return err
	case strings.HasPrefix(tag, "machine-"):
		id, _ := machineIDFromTag(tag)
		if _, ok := m.machines[id]; !ok {
			return errNotFound("machine %s not found", id)
		}
		return nil
	}
	return errNotValid("%q is not a valid tag", tag)
}

func (annotationsFacade) Get(cx *callCtx, a facades.Entities) (facades.AnnotationsGetResults, error) {
	if err := cx.check("read"); err != nil {
		return facades.AnnotationsGetResults{}, err
	}
	out := facades.AnnotationsGetResults{Results: make([]facades.AnnotationsGetResult, len(a.Entities))}
	for i, e := range a.Entities {
		// Not eachItem: the error is nested one level deeper
		// (AnnotationsGetResult.Error is an ErrorResult, sent empty on
		// success as the real controller sends it).
		out.Results[i].Entity = e.Tag
		out.Results[i].Error = &facades.ErrorResult{}
		if err := cx.c.checkEntity(cx.m, e.Tag); err != nil {
			setErr(&out.Results[i].Error.Error, err)
			continue
		}
		ann := map[string]string{}
		for k, v := range cx.m.annotations[e.Tag] {
			ann[k] = v
		}
		out.Results[i].Annotations = ann
	}
	return out, nil
}

// Set answers, as the real controller does, with the errors only (no
// result for an entity set).
func (annotationsFacade) Set(cx *callCtx, a facades.AnnotationsSet) (facades.ErrorResults, error) {
	if err := cx.check("write"); err != nil {
		return facades.ErrorResults{}, err
	}
	res := eachErr(a.Annotations, func(ea facades.EntityAnnotations) error {
		if err := cx.c.checkEntity(cx.m, ea.Entity); err != nil {
			return err
		}
		for k := range ea.Annotations {
			switch {
			case k == "":
				return newErr("", "setting annotations for %q: key is empty string: invalid key", ea.Entity)
			case strings.Contains(k, "."):
				return newErr("", "setting annotations for %q: key %q contains period: invalid key", ea.Entity, k)
			}
		}
		if cx.m.annotations == nil {
			cx.m.annotations = map[string]map[string]string{}
		}
		cur := cx.m.annotations[ea.Entity]
		if cur == nil {
			cur = map[string]string{}
			cx.m.annotations[ea.Entity] = cur
		}
		for k, v := range ea.Annotations {
			if v == "" {
				delete(cur, k)
			} else {
				cur[k] = v
			}
		}
		return nil
	})
	errs := facades.ErrorResults{Results: []facades.ErrorResult{}}
	for _, r := range res.Results {
		if r.Error != nil {
			errs.Results = append(errs.Results, r)
		}
	}
	cx.m.notify()
	return errs, nil
}
