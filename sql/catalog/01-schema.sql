-- The course's catalog: users, products and their orders. Challenge 2 runs this file through
-- /docker-entrypoint-initdb.d (once, on an empty data directory); challenge 3 reads products.

-- People who place orders. The email is the natural key a person types; id is what other
-- tables point at, so an email can change without touching orders.
CREATE TABLE users (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text        NOT NULL UNIQUE CHECK (email LIKE '%_@_%'),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status     text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- What can be ordered. Money is kept in whole cents: floating point cannot represent 0.10.
CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text        NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    price_cents integer     NOT NULL CHECK (price_cents >= 0),
    stock       integer     NOT NULL DEFAULT 0 CHECK (stock >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- An order belongs to one user; deleting a user who has orders is refused (RESTRICT), so
-- history is never lost by accident.
CREATE TABLE orders (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The lines of an order. The price is copied at order time: a later price change must not
-- rewrite what a customer paid.
CREATE TABLE order_items (
    order_id    bigint  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id  bigint  NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    quantity    integer NOT NULL CHECK (quantity > 0),
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (order_id, product_id)
);

-- "Orders of this user, newest first" is the common query; without this index it scans orders.
CREATE INDEX orders_user_id_created_at ON orders (user_id, created_at DESC);
