# Challenge 4's own make targets (the Makefile includes every challenges/*/challenge.mk).

.PHONY: bench-4
bench-4: $(stamps)/service-a.image $(stamps)/service-b.image $(stamps)/wrk.image ## Challenge 4: B's added latency over A and req/s (wrk inside the network).
	tests/4/bench.sh
