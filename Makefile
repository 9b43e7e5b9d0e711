# The commands of the README. Each one runs scripts/bootstrap first, so a fresh Debian machine needs nothing else.
BUILD ?= build
WERROR ?= 0
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all bootstrap build run test unit sanitize bench lint chat clean
SAN_BUILD ?= build-san
FUZZ_SECONDS ?= 10
# Every parser of outside input, as fuzz target:seed directory (the seeds are its real inputs).
FUZZERS = telegram_update:tests/fixtures/telegram whatsapp_notification:tests/fixtures/whatsapp \
  twilio_form:tests/fixtures/twilio webchat_post:tests/fixtures/webchat config:deploy content_yaml:content/articles \
  message_format:locales yaml_document:content
FUZZ_TARGETS = $(foreach f,$(FUZZERS),$(firstword $(subst :, ,$(f)))_fuzz)

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -G Ninja -DAPPRODO_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p var
	@echo "console: http://127.0.0.1:8080/console/ (first admin: $(BUILD)/approdo users add NAME --role admin --config deploy/approdo.dev.yaml)"
	$(BUILD)/approdo serve --config deploy/approdo.dev.yaml

chat: build
	$(BUILD)/approdo chat

lint: build
	$(BUILD)/approdo lint

# Every test, then the whole suite again built with clang under ASan+UBSan, then each libFuzzer target for a
# short run seeded with the channel's fixtures.
test: unit sanitize

# On a failure the failed checks are printed again last, so the end of a long CI log names them.
FAILED_CHECKS = grep -a -B3 -A12 -E '(ERROR|FATAL ERROR|WARNING): |SUMMARY: (Address|Undefined)|runtime error:'

unit: build
	@cd $(BUILD) && ctest --output-on-failure || { echo "== failed checks"; \
	  $(FAILED_CHECKS) Testing/Temporary/LastTest.log | tail -120; exit 1; }

sanitize: bootstrap
	@CXX=clang++ cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAPPRODO_SANITIZE=ON \
	  -DAPPRODO_FUZZ=ON >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS) --target approdo approdo_tests $(FUZZ_TARGETS)
	@cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./approdo_tests \
	  >approdo_tests.log 2>&1 || { cat approdo_tests.log; echo "== failed checks"; \
	  $(FAILED_CHECKS) approdo_tests.log | tail -120; exit 1; }; tail -4 approdo_tests.log
	@for f in $(FUZZERS); do \
	  target=$${f%%:*}; seeds=$${f##*:}; mkdir -p $(SAN_BUILD)/corpus/$$target; \
	  find $$seeds -type f \( -name '*.json' -o -name '*.form' -o -name '*.yaml' \) \
	    -exec cp {} $(SAN_BUILD)/corpus/$$target/ \; ; \
	  echo "fuzz $$target for $(FUZZ_SECONDS)s"; \
	  $(SAN_BUILD)/$${target}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=0 \
	    $(SAN_BUILD)/corpus/$$target >$(SAN_BUILD)/$$target.log 2>&1 || { tail -40 $(SAN_BUILD)/$$target.log; exit 1; }; \
	done

bench: build
	@for b in $(BUILD)/bench_*; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf $(BUILD)
