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

-- Communes (xã, phường, thị trấn) served by an agency, keyed by their statistical code in one era of the national
-- list. Moving the office to the 2025 units retires the old rows and adds new ones; nothing is renumbered.
CREATE TABLE communes (
    era         TEXT NOT NULL CHECK (era IN ('2025-03', '2025-07')),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies(code),
    retired_at  TEXT,
    PRIMARY KEY (era, code)
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


-- Shared e-catalogue: Vietnam's administrative units as published by the statistics office, one row per unit per era
-- of the national list ('2025-03': three levels before the reform; '2025-07': provinces and communes after it).
-- Codes are reused across eras for different places, so the era is part of the key.
CREATE TABLE admin_units (
    era         TEXT NOT NULL CHECK (era IN ('2025-03', '2025-07')),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,   -- as published: 'Tỉnh', 'Thành phố Trung ương', 'Huyện', 'Xã', 'Phường', ...
    level       TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent_code TEXT,            -- the enclosing unit in the same era
    PRIMARY KEY (era, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX admin_units_by_parent ON admin_units(era, parent_code);

-- Which 2025-03 units each 2025-07 unit was formed from; 'partial' rows need a person's confirmation.
CREATE TABLE admin_unit_merges (
    level    TEXT NOT NULL CHECK (level IN ('province', 'commune')),
    new_code TEXT NOT NULL,
    old_code TEXT NOT NULL,
    coverage TEXT NOT NULL CHECK (coverage IN ('full', 'partial')),
    PRIMARY KEY (level, new_code, old_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX admin_unit_merges_by_old ON admin_unit_merges(level, old_code);

-- Sectors (lĩnh vực), keyed by their MX1X2-LV code (Circular 01/2018 Art. 20).
CREATE TABLE sectors (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
) STRICT;

-- Document and paper types (loại giấy tờ) that procedure components refer to.
CREATE TABLE doc_types (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
) STRICT;

-- Fees and charges (phí, lệ phí); amount_vnd is NULL when it varies and the note says how it is computed.
CREATE TABLE fees (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    amount_vnd  INTEGER CHECK (amount_vnd IS NULL OR amount_vnd >= 0),
    note        TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
) STRICT;

-- Administrative procedures, keyed by their national procedure code. The content lives in versions.
CREATE TABLE procedures (
    code       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
) STRICT;

-- One version of a procedure: a draft being edited, the published one, or an earlier one kept because dossiers were
-- received under it. `body` is the full level-1 information in the procedure-pack JSON shape (docs/PROCEDURE-PACK.md)
-- with template contents replaced by their SHA-256; the columns beside it are copies for filtering and listing.
CREATE TABLE procedure_versions (
    id             INTEGER PRIMARY KEY,
    procedure_code TEXT NOT NULL REFERENCES procedures(code),
    version        INTEGER NOT NULL CHECK (version >= 1),
    state          TEXT NOT NULL CHECK (state IN ('draft', 'published', 'retired')),
    name           TEXT NOT NULL,
    sort_key       TEXT NOT NULL,   -- the name folded to ASCII lower case: Vietnamese order through a plain index
    sector_code    TEXT NOT NULL REFERENCES sectors(code),
    level          TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    service_level  TEXT NOT NULL CHECK (service_level IN ('full', 'partial', 'none')),
    is_demo        INTEGER NOT NULL CHECK (is_demo IN (0, 1)),
    body           TEXT NOT NULL CHECK (json_valid(body)),
    content_hash   TEXT NOT NULL,
    valid_from     TEXT,
    valid_to       TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    published_at   TEXT,
    published_by   TEXT,
    CONSTRAINT procedure_versions_unique UNIQUE (procedure_code, version)
) STRICT;
CREATE UNIQUE INDEX procedure_versions_one_draft ON procedure_versions(procedure_code) WHERE state = 'draft';
CREATE UNIQUE INDEX procedure_versions_one_published ON procedure_versions(procedure_code) WHERE state = 'published';
-- The published catalogue is listed, filtered and counted often; these serve it without touching the bodies.
CREATE INDEX procedure_versions_by_name ON procedure_versions(sort_key) WHERE state = 'published';
CREATE INDEX procedure_versions_by_sector ON procedure_versions(sector_code, sort_key) WHERE state = 'published';
CREATE INDEX procedure_versions_by_level ON procedure_versions(level) WHERE state = 'published';
CREATE INDEX procedure_versions_by_service ON procedure_versions(service_level) WHERE state = 'published';

-- Downloadable form templates, stored once per content (SHA-256) whatever the number of versions using them.
CREATE TABLE template_files (
    sha256     TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    content    BLOB NOT NULL
) STRICT;

-- Guides (hướng dẫn) and FAQ entries (câu hỏi thường gặp) shown on the portal, edited by administrators.
CREATE TABLE pages (
    slug       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('guide', 'faq')),
    title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body       TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    published  INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1)),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

-- The transactional outbox: a change that derived data (the search index) must follow writes a row here in the same
-- transaction; the indexer applies it and deletes it. Applying a row twice is harmless.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,   -- 'procedure' (ref = procedure code)
    ref        TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

PRAGMA user_version = 2;
