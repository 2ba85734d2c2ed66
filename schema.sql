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
    role     TEXT NOT NULL CHECK (role IN ('officer', 'specialist', 'head', 'leader', 'admin', 'archivist')),
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

-- Dossiers (hồ sơ) under the one-stop mechanism: intake on three channels, the ten national statuses with finer
-- internal stages, working-day deadlines, the event log, documents, consultations, notifications and the register.

-- One dossier. `code` is issued in the receiving transaction and never changes; `public_id` names the dossier before
-- it has a code (an online submission waiting in "Mới đăng ký"). `status` is the national code 1-10 and always
-- follows `stage` (the domain keeps them in step). Times are UTC text; `due_at` is NULL while the clock is stopped.
-- `archived_at`/`archived_by`: a closed dossier handed to the archives (still searchable and readable).
CREATE TABLE dossiers (
    id                  INTEGER PRIMARY KEY,
    public_id           TEXT NOT NULL CONSTRAINT dossiers_public_id_unique UNIQUE,
    code                TEXT CONSTRAINT dossiers_code_unique UNIQUE,
    agency_code         TEXT NOT NULL REFERENCES agencies(code),
    procedure_code      TEXT NOT NULL,
    procedure_version   INTEGER NOT NULL,
    procedure_name      TEXT NOT NULL,
    channel             INTEGER NOT NULL CHECK (channel IN (1, 2, 3)),
    stage               TEXT NOT NULL CHECK (stage IN ('registered', 'received', 'refused', 'at_unit', 'appraising',
                            'consulting', 'inter_agency', 'signing', 'approved', 'supplement', 'payment', 'withdrawn',
                            'stopped', 'result_ready', 'returned')),
    resume_stage        TEXT CHECK (resume_stage IS NULL OR resume_stage IN ('registered', 'received', 'at_unit',
                            'appraising', 'consulting', 'inter_agency', 'signing', 'approved')),
    status              INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    active              INTEGER NOT NULL CHECK (active IN (0, 1)),   -- not yet returned, refused, withdrawn or stopped
    applicant_kind      TEXT NOT NULL CHECK (applicant_kind IN ('person', 'organisation')),
    applicant_name      TEXT NOT NULL CHECK (length(applicant_name) BETWEEN 1 AND 200),
    applicant_key       TEXT NOT NULL,   -- the name folded to ASCII lower case, for prefix search
    applicant_id_number TEXT NOT NULL,
    applicant_phone     TEXT NOT NULL DEFAULT '',
    applicant_email     TEXT NOT NULL DEFAULT '',
    applicant_address   TEXT NOT NULL DEFAULT '',
    owner_ref           TEXT,            -- the citizen account that submitted it online, when there is one
    subject             TEXT NOT NULL DEFAULT '',   -- "Nội dung yêu cầu giải quyết"
    sets                INTEGER NOT NULL DEFAULT 1 CHECK (sets BETWEEN 1 AND 99),
    form_data           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(form_data)),
    delivery            TEXT NOT NULL DEFAULT 'counter' CHECK (delivery IN ('counter', 'post', 'online')),
    delivery_address    TEXT NOT NULL DEFAULT '',
    unit_code           TEXT REFERENCES units(code),
    assignee_id         INTEGER REFERENCES staff(id),
    submitted_at        TEXT NOT NULL,
    received_at         TEXT,
    received_by         INTEGER REFERENCES staff(id),
    clock_started_at    TEXT,
    due_at              TEXT,
    original_due_at     TEXT,
    paused_at           TEXT,
    transfer_due_at     TEXT,
    transferred_at      TEXT,
    step_due_at         TEXT,
    extended            INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
    receipt_supplements INTEGER NOT NULL DEFAULT 0,
    supplements         INTEGER NOT NULL DEFAULT 0,
    fee_due_vnd         INTEGER,
    result_notified_at  TEXT,
    finished_at         TEXT,
    outcome             TEXT CHECK (outcome IS NULL OR outcome IN ('early', 'on_time', 'late')),
    decision            TEXT CHECK (decision IS NULL OR decision IN ('approved', 'rejected')),
    returned_at         TEXT,
    register_year       INTEGER,
    register_no         INTEGER,
    updated_at          TEXT NOT NULL, archived_at TEXT, archived_by TEXT,
    CONSTRAINT dossiers_register_unique UNIQUE (register_year, register_no),
    FOREIGN KEY (procedure_code, procedure_version) REFERENCES procedure_versions(procedure_code, version)
) STRICT;
-- Work queues read the newest or most urgent active dossiers of a unit, an assignee or a status through keyset
-- pagination on (due_at, id) or (id); none of them counts the table.
CREATE INDEX dossiers_active_by_unit ON dossiers(unit_code, due_at, id) WHERE active = 1;
CREATE INDEX dossiers_active_by_assignee ON dossiers(assignee_id, due_at, id) WHERE active = 1;
CREATE INDEX dossiers_active_by_status ON dossiers(status, due_at, id) WHERE active = 1;
CREATE INDEX dossiers_active_by_due ON dossiers(due_at, id) WHERE active = 1;
CREATE INDEX dossiers_by_applicant ON dossiers(applicant_key, id);
CREATE INDEX dossiers_by_id_number ON dossiers(applicant_id_number, id);
CREATE INDEX dossiers_by_owner ON dossiers(owner_ref, id) WHERE owner_ref IS NOT NULL;
CREATE INDEX dossiers_by_received ON dossiers(agency_code, received_at);

-- The daily sequence behind dossier codes: one row per agency per receipt day; `last` only grows, so a number is
-- never reused even when the dossier that took it is later refused.
CREATE TABLE dossier_code_seq (
    agency_code TEXT NOT NULL,
    day         TEXT NOT NULL,   -- YYMMDD in office time
    last        INTEGER NOT NULL CHECK (last BETWEEN 1 AND 9999),
    PRIMARY KEY (agency_code, day)
) STRICT, WITHOUT ROWID;

-- The register (Sổ theo dõi hồ sơ, Form 06): entry numbers run continuously through a year.
CREATE TABLE register_seq (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

-- The component checklist of a dossier, copied from the procedure version at intake.
CREATE TABLE dossier_components (
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    copies     TEXT NOT NULL DEFAULT '',
    required   INTEGER NOT NULL CHECK (required IN (0, 1)),
    provided   INTEGER NOT NULL CHECK (provided IN (0, 1)),
    PRIMARY KEY (dossier_id, position)
) STRICT, WITHOUT ROWID;

-- The append-only history: one row per action, written in the same transaction as the change it records.
-- `data` carries the action's details (reason, items, hop, new due date) for the forms built from the log.
CREATE TABLE dossier_events (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,   -- display name of the person or integration
    actor_ref  TEXT NOT NULL,   -- 'staff:<id>', 'citizen:<ref>', 'token:<name>'
    unit_code  TEXT,
    action     TEXT NOT NULL,
    stage      TEXT NOT NULL,
    status     INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    comment    TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data))
) STRICT;
CREATE INDEX dossier_events_by_dossier ON dossier_events(dossier_id, id);

-- Files attached to a dossier; the content lives in <data>/files under its SHA-256. A scan certified as an
-- electronic copy matching the paper original (Decree 61 Art. 17, Decree 107/2021) names who certified it and when;
-- confidential documents stay out of the search index and its snippets.
CREATE TABLE dossier_documents (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    component   INTEGER,   -- position in dossier_components, NULL for results and internal papers
    kind        TEXT NOT NULL CHECK (kind IN ('submitted', 'scan', 'result', 'internal')),
    file_name   TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    sha256      TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
, confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1)), certified_by TEXT, certified_at TEXT) STRICT;
CREATE INDEX dossier_documents_by_dossier ON dossier_documents(dossier_id, id);
CREATE INDEX dossier_documents_by_sha ON dossier_documents(sha256);

-- The text read from a stored file, by content hash (identical files share it). 'pending' rows are the background
-- extractor's queue; 'no_text' is a readable file without text (a scan when OCR is not installed); 'unreadable'
-- a file the reader could not parse. The file itself is stored either way.
CREATE TABLE document_texts (
    sha256       TEXT PRIMARY KEY,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'done', 'no_text', 'unreadable')),
    method       TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    extracted_at TEXT
) STRICT;
CREATE INDEX document_texts_pending ON document_texts(sha256) WHERE status = 'pending';

-- Consultations (lấy ý kiến) with other bodies: content, deadline and the reply when it comes.
CREATE TABLE dossier_consultations (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    agencies   TEXT NOT NULL,
    content    TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    asked_at   TEXT NOT NULL,
    replied_at TEXT,
    reply      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX dossier_consultations_open ON dossier_consultations(due_at) WHERE replied_at IS NULL;
CREATE INDEX dossier_consultations_by_dossier ON dossier_consultations(dossier_id);

-- Messages to applicants (e-mail, SMS), written in the transaction of the change they announce and delivered by
-- the notifier with retries; `state` and `last_error` are the delivery status shown to staff.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    dossier_id      INTEGER REFERENCES dossiers(id),
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT
) STRICT;
CREATE INDEX notifications_pending ON notifications(next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_by_dossier ON notifications(dossier_id);

-- The working-day calendar's yearly decisions: a day off that the rules do not give (or a compensatory day), or a
-- make-up working day (often a Saturday).
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY,   -- YYYY-MM-DD
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    note TEXT NOT NULL DEFAULT ''
) STRICT;

-- Printable forms as data (Circular 01/2018's six forms; the 2025 set of seven can be added beside them).
-- `body` is a template rendered with the dossier; `form_set` + `key` name it.
CREATE TABLE form_templates (
    form_set   TEXT NOT NULL,
    key        TEXT NOT NULL,
    number     TEXT NOT NULL,
    title      TEXT NOT NULL,
    paper      TEXT NOT NULL CHECK (paper IN ('A5', 'A4')),
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (form_set, key)
) STRICT;

-- Idempotency keys of API POSTs: the same key from the same caller with the same body returns the first result
-- (the dossier it created or acted on) instead of doing the work twice; recorded in the transaction of the work.
CREATE TABLE idempotency_keys (
    caller       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    result       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (caller, key)
) STRICT, WITHOUT ROWID;

-- The citizen portal: citizen accounts and their sessions, password resets, drafts of online submissions with their
-- files, messages between the applicant and the office, the edit history of form data, signed electronic results and
-- the keys that sign them, satisfaction ratings and the portal's notifications.

-- A citizen account (tài khoản công dân). `public_ref` names it in `dossiers.owner_ref` as 'citizen:<public_ref>';
-- the 12-digit citizen ID number is the sign-in name. `password_hash` is '' for an account made by an external
-- identity provider that has not set a password.
CREATE TABLE citizens (
    id                  INTEGER PRIMARY KEY,
    public_ref          TEXT NOT NULL CONSTRAINT citizens_ref_unique UNIQUE,
    id_number           TEXT NOT NULL CONSTRAINT citizens_id_number_unique UNIQUE,
    full_name           TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    date_of_birth       TEXT,
    phone               TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    province_code       TEXT NOT NULL DEFAULT '',
    commune_code        TEXT NOT NULL DEFAULT '',
    address_detail      TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL DEFAULT '',
    oidc_subject        TEXT CONSTRAINT citizens_oidc_unique UNIQUE,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_at           TEXT,
    locked_until        TEXT,
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    last_login_at       TEXT
) STRICT;
CREATE INDEX citizens_by_email ON citizens(email) WHERE email <> '';

CREATE TABLE citizen_sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL CONSTRAINT citizen_sessions_token_unique UNIQUE,
    citizen_id   INTEGER NOT NULL REFERENCES citizens(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX citizen_sessions_by_citizen ON citizen_sessions(citizen_id);

-- One-time password-reset links sent by e-mail, stored hashed; a used or expired one is refused.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    citizen_id INTEGER NOT NULL REFERENCES citizens(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT, WITHOUT ROWID;

-- An online submission being prepared (hồ sơ nháp): the form answers, the delivery choice and the files attached so
-- far; submitting it creates the dossier and deletes the draft in one transaction.
CREATE TABLE drafts (
    id                INTEGER PRIMARY KEY,
    public_id         TEXT NOT NULL CONSTRAINT drafts_public_id_unique UNIQUE,
    citizen_id        INTEGER NOT NULL REFERENCES citizens(id) ON DELETE CASCADE,
    procedure_code    TEXT NOT NULL,
    procedure_version INTEGER NOT NULL,
    form_data         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(form_data)),
    delivery          TEXT NOT NULL DEFAULT 'counter' CHECK (delivery IN ('counter', 'post', 'online')),
    delivery_address  TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    FOREIGN KEY (procedure_code, procedure_version) REFERENCES procedure_versions(procedure_code, version)
) STRICT;
CREATE INDEX drafts_by_citizen ON drafts(citizen_id, updated_at);

-- Files attached to a draft, one per component position (a new upload replaces the old); the bytes live in the file
-- store under their SHA-256 like dossier documents.
CREATE TABLE draft_files (
    draft_id   INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    component  INTEGER NOT NULL,
    file_name  TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    sha256     TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (draft_id, component)
) STRICT, WITHOUT ROWID;

-- Messages between the applicant and the office during processing (Circular 32/2017 Art. 9).
CREATE TABLE dossier_messages (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('staff', 'citizen')),
    author_ref  TEXT NOT NULL,   -- 'staff:<id>' or 'citizen:<ref>'
    author_name TEXT NOT NULL,
    body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX dossier_messages_by_dossier ON dossier_messages(dossier_id, id);

-- The form data a dossier held before each change (an online supplement), so the edit history is kept.
CREATE TABLE dossier_revisions (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    revised_at TEXT NOT NULL,
    revised_by TEXT NOT NULL,
    form_data  TEXT NOT NULL CHECK (json_valid(form_data))
) STRICT;
CREATE INDEX dossier_revisions_by_dossier ON dossier_revisions(dossier_id, id);

-- The agencies' Ed25519 keys for electronic results. The private key is sealed with the data directory's secret key;
-- a retired key still verifies what it signed.
CREATE TABLE signing_keys (
    key_id      TEXT PRIMARY KEY,
    agency_code TEXT NOT NULL REFERENCES agencies(code),
    public_key  TEXT NOT NULL,   -- hex, 32 bytes
    sealed_key  BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
) STRICT;
CREATE INDEX signing_keys_by_agency ON signing_keys(agency_code) WHERE retired_at IS NULL;

-- Electronic results (kết quả điện tử): the signed document, the verification code printed with its QR code, and the
-- signature over the file's SHA-256 and the issuing details.
CREATE TABLE dossier_results (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    document_id INTEGER NOT NULL REFERENCES dossier_documents(id),
    verify_code TEXT NOT NULL CONSTRAINT dossier_results_code_unique UNIQUE,
    sha256      TEXT NOT NULL,
    key_id      TEXT NOT NULL REFERENCES signing_keys(key_id),
    signature   TEXT NOT NULL,   -- hex
    signed_at   TEXT NOT NULL,
    signed_by   TEXT NOT NULL
) STRICT;
CREATE INDEX dossier_results_by_dossier ON dossier_results(dossier_id);
CREATE INDEX dossier_results_by_sha ON dossier_results(sha256);

-- Satisfaction ratings, one per dossier: the overall level, the detailed criteria of Circular 32/2017 Art. 12 and the
-- nine indices of Circular 01/2018 Art. 12 (each 0, 1, 2 or absent), changeable until the period closes.
CREATE TABLE ratings (
    dossier_id INTEGER PRIMARY KEY REFERENCES dossiers(id),
    citizen_id INTEGER REFERENCES citizens(id),
    overall    TEXT NOT NULL CHECK (overall IN ('very_satisfied', 'satisfied', 'unsatisfied')),
    criteria   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(criteria)),
    indices    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(indices)),
    comment    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The portal's notifications (the bell): one per status change of a citizen's dossier, read or not.
CREATE TABLE portal_notices (
    id         INTEGER PRIMARY KEY,
    citizen_id INTEGER NOT NULL REFERENCES citizens(id) ON DELETE CASCADE,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    status     INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT
) STRICT;
CREATE INDEX portal_notices_by_citizen ON portal_notices(citizen_id, id);
CREATE INDEX portal_notices_unread ON portal_notices(citizen_id) WHERE read_at IS NULL;

-- Reports and evaluation: indexes that let a period's figures be counted from the dossiers and their events without
-- reading every row, and the evaluation results an office has published on the portal.

-- Events of one kind in a period (supplement requests, refusals, withdrawals, stops) for the processing report.
CREATE INDEX dossier_events_by_action ON dossier_events(action, at);
-- Dossiers whose processing ended in a period (resolved, refused, withdrawn, stopped), with every column a report
-- figure, filter or grouping reads, so a period's ended dossiers are counted from this index alone without reading
-- the wide dossier rows. Only ended dossiers are in it, so the lifecycle's updates of active ones never touch it.
CREATE INDEX dossiers_by_finished ON dossiers(finished_at, received_at, decision, outcome, stage, channel,
    receipt_supplements, supplements, due_at, paused_at, agency_code, unit_code, procedure_code)
    WHERE finished_at IS NOT NULL;

-- An evaluation (Circular 01/2018 Arts 12-15) for a quarter or a year, published on the portal by an authorised
-- person: the figures as they stood when published, so the public page does not shift under later corrections;
-- publishing again replaces them.
CREATE TABLE evaluation_publications (
    period       TEXT NOT NULL,   -- '2026-Q4' or '2026'
    agency_code  TEXT NOT NULL REFERENCES agencies(code),
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (period, agency_code)
) STRICT, WITHOUT ROWID;

PRAGMA user_version = 6;
