# Builds the course's images with Docker (javac and jlink run inside the build: see
# Dockerfile.base), and runs, tests and measures the five challenges. `make` lists the targets.

## Images are named $(IMAGE_PREFIX)/NAME:$(VERSION); the compose files use the same defaults.
IMAGE_PREFIX ?= desafios
## The tag of every image this Makefile builds.
VERSION ?= 0.1.0
## Everything the build writes goes under this folder; `make clean` removes it.
BUILD := build
## The JDK image that builds the Java images (the first stage of Dockerfile.base) and runs keytool.
JDK_IMAGE := eclipse-temurin:25-jdk

export IMAGE_PREFIX VERSION
SHELL := bash
.SHELLFLAGS := -Eeuo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

comma := ,
CHALLENGES := $(sort $(patsubst challenges/%/compose.yaml,%,$(wildcard challenges/*/compose.yaml)))
SERVICES := $(notdir $(wildcard src/services/*))
stamps := $(BUILD)/stamps
## Prometheus beside challenges 3 to 5: on adds challenges/N/compose.observe.yaml to run-N,
## logs-N and down-N (make observe-N is make run-N OBSERVE=on).
OBSERVE ?= off
ifneq ($(filter-out on off,$(OBSERVE)),)
$(error OBSERVE must be on or off, not "$(OBSERVE)")
endif
# A challenge may add compose files of its own (compose_overlay_N, in its challenge.mk), and
# Prometheus with OBSERVE=on.
observe_overlay = $(if $(filter on,$(OBSERVE)),-f challenges/$(1)/compose.observe.yaml)
compose = docker compose -f challenges/$(1)/compose.yaml $(compose_overlay_$(1)) \
  $(call observe_overlay,$(1))

# The images a challenge's compose file names (image: ${IMAGE_PREFIX:-desafios}/NAME:...), so
# that `make run-N` builds only what challenge N runs.
images_of = $(shell sed -n 's|.*image: *\$${IMAGE_PREFIX:-[a-z]*}/\([a-z0-9-]*\):.*|\1|p' \
  challenges/$(1)/compose.yaml 2>/dev/null | sort -u)
stamps_of = $(foreach i,$(call images_of,$(1)),$(stamps)/$(i).image)

# A stamp whose image was deleted (docker rmi, prune) must not hide the loss: each image's
# stamp also depends on NAME.present, asked of Docker at every run: touched (newer than the
# stamp) when the image is missing, made as old as can be when it is there. Run by `make -n`
# too (+), which otherwise takes every NAME.present as remade and lists every image as built.
FORCE:
$(stamps)/%.present: FORCE
	+@mkdir -p $(@D)
	+@if docker image inspect $(IMAGE_PREFIX)/$*:$(VERSION) >/dev/null 2>&1; then \
	  test -f $@ || touch -d @0 $@; else touch $@; fi

.PHONY: help
help: ## List the targets.
	@echo "Usage: make TARGET   (challenges: $(CHALLENGES))"
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) \
	  | sed -E 's/^([^:]+):.*## (.*)/  \1\t\2/' | expand -t 18

.PHONY: build
build: $(stamps)/base.image $(SERVICES:%=$(stamps)/%.image) $(stamps)/client.image ## Build every image (only what changed).
	@echo "images: $$(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
	  | grep '^$(IMAGE_PREFIX)/' | grep ':$(VERSION) ' | sort | tr '\n' ' ')"

# $(call docker_build,STAMP,IMAGE,CONTEXT,ARGS): one `docker build`, quiet unless it fails; STAMP
# holds the image's id. With --network none: the build needs nothing from outside (the
# jars are vendored), and the AOT training run must reach nothing but itself. No builder is
# chosen: the Docker CLI picks BuildKit where it is installed, the classic builder otherwise;
# Dockerfile.base uses nothing that only one of them has.
define docker_build
	@mkdir -p $(@D)
	docker build -q --network none $(4) -t $(2) $(3) >$(1) 2>$(1).log || { cat $(1).log; exit 1; }
endef

# What every Java image is built from (stages 1 to 5 of Dockerfile.base); a service adds its own
# folder. .dockerignore keeps everything else out of the build context.
java_inputs := Dockerfile.base .dockerignore src/jars.lock $(wildcard src/vendor/*.jar src/build/* \
  src/kit/*.java src/jvm/*.options)

$(stamps)/base.image: $(java_inputs) $(stamps)/base.present
	$(call docker_build,$@,$(IMAGE_PREFIX)/base:$(VERSION),.,-f Dockerfile.base --target base)

# One image per folder of src/services/: the `service` stage of Dockerfile.base for that folder.
# Each is built on the data module (src/data/) too, whether its `libraries` names it or not.
service_build_args = -f Dockerfile.base --target service --build-arg SERVICE=$(1)
define service_rules
$(stamps)/$(1).image: $(stamps)/base.image $(java_inputs) $(wildcard src/data/*.java) \
    $(wildcard src/services/$(1)/*) $(shell find src/services/$(1)/resources -type f 2>/dev/null) \
    $(stamps)/$(1).present
	$$(call docker_build,$$@,$(IMAGE_PREFIX)/$(1):$(VERSION),.,$$(call service_build_args,$(1)))
endef
$(foreach s,$(SERVICES),$(eval $(call service_rules,$(s))))

$(stamps)/client.image: $(wildcard src/client/*) $(stamps)/client.present
	$(call docker_build,$@,$(IMAGE_PREFIX)/client:$(VERSION),src/client)

# wrk, the load generator of `make bench`, runs in the challenge's own network. Its build
# installs wrk with apt, so it needs the network.
$(stamps)/wrk.image: tests/bench/wrk/Dockerfile $(stamps)/wrk.present
	@mkdir -p $(@D)
	docker build -q -t $(IMAGE_PREFIX)/wrk:$(VERSION) tests/bench/wrk \
	  >$@ 2>$@.log || { cat $@.log; exit 1; }

# The kit and minimal-json as the base image holds them, for the kit's own tests (tests/kit).
$(BUILD)/lib/kit.jar: $(stamps)/base.image
	rm -rf $(@D) && mkdir -p $(@D)
	id=$$(docker create $(IMAGE_PREFIX)/base:$(VERSION)); rc=0; \
	  docker cp $$id:/app/lib/. $(@D)/ >/dev/null || rc=$$?; docker rm $$id >/dev/null; exit $$rc
	@test -s $@ && touch $@

.PHONY: update-jars
update-jars: ## Fetch with Maven the jar versions src/jars.lock names, into src/vendor/; pin their SHA-256.
	src/build/update-jars src/jars.lock src/vendor

.SECONDEXPANSION:

# Compose writes a terminal's "erase line" (ESC [2K) before each log line even into a pipe:
# invisible on a screen, noise in a saved log.
no_line_erase := sed 's/\x1b\[2K//g'

.PHONY: run-%
run-%: $$(call stamps_of,$$*) ## Start challenge N (run-1 … run-5), wait until healthy, print what to try.
	@test -f challenges/$*/compose.yaml || { echo "no challenge $* (have: $(CHALLENGES))"; exit 2; }
	@test $(OBSERVE) = off || test -f challenges/$*/compose.observe.yaml \
	  || { echo "challenge $* has no Prometheus overlay (challenges/$*/compose.observe.yaml)"; exit 2; }
	$(call compose,$*) up -d --wait || { echo; echo "challenge $* did not become healthy;" \
	  "the last log lines:"; $(call compose,$*) logs --no-color --tail 20 | $(no_line_erase); \
	  exit 1; }
	@echo; cat $(or $(try_file_$*),challenges/$*/try.txt)
	@test $(OBSERVE) = off || echo "Prometheus: http://$$($(call compose,$*) port prometheus 9090)" \
	  "(its HTTP API; queries to try: challenges/$*/README.md, Watch it)"

.PHONY: observe-%
observe-%: ## Start challenge N (3, 4, 5) with Prometheus beside it: make run-N OBSERVE=on.
	@$(MAKE) --no-print-directory run-$* OBSERVE=on

.PHONY: logs-%
logs-%: ## Follow the logs of challenge N.
	$(call compose,$*) logs -f --tail 50

.PHONY: down-%
down-%: ## Stop challenge N and remove its containers and networks (volumes stay).
	$(call compose,$*) down --remove-orphans

.PHONY: test
test: build $(BUILD)/lib/kit.jar ## Build, then run every test (kit and all challenges).
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
clean: ## Remove build/ (images stay; `make clean-all` removes them too).
	rm -rf $(BUILD)

.PHONY: clean-all
clean-all: ## Remove all the course made here: every challenge's containers, networks and volumes (their data too, Prometheus's included), its images, the generated secrets, build/.
	@for n in $(CHALLENGES); do \
	  docker compose -f challenges/$$n/compose.yaml $$(ls challenges/$$n/compose.observe.yaml \
	    2>/dev/null | sed 's/^/-f /') down -v --remove-orphans --timeout 5 2>&1 \
	    | grep -v '^ *$$' || true; \
	done
	@$(swarm_5) down
	@images=$$(docker images --format '{{.Repository}}:{{.Tag}}' \
	  | grep '^$(IMAGE_PREFIX)/' | grep ':$(VERSION)$$' || true); \
	  if [ -n "$$images" ]; then docker image rm $$images >/dev/null && echo "removed: $$images"; fi
	rm -rf challenges/*/secrets $(BUILD)
	@echo "clean-all: nothing of the course is left but its files; 'make run-N' builds again."

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

# Labs: challenge N run broken on purpose (challenges/N/labs/). challenges/N/labs/lab.mk names
# the lab (lab_N), what shows its symptom (lab_show_N) and what shows the fix works
# (lab_check_N). A lab is its own compose project, with its own port and volumes: it never
# touches the challenge's.

## The compose project of `make lab-N`: lab-N unless given (the tests give each run its own).
LAB_PROJECT ?=
## The port a lab publishes on 127.0.0.1 (empty: its own, 28080, 25432, 28083, 28084 or 28085).
LAB_PORT ?=
export LAB_PORT
lab_project = $(or $(LAB_PROJECT),lab-$(1))
# $(call lab_compose,N,broken|solution): compose with the challenge's file and the lab's.
lab_compose = docker compose -p $(call lab_project,$(1)) -f challenges/$(1)/compose.yaml \
  -f challenges/$(1)/labs/$(lab_$(1))/$(2).yaml
labs := $(patsubst challenges/%/labs/lab.mk,%,$(wildcard challenges/*/labs/lab.mk))
lab_known = @test -n "$(lab_$(1))" || { echo "no lab for challenge $(1) (have: $(labs))"; exit 2; }

.PHONY: lab-% lab-%-solution lab-%-down
lab-%-down: ## Remove lab N: its containers, networks and volumes.
	$(call lab_known,$*)
	$(call lab_compose,$*,broken) down -v --remove-orphans --timeout 5

lab-%-solution: $$(call stamps_of,$$*) $$(lab_needs_$$*) ## Run lab N with its fix applied, and show that it works.
	$(call lab_known,$*)
	$(call lab_compose,$*,broken) down -v --remove-orphans --timeout 5
	$(call lab_compose,$*,solution) up -d --wait --wait-timeout 90
	$(lab_check_$*)
	@echo; echo "lab $* is fixed: diff challenges/$*/labs/$(lab_$*)/broken.yaml" \
	  "challenges/$*/labs/$(lab_$*)/solution.yaml shows how. make lab-$*-down removes it."

lab-%: $$(call stamps_of,$$*) $$(lab_needs_$$*) ## Start lab N (1 to 5): challenge N, broken on purpose; challenges/N/labs/README.md.
	$(call lab_known,$*)
	$(call lab_compose,$*,broken) up -d --wait --wait-timeout 60 || true
	$(lab_show_$*)
	@echo; echo "lab $* ($(lab_$*)) runs broken, as compose project $(call lab_project,$*):" \
	  "find out why (challenges/$*/labs/README.md). make lab-$*-down removes it."
