package jujusim

import (
	"fmt"
	"log/slog"
)

// Juju versions the simulator can impersonate.
const (
	// Juju40 is the default: the Juju 4.0 facade set and semantics.
	Juju40 = "4.0.15"
	// Juju36 selects the Juju 3.6 LTS facade set and semantics.
	Juju36 = "3.6.28"
)

// DefaultAddr is the address Start listens on when Config.Addr is empty: a
// free port on the IPv4 loopback interface.
const DefaultAddr = "127.0.0.1:0"

// Speed names a preset for how long the simulated agents take.
type Speed string

// Speed presets.
const (
	// SpeedFast takes milliseconds per lifecycle step (the default).
	SpeedFast Speed = "fast"
	// SpeedRealistic takes seconds per step, like a real controller.
	SpeedRealistic Speed = "realistic"
	// SpeedInstant settles everything as soon as the clock lets it.
	SpeedInstant Speed = "instant"
)

// ParseSpeed parses "realistic", "fast" or "instant".
func ParseSpeed(s string) (Speed, error) {
	switch sp := Speed(s); sp {
	case SpeedFast, SpeedRealistic, SpeedInstant:
		return sp, nil
	}
	return "", fmt.Errorf("cannot parse speed %q: want realistic, fast or instant", s)
}

// Config configures a simulated controller. The zero value is valid: a Juju
// 4.0.15 controller on a free loopback port with a generated CA, fast
// timing, the real clock, a generated admin password and no logging.
type Config struct {
	// JujuVersion is Juju40 ("4.0.15", the default) or Juju36 ("3.6.28").
	JujuVersion string

	// Addr is the TCP address to listen on; "" means DefaultAddr.
	Addr string

	// CACert and CAKey (both PEM) are the CA that signs the server
	// certificate. When both are empty a new ECDSA CA is generated.
	CACert string
	CAKey  string

	// Speed selects a timing preset; "" means SpeedFast. Timing, when
	// set, takes precedence.
	Speed Speed

	// Timing sets how long each simulated lifecycle step takes; the zero
	// value means the preset Speed names.
	Timing Timing

	// Clock is the simulator's time source; nil means the real clock. Use
	// a *FakeClock (NewFakeClock) to move time from the test.
	Clock Clock

	// Logger receives the simulator's logs; nil means silent.
	Logger *slog.Logger

	// AdminPassword is the password of the "admin" user; "" means generated.
	AdminPassword string

	// ControllerName is the controller's name; "" means "jujusim".
	ControllerName string

	// ControllerUUID is the controller's UUID; "" means generated.
	ControllerUUID string

	// DefaultModel is the name of the model created at start next to the
	// "controller" model, owned by admin; "" means "default".
	DefaultModel string

	// KubernetesCloud, when set, names a Kubernetes cloud registered at
	// start next to the "dummy" cloud (see DefaultKubernetesCloud), as a
	// controller that manages a cluster has: models added on it are
	// container models, whose applications scale pods. The juju CLI
	// then wants a cloud named in add-model, as on any controller with
	// two clouds. "" registers none (Server.AddCloud adds one later).
	KubernetesCloud string

	// Charms are charms added to the simulated Charmhub at start from
	// their real metadata (see Server.AddCharmhubCharm): .charm archives,
	// charm directories, or metadata.yaml/charmcraft.yaml files.
	Charms []string
}

// DefaultKubernetesCloud is a name for Config.KubernetesCloud.
const DefaultKubernetesCloud = "k8s"

func (c Config) withDefaults() (Config, error) {
	switch c.JujuVersion {
	case "":
		c.JujuVersion = Juju40
	case Juju40, Juju36:
	default:
		return c, fmt.Errorf("cannot start simulator: unsupported Juju version %q (want %q or %q)", c.JujuVersion, Juju40, Juju36)
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Speed == "" {
		c.Speed = SpeedFast
	}
	if _, err := ParseSpeed(string(c.Speed)); err != nil {
		return c, fmt.Errorf("cannot start simulator: %w", err)
	}
	return c, nil
}
