# Challenge 4's own make targets (the Makefile includes every challenges/*/challenge.mk).

## The images tests/4/bench.sh runs: both services and the load generator.
bench_4_images := $(stamps)/service-a.image $(stamps)/service-b.image $(stamps)/wrk.image

.PHONY: bench-4
bench-4: $(bench_4_images) ## Challenge 4: B's added latency over A, and req/s (wrk in the network).
	tests/4/bench.sh
