package clisuite_test

// table is the real-CLI suite: the everyday juju commands, run in this
// order on every target (one model, "{model}", built up step by step).
// Add new commands as rows; mark with only/hangs what a target cannot do
// and with compare what must print the same on the simulator as on the
// real server.
var table = []step{
	{args: []string{"models"}, out: []string{"Controller: {controller}", "Model", "Cloud/Region"}},
	{args: []string{"add-model", "{model}"}, out: []string{"Added '{model}' model on dummy/dummy-region"}, compare: true},
	{args: []string{"models", "--format", "json"}, json: true, out: []string{`"short-name":"{model}"`}},
	{args: []string{"show-model", "{model}"}, out: []string{"{model}:", "model-uuid:", "life: alive"},
		outBy: map[int][]string{sim40: {"validity-check: valid", "secret-backends:"}, real40: {"validity-check: valid", "secret-backends:"}}, compare: true},

	// Deploy: a local archive with config, constraints and base; Charmhub.
	{args: []string{"deploy", "-m", "{model}", "{db_charm}", "db", "--config", "greeting=hi", "--constraints", "mem=1G", "--base", "ubuntu@22.04"},
		out: []string{`Deploying "db" from local charm "suite-db", revision 0 on ubuntu@22.04`}, compare: true},
	{args: []string{"deploy", "-m", "{model}", "{app_charm}", "web"}, out: []string{`Deploying "web" from local charm "suite-app"`}, compare: true},
	{args: []string{"deploy", "-m", "{model}", "postgresql", "--channel", "14/stable"}, only: sim40 | sim36,
		out: []string{`Deployed "postgresql" from charm-hub charm "postgresql"`}},

	// Units and relations.
	{args: []string{"add-unit", "-m", "{model}", "db"}, compare: true},
	{args: []string{"remove-unit", "-m", "{model}", "db/1", "--no-prompt"}, out: []string{"will remove unit db/1"}, compare: true},
	{args: []string{"integrate", "-m", "{model}", "web", "db"}, compare: true},
	{args: []string{"integrate", "-m", "{model}", "web", "db"}, exit: 1, out: []string{"already exists"}},

	// Config.
	{args: []string{"config", "-m", "{model}", "db"}, out: []string{"greeting:", "value: hi", "workers:"}, compare: true},
	{args: []string{"config", "-m", "{model}", "db", "greeting=yo", "debug=true"}, compare: true},
	{args: []string{"config", "-m", "{model}", "db", "greeting"}, out: []string{"yo"}, compare: true},
	{args: []string{"config", "-m", "{model}", "db", "--reset", "greeting"}, compare: true},
	{args: []string{"config", "-m", "{model}", "db", "greeting"}, out: []string{"hello"}, compare: true},
	{args: []string{"config", "-m", "{model}", "db", "workers=many"}, exit: 1, out: []string{"workers"}},
	{args: []string{"model-config", "-m", "{model}", "update-status-hook-interval=7m"}, compare: true},
	{args: []string{"model-config", "-m", "{model}", "update-status-hook-interval"}, out: []string{"7m"}, compare: true},
	{args: []string{"model-config", "-m", "{model}"}, out: []string{"Attribute", "update-status-hook-interval", "7m"}},

	// Constraints.
	{args: []string{"constraints", "-m", "{model}", "db"}, out: []string{"mem=1024M"}, compare: true},
	{args: []string{"set-constraints", "-m", "{model}", "db", "cores=2"}, compare: true},
	{args: []string{"constraints", "-m", "{model}", "db"}, out: []string{"cores=2"}, compare: true},
	{args: []string{"set-model-constraints", "-m", "{model}", "mem=2G"}, compare: true},
	{args: []string{"model-constraints", "-m", "{model}"}, out: []string{"mem=2048M"}, compare: true},

	// Expose and trust.
	{args: []string{"expose", "-m", "{model}", "db"}, compare: true},
	{args: []string{"trust", "-m", "{model}", "db"}, compare: true},
	{args: []string{"config", "-m", "{model}", "db", "trust"}, out: []string{"true"}, compare: true},
	{args: []string{"show-application", "-m", "{model}", "db"}, out: []string{"db:", "charm: suite-db", "exposed: true"}},
	{args: []string{"unexpose", "-m", "{model}", "db"}, compare: true},

	// Actions: without agents a task stays pending, so the real server
	// gets them in the background.
	{args: []string{"actions", "-m", "{model}", "db"}, out: []string{"backup", "Back the database up.", "ping"}, compare: true},
	{args: []string{"run", "-m", "{model}", "db/0", "ping"}, only: sim40 | sim36, out: []string{"completed"}},
	{args: []string{"run", "-m", "{model}", "db/0", "backup", "target=/x", "--background"}, out: []string{"Scheduled operation"},
		capture: map[string]string{"op": `Scheduled operation (\d+)`}},
	{args: []string{"operations", "-m", "{model}"}, out: []string{"Summary", "backup"}},
	{args: []string{"show-operation", "-m", "{model}", "{op}"}, out: []string{"backup", "target: /x"}},

	// Exec: the simulator's agents run it (a handler answers, see
	// jujusim.ExecHandler); on the real server the task stays pending and
	// the CLI's wait times out.
	{args: []string{"exec", "-m", "{model}", "--unit", "db/0", "--", "hostname"}, only: sim40 | sim36, out: []string{"juju-"}},
	{args: []string{"exec", "-m", "{model}", "--unit", "db/leader", "--", "whoami"}, only: sim40 | sim36, out: []string{"root"}},
	{args: []string{"exec", "-m", "{model}", "--machine", "0", "--", "uptime"}, only: sim40 | sim36, out: []string{"load average"}},
	{args: []string{"exec", "-m", "{model}", "--all", "--", "echo", "hi"}, only: sim40 | sim36, out: []string{"hi"}},
	{args: []string{"exec", "-m", "{model}", "--unit", "db/0", "--", "false"}, only: sim40 | sim36, exit: 1,
		out: []string{"the following task failed", "with return code 1"}},
	{args: []string{"exec", "-m", "{model}", "--unit", "db/0", "--format", "json", "--", "echo", "x"}, only: sim40 | sim36, json: true,
		out: []string{`"return-code":0`, `"stdout":"x\n"`}},
	{args: []string{"exec", "-m", "{model}", "--wait", "2s", "--unit", "db/0", "--", "hostname"}, only: real40, exit: 1,
		out: []string{"timed out waiting for results from: unit db/0"}},
	{args: []string{"exec", "-m", "{model}", "--unit", "db/7", "--", "true"}, out: []string{"failed to schedule any tasks", `unit "db/7" not found`}},
	{args: []string{"exec", "-m", "{model}", "--background", "--unit", "db/0", "--", "hostname"}, out: []string{"Scheduled operation"},
		capture: map[string]string{"execop": `Scheduled operation (\d+)`, "exectask": `with task (\d+)`}},
	{args: []string{"show-task", "-m", "{model}", "{exectask}"}, outBy: map[int][]string{real40: {"pending"}, sim40: {"juju-"}, sim36: {"juju-"}}},
	{args: []string{"show-operation", "-m", "{model}", "{execop}"}, out: []string{`summary: exec "hostname"`, "name: juju-exec", "command: hostname"}},
	{args: []string{"operations", "-m", "{model}"}, out: []string{`exec "hostname"`}},

	// Relation data as show-unit prints it: with agents, the units in
	// scope and the address keys their agents write.
	{args: []string{"show-unit", "-m", "{model}", "web/0"}, out: []string{"endpoint: db", "related-endpoint: db", "related-units:", "db/0:"},
		outBy: map[int][]string{sim40: {"in-scope: true", "private-address:"}, sim36: {"in-scope: true", "private-address:"}, real40: {"in-scope: false"}}},
	{args: []string{"show-unit", "-m", "{model}", "web/0", "--format", "json"}, json: true, out: []string{`"relation-info"`, `"related-units"`}},

	// SSH keys, and ssh/scp: the real test bed's machines have no
	// address; the real CLI's ssh (OpenSSH, port 22) cannot reach the
	// simulator's jump host (the library can: see juju.SSHOptions).
	{args: []string{"add-ssh-key", "-m", "{model}", "{ssh_key}"}, compare: true},
	{args: []string{"ssh-keys", "-m", "{model}"}, out: []string{"Keys used in model: {model}"}, compare: true,
		outBy: map[int][]string{sim40: {"{ssh_fingerprint}"}, real40: {"{ssh_fingerprint}"}, sim36: {"{ssh_md5} (suite@clisuite)"}}},
	{args: []string{"ssh-keys", "-m", "{model}", "--full"}, out: []string{"{ssh_key}"}, compare: true},
	// A key refused by the controller is reported, yet juju exits 0.
	{args: []string{"add-ssh-key", "-m", "{model}", "{ssh_key}"}, outBy: map[int][]string{sim40: {"already exist"}, real40: {"already exist"},
		sim36: {"duplicate ssh key: {ssh_key}"}}, compare: true},
	{args: []string{"add-ssh-key", "-m", "{model}", "not-a-key"}, outBy: map[int][]string{sim40: {"is invalid"}, real40: {"is invalid"},
		sim36: {"invalid ssh key: not-a-key"}}, compare: true},
	{args: []string{"remove-ssh-key", "-m", "{model}", "suite@clisuite"}, compare: true},
	{args: []string{"ssh-keys", "-m", "{model}"}, out: []string{"No keys to display."}, compare: true},
	// The 3.6 CLI's add-model put the client's key (juju-client-key) in
	// the model's authorized-keys, which are its keys on 3.6 (not listed,
	// not removable); Juju 4 keeps keys out of model config.
	{args: []string{"model-config", "-m", "{model}", "authorized-keys"}, only: sim36, out: []string{"juju-client-key"}},
	{args: []string{"remove-ssh-key", "-m", "{model}", "juju-client-key"}, only: sim36, out: []string{"may not delete internal key: juju-client-key"}},
	{args: []string{"model-config", "-m", "{model}", "authorized-keys={ssh_key}"}, only: sim40 | real40, exit: 1,
		out: []string{`config key ["authorized-keys"] not valid: attributes not allowed in model config`}, compare: true},
	{args: []string{"ssh", "-m", "{model}", "db/0", "true"}, only: real40, exit: 1, out: []string{"no available address(es)"}},
	{args: []string{"scp", "-m", "{model}", "db/0:/etc/hostname", "{tmp}/hostname"}, only: real40, exit: 1, out: []string{"no available address(es)"}},

	// User secrets.
	{args: []string{"add-secret", "-m", "{model}", "apikey", "token=s3cr3t", "--info", "the API key"}, out: []string{"secret:"},
		capture: map[string]string{"secret": `secret:([0-9a-v]{20})`}},
	{args: []string{"update-secret", "-m", "{model}", "apikey", "token=n3w"}, compare: true},
	{args: []string{"grant-secret", "-m", "{model}", "apikey", "web"}, compare: true},
	{args: []string{"revoke-secret", "-m", "{model}", "apikey", "web"}, compare: true},
	{args: []string{"show-secret", "-m", "{model}", "apikey", "--reveal"}, out: []string{"{secret}:", "revision: 2", "token: n3w", "name: apikey"}, compare: true},
	{args: []string{"secrets", "-m", "{model}"}, out: []string{"apikey", "{secret}"}},
	{args: []string{"remove-secret", "-m", "{model}", "apikey"}, compare: true},

	// Status in every format, with and without a pattern.
	{args: []string{"status", "-m", "{model}"}, out: []string{"Model", "{model}", "App", "db", "web", "Unit", "db/0", "Machine"}},
	{args: []string{"status", "-m", "{model}", "--relations"}, out: []string{"Integration provider", "db:db", "web:db"}},
	{args: []string{"status", "-m", "{model}", "--format", "json"}, json: true, out: []string{`"applications"`, `"db/0"`}},
	{args: []string{"status", "-m", "{model}", "--format", "yaml"}, out: []string{"applications:", "db/0:", "machines:"}},
	{args: []string{"status", "-m", "{model}", "--format", "short"}, out: []string{"db/0"}},
	{args: []string{"status", "-m", "{model}", "--format", "oneline"}, out: []string{"db/0"}},
	{args: []string{"status", "-m", "{model}", "--format", "line"}, out: []string{"db/0"}},
	{args: []string{"status", "-m", "{model}", "--format", "summary"}, out: []string{"Running on subnets", "Applications"}},
	{args: []string{"status", "-m", "{model}", "db"}, out: []string{"db/0"}, absent: []string{"web/0"}},
	{args: []string{"show-unit", "-m", "{model}", "db/0"}, out: []string{"db/0:", "charm: local:suite-db-0", "life: alive", "relation-info:", "endpoint: cluster"}},

	// The debug log: the real test bed never closes it.
	{args: []string{"debug-log", "-m", "{model}", "--replay", "--no-tail"}, hangs: real40},

	// High availability is not simulated: refused as not supported (3.6
	// once answered "not implemented", which the CLI reports as a client
	// to re-install).
	{args: []string{"enable-ha"}, only: sim36, exit: 1, out: []string{"ERROR enable-ha is not supported (not supported)"}, absent: []string{"re-install"}},

	// Cross-model relations: offer db's endpoint, consume it in a second
	// model, relate to the SAAS, grant and revoke access, remove the SAAS
	// and the offer. The real test bed runs no workers, so its offers
	// have no connections and its SAAS stays listed (dying) once removed.
	{args: []string{"offer", "{model}.db:db", "dbo"}, out: []string{`Application "db" endpoints [db] available at "admin/{model}.dbo"`}, compare: true},
	{args: []string{"offer", "{model}.db:nope", "dbo2"}, exit: 1, out: []string{"nope"}, compare: true},
	{args: []string{"offer", "{model}.db:db,nope", "dbo2"}, exit: 1, out: []string{"nope"}, compare: true},
	{args: []string{"offer", "{model}.nosuch:db", "dbo2"}, exit: 1, out: []string{`application "nosuch" not found`}, compare: true},
	{args: []string{"show-offer", "admin/{model}.nope"}, exit: 1, out: []string{"admin/{model}.nope"}, compare: true},
	{args: []string{"show-offer", "admin/{model}-none.nope"}, exit: 1, out: []string{"not found"}, compare: true},
	{args: []string{"offers", "-m", "{model}"}, out: []string{"Offer", "dbo"}},
	{args: []string{"offers", "-m", "{model}", "--format", "json"}, json: true, out: []string{`"dbo"`, `"application":"db"`}},
	// (show-offer and find-offers print the controller name in a column,
	// padded to its width: the outputs are not compared.)
	{args: []string{"show-offer", "admin/{model}.dbo"}, out: []string{"admin/{model}.dbo", "admin", "db", "suite-db", "provider"}},
	{args: []string{"find-offers", "--url", "admin/{model}"}, out: []string{"admin/{model}.dbo", "suite-db:db"}},
	{args: []string{"find-offers", "--interface", "suite-db"}, out: []string{"admin/{model}.dbo"}},
	{args: []string{"add-model", "{model}-cmr"}, out: []string{"Added '{model}-cmr' model"}},
	{args: []string{"deploy", "-m", "{model}-cmr", "{app_charm}", "web2"}, out: []string{`Deploying "web2" from local charm "suite-app"`}},
	{args: []string{"consume", "-m", "{model}-cmr", "admin/{model}.dbo"}, out: []string{"Added admin/{model}.dbo as dbo"}, compare: true},
	{args: []string{"consume", "-m", "{model}-cmr", "admin/{model}.nope"}, exit: 1, out: []string{"not found"}, compare: true},
	{args: []string{"consume", "-m", "{model}-cmr", "admin/{model}-none.nope"}, exit: 1, out: []string{"not found"}, compare: true},
	{args: []string{"integrate", "-m", "{model}-cmr", "web2", "dbo"}, compare: true},
	{args: []string{"status", "-m", "{model}-cmr"}, out: []string{"SAAS", "dbo", "admin/{model}.dbo", "web2"}},
	{args: []string{"status", "-m", "{model}-cmr", "--relations"}, out: []string{"dbo:db", "web2:db"}},
	{args: []string{"status", "-m", "{model}-cmr", "--format", "json"}, json: true, out: []string{`"application-endpoints"`, `"dbo"`, `admin/{model}.dbo"`}},
	{args: []string{"status", "-m", "{model}"}, out: []string{"Offer", "dbo", "suite-db"}},
	{args: []string{"offers", "-m", "{model}"}, out: []string{"dbo"}, outBy: map[int][]string{sim40: {"joined"}, sim36: {"joined"}}},
	{args: []string{"add-user", "cmruser"}, out: []string{"User \"cmruser\" added"}},
	{args: []string{"grant", "cmruser", "consume", "admin/{model}.dbo"}, compare: true},
	{args: []string{"grant", "cmruser", "consume", "admin/{model}.nope"}, exit: 1, out: []string{"not found"}, compare: true},
	{args: []string{"show-offer", "admin/{model}.dbo", "--format", "yaml"}, out: []string{"cmruser:", "access: consume"}},
	{args: []string{"revoke", "cmruser", "consume", "admin/{model}.dbo"}, compare: true},
	{args: []string{"show-offer", "admin/{model}.dbo", "--format", "yaml"}, out: []string{"cmruser:", "access: read"}},
	{args: []string{"remove-offer", "admin/{model}.dbo", "-y"}, only: sim40 | sim36, exit: 1, out: []string{"offer has 1 relation"}},
	{args: []string{"remove-saas", "-m", "{model}-cmr", "dbo"}, compare: true},
	{args: []string{"remove-offer", "admin/{model}.dbo", "--force", "-y"}, compare: true},
	{args: []string{"remove-offer", "admin/{model}.dbo", "--force", "-y"}, exit: 1, out: []string{"not found"}, compare: true},
	{args: []string{"remove-offer", "admin/{model}-none.dbo", "--force", "-y"}, exit: 1, out: []string{"not found"}, compare: true},
	{args: []string{"offers", "-m", "{model}"}, absent: []string{"dbo"}},
	{args: []string{"destroy-model", "{model}-cmr", "--no-prompt"}, hangs: real40, out: []string{"Destroying model"}},

	// Storage: pools, storage at deploy, add, show, detach, attach to a
	// new unit, remove, and the status section. The real test bed's
	// storage registry has no rootfs and no default pools, and its
	// detachments never complete (no agents).
	{args: []string{"storage-pools", "-m", "{model}"}, outBy: map[int][]string{sim40: {"rootfs", "tmpfs", "loop"}, sim36: {"rootfs", "tmpfs", "loop"},
		real40: {"No storage pools to display."}}},
	{args: []string{"create-storage-pool", "-m", "{model}", "spool", "rootfs"}, only: sim40 | sim36},
	{args: []string{"create-storage-pool", "-m", "{model}", "spool", "machinescoped"}, only: real40},
	{args: []string{"create-storage-pool", "-m", "{model}", "spool2", "nosuch"}, exit: 1, out: []string{`no storage provider "nosuch" exists in the current model`}, compare: true},
	{args: []string{"storage-pools", "-m", "{model}", "--name", "spool"}, out: []string{"Name", "Provider", "spool"}},
	{args: []string{"deploy", "-m", "{model}", "{logs_charm}", "logs", "--storage", "logs=spool,1G,1"}, out: []string{`Deploying "logs" from local charm "suite-logs"`}, compare: true},
	// (Storage ids are numbered model-wide: the simulators' postgresql
	// has pgdata/0, so the ids are captured.)
	{args: []string{"storage", "-m", "{model}"}, out: []string{"Unit", "Storage ID", "logs/0", "filesystem", "spool"},
		capture: map[string]string{"logs1": `logs/0\s+(logs/\d+)`}},
	{args: []string{"storage", "-m", "{model}", "--format", "json"}, json: true, out: []string{`"{logs1}"`, `"filesystems"`}},
	{args: []string{"add-storage", "-m", "{model}", "logs/0", "logs=spool,1G"}, out: []string{"added storage logs/", "to logs/0"},
		capture: map[string]string{"logs2": `added storage (logs/\d+)`}},
	{args: []string{"add-storage", "-m", "{model}", "db/0", "data=1G"}, exit: 1, out: []string{`storage name "data" not supported by charm`}, compare: true},
	{args: []string{"show-storage", "-m", "{model}", "{logs1}"}, out: []string{"{logs1}:", "kind: filesystem", "logs/0:"}},
	{args: []string{"show-storage", "-m", "{model}", "logs/9"}, exit: 1, out: []string{`storage instance "logs/9" not found`}, compare: true},
	{args: []string{"detach-storage", "-m", "{model}", "{logs2}"}, out: []string{"detaching {logs2}"}},
	{args: []string{"detach-storage", "-m", "{model}", "logs/9"}, exit: 1, out: []string{`storage "logs/9" does not exist`}, compare: true},
	{args: []string{"add-unit", "-m", "{model}", "logs", "--attach-storage", "{logs2}"}, only: sim40 | sim36},
	{args: []string{"show-storage", "-m", "{model}", "{logs2}"}, outBy: map[int][]string{sim40: {"logs/1:"}, sim36: {"logs/1:"}, real40: {"logs/0:", "life: dying"}}},
	{args: []string{"attach-storage", "-m", "{model}", "logs/0", "logs/9"}, exit: 1, out: []string{"logs/9"}},
	{args: []string{"remove-storage", "-m", "{model}", "{logs1}", "--force"}, only: sim40 | sim36, out: []string{"removing {logs1}"}},
	{args: []string{"remove-storage", "-m", "{model}", "{logs2}", "--force"}, only: real40, exit: 1, out: []string{"storage instance still attached"}},
	{args: []string{"status", "-m", "{model}", "--storage"}, out: []string{"Storage Unit", "Storage ID", "Mountpoint", "{logs2}"}},

	// Bundles, in a model of their own: local charms beside the bundle,
	// options, a relation, a machine and placement, expose.
	{args: []string{"add-model", "{model}-bun"}, out: []string{"Added '{model}-bun' model"}},
	{args: []string{"deploy", "-m", "{model}-bun", "{bundle}", "--dry-run"}, compare: true,
		out: []string{"Changes to deploy bundle:", "suite-db.charm for base ubuntu@22.04/stable", "- deploy application db on ubuntu@22.04/stable",
			"- expose all endpoints of db and allow access from CIDRs 0.0.0.0/0 and ::/0", "- add new machine 0", "- add relation web:db - db:db",
			"- add unit db/0 to new machine 0", "- add unit db/1 to new machine 1", "- add unit web/0 to new machine 2"}},
	{args: []string{"deploy", "-m", "{model}-bun", "{bundle}"}, compare: true, out: []string{"Executing changes:", "Deploy of bundle completed."}},
	{args: []string{"status", "-m", "{model}-bun"}, out: []string{"db", "web", "suite-db", "suite-app"}},
	{args: []string{"config", "-m", "{model}-bun", "db", "greeting"}, out: []string{"hola"}, compare: true},
	{args: []string{"deploy", "-m", "{model}-bun", "{bundle}", "--dry-run"}, compare: true, out: []string{"Changes to deploy bundle:"}},
	{args: []string{"diff-bundle", "-m", "{model}-bun", "{bundle}"}, compare: true},
	{args: []string{"diff-bundle", "-m", "{model}-bun", "{bundle_bad}"}, out: []string{"bundle-additions:", "web:nosuch"}, compare: true},
	{args: []string{"export-bundle", "-m", "{model}-bun"}, only: sim40 | real40, exit: 1, out: []string{"Juju 4.0 doesn't support exporting bundles (not implemented)"}, compare: true},
	{args: []string{"export-bundle", "-m", "{model}-bun"}, only: sim36, out: []string{"applications:", "db:", "web:", "num_units: 2"}},
	{args: []string{"destroy-model", "{model}-bun", "--no-prompt"}, hangs: real40, out: []string{"Destroying model"}},

	// Removals: accepted; without agents they never complete.
	{args: []string{"remove-application", "-m", "{model}", "web", "--no-prompt"}, out: []string{"will remove application web"}, compare: true},
	{args: []string{"destroy-model", "{model}", "--no-prompt", "--destroy-storage"}, hangs: real40, out: []string{"Destroying model"}},
}
