# Challenge 2's own targets (included by the Makefile): the password file, psql, row counts,
# and a reset that wipes the data volume.

## The database password: generated on first use (mode 600), ignored by git, never printed.
DB_PASSWORD_FILE := challenges/2/secrets/db-password
## The database user that challenges/2/compose.yaml creates (POSTGRES_USER).
DB_USER := app
## The database that challenges/2/compose.yaml creates (POSTGRES_DB).
DB_NAME := catalog

# psql_2 ARGS: psql on this machine, through the published port, if it is installed; otherwise
# the psql inside the container, over its Unix socket (no password needed there).
define psql_2
	@test -n "$$($(call compose,2) ps --status running -q db)" \
	  || { echo "challenge 2 is not running: make run-2"; exit 1; }
	@if command -v psql >/dev/null; then \
	  address=$$($(call compose,2) port db 5432); port=$${address##*:}; host=$${address%:*}; \
	  case $$host in 0.0.0.0|'[::]') host=127.0.0.1;; esac; host=$${host#[}; host=$${host%]}; \
	  PGPASSWORD=$$(cat $(DB_PASSWORD_FILE)) psql -h "$$host" -p "$$port" \
	    -U $(DB_USER) -d $(DB_NAME) $(1); \
	else \
	  $(call compose,2) exec $$([ -t 0 ] || echo -T) db psql -U $(DB_USER) -d $(DB_NAME) $(1); \
	fi
endef

run-2: $(DB_PASSWORD_FILE)

# 24 random bytes are 32 characters; mode 600: PostgreSQL's entrypoint reads it as root.
$(DB_PASSWORD_FILE):
	$(call random_secret,$@,600,24)
	@echo "generated $@ (mode 600, ignored by git): the password of database user $(DB_USER)"

.PHONY: psql-2 check-2 reset-2
psql-2: ## Open psql on challenge 2's database (the host's psql if installed).
	$(call psql_2)

check-2: ## Print the row count of every seeded table of challenge 2.
	$(call psql_2,-v ON_ERROR_STOP=1 --no-psqlrc -c "$(check_2_sql)")

check_2_sql := SELECT 'users' AS table, count(*) AS rows FROM users \
  UNION ALL SELECT 'products', count(*) FROM products \
  UNION ALL SELECT 'orders', count(*) FROM orders \
  UNION ALL SELECT 'order_items', count(*) FROM order_items

reset-2: ## Delete challenge 2's data volume: the next run-2 runs sql/catalog/ again.
	$(call compose,2) down -v --remove-orphans
	@echo "reset-2: the data volume is gone; the next 'make run-2' starts from an empty" \
	  "data directory and runs the scripts in sql/catalog/ again."
