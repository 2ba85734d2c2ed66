//! The data directory: every path motcua reads or writes derives from one root, and a lock file keeps two
//! processes from serving or migrating the same directory.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Paths inside one data directory (vaultwarden's `DATA_FOLDER`, PocketBase's `pb_data`).
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn database(&self) -> PathBuf {
        self.root.join("motcua.db")
    }
    pub fn config_file(&self) -> PathBuf {
        self.root.join("config.toml")
    }
    pub fn tls_dir(&self) -> PathBuf {
        self.root.join("tls")
    }
    pub fn secrets_dir(&self) -> PathBuf {
        self.root.join("secrets")
    }
    pub fn session_key(&self) -> PathBuf {
        self.secrets_dir().join("session.key")
    }
    pub fn files_dir(&self) -> PathBuf {
        self.root.join("files")
    }
    pub fn search_dir(&self) -> PathBuf {
        self.root.join("search")
    }
    pub fn backups_dir(&self) -> PathBuf {
        self.root.join("backups")
    }
    pub fn lock_file(&self) -> PathBuf {
        self.root.join("motcua.lock")
    }

    /// Whether `init` has run here: the database file exists.
    pub fn is_initialised(&self) -> bool {
        self.database().exists()
    }

    /// Creates the directory tree; `secrets/` and `tls/` are private to the service user (0700).
    pub fn create_layout(&self) -> io::Result<()> {
        fs::create_dir_all(&self.root)?;
        for dir in [self.files_dir(), self.search_dir(), self.backups_dir()] {
            fs::create_dir_all(dir)?;
        }
        for dir in [self.secrets_dir(), self.tls_dir()] {
            fs::create_dir_all(&dir)?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }

    /// Takes the directory's exclusive lock, failing at once when another process holds it.
    pub fn lock(&self) -> Result<DataLock, LockError> {
        fs::create_dir_all(&self.root).map_err(LockError::Io)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.lock_file())
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => Ok(DataLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held(self.root.clone())),
            Err(TryLockError::Error(e)) => Err(LockError::Io(e)),
        }
    }
}

/// Held for as long as a process serves or maintains the directory; the OS releases it on exit, even on a crash.
#[derive(Debug)]
pub struct DataLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another motcua process is using the data directory {0} (serve, demo or restore); stop it first"
    )]
    Held(PathBuf),
    #[error("cannot open the data directory lock file: {0}")]
    Io(io::Error),
}

/// Writes a file only its owner can read (0600), creating it exclusively or replacing it through a rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// True when a file's mode lets its group or others read it.
pub fn is_group_or_world_readable(path: &Path) -> io::Result<bool> {
    Ok(fs::metadata(path)?.permissions().mode() & 0o077 != 0)
}
