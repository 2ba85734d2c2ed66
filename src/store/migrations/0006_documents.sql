-- Dossier documents (issue 7): digitisation at the counter, confidentiality, the text read from each file for
-- search, archiving of closed dossiers, and the archivist role.

-- A scanned or uploaded paper certified by the officer as an electronic copy matching the original (Decree 61
-- Art. 17 as amended by Decree 107/2021): who certified it and when. Confidential documents are kept out of the
-- search index and out of search snippets.
ALTER TABLE dossier_documents ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0, 1));
ALTER TABLE dossier_documents ADD COLUMN certified_by TEXT;
ALTER TABLE dossier_documents ADD COLUMN certified_at TEXT;
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
INSERT OR IGNORE INTO document_texts(sha256, status) SELECT DISTINCT sha256, 'pending' FROM dossier_documents;

-- A closed dossier handed to the archives: exported as one ZIP and marked, still searchable and readable.
ALTER TABLE dossiers ADD COLUMN archived_at TEXT;
ALTER TABLE dossiers ADD COLUMN archived_by TEXT;

-- The archivist (cán bộ lưu trữ) joins the staff roles.
ALTER TABLE staff_roles RENAME TO staff_roles_v5;
CREATE TABLE staff_roles (
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('officer', 'specialist', 'head', 'leader', 'admin', 'archivist')),
    PRIMARY KEY (staff_id, role)
) STRICT, WITHOUT ROWID;
INSERT INTO staff_roles SELECT staff_id, role FROM staff_roles_v5;
DROP TABLE staff_roles_v5;
