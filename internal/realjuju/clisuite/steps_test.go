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

	// Removals: accepted; without agents they never complete.
	{args: []string{"remove-application", "-m", "{model}", "web", "--no-prompt"}, out: []string{"will remove application web"}, compare: true},
	{args: []string{"destroy-model", "{model}", "--no-prompt", "--destroy-storage"}, hangs: real40, out: []string{"Destroying model"}},
}
