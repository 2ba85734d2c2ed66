ALTER TABLE communes RENAME TO communes_v1;
DROP INDEX communes_by_agency;
CREATE TABLE communes (
    era         TEXT NOT NULL CHECK (era IN ('2025-03', '2025-07')),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies(code),
    retired_at  TEXT,
    PRIMARY KEY (era, code)
) STRICT;
INSERT INTO communes (era, code, name, agency_code) SELECT '2025-03', code, name, agency_code FROM communes_v1;
DROP TABLE communes_v1;
CREATE INDEX communes_by_agency ON communes(agency_code);
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

