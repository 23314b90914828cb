-- The course's three seed users, ids 1 to 3. Tests count them.
INSERT INTO users (name, email) VALUES
    ('Ada Lovelace', 'ada@example.org'),
    ('Alan Turing',  'alan@example.org'),
    ('Grace Hopper', 'grace@example.org');
