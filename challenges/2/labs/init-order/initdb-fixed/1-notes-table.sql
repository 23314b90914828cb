-- Lab 2: the notes table.
CREATE TABLE notes (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL
);
