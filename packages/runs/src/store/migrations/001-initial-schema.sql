-- OQAT run store, schema version 1.
-- Timestamps are epoch milliseconds; JSON columns hold UTF-8 JSON text.

CREATE TABLE runs (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  status       TEXT NOT NULL
               CHECK (status IN ('queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted')),
  config       TEXT NOT NULL,
  seed         INTEGER,
  job          TEXT,
  result       TEXT,
  error        TEXT,
  attempt      INTEGER NOT NULL DEFAULT 1,
  pid          INTEGER,
  created_at   INTEGER NOT NULL,
  started_at   INTEGER,
  ended_at     INTEGER,
  heartbeat_at INTEGER
);
CREATE INDEX runs_by_status ON runs (status, heartbeat_at);
CREATE INDEX runs_by_created ON runs (created_at);

-- A rowid table (rows appended in commit order, pages stay full even with large
-- bodies); the unique index gives seq order per run and guards against duplicates.
CREATE TABLE events (
  id     INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq    INTEGER NOT NULL,
  kind   TEXT NOT NULL,
  at     INTEGER NOT NULL,
  body   TEXT NOT NULL,
  UNIQUE (run_id, seq)
);

CREATE TABLE metrics (
  id     INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  phase  TEXT NOT NULL DEFAULT '',
  step   INTEGER NOT NULL,
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  at     INTEGER NOT NULL
);
CREATE INDEX metrics_by_run ON metrics (run_id, name, step);

CREATE TABLE candidates (
  id       INTEGER PRIMARY KEY,
  run_id   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  device   TEXT NOT NULL,
  spec     TEXT NOT NULL,
  metrics  TEXT NOT NULL,
  on_front INTEGER NOT NULL DEFAULT 0,
  at       INTEGER NOT NULL
);
CREATE INDEX candidates_by_run ON candidates (run_id, device);

CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY,
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  path       TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  at         INTEGER NOT NULL
);
CREATE INDEX artifacts_by_run ON artifacts (run_id);

CREATE TABLE checkpoints (
  id     INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  path   TEXT NOT NULL,
  phase  TEXT NOT NULL DEFAULT '',
  step   INTEGER NOT NULL,
  at     INTEGER NOT NULL
);
CREATE INDEX checkpoints_by_run ON checkpoints (run_id, id);
