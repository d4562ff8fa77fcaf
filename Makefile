# The two entry points of README: `make demo` and `make test`. Both install what is missing first.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup configure build-cli build demo test test-all clean

setup:
	@tools/setup.sh

# BG_WERROR=ON (what CI's .ci/run gives) makes warnings errors; unset, the build folder keeps its setting.
configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(if $(BG_WERROR),-DBG_WERROR=$(BG_WERROR)) >/dev/null

# The demo needs the CLI and the shims it builds with it, not the tests: 229 of the 354 compile
# steps, so a fresh clone reaches its first verdict sooner.
build-cli: configure
	@cmake --build $(BUILD) -j $(JOBS) --target bluegreen

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build-cli
	@$(BUILD)/cli/bluegreen demo scenarios/data/seed scenarios/data/seed-fixed --out $(BUILD)/demo

# The whole catalogue and every property run on sim; a live subset of each stays. Tests labelled
# on-demand (the rest of the live catalogue and properties, the live odds) run with test-all.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600 -LE on-demand

test-all: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

clean:
	rm -rf $(BUILD)
