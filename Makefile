# hotfolder-agent: `make run` starts the agent on hotfolders.example with demo folders under ./demo;
# `make test` runs every test. Both install missing Debian packages first (as root).

SWIFT      ?= swift
CONFIG     ?= hotfolders.example
DEMO_ROOTS  = demo/business-cards demo/cards-two-files demo/posters

.PHONY: all deps build run run-cluster test test-tools torture bench clean release install install-files deb

# Install layout. `make install` as root also creates the system user and reloads systemd; with DESTDIR
# it only stages files (what `make deb` does).
PREFIX    ?= /usr/local
DESTDIR   ?=
UNITDIR   ?= /lib/systemd/system
BINARY    ?= $(shell $(SWIFT) build -c release --show-bin-path 2>/dev/null)/hotfolder-agent
DOCDIR     = $(PREFIX)/share/doc/hotfolder-agent

all: build

deps:
	@./scripts/ensure-packages.sh

build: deps
	$(SWIFT) build --product hotfolder-agent

run: build
	@mkdir -p $(DEMO_ROOTS)
	@./scripts/demo-banner.sh "$(CONFIG)"
	exec "$$($(SWIFT) build --show-bin-path)/hotfolder-agent" run --config $(CONFIG)

# Three agents (node-1..node-3) on one demo folder and one private PostgreSQL, as a shop with three servers
# sharing a NAS would run them; prints each bridge's URL; Ctrl-C stops them all and the database.
run-cluster: build
	@./scripts/ensure-packages.sh --cluster
	./scripts/run-cluster.sh "$$($(SWIFT) build --show-bin-path)/hotfolder-agent"

# Swift suites (unit, loopback HTTP, end-to-end on the real binary, Chromium on the proof page), then
# schemathesis against a running agent's own /openapi.yaml. A private PostgreSQL server (initdb on a free
# loopback port, stopped and removed after, whatever the outcome) holds the store contract tests' databases.
# Python test tools live in a virtual environment under .build/ (Debian 12 refuses pip in the system
# Python); the suites find its python3 and schemathesis first on PATH.
VENV       = .build/test-tools
TEST_TOOLS = jsonschema==4.26.0 schemathesis==4.32.5 standardwebhooks==1.1.0
TEST_PATH  = $(CURDIR)/$(VENV)/bin:$(PATH)

test: deps test-tools
	$(SWIFT) build --build-tests
	@./scripts/corpus-notice.sh
	@postgres=$$(./scripts/postgres-test-cluster.sh start) || exit 1; \
	  trap './scripts/postgres-test-cluster.sh stop "$$(echo "$$postgres" | tail -1)"' EXIT; \
	  echo "==> PostgreSQL for the store contract tests: $$(echo "$$postgres" | head -1)"; \
	  PATH="$(TEST_PATH)" HFA_BINARY="$$($(SWIFT) build --show-bin-path)/hotfolder-agent" HFA_REQUIRE_TEST_TOOLS=1 \
	  HFA_POSTGRES_URL="$$(echo "$$postgres" | head -1)" HFA_POSTGRES_CA="$$(echo "$$postgres" | sed -n 2p)" ./scripts/run-suites.sh $(SWIFT) test --skip-build --no-parallel
	PATH="$(TEST_PATH)" ./scripts/api-contract-test.sh "$$($(SWIFT) build --show-bin-path)/hotfolder-agent"

test-tools:
	@./scripts/ensure-packages.sh --test
	@[ -x $(VENV)/bin/python3 ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python3 -c "import jsonschema, schemathesis, standardwebhooks" 2>/dev/null \
	  || $(VENV)/bin/python3 -m pip install --quiet $(TEST_TOOLS)

# The torture suite at full strength (make test runs it with 3 kill rounds).
torture: deps test-tools
	$(SWIFT) build --build-tests
	PATH="$(TEST_PATH)" HFA_BINARY="$$($(SWIFT) build --show-bin-path)/hotfolder-agent" HFA_TORTURE_ROUNDS=10 $(SWIFT) test --skip-build --no-parallel --filter TortureTests

# Speed figures, each beside a reference tool measured in the same run; writes docs/benchmarks.md.
bench: deps
	@./scripts/ensure-packages.sh --bench
	$(SWIFT) build -c release --product hotfolder-agent
	python3 scripts/bench.py --binary "$$($(SWIFT) build -c release --show-bin-path)/hotfolder-agent" --output docs/benchmarks.md

release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product hotfolder-agent

install: release install-files
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ]; then \
	  systemd-sysusers $(PREFIX)/lib/sysusers.d/hotfolder-agent.conf; \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
	  echo "Installed. Edit /etc/hotfolder-agent/hotfolders.yaml, list the hot folder roots in a drop-in"; \
	  echo "($(DOCDIR)/folders.conf.example), then: systemctl enable --now hotfolder-agent"; \
	fi

# Files only, into $(DESTDIR): the binary, the unit (ExecStart pointing at $(PREFIX)/bin), the sysusers
# entry, docs, and the example config as /etc/hotfolder-agent/hotfolders.yaml unless one is there.
install-files:
	@install -D -m 0755 "$(BINARY)" "$(DESTDIR)$(PREFIX)/bin/hotfolder-agent"
	install -d "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(DOCDIR)" "$(DESTDIR)/etc/hotfolder-agent"
	sed 's|/usr/bin/hotfolder-agent|$(PREFIX)/bin/hotfolder-agent|g; s|file:///usr/share/doc|file://$(PREFIX)/share/doc|' \
	  systemd/hotfolder-agent.service > "$(DESTDIR)$(UNITDIR)/hotfolder-agent.service"
	chmod 0644 "$(DESTDIR)$(UNITDIR)/hotfolder-agent.service"
	install -D -m 0644 packaging/sysusers.conf "$(DESTDIR)$(PREFIX)/lib/sysusers.d/hotfolder-agent.conf"
	install -m 0644 systemd/hotfolder-agent.service.d/folders.conf.example README.md docs/operations.md hotfolders.example "$(DESTDIR)$(DOCDIR)/"
	@if [ ! -e "$(DESTDIR)/etc/hotfolder-agent/hotfolders.yaml" ]; then \
	  sed -e 's|^state_dir: .*|state_dir: /var/lib/hotfolder-agent|' -e 's|root: ./demo/|root: /srv/hotfolders/|' \
	      -e 's|^  secret: .*|  # secret: "whsec_..."   # unset: a secret is made once in state_dir/callback-secret|' \
	      hotfolders.example > "$(DESTDIR)/etc/hotfolder-agent/hotfolders.yaml"; \
	  chmod 0640 "$(DESTDIR)/etc/hotfolder-agent/hotfolders.yaml"; \
	fi

# A Debian package of the release build (Swift runtime linked in), in ./dist.
deb: release
	./scripts/build-deb.sh --binary "$$($(SWIFT) build -c release --show-bin-path)/hotfolder-agent" --output dist

clean:
	rm -rf .build demo dist
