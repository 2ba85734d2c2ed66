//! Operations on a data directory outside the request path: `init`, opening the database for the CLI with the
//! right locking, `backup`, `restore` and `doctor`.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::crypto::{Sha256, random_bytes};
use crate::datadir::{DataDir, DataLock, LockError, is_group_or_world_readable, write_private};
use crate::store::audit::ChainCheck;
use crate::store::{self, Db, health, migrate};

/// Creates the directory layout, secrets, TLS certificate, default config and database; safe to run again.
pub fn init_layout(data: &DataDir, config: &Config) -> Result<()> {
    data.create_layout()
        .with_context(|| format!("cannot create {}", data.root().display()))?;
    if !data.session_key().exists() {
        write_private(&data.session_key(), &random_bytes(32))
            .context("cannot write secrets/session.key")?;
    }
    if !data.config_file().exists() {
        fs::write(data.config_file(), Config::example()).context("cannot write config.toml")?;
    }
    crate::tls::load_or_generate(data, &config.tls)?;
    migrate_with_backup(data)?;
    Ok(())
}

/// Migrates the database, first copying it to `backups/pre-migrate-vN-….db` when there are steps to apply.
/// The caller holds the data directory lock.
pub fn migrate_with_backup(data: &DataDir) -> Result<i64> {
    let mut conn = store::open_writer(&data.database())?;
    let status = migrate::status(&conn)?;
    if status.pending() && !status.empty {
        let name = format!("pre-migrate-v{}-{}.db", status.found, timestamp());
        health::vacuum_into(&conn, &data.backups_dir().join(name))
            .context("pre-migration backup failed")?;
    }
    Ok(migrate::run(&mut conn)?)
}

fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Opens the database for a CLI command. When no server holds the directory the command takes the lock and
/// migrates; while a server runs, the command shares the database through SQLite's own locking.
pub async fn open_for_cli(data: &DataDir, config: &Config) -> Result<(Db, Option<DataLock>)> {
    if !data.is_initialised() {
        bail!(
            "{} is not a motcua data directory; run `motcua init --data {}` first",
            data.root().display(),
            data.root().display()
        );
    }
    let lock = match data.lock() {
        Ok(lock) => {
            migrate_with_backup(data)?;
            Some(lock)
        }
        Err(LockError::Held(_)) => None,
        Err(e) => return Err(e.into()),
    };
    Ok((
        Db::open(&data.database(), config.reader_count()).await?,
        lock,
    ))
}

/// One file in a backup and its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// `manifest.json`, the first entry of every backup archive.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub motcua_version: String,
    pub schema_version: i64,
    pub entries: Vec<ManifestEntry>,
}

const BACKUP_FORMAT: &str = "motcua-backup/1";

fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let (mut hasher, mut buf, mut size) = (Sha256::default(), vec![0u8; 64 * 1024], 0u64);
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok((hasher.finish_hex(), size));
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}

/// Every regular file below `dir`, as paths relative to `base`; hidden folders (the file store's `.incoming`,
/// where unfinished writes live) are skipped.
fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if !entry.file_name().to_string_lossy().starts_with('.') {
                walk(base, &path, out)?;
            }
        } else if entry.file_type()?.is_file() && path.extension().is_none_or(|e| e != "tmp") {
            out.push(
                path.strip_prefix(base)
                    .map(Path::to_path_buf)
                    .unwrap_or(path),
            );
        }
    }
    Ok(())
}

/// Writes a consistent backup archive while the server may be running: a `VACUUM INTO` snapshot of the database,
/// then the stored files, secrets, TLS material and config, with a manifest of SHA-256 hashes; then verifies it.
pub fn backup(data: &DataDir, out: &Path) -> Result<Manifest> {
    if !data.is_initialised() {
        bail!("{} is not a motcua data directory", data.root().display());
    }
    let staging = tempfile::Builder::new()
        .prefix(".backup-")
        .tempdir_in(data.root())
        .context("cannot create a staging folder")?;
    let snapshot = staging.path().join("motcua.db");
    {
        let conn = rusqlite::Connection::open_with_flags(
            data.database(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        migrate::require_current(&conn)?;
        health::vacuum_into(&conn, &snapshot).context("database snapshot failed")?;
    }
    let schema_version = {
        let conn = rusqlite::Connection::open(&snapshot)?;
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))?
    };
    let mut sources: Vec<(String, PathBuf)> = vec![("motcua.db".to_owned(), snapshot.clone())];
    let mut relative = Vec::new();
    for dir in [data.files_dir(), data.secrets_dir(), data.tls_dir()] {
        walk(data.root(), &dir, &mut relative)?;
    }
    if data.config_file().exists() {
        relative.push(PathBuf::from("config.toml"));
    }
    relative.sort();
    sources.extend(
        relative
            .into_iter()
            .map(|r| (r.to_string_lossy().into_owned(), data.root().join(r))),
    );
    let mut entries = Vec::with_capacity(sources.len());
    for (name, path) in &sources {
        let (sha256, size) =
            hash_file(path).with_context(|| format!("cannot read {}", path.display()))?;
        entries.push(ManifestEntry {
            path: name.clone(),
            sha256,
            size,
        });
    }
    let manifest = Manifest {
        format: BACKUP_FORMAT.to_owned(),
        created_at: store::format_time(time::OffsetDateTime::now_utc()),
        motcua_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        entries,
    };
    let partial = out.with_extension("partial");
    {
        let file = File::create(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        let mut tar = tar::Builder::new(file);
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, "manifest.json", json.as_slice())?;
        for (name, path) in &sources {
            tar.append_path_with_name(path, name)?;
        }
        tar.into_inner()?.sync_all()?;
    }
    fs::rename(&partial, out)?;
    verify_backup(out, staging.path())?;
    Ok(manifest)
}

/// Reads an archive back: every entry must match the manifest, nothing may be missing or extra, and the database
/// must pass `integrity_check`. Extracts into `into` as it goes.
pub fn verify_backup(archive: &Path, into: &Path) -> Result<Manifest> {
    let file = File::open(archive).with_context(|| format!("cannot open {}", archive.display()))?;
    let mut tar = tar::Archive::new(file);
    let mut manifest: Option<Manifest> = None;
    let mut seen = Vec::new();
    for entry in tar.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if name == "manifest.json" {
            let mut json = Vec::new();
            entry.read_to_end(&mut json)?;
            manifest = Some(serde_json::from_slice(&json).context("the manifest is not valid")?);
            continue;
        }
        let Some(m) = &manifest else {
            bail!("the archive does not start with manifest.json")
        };
        let Some(expected) = m.entries.iter().find(|e| e.path == name) else {
            bail!("{name} is in the archive but not in its manifest")
        };
        if !entry.unpack_in(into)? {
            bail!("{name} would be extracted outside the restore folder");
        }
        let (sha256, size) = hash_file(&into.join(&name))?;
        if sha256 != expected.sha256 || size != expected.size {
            bail!("{name} does not match its SHA-256 in the manifest: the backup is damaged");
        }
        seen.push(name);
    }
    let Some(manifest) = manifest else {
        bail!("{} is not a motcua backup (no manifest)", archive.display())
    };
    if manifest.format != BACKUP_FORMAT {
        bail!("unknown backup format {}", manifest.format);
    }
    if let Some(missing) = manifest.entries.iter().find(|e| !seen.contains(&e.path)) {
        bail!(
            "{} is listed in the manifest but missing from the archive",
            missing.path
        );
    }
    let conn = rusqlite::Connection::open(into.join("motcua.db"))?;
    let check = health::integrity_check(&conn)?;
    if check != ["ok"] {
        bail!(
            "the database in the backup fails integrity_check: {}",
            check.join("; ")
        );
    }
    Ok(manifest)
}

/// Replaces a data directory's contents with a verified backup. Refuses while a server holds the directory; keeps
/// what it replaces under `backups/pre-restore-…/`.
pub fn restore(data: &DataDir, archive: &Path) -> Result<Manifest> {
    fs::create_dir_all(data.root())?;
    let _lock = data.lock()?;
    let staging = tempfile::Builder::new()
        .prefix(".restore-")
        .tempdir_in(data.root())?;
    let manifest = verify_backup(archive, staging.path())?;
    if manifest.schema_version > migrate::CURRENT_VERSION {
        bail!(
            "the backup has schema version {} but this motcua understands {}; restore it with a newer motcua",
            manifest.schema_version,
            migrate::CURRENT_VERSION
        );
    }
    let keep = data
        .backups_dir()
        .join(format!("pre-restore-{}", timestamp()));
    fs::create_dir_all(&keep)?;
    for name in [
        "motcua.db",
        "motcua.db-wal",
        "motcua.db-shm",
        "files",
        "secrets",
        "tls",
        "config.toml",
    ] {
        let current = data.root().join(name);
        if current.exists() {
            fs::rename(&current, keep.join(name))?;
        }
    }
    for name in ["motcua.db", "files", "secrets", "tls", "config.toml"] {
        let staged = staging.path().join(name);
        if staged.exists() {
            fs::rename(&staged, data.root().join(name))?;
        }
    }
    data.create_layout()?;
    Ok(manifest)
}

/// One line of the `doctor` report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The file store against the database: files whose content no longer matches their name (altered), hashes a
/// record points at without a file (missing), and files no record points at (orphaned: harmless leftovers of an
/// upload whose transaction failed or was interrupted; safe to delete once no backup needs them).
fn check_files(
    conn: &rusqlite::Connection,
    files_dir: &Path,
) -> Result<Vec<(&'static str, bool, String)>> {
    let mut stored = Vec::new();
    walk(files_dir, files_dir, &mut stored)?;
    let mut altered = Vec::new();
    let mut present = std::collections::HashSet::new();
    for rel in &stored {
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match hash_file(&files_dir.join(rel)) {
            Ok((sha, _)) if sha == name => {
                present.insert(name);
            }
            _ => altered.push(rel.display().to_string()),
        }
    }
    let referenced = store::dossiers::referenced_hashes(conn)?;
    let mut missing: Vec<&String> = referenced
        .iter()
        .filter(|sha| !present.contains(*sha) && !altered.iter().any(|a| a.ends_with(sha.as_str())))
        .collect();
    missing.sort();
    let mut orphaned: Vec<&String> = present
        .iter()
        .filter(|sha| !referenced.contains(*sha))
        .collect();
    orphaned.sort();
    let list = |items: Vec<String>| items.join(", ");
    Ok(vec![
        (
            "files",
            altered.is_empty(),
            if altered.is_empty() {
                format!("{} files match their hashes", stored.len())
            } else {
                format!("altered: {}", list(altered))
            },
        ),
        (
            "missing files",
            missing.is_empty(),
            if missing.is_empty() {
                format!(
                    "every one of {} referenced files is present",
                    referenced.len()
                )
            } else {
                format!(
                    "referenced but not in the file store (restore them from a backup): {}",
                    list(missing.into_iter().cloned().collect())
                )
            },
        ),
        (
            "orphaned files",
            orphaned.is_empty(),
            if orphaned.is_empty() {
                "no stored file is unreferenced".to_owned()
            } else {
                format!(
                    "{} stored files no record refers to (left by interrupted or refused uploads; safe to delete): {}",
                    orphaned.len(),
                    list(orphaned.into_iter().cloned().collect())
                )
            },
        ),
    ])
}

/// Checks a data directory: database integrity and foreign keys, schema version, the audit chain, stored files
/// against their content hashes, secrets' permissions, the TLS certificate and free disk space.
pub fn doctor(data: &DataDir, config: &Config) -> Result<Vec<Finding>> {
    if !data.is_initialised() {
        bail!("{} is not a motcua data directory", data.root().display());
    }
    let mut findings = Vec::new();
    let mut add = |check, ok, detail: String| findings.push(Finding { check, ok, detail });
    let conn = rusqlite::Connection::open_with_flags(
        data.database(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let status = migrate::status(&conn)?;
    add(
        "schema",
        status.found == status.current,
        format!("version {} (this motcua: {})", status.found, status.current),
    );
    let integrity = health::integrity_check(&conn)?;
    add("integrity", integrity == ["ok"], integrity.join("; "));
    let fk = health::foreign_key_problems(&conn)?;
    add(
        "foreign keys",
        fk.is_empty(),
        if fk.is_empty() {
            "ok".into()
        } else {
            fk.join("; ")
        },
    );
    match store::audit::verify_chain(&conn)? {
        ChainCheck::Intact { rows } => {
            add("audit chain", true, format!("{rows} rows, chain intact"))
        }
        ChainCheck::BrokenAt { id, reason } => add(
            "audit chain",
            false,
            format!("broken at row {id}: {reason}"),
        ),
    }
    for (check, ok, detail) in check_files(&conn, &data.files_dir())? {
        add(check, ok, detail);
    }
    for secret in [data.session_key(), data.tls_dir().join("key.pem")] {
        if secret.exists() {
            let open = is_group_or_world_readable(&secret)?;
            add(
                "permissions",
                !open,
                format!(
                    "{} {}",
                    secret.display(),
                    if open {
                        "is readable by other users; chmod 600 it"
                    } else {
                        "is private"
                    }
                ),
            );
        }
    }
    match crate::tls::configured_fingerprint(data, &config.tls) {
        Ok(fingerprint) => add("tls", true, format!("certificate SHA-256 {fingerprint}")),
        Err(e) => add("tls", false, format!("{e:#}")),
    }
    let published = store::procedures::count_published(&conn)?;
    let backlog = store::outbox::backlog(&conn)?;
    let index_dir = data
        .search_dir()
        .join(format!("procedures-v{}", crate::search::SCHEMA_VERSION));
    if index_dir.exists() {
        let (index, _) = crate::search::SearchIndex::open(&data.search_dir())?;
        let indexed = index.doc_count();
        add(
            "search",
            indexed == published,
            format!(
                "{indexed} procedures indexed, {published} published, {backlog} changes waiting{}",
                if indexed == published {
                    ""
                } else {
                    "; run `motcua reindex` (a running server also rebuilds at its next start)"
                }
            ),
        );
    } else {
        add(
            "search",
            published == 0,
            format!(
                "no search index yet for {published} published procedures; run `motcua reindex` or start the server"
            ),
        );
    }
    let dossiers = store::dossiers::index_rows::count_all(&conn)?;
    let dossier_dir = data.search_dir().join(format!(
        "dossiers-v{}",
        crate::search::DOSSIER_SCHEMA_VERSION
    ));
    if dossier_dir.exists() {
        let (index, _) = crate::search::DossierIndex::open(&data.search_dir())?;
        let indexed = index.doc_count();
        add(
            "dossier search",
            indexed == dossiers,
            format!(
                "{indexed} dossiers indexed of {dossiers}{}",
                if indexed == dossiers {
                    ""
                } else {
                    "; run `motcua reindex` (a running server also rebuilds at its next start)"
                }
            ),
        );
    } else {
        add(
            "dossier search",
            dossiers == 0,
            format!(
                "no dossier search index yet for {dossiers} dossiers; run `motcua reindex` or start the server"
            ),
        );
    }
    let free = fs4::available_space(data.root()).unwrap_or(0);
    add(
        "disk",
        free > 1024 * 1024 * 1024,
        format!("{} MiB free", free / (1024 * 1024)),
    );
    Ok(findings)
}
