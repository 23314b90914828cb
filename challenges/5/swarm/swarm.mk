# Challenge 5 on Docker Swarm (the Makefile includes every challenges/*/*/*.mk).

## The stack's name in Swarm; its services are called $(SWARM_STACK)_gateway and so on.
SWARM_STACK ?= challenge-5
## The port the Swarm gateway publishes in host mode (8085 is `make run-5`'s).
SWARM_GATEWAY_PORT ?= 8086
## Written by swarm-5 when it had to create the swarm, so that swarm-down-5 leaves it again.
SWARM_MARKER ?= $(BUILD)/swarm-created-by-us

swarm_5 := SWARM_STACK=$(SWARM_STACK) SWARM_GATEWAY_PORT=$(SWARM_GATEWAY_PORT) \
  SWARM_MARKER=$(SWARM_MARKER) challenges/5/swarm/stack.sh

.PHONY: swarm-5
swarm-5: $(call stamps_of,5) $(DB_SECRETS_5) ## Challenge 5 as a Swarm stack (3 replicas each); waits until healthy.
	$(swarm_5) up

.PHONY: swarm-down-5
swarm-down-5: ## Remove the Swarm stack (its database's volume stays); leave the swarm if swarm-5 created it.
	$(swarm_5) down

.PHONY: swarm-reset-5
swarm-reset-5: ## swarm-down-5, then delete the stack's database volume.
	$(swarm_5) reset
