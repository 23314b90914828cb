-- The course's five seed products, ids 1 to 5. Tests count them.
INSERT INTO products (sku, name, price_cents, stock) VALUES
    ('PEN-BLUE-01',   'Blue pen',      150,  500),
    ('NOTEBOOK-A5',   'A5 notebook',   450,  120),
    ('MUG-CERAMIC',   'Ceramic mug',   900,   40),
    ('STICKER-WHALE', 'Whale sticker', 100, 1000),
    ('LAMP-DESK',     'Desk lamp',    2999,   12);
