# Gatehouse — see README.md. Every target installs what it is missing first.
#   make run    build everything and start the server on http://localhost:8080
#   make test   build everything and run every test suite
#   make build  build the server (build/gatehouse) and the web app (web/dist)
#   make bench  benchmarks (see bench/README.md)
#   make lint   formatting and layering checks (part of make test)
#   make fuzz   every libFuzzer target for FUZZ_SECONDS each (default 60; tests/fuzz)
#   make test-sanitizers   unit, store and API suites under ASan+UBSan, threads under TSan

BUILD_DIR ?= build/release
JOBS ?= $(shell nproc)
# CI builds treat warnings as errors.
WERROR := $(if $(CI),ON,OFF)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DGH_WERROR=$(WERROR) -DGH_BUILD_BENCH=ON

.PHONY: all build run test deps test-deps server web web-deps test-cpp test-web test-e2e test-compat test-bench-smoke bench format lint clean fuzz-deps fuzz-build fuzz test-fuzz-smoke test-sanitizers test-asan test-tsan

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test bench

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

server: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS) --target gatehouse
	@cp $(BUILD_DIR)/gatehouse build/gatehouse

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-deps: deps web/node_modules/.installed

web: web-deps
	cd web && npm run build --silent

build: server web

run: build
	@echo "Gatehouse: http://localhost:$${GATEHOUSE_PORT:-8080}  (Ctrl-C stops it)"
	GATEHOUSE_DEMO=$${GATEHOUSE_DEMO:-1} ./build/gatehouse serve

test-cpp: deps test-deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@cp $(BUILD_DIR)/gatehouse build/gatehouse
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-web: web-deps
	cd web && npm test --silent

test-e2e: build test-deps
	cd web && GATEHOUSE_BIN=$(CURDIR)/build/gatehouse npm run e2e:only --silent

tests/compat/node_modules/.installed: tests/compat/package-lock.json
	cd tests/compat && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-compat: server test-deps tests/compat/node_modules/.installed
	cd tests/compat && GATEHOUSE_BIN=$(CURDIR)/build/gatehouse npm test --silent

# Every benchmark scenario once, for a few seconds, so the harness cannot rot.
test-bench-smoke: test-cpp
	GATEHOUSE_BIN=$(CURDIR)/build/gatehouse GH_MICRO_BIN=$(CURDIR)/$(BUILD_DIR)/bench/gh_micro_bench bench/run.sh --smoke

# Formatting, and the two one-way rules: src/ layers include only downward
# (scripts/check-layers.py) and web/ imports go components/lib → features → app (ESLint).
lint: web-deps
	clang-format --dry-run -Werror $$(git ls-files '*.h' '*.cc')
	/usr/bin/python3 scripts/check-layers.py
	cd web && npx prettier --check . --log-level warn
	cd web && npm run lint --silent

# The fuzz build: clang with libFuzzer, ASan and UBSan, in its own directory so the g++
# build is untouched. FUZZ_SECONDS per target; CI runs each for FUZZ_SMOKE_SECONDS.
FUZZ_DIR ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

fuzz-deps:
	@scripts/install-deps.sh fuzz

$(FUZZ_DIR)/CMakeCache.txt:
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGH_FUZZ=ON

fuzz-build: deps fuzz-deps $(FUZZ_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets

fuzz: fuzz-build
	scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

test-fuzz-smoke: fuzz-build
	scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS)

# Sanitizer builds (CMakePresets.json), each in build/<preset>; see scripts/sanitize.sh.
test-asan: deps test-deps
	JOBS=$(JOBS) scripts/sanitize.sh asan

test-tsan: deps test-deps
	JOBS=$(JOBS) scripts/sanitize.sh tsan

test-sanitizers: test-asan test-tsan

test: lint test-cpp test-web test-e2e test-compat test-bench-smoke test-fuzz-smoke

bench:
	@scripts/install-deps.sh bench
	bench/run.sh

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')
	cd web && npx prettier --write .

clean:
	rm -rf build web/dist
