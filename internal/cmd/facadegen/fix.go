package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// applyFixes applies the fixes to the loaded schemas. Copies are taken from
// the schemas as loaded, before any fix.
func applyFixes(schemas []*schemaFile, fixes []schemaFix) error {
	byRel := map[release]*schemaFile{}
	for _, s := range schemas {
		byRel[s.Release] = s
	}
	type pending struct {
		sf   *schemaFacade
		name string
		def  *jsType
	}
	var copies []pending
	for _, fx := range fixes {
		s, ok := byRel[fx.Release]
		if !ok {
			continue // that schema is not being generated from
		}
		sf, ok := s.Facades[fx.Facade]
		if !ok {
			return fmt.Errorf("schema fix: no facade %s in %s", fx.Facade, s.Base)
		}
		for name, src := range fx.CopyDefs {
			from, ok := byRel[src.Release]
			if !ok {
				return fmt.Errorf("schema fix for %s %s: no schema for Juju %s", fx.Release, fx.Facade, src.Release)
			}
			ff, ok := from.Facades[src.Facade]
			if !ok || ff.Schema.Definitions[src.Name] == nil {
				return fmt.Errorf("schema fix for %s %s: no definition %s in %s %s", fx.Release, fx.Facade, src.Name, src.Release, src.Facade)
			}
			def, err := deepCopy(ff.Schema.Definitions[src.Name])
			if err != nil {
				return err
			}
			copies = append(copies, pending{sf, name, def})
		}
	}
	for _, c := range copies {
		c.sf.Schema.Definitions[c.name] = c.def
	}
	for _, fx := range fixes {
		s, ok := byRel[fx.Release]
		if !ok {
			continue
		}
		sf := s.Facades[fx.Facade]
		for prop, target := range fx.Retarget {
			def, key, _ := strings.Cut(prop, ".")
			d := sf.Schema.Definitions[def]
			if d == nil || d.Properties[key] == nil {
				return fmt.Errorf("schema fix for %s %s: no property %s", fx.Release, fx.Facade, prop)
			}
			if sf.Schema.Definitions[target] == nil {
				return fmt.Errorf("schema fix for %s %s: no definition %s", fx.Release, fx.Facade, target)
			}
			if n := retarget(d.Properties[key], target); n == 0 {
				return fmt.Errorf("schema fix for %s %s: property %s has no reference", fx.Release, fx.Facade, prop)
			}
		}
	}
	return nil
}

func deepCopy(t *jsType) (*jsType, error) {
	data, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	var out jsType
	return &out, json.Unmarshal(data, &out)
}

// retarget points every reference inside t at target and counts them.
func retarget(t *jsType, target string) int {
	if t == nil {
		return 0
	}
	n := 0
	if t.Ref != "" {
		t.Ref = "#/definitions/" + target
		n++
	}
	n += retarget(t.Items, target)
	for _, p := range t.PatternProperties {
		n += retarget(p, target)
	}
	return n
}
