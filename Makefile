# Maintainer targets. The generated facade clients come from Juju's API
# schemas: drop new schema files into testdata/schemas (see its README.md),
# update internal/cmd/facadegen/facades.go, and run `make client` (or pass
# SCHEMAS to generate from other files).

SCHEMAS ?=

.PHONY: client
client:
	go run ./internal/cmd/facadegen $(SCHEMAS)
