-- Lab 2: the rows of a notes table.
INSERT INTO notes (title) VALUES ('first note'), ('second note'), ('third note');
