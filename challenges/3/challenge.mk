# Challenge 3's own targets (included by the Makefile): the password file, psql and redis-cli.

## The database password: generated on first use, ignored by git. compose.yaml reads the same
## variable, so `make run-3 CATALOG_PASSWORD_FILE=...` uses another file in both places.
CATALOG_PASSWORD_FILE := challenges/3/secrets/db-password

run-3: $(CATALOG_PASSWORD_FILE)

# Compose (without Swarm) bind-mounts a secret file as it is and ignores `mode`: the catalog
# (user 10001) and postgres read it as themselves, so the file is readable by all (644) and
# its folder by its owner only (700), which keeps other users of this machine out.
# 24 random bytes are 32 base64 characters; + and / become - and _ (no quoting needed).
$(CATALOG_PASSWORD_FILE):
	@mkdir -p -m 700 $(@D)
	@(umask 022 && printf '%s' "$$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')" >$@.tmp)
	@mv $@.tmp $@
	@echo "generated $@ (ignored by git): the password of database user catalog"

.PHONY: psql-3 redis-cli-3
psql-3: ## Open psql on challenge 3's database (inside the postgres container).
	$(call compose,3) exec postgres psql -U catalog -d catalog

redis-cli-3: ## Open redis-cli on challenge 3's cache (inside the redis container).
	$(call compose,3) exec redis redis-cli
