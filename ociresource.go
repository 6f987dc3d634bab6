package juju

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/internal/lazyregexp"
)

// ErrInvalidResource is returned, before anything is sent, for a resource
// value that cannot be used: an image reference that does not parse, a
// registry file that cannot be read or parsed, a file resource given
// something that is not a readable file, or a resource the charm does
// not declare. It also matches ErrInvalidInput.
// It is a kind of ErrInvalidArgument: errors.Is matches both.
var ErrInvalidResource error = &subKindError{msg: "invalid resource", parent: ErrInvalidArgument}

// subKindError is a sentinel that also matches a broader one.
type subKindError struct {
	msg    string
	parent error
}

func (e *subKindError) Error() string        { return e.msg }
func (e *subKindError) Is(target error) bool { return target == e.parent }

// Resource types a charm declares.
const (
	// ResourceFile is a file resource: the content of a local file.
	ResourceFile = "file"
	// ResourceOCIImage is an OCI image resource of a Kubernetes charm:
	// an image reference, with registry credentials if needed.
	ResourceOCIImage = "oci-image"
)

// ImageReference is a parsed OCI image reference such as
// "ghcr.io/canonical/charmed-postgresql:14.11" or
// "ubuntu@sha256:<64 hex digits>".
type ImageReference struct {
	// Domain is the registry host ("ghcr.io", "localhost:32000"); empty
	// for the default registry.
	Domain string
	// Path is the repository path ("canonical/charmed-postgresql").
	Path string
	// Tag is the tag, if any ("14.11").
	Tag string
	// Digest is the content digest, if any ("sha256:<hex>").
	Digest string
}

// String formats the reference as it was parsed.
func (r ImageReference) String() string {
	s := r.Path
	if r.Domain != "" {
		s = r.Domain + "/" + s
	}
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

var (
	imagePathComponent = lazyregexp.New(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	imageDomain        = lazyregexp.New(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$`)
	imageTag           = lazyregexp.New(`^[\w][\w.-]{0,127}$`)
	imageDigest        = lazyregexp.New(`^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)
)

// ParseImageReference parses an OCI image reference,
// [domain/]path[:tag][@digest], with the rules of container registries:
// lower-case path components, a tag of at most 128 word characters, dots
// and dashes, a digest "algorithm:hex". The first component is a domain
// when it has a dot or a port, or is "localhost". Errors match
// ErrInvalidResource.
func ParseImageReference(s string) (ImageReference, error) {
	bad := func(reason string) (ImageReference, error) {
		return ImageReference{}, invalid(ErrInvalidResource, "image reference", s, reason)
	}
	if s == "" {
		return bad("must not be empty")
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return bad("must not contain white space")
	}
	var r ImageReference
	rest := s
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		r.Digest, rest = rest[i+1:], rest[:i]
		if !imageDigest.MatchString(r.Digest) {
			return bad(`the digest must be "algorithm:hex" with at least 32 hex digits`)
		}
	}
	// A tag follows the last colon that comes after the last slash (a
	// colon before it is a registry port).
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && i > strings.LastIndexByte(rest, '/') {
		r.Tag, rest = rest[i+1:], rest[:i]
		if !imageTag.MatchString(r.Tag) {
			return bad("the tag must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'")
		}
	}
	if len(rest) > 255 {
		return bad("the name is longer than 255 characters")
	}
	parts := strings.Split(rest, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		r.Domain, parts = parts[0], parts[1:]
		if !imageDomain.MatchString(r.Domain) {
			return bad(fmt.Sprintf("%q is not a valid registry host", r.Domain))
		}
	}
	for _, p := range parts {
		if !imagePathComponent.MatchString(p) {
			return bad(fmt.Sprintf("path component %q must be lower-case letters and digits separated by '.', '_', '__' or dashes", p))
		}
	}
	r.Path = strings.Join(parts, "/")
	return r, nil
}

// registryDetails is the content of an OCI image resource as the juju CLI
// uploads it: the image and, for a private registry, its credentials.
// The field order is the upload's.
type registryDetails struct {
	RegistryPath string `yaml:"registrypath" json:"registrypath"`
	Username     string `yaml:"username" json:"username"`
	Password     string `yaml:"password" json:"password"`
}

// readRegistryFile reads a JSON or YAML file with registrypath, username
// and password, as "juju deploy --resource image=./details.yaml" takes.
// Its errors never quote the file's content (it holds a password).
func readRegistryFile(name, path string) (registryDetails, error) {
	var d registryDetails
	data, err := os.ReadFile(path)
	if err != nil {
		return d, invalidf(ErrInvalidResource, "resource", name, "cannot read registry file %q: %v", path, errors.Unwrap(err))
	}
	var raw map[string]any
	if json.Unmarshal(data, &raw) != nil {
		raw = nil
		if err := yaml.Unmarshal(data, &raw); err != nil {
			// yaml errors can quote the offending text: give only the line.
			line := ""
			if m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(err.Error()); m != nil {
				line = " (line " + m[1] + ")"
			}
			return d, invalidf(ErrInvalidResource, "resource", name, "registry file %q is neither JSON nor YAML%s", path, line)
		}
	}
	str := func(k string) (string, error) {
		v, ok := raw[k]
		if !ok || v == nil {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", invalidf(ErrInvalidResource, "resource", name, "registry file %q: %q must be a string", path, k)
		}
		return s, nil
	}
	if d.RegistryPath, err = str("registrypath"); err != nil {
		return d, err
	}
	if d.Username, err = str("username"); err != nil {
		return d, err
	}
	if d.Password, err = str("password"); err != nil {
		return d, err
	}
	if d.RegistryPath == "" {
		return d, invalidf(ErrInvalidResource, "resource", name, "registry file %q has no registrypath", path)
	}
	if _, err := ParseImageReference(d.RegistryPath); err != nil {
		return d, invalidf(ErrInvalidResource, "resource", name, "registry file %q: %v", path, err)
	}
	if (d.Username == "") != (d.Password == "") {
		return d, invalidf(ErrInvalidResource, "resource", name, "registry file %q: username and password go together", path)
	}
	return d, nil
}

// resourceUpload is the content of one resource to upload, prepared (and
// checked) before anything is sent.
type resourceUpload struct {
	name     string
	typ      string // ResourceFile or ResourceOCIImage
	filename string // the Content-Disposition file name: the value as given
	data     []byte
	// path and description are the charm's, when known (sent with
	// AddPendingResources).
	path, description string
}

// String never shows the content: an OCI resource's holds a password.
func (u *resourceUpload) String() string {
	return fmt.Sprintf("resource %q (%s, %d bytes)", u.name, u.typ, len(u.data))
}

// isRevision reports whether a resource value is a Charmhub revision.
func isRevision(v string) (int, bool) {
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0
}

// prepareResource reads the content to upload for resource name of type
// typ from the value the caller gave: a file resource takes a readable
// file; an OCI image resource takes a registry file (JSON or YAML with
// registrypath, username, password) or an image reference.
func prepareResource(name, typ, value string) (*resourceUpload, error) {
	if typ == "" {
		typ = ResourceFile
	}
	up := &resourceUpload{name: name, typ: typ, filename: value}
	st, statErr := os.Stat(value)
	isFile := statErr == nil && !st.IsDir()
	switch typ {
	case ResourceOCIImage:
		var d registryDetails
		if isFile {
			var err error
			if d, err = readRegistryFile(name, value); err != nil {
				return nil, err
			}
		} else {
			if _, err := ParseImageReference(value); err != nil {
				return nil, invalidf(ErrInvalidResource, "resource", name, "%q is neither a registry file nor a valid image reference: %v", value, errors.Unwrap(err))
			}
			d.RegistryPath = value
		}
		data, err := yaml.Marshal(d)
		if err != nil {
			return nil, err
		}
		up.data = data
	default:
		if !isFile {
			reason := fmt.Sprintf("%q is not a readable file", value)
			if _, err := ParseImageReference(value); err == nil && !strings.ContainsAny(value, `/\`) {
				reason = fmt.Sprintf("a %s resource takes a file, not an image reference (%q)", typ, value)
			}
			return nil, invalid(ErrInvalidResource, "resource", name, reason)
		}
		data, err := os.ReadFile(value)
		if err != nil {
			return nil, invalidf(ErrInvalidResource, "resource", name, "cannot read %q: %v", value, errors.Unwrap(err))
		}
		up.data = data
	}
	return up, nil
}

// checkResourceValue checks a resource value whose type is not known yet
// (a Charmhub charm before the controller resolved it): a revision, a
// readable file, or an image reference.
func checkResourceValue(name, value string) error {
	if !validResourceName(name) {
		return invalid(ErrInvalidName, "resource name", name, "not a valid resource name")
	}
	if _, ok := isRevision(value); ok {
		return nil
	}
	if st, err := os.Stat(value); err == nil && !st.IsDir() {
		return nil
	}
	if _, err := ParseImageReference(value); err != nil {
		return invalidf(ErrInvalidResource, "resource", name, "%q is neither a revision number, a readable file nor a valid image reference", value)
	}
	return nil
}

var resourceNameRE = lazyregexp.New(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

func validResourceName(s string) bool { return resourceNameRE.MatchString(s) }
