# Maintainer targets. The generated facade clients come from Juju's API
# schemas: drop new schema files into ../shared/schemas (or pass SCHEMAS) and
# run `make client`.

SCHEMAS ?=

.PHONY: client
client:
	go run ./internal/cmd/facadegen $(SCHEMAS)
