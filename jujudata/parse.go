package jujudata

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// ParseControllers parses the content of a controllers.yaml file. Empty
// input is an empty file. Errors are *FileError values with the line the
// YAML decoder blamed.
func ParseControllers(data []byte) (*ControllersFile, error) {
	var f ControllersFile
	if _, err := decodeYAML(ControllersFileName, data, &f); err != nil {
		return nil, err
	}
	f.normalize()
	return &f, nil
}

// ParseAccounts parses the content of an accounts.yaml file. Empty input
// is an empty file. Errors are *FileError values.
func ParseAccounts(data []byte) (*AccountsFile, error) {
	var f AccountsFile
	if _, err := decodeYAML(AccountsFileName, data, &f); err != nil {
		return nil, err
	}
	f.normalize()
	return &f, nil
}

// ParseModels parses the content of a models.yaml file. Empty input is an
// empty file. Errors are *FileError values.
func ParseModels(data []byte) (*ModelsFile, error) {
	var f ModelsFile
	if _, err := decodeYAML(ModelsFileName, data, &f); err != nil {
		return nil, err
	}
	f.normalize()
	return &f, nil
}

func (f *ControllersFile) normalize() {
	if f.Controllers == nil {
		f.Controllers = map[string]ControllerDetails{}
	}
}

func (f *AccountsFile) normalize() {
	if f.Controllers == nil {
		f.Controllers = map[string]AccountDetails{}
	}
}

func (f *ModelsFile) normalize() {
	if f.Controllers == nil {
		f.Controllers = map[string]*ControllerModels{}
	}
	for name, cm := range f.Controllers {
		if cm == nil {
			cm = &ControllerModels{}
			f.Controllers[name] = cm
		}
		if cm.Models == nil {
			cm.Models = map[string]ModelDetails{}
		}
	}
}

// decodeYAML parses data into a node tree and decodes that tree into out.
// It returns the document node, whose single child is the top-level
// mapping, or nil for an empty document. It never panics: a panic inside
// the YAML library becomes a *FileError.
func decodeYAML(name string, data []byte, out any) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc = nil
			err = &FileError{Path: name, Err: fmt.Errorf("YAML decoder failed: %v", r), parse: true}
		}
	}()
	var d yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&d); err != nil {
		if isEOF(err) {
			return nil, nil
		}
		return nil, parseError(name, err)
	}
	if d.Kind != yaml.DocumentNode || len(d.Content) == 0 {
		return nil, nil
	}
	top := d.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return nil, nil
	}
	if err := top.Decode(out); err != nil {
		return nil, parseError(name, err)
	}
	if top.Kind != yaml.MappingNode {
		// Decode accepts an alias to a mapping; writers need the mapping
		// itself. Anything else was already refused by Decode.
		return nil, &FileError{Path: name, Line: top.Line, Err: fmt.Errorf("top level is not a plain mapping"), parse: true}
	}
	return &d, nil
}
