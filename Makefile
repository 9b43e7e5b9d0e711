# The commands of the README. Each one runs scripts/bootstrap first, so a fresh Debian machine needs nothing else.
BUILD ?= build
WERROR ?= 0
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all bootstrap build run test bench lint chat clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -G Ninja -DAPPRODO_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p var
	$(BUILD)/approdo serve --config deploy/approdo.dev.yaml

chat: build
	$(BUILD)/approdo chat

lint: build
	$(BUILD)/approdo lint

test: build
	@cd $(BUILD) && ctest --output-on-failure

bench: build
	@for b in $(BUILD)/bench_*; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf $(BUILD)
