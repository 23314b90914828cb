-- users-service's own database (challenge 5): run once, on an empty data volume, in database
-- users as role users (challenges/5/postgres-init.sh), so the table belongs to that role and
-- no other role can reach it. The checks repeat what the service validates: a row that breaks
-- them is refused even if a bug lets it through.

CREATE TABLE users (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Stored in lower case, so the unique index sees Ada@ and ada@ as one address.
    email text NOT NULL UNIQUE CHECK (length(email) <= 254 AND email = lower(email))
);
