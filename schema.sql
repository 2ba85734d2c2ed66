-- motcua: the current database schema, canonical and human-readable.
-- A fresh database executes this file; an existing one is brought here by the steps in src/store/migrate.rs,
-- and tests/app/migrations.rs proves the two paths give the same schema.
-- Times are UTC text in one fixed-width format, 'YYYY-MM-DDTHH:MM:SS.mmmZ', so they sort as they compare.

-- Runtime settings edited by administrators (office name, footer contact); boot settings live in config.toml.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Agencies (cơ quan) keyed by their national identifier code (Decision 20/2020/QĐ-TTg).
CREATE TABLE agencies (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    level           TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent_code     TEXT REFERENCES agencies(code),
    admin_unit_code TEXT,   -- the statistical code of the area it governs (GSO)
    address         TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    is_demo         INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
) STRICT;

-- Units inside an agency: the one-stop section, specialist units, the leadership.
CREATE TABLE units (
    code        TEXT PRIMARY KEY,
    agency_code TEXT NOT NULL REFERENCES agencies(code),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL CHECK (kind IN ('one_stop', 'specialist', 'leadership'))
) STRICT;
CREATE INDEX units_by_agency ON units(agency_code);

-- Communes (xã, phường, thị trấn) served by an agency, keyed by their statistical code.
CREATE TABLE communes (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies(code)
) STRICT;
CREATE INDEX communes_by_agency ON communes(agency_code);

-- Staff accounts. A lock is either temporary (too many failures) or set by an administrator until lifted.
CREATE TABLE staff (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL CONSTRAINT staff_username_unique UNIQUE,
    full_name            TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    unit_code            TEXT REFERENCES units(code),
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_at            TEXT,
    locked_until         TEXT,   -- NULL with locked_at set: locked by an administrator until unlocked
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL,
    last_login_at        TEXT
) STRICT;

CREATE TABLE staff_roles (
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('officer', 'specialist', 'head', 'leader', 'admin')),
    PRIMARY KEY (staff_id, role)
) STRICT, WITHOUT ROWID;

-- Server-side sessions: browser sessions ('web') and API bearer tokens from /api/v1/auth/login ('api').
-- Only the SHA-256 of the token is stored, so a copy of the database does not hand out sessions.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL CONSTRAINT sessions_token_unique UNIQUE,
    staff_id     INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_by_staff ON sessions(staff_id);

-- Integration tokens from `motcua token create`, stored hashed.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CONSTRAINT api_tokens_name_unique UNIQUE,
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'intake', 'reports')),
    token_hash TEXT NOT NULL CONSTRAINT api_tokens_token_unique UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
) STRICT;

-- The audit log: append-only, each row chained to the previous one by SHA-256 (see src/store/audit.rs).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    ip        TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

PRAGMA user_version = 1;
