# hotfolder-agent: `make run` starts the agent on hotfolders.example with demo folders under ./demo;
# `make test` runs every test. Both install missing Debian packages first (as root).

SWIFT      ?= swift
CONFIG     ?= hotfolders.example
DEMO_ROOTS  = demo/business-cards demo/posters

.PHONY: all deps build run test bench clean

all: build

deps:
	@./scripts/ensure-packages.sh

build: deps
	$(SWIFT) build --product hotfolder-agent

run: build
	@mkdir -p $(DEMO_ROOTS)
	@./scripts/demo-banner.sh "$(CONFIG)"
	exec "$$($(SWIFT) build --show-bin-path)/hotfolder-agent" run --config $(CONFIG)

# Swift suites (unit, loopback HTTP, end-to-end on the real binary, Chromium on the proof page), then
# schemathesis against a running agent's own /openapi.yaml.
test: deps
	@./scripts/ensure-packages.sh --test
	@python3 -c "import jsonschema" 2>/dev/null || python3 -m pip install --quiet jsonschema
	@command -v schemathesis >/dev/null 2>&1 || python3 -m pip install --quiet schemathesis==4.32.5
	@python3 -c "import standardwebhooks" 2>/dev/null || python3 -m pip install --quiet standardwebhooks==1.1.0
	$(SWIFT) build --build-tests
	HFA_BINARY="$$($(SWIFT) build --show-bin-path)/hotfolder-agent" HFA_REQUIRE_TEST_TOOLS=1 $(SWIFT) test --skip-build --no-parallel
	./scripts/api-contract-test.sh "$$($(SWIFT) build --show-bin-path)/hotfolder-agent"

# Speed figures, each beside a reference tool measured in the same run; writes docs/benchmarks.md.
bench: deps
	@./scripts/ensure-packages.sh --bench
	$(SWIFT) build -c release --product hotfolder-agent
	python3 scripts/bench.py --binary "$$($(SWIFT) build -c release --show-bin-path)/hotfolder-agent" --output docs/benchmarks.md

clean:
	rm -rf .build demo
