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
