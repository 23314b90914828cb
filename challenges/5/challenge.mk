# Challenge 5's own make targets (the Makefile includes every challenges/*/challenge.mk).

## The images tests/5/bench.sh runs: the gateway, both services and the load generator.
bench_5_images := $(call stamps_of,5) $(stamps)/wrk.image

.PHONY: bench-5
bench-5: $(bench_5_images) ## Challenge 5: gateway vs nginx vs direct, req/s and p50/p99 (wrk in the network).
	tests/5/bench.sh
