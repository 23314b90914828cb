# Builds the course's images with javac, jlink and docker, and runs, tests and measures the
# five challenges. `make` alone lists the targets.

## Images are named $(IMAGE_PREFIX)/NAME:$(VERSION); the compose files use the same defaults.
IMAGE_PREFIX ?= desafios
## The tag of every image this Makefile builds.
VERSION ?= 0.1.0
## Everything the build writes goes under this folder; `make clean` removes it.
BUILD := build
## The JDK modules the services use; the jlink runtime holds these and nothing else.
MODULES := java.base,java.logging,java.management,java.net.http,java.sql,jdk.httpserver
## The Java release the sources are compiled for (any JDK from 21 on can build them).
RELEASE := 21

export IMAGE_PREFIX VERSION
SHELL := bash
.SHELLFLAGS := -Eeuo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

CHALLENGES := $(sort $(patsubst challenges/%/compose.yaml,%,$(wildcard challenges/*/compose.yaml)))
SERVICES := $(notdir $(wildcard src/services/*))
JDK := $(shell src/build/find-jdk 2>/dev/null)
JDK_MAJOR := $(if $(JDK),$(shell sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' $(JDK)/release))
## How images start fast: aot (the JDK's AOT cache, JDK 25 and later) or cds (AppCDS, for
## older JDKs); see src/build/startup-cache.
STARTUP_CACHE ?= $(if $(filter 21 22 23 24,$(JDK_MAJOR)),cds,aot)
empty :=
space := $(empty) $(empty)
comma := ,
classpath = $(subst $(space),:,$(strip $(1)))
javac_flags := --release $(RELEASE) -Xlint:all,-serial -Werror -encoding UTF-8
kit_sources := $(wildcard src/kit/*.java)
stamps := $(BUILD)/stamps
# A challenge may add compose files of its own (compose_overlay_N, in its challenge.mk).
compose = docker compose -f challenges/$(1)/compose.yaml $(compose_overlay_$(1))

# The images a challenge's compose file names (image: ${IMAGE_PREFIX:-desafios}/NAME:...), so
# that `make run-N` builds only what challenge N runs.
images_of = $(shell sed -n 's|.*image: *\$${IMAGE_PREFIX:-[a-z]*}/\([a-z0-9-]*\):.*|\1|p' \
  challenges/$(1)/compose.yaml 2>/dev/null | sort -u)
stamps_of = $(foreach i,$(call images_of,$(1)),$(stamps)/$(i).image)

# The third-party jars a service needs, from src/services/NAME/libraries (names in jars.lock).
libraries = $(if $(wildcard src/services/$(1)/libraries),$(shell grep -v '^\#' src/services/$(1)/libraries))
service_sources = $(shell find src/services/$(1) -name '*.java')
main_class = $(subst -,,$(1)).Main

# A stamp whose image was deleted (docker rmi, prune) must not hide the loss: forget it.
ifneq ($(filter build run-% test% bench%,$(or $(MAKECMDGOALS),help)),)
present := $(shell docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null)
$(foreach s,$(wildcard $(stamps)/*.image),$(if $(filter \
  $(IMAGE_PREFIX)/$(basename $(notdir $(s))):$(VERSION),$(present)),,$(shell rm -f $(s))))
endif

.PHONY: help
help: ## List the targets.
	@echo "Usage: make TARGET   (challenges: $(CHALLENGES))"
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) \
	  | sed -E 's/^([^:]+):.*## (.*)/  \1\t\2/' | expand -t 18

.PHONY: build
build: $(stamps)/base.image $(SERVICES:%=$(stamps)/%.image) $(stamps)/client.image ## Build every image (only what changed).
	@echo "images: $$(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
	  | grep '^$(IMAGE_PREFIX)/' | grep ':$(VERSION) ' | sort | tr '\n' ' ')"

.PHONY: jars
jars: $(BUILD)/jars/.checked ## Fetch the pinned jars with Maven and check their SHA-256.

$(BUILD)/jars/.checked: src/jars.lock src/build/fetch-jars
	src/build/fetch-jars src/jars.lock $(BUILD)/jars
	@touch $@

$(BUILD)/lib/kit.jar: $(kit_sources) $(BUILD)/jars/.checked
	@test -n "$(JDK)" || src/build/find-jdk >/dev/null
	rm -rf $(BUILD)/classes/kit && mkdir -p $(BUILD)/classes/kit $(@D)
	$(JDK)/bin/javac $(javac_flags) \
	  -cp $(BUILD)/jars/minimal-json.jar \
	  -d $(BUILD)/classes/kit \
	  $(kit_sources)
	$(JDK)/bin/jar --create --file $@ -C $(BUILD)/classes/kit .

# The runtime: only $(MODULES), no debug information (Java or native), headers or man pages.
# Its native libraries ship with symbol tables that only debuggers read: strip them too.
# Rebuilt when MODULES or the JDK changes (not on every edit of this Makefile).
runtime_inputs := $(MODULES) $(JDK) $(STARTUP_CACHE)
$(shell mkdir -p $(BUILD); echo '$(runtime_inputs)' | cmp -s - $(BUILD)/runtime.inputs \
  || echo '$(runtime_inputs)' >$(BUILD)/runtime.inputs)
$(BUILD)/runtime/release: $(BUILD)/runtime.inputs
	@test -n "$(JDK)" || src/build/find-jdk >/dev/null
	rm -rf $(BUILD)/runtime
	$(JDK)/bin/jlink \
	  --add-modules $(MODULES) \
	  --strip-debug \
	  --no-header-files \
	  --no-man-pages \
	  $(if $(filter cds,$(STARTUP_CACHE)),--generate-cds-archive) \
	  --output $(BUILD)/runtime
	if command -v strip >/dev/null; then find $(BUILD)/runtime -name '*.so' -exec strip --strip-unneeded {} +; fi
	@for m in $(subst $(comma),$(space),$(MODULES)); do \
	  $(BUILD)/runtime/bin/java --list-modules | grep -q "^$$m@" \
	    || { echo "error: the jlink runtime lacks module $$m"; exit 1; }; \
	done
	@echo "runtime: $$(du -sh $(BUILD)/runtime | cut -f1), modules:" \
	  $$($(BUILD)/runtime/bin/java --list-modules | cut -d@ -f1 | paste -sd" ")

$(stamps)/base.image: Dockerfile.base $(BUILD)/runtime/release $(BUILD)/lib/kit.jar \
    $(wildcard src/jvm/*.options) src/build/startup-cache
	rm -rf $(BUILD)/base && mkdir -p $(BUILD)/base/lib $(BUILD)/base/jvm $(@D)
	cp -a $(BUILD)/runtime $(BUILD)/base/runtime
	cp $(BUILD)/lib/kit.jar $(BUILD)/jars/minimal-json.jar $(BUILD)/base/lib/
	cp src/jvm/*.options $(BUILD)/base/jvm/
	src/build/startup-cache $(STARTUP_CACHE) $(JDK_MAJOR) $(BUILD)/base/jvm
	DOCKER_BUILDKIT=0 docker build -q --network none -f Dockerfile.base -t $(IMAGE_PREFIX)/base:$(VERSION) $(BUILD)/base \
	  >$@ 2>$@.log || { cat $@.log; exit 1; }

# One rule per service: compile against the kit, jar with a manifest naming its class path,
# then an image on the base with only this service's code and jars. Images build with no
# network: the AOT training run talks to itself on loopback and must reach nothing else.
define service_rules
$(BUILD)/images/$(1)/service.jar: $(call service_sources,$(1)) $(BUILD)/lib/kit.jar \
    $(wildcard src/services/$(1)/libraries)
	@test -n "$(JDK)" || src/build/find-jdk >/dev/null
	rm -rf $(BUILD)/classes/$(1) $(BUILD)/images/$(1) && mkdir -p $(BUILD)/classes/$(1) $(BUILD)/images/$(1)/lib
	$(JDK)/bin/javac $(javac_flags) \
	  -cp $(call classpath,$(BUILD)/lib/kit.jar $(BUILD)/jars/minimal-json.jar $(foreach j,$(call libraries,$(1)),$(BUILD)/jars/$(j).jar)) \
	  -d $(BUILD)/classes/$(1) \
	  $(call service_sources,$(1))
	$(foreach j,$(call libraries,$(1)),cp $(BUILD)/jars/$(j).jar $(BUILD)/images/$(1)/lib/ &&) true
	printf 'Main-Class: %s\nClass-Path: %s\n' '$(call main_class,$(1))' \
	  '$(foreach j,kit minimal-json $(call libraries,$(1)),lib/$(j).jar)' >$(BUILD)/classes/$(1).mf
	$(JDK)/bin/jar --create --file $$@ --manifest $(BUILD)/classes/$(1).mf -C $(BUILD)/classes/$(1) .

$(stamps)/$(1).image: $(BUILD)/images/$(1)/service.jar $(stamps)/base.image src/Dockerfile.service
	DOCKER_BUILDKIT=0 docker build -q --network none -f src/Dockerfile.service --build-arg BASE=$(IMAGE_PREFIX)/base:$(VERSION) \
	  -t $(IMAGE_PREFIX)/$(1):$(VERSION) $(BUILD)/images/$(1) \
	  >$$@ 2>$$@.log || { cat $$@.log; exit 1; }
endef
$(foreach s,$(SERVICES),$(eval $(call service_rules,$(s))))

$(stamps)/client.image: $(wildcard src/client/*)
	@mkdir -p $(@D)
	DOCKER_BUILDKIT=0 docker build -q -t $(IMAGE_PREFIX)/client:$(VERSION) src/client \
	  >$@ 2>$@.log || { cat $@.log; exit 1; }

# wrk, the load generator of `make bench`, runs in the challenge's own network.
$(stamps)/wrk.image: tests/bench/wrk/Dockerfile
	@mkdir -p $(@D)
	DOCKER_BUILDKIT=0 docker build -q -t $(IMAGE_PREFIX)/wrk:$(VERSION) tests/bench/wrk \
	  >$@ 2>$@.log || { cat $@.log; exit 1; }

.SECONDEXPANSION:

.PHONY: run-%
run-%: $$(call stamps_of,$$*) ## Start challenge N (run-1 … run-5), wait until healthy, print what to try.
	@test -f challenges/$*/compose.yaml || { echo "no challenge $* (have: $(CHALLENGES))"; exit 2; }
	$(call compose,$*) up -d --wait || { echo; echo "challenge $* did not become healthy;" \
	  "the last log lines:"; $(call compose,$*) logs --no-color --tail 20; exit 1; }
	@echo; cat challenges/$*/try.txt

.PHONY: logs-%
logs-%: ## Follow the logs of challenge N.
	$(call compose,$*) logs -f --tail 50

.PHONY: down-%
down-%: ## Stop challenge N and remove its containers and networks (volumes stay).
	$(call compose,$*) down --remove-orphans

.PHONY: test
test: build ## Build, then run every test (kit and all challenges).
	tests/run

.PHONY: test-%
test-%: $$(if $$(filter kit,$$*),$(BUILD)/lib/kit.jar,$$(call stamps_of,$$*)) ## Run the tests of one challenge (test-1 … test-5) or of the kit (test-kit).
	tests/run $*

# The explain suite starts every challenge.
test-explain: $(foreach n,$(CHALLENGES),$(call stamps_of,$(n)))

.PHONY: bench
bench: build $(stamps)/wrk.image ## Measure image sizes, start-up times and memory; writes build/bench/.
	tests/bench/run

.PHONY: audit
audit: ## Check every challenge's containers against the security checklist (a table).
	@src/audit/audit

.PHONY: explain-%
explain-%: ## Show what Docker built and runs for challenge N, read from the live system.
	@src/explain/explain $*

.PHONY: clean
clean: ## Remove build/ (images stay; `docker image rm` them by name to free space).
	rm -rf $(BUILD)

# $(call random_secret,FILE,MODE,BYTES): writes BYTES random bytes to FILE as base64url (+ and /
# become - and _, no padding: no quoting needed in a URL, a form or a header), in a folder only
# its owner may enter (700). MODE 600 for a file a container reads as root; 644 when a
# container's non-root user reads it, since compose (without Swarm) bind-mounts a secret as it
# is and ignores `mode`: the folder then keeps other users of this machine out.
define random_secret
	@mkdir -p -m 700 $(dir $(1))
	@(umask $(if $(filter 600,$(2)),077,022) \
	  && printf '%s' "$$(head -c $(3) /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" >$(1).tmp)
	@mv $(1).tmp $(1)
endef

-include $(wildcard challenges/*/*.mk challenges/*/*/*.mk)
