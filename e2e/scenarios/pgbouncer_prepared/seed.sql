CREATE TABLE widgets (
  id bigserial PRIMARY KEY,
  name varchar,
  created_at timestamp(6) NOT NULL DEFAULT now(),
  updated_at timestamp(6) NOT NULL DEFAULT now()
);
INSERT INTO widgets (name) SELECT 'widget ' || g FROM generate_series(1, 10) g;
