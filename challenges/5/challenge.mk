# Challenge 5's own make targets (the Makefile includes every challenges/*/challenge.mk).

## The images tests/5/bench.sh runs: the gateway, both services and the load generator (and the
## public nginx and JDK images, for nginx and the JDK floor).
bench_5_images := $(call stamps_of,5) $(stamps)/wrk.image

.PHONY: bench-5
bench-5: $(bench_5_images) ## Challenge 5: gateway vs nginx vs JDK floor, then via the published port.
	tests/5/bench.sh

## The database passwords: PostgreSQL's superuser's, and the role of each service's database
## (compose.yaml names the same files). Generated on first use, ignored by git.
DB_SECRETS_5 := $(addprefix challenges/5/secrets/,postgres-password users-db-password \
  products-db-password)

run-5: $(DB_SECRETS_5)

.PHONY: secrets-5
secrets-5: $(DB_SECRETS_5) ## Make challenge 5's database passwords if missing (run-5 does too).

# 24 random bytes are 32 characters; mode 644: the services (user 10001) and postgres read
# them as themselves.
$(DB_SECRETS_5):
	$(call random_secret,$@,644,24)
	@echo "generated $@ (ignored by git): a database password"

.PHONY: psql-5 redis-cli-5 reset-5
psql-5: ## Open psql on challenge 5's PostgreSQL as superuser; DB=users (default) or products.
	$(call compose,5) exec postgres psql -U postgres -d $(or $(DB),users)

redis-cli-5: ## Open redis-cli on products-service's cache.
	$(call compose,5) exec redis redis-cli

reset-5: ## Delete challenge 5's data volume: the next run-5 runs sql/users/ and sql/products/ again.
	$(call compose,5) down -v --remove-orphans
	@echo "reset-5: the data volume is gone; the next 'make run-5' starts from an empty" \
	  "data directory and runs the scripts in sql/users/ and sql/products/ again."

## The API keys the gateway accepts for writes on routes with writes=key (ignored by git).
API_KEYS_FILE_5 := challenges/5/secrets/api-keys

run-5: $(API_KEYS_FILE_5)
# Compose resolves the path relative to challenges/5/compose.yaml.
run-5: export GATEWAY_API_KEYS_FILE := ./secrets/api-keys

# 32 random bytes are 43 characters; mode 644: the gateway (user 10001) reads it as itself.
$(API_KEYS_FILE_5):
	$(call random_secret,$@,644,32)
	@echo "generated $@ (ignored by git): the API key for writes, one per line"

## The gateway's live page, https://localhost:8443/dashboard, in make run-5: on or off. It shows
## the internal topology, so the image's default is off, and the gateway keeps it off whatever
## this says when its routing table guards writes (writes=key).
DASHBOARD_5 ?= on
run-5: export GATEWAY_DASHBOARD := $(DASHBOARD_5)

## HTTPS on the gateway in make run-5: on (compose.tls.yaml added) or off (plain HTTP only).
TLS_5 ?= on
## The gateway's TLS key and self-signed certificate for localhost, made by keytool (ignored
## by git): a PKCS#12 keystore, the password that opens it, and the certificate alone (PEM) for
## clients to trust: curl --cacert challenges/5/secrets/gateway.crt https://localhost:8443/...
TLS_KEYSTORE_5 := challenges/5/secrets/gateway.p12
TLS_CERT_5 := challenges/5/secrets/gateway.crt

ifeq ($(TLS_5),on)
compose_overlay_5 := -f challenges/5/compose.tls.yaml
run-5: $(TLS_CERT_5)
# With OBSERVE=on, Prometheus asks the gateway on HTTPS, trusting the generated certificate.
# (Compose resolves both paths relative to challenges/5/compose.yaml.)
run-5 logs-5 down-5: export PROMETHEUS_CONFIG := prometheus.tls.yml
run-5 logs-5 down-5: export PROMETHEUS_GATEWAY_CERT := ./secrets/gateway.crt
else ifeq ($(TLS_5),off)
# What make run-5 prints to try: the same on plain HTTP.
try_file_5 := challenges/5/try.plain.txt
else
$(error TLS_5 must be on or off, not "$(TLS_5)")
endif

# keytool, run in the JDK image as this user, in the folder of the file it works on: the host
# needs no JDK. $(call keytool,FILE,ARGS) runs keytool ARGS in FILE's folder.
keytool = docker run --rm --network none --user "$$(id -u):$$(id -g)" \
  -v "$(abspath $(dir $(1))):/keys" -w /keys $(JDK_IMAGE) keytool $(2)

# One EC key (P-256), valid a year, for the names a client on this machine uses. The password
# file and the keystore are readable by all (644) in a folder only its owner can enter (700),
# as the API keys above: the gateway reads them as user 10001.
$(TLS_KEYSTORE_5):
	@rm -f $@ $@.password
	$(call random_secret,$@.password,644,32)
	@$(call keytool,$@,-genkeypair -alias gateway -keyalg EC -groupname secp256r1 \
	  -validity 365 -dname CN=localhost -ext SAN=dns:localhost$(comma)ip:127.0.0.1$(comma)ip:::1 \
	  -storetype PKCS12 -keystore $(notdir $@) -storepass:file $(notdir $@).password) 2>&1 \
	  | grep -Ev '^(Generating|\s*for: )' || true
	@test -s $@ && chmod 644 $@
	@echo "generated $@ (ignored by git): the gateway's TLS key and self-signed certificate"

$(TLS_CERT_5): $(TLS_KEYSTORE_5)
	@$(call keytool,$<,-exportcert -rfc -alias gateway -keystore $(notdir $<) \
	  -storepass:file $(notdir $<).password) >$@ 2>/dev/null && test -s $@
	@echo "generated $@: trust it with curl --cacert $@ (or export CURL_CA_BUNDLE=$(abspath $@))"
