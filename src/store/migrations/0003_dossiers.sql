-- Dossiers (hồ sơ) under the one-stop mechanism: intake on three channels, the ten national statuses with finer
-- internal stages, working-day deadlines, the event log, documents, consultations, notifications and the register.

-- One dossier. `code` is issued in the receiving transaction and never changes; `public_id` names the dossier before
-- it has a code (an online submission waiting in "Mới đăng ký"). `status` is the national code 1-10 and always
-- follows `stage` (the domain keeps them in step). Times are UTC text; `due_at` is NULL while the clock is stopped.
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
    updated_at          TEXT NOT NULL,
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

-- Files attached to a dossier; the content lives in <data>/files under its SHA-256.
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
) STRICT;
CREATE INDEX dossier_documents_by_dossier ON dossier_documents(dossier_id, id);

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
