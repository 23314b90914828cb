# Challenge 5's own make targets (the Makefile includes every challenges/*/challenge.mk).

## The images tests/5/bench.sh runs: the gateway, both services and the load generator.
bench_5_images := $(call stamps_of,5) $(stamps)/wrk.image

.PHONY: bench-5
bench-5: $(bench_5_images) ## Challenge 5: gateway vs nginx vs direct, req/s and p50/p99 (wrk in the network).
	tests/5/bench.sh

## The API keys the gateway accepts for writes on routes with writes=key (ignored by git).
API_KEYS_FILE_5 := challenges/5/secrets/api-keys

run-5: $(API_KEYS_FILE_5)
# Compose resolves the path relative to challenges/5/compose.yaml.
run-5: export GATEWAY_API_KEYS_FILE := ./secrets/api-keys

# Compose (without Swarm) bind-mounts a secret as it is and ignores `mode`: the gateway (user
# 10001) reads it as itself, so the file is readable by all (644) and its folder by its owner
# only (700), which keeps other users of this machine out (as challenge 3's password).
# 32 random bytes are 43 base64 characters; + and / become - and _ (no quoting needed).
$(API_KEYS_FILE_5):
	@mkdir -p -m 700 $(@D)
	@(umask 022 && head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' >$@.tmp)
	@mv $@.tmp $@
	@echo "generated $@ (ignored by git): the API key for writes, one per line"
