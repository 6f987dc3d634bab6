package core

import (
	"reflect"

	"github.com/gojuju/juju/internal/facades"
)

// eachItem answers a bulk call item by item: the result for items[i] is
// what fn returns for it, with fn's error (if any) stored in the result's
// Error field. One item's failure does not stop the others, as on the real
// controller.
func eachItem[T, R any](items []T, fn func(T) (R, error)) []R {
	out := make([]R, len(items))
	for i, it := range items {
		r, err := fn(it)
		if err != nil {
			setResultErr(&r, err)
		}
		out[i] = r
	}
	return out
}

// eachErr is eachItem for calls whose per-item results are only errors.
func eachErr[T any](items []T, fn func(T) error) facades.ErrorResults {
	return facades.ErrorResults{Results: eachItem(items, func(it T) (facades.ErrorResult, error) {
		return facades.ErrorResult{}, fn(it)
	})}
}

// setResultErr stores err in the Error field of the result struct *r.
func setResultErr[R any](r *R, err error) {
	f := reflect.ValueOf(r).Elem().FieldByName("Error")
	p := reflect.New(f.Type().Elem())
	fillErr(p.Elem(), err)
	f.Set(p)
}
