# Challenge 3's own targets (included by the Makefile): the password file, psql and redis-cli.

## The database password: generated on first use, ignored by git. compose.yaml reads the same
## variable, so `make run-3 CATALOG_PASSWORD_FILE=...` uses another file in both places.
CATALOG_PASSWORD_FILE := challenges/3/secrets/db-password

run-3: $(CATALOG_PASSWORD_FILE)

# 24 random bytes are 32 characters; mode 644: the catalog (user 10001) and postgres read it
# as themselves.
$(CATALOG_PASSWORD_FILE):
	$(call random_secret,$@,644,24)
	@echo "generated $@ (ignored by git): the password of database user catalog"

.PHONY: psql-3 redis-cli-3 reset-3
reset-3: ## Delete challenge 3's data volume: the next run-3 runs sql/catalog/ again (Redis keeps nothing).
	$(call compose,3) down -v --remove-orphans
	@echo "reset-3: the data volume is gone; the next 'make run-3' starts from an empty" \
	  "data directory and runs the scripts in sql/ again."

psql-3: ## Open psql on challenge 3's database (inside the postgres container).
	$(call compose,3) exec postgres psql -U catalog -d catalog

redis-cli-3: ## Open redis-cli on challenge 3's cache (inside the redis container).
	$(call compose,3) exec redis redis-cli
