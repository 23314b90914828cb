-- Seed rows, so every challenge starts with data to look at. Tests count these rows:
-- users 5, products 12, orders 4, order_items 7.

INSERT INTO users (email, name, status) VALUES
    ('ana@example.com',     'Ana Souza',      'active'),
    ('bruno@example.com',   'Bruno Lima',     'active'),
    ('carla@example.com',   'Carla Mendes',   'active'),
    ('diego@example.com',   'Diego Alves',    'suspended'),
    ('elisa@example.com',   'Elisa Rocha',    'active');

INSERT INTO products (sku, name, price_cents, stock) VALUES
    ('KB-101',  'Mechanical keyboard',      34900,  12),
    ('MS-202',  'Wireless mouse',            8900,  40),
    ('MN-303',  '27-inch monitor',         129900,   5),
    ('HS-404',  'Noise-cancelling headset', 59900,   8),
    ('WC-505',  'HD webcam',                19900,  15),
    ('DK-606',  'Laptop stand',              7900,  30),
    ('CB-707',  'USB-C cable (2 m)',         2900, 100),
    ('HB-808',  'USB-C hub',                 9900,  25),
    ('SS-909',  'Portable SSD 1 TB',        49900,  10),
    ('LP-010',  'Desk lamp',                 6900,  20),
    ('MP-011',  'Mouse pad XL',              3900,  50),
    ('CH-012',  'Ergonomic chair',          99900,   3);

INSERT INTO orders (user_id) VALUES (1), (1), (2), (3);

INSERT INTO order_items (order_id, product_id, quantity, price_cents) VALUES
    (1, 1, 1, 34900),
    (1, 2, 1,  8900),
    (2, 7, 3,  2900),
    (3, 3, 1, 129900),
    (3, 6, 1,  7900),
    (4, 9, 2,  49900),
    (4, 11, 1, 3900);
