-- products-service's own database (challenge 5): run once, on an empty data volume, in
-- database products as role products (challenges/5/postgres-init.sh), so the table belongs to
-- that role and no other role can reach it. The checks repeat what the service validates.

CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- A stock-keeping unit: 3 to 32 of A-Z, 0-9 and '-', unique.
    sku         text    NOT NULL UNIQUE CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{2,31}$'),
    name        text    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    -- Money in whole cents: floating point cannot represent 0.10.
    price_cents integer NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    stock       integer NOT NULL CHECK (stock BETWEEN 0 AND 1000000)
);
