//! Content-addressed file storage under `<data>/files`: a file is named by its SHA-256 and written to a temporary
//! file in `<files>/.incoming`, flushed and renamed into place, so a crash never leaves a half-written file under
//! a real name and identical files are stored once. Whatever a crash leaves in `.incoming` is removed at the next
//! start. `motcua doctor` re-hashes every file against its name and compares the store with the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::crypto::sha256_hex;

/// The file store as services use it: where files live and the largest dossier document accepted
/// (`[documents] max_file_mb`).
#[derive(Debug, Clone)]
pub struct FileStore {
    pub dir: PathBuf,
    pub max_bytes: usize,
}

/// Where a file with this hash lives: `<files>/ab/abcdef…`.
pub fn path_of(files_dir: &Path, sha256: &str) -> Option<PathBuf> {
    let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| files_dir.join(&sha256[..2]).join(sha256))
}

/// Where files are written before they are complete; never read from, emptied at start.
pub const INCOMING: &str = ".incoming";

/// Stores `bytes` and returns their SHA-256. Storing the same content twice is a no-op.
pub fn put(files_dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha = sha256_hex(bytes);
    let Some(target) = path_of(files_dir, &sha) else {
        return Err(std::io::Error::other("bad hash"));
    };
    if target.exists() {
        return Ok(sha);
    }
    let dir = target
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent"))?;
    std::fs::create_dir_all(dir)?;
    let incoming = files_dir.join(INCOMING);
    std::fs::create_dir_all(&incoming)?;
    let mut tmp = tempfile::Builder::new()
        .prefix("upload-")
        .suffix(".part")
        .tempfile_in(&incoming)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    // The rename is durable only once the directory entry is.
    std::fs::File::open(dir)?.sync_all()?;
    Ok(sha)
}

/// Removes what an interrupted write left in `.incoming`; returns how many files. Called at start, while the data
/// directory lock keeps any other writer out.
pub fn sweep_incoming(files_dir: &Path) -> std::io::Result<usize> {
    let incoming = files_dir.join(INCOMING);
    if !incoming.exists() {
        return Ok(0);
    }
    let mut removed = 0;
    for entry in std::fs::read_dir(&incoming)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Reads a stored file back.
pub fn read(files_dir: &Path, sha256: &str) -> std::io::Result<Vec<u8>> {
    let path = path_of(files_dir, sha256).ok_or_else(|| std::io::Error::other("bad hash"))?;
    std::fs::read(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_stored_once_under_its_hash_and_reads_back() {
        let dir = tempfile::tempdir().expect("dir");
        let a = put(dir.path(), b"giay to").expect("put");
        let b = put(dir.path(), b"giay to").expect("put again");
        assert_eq!(a, b);
        assert_eq!(read(dir.path(), &a).expect("read"), b"giay to");
        let count = std::fs::read_dir(dir.path().join(&a[..2]))
            .expect("dir")
            .count();
        assert_eq!(count, 1, "no temporary file is left behind");
        let incoming = std::fs::read_dir(dir.path().join(INCOMING))
            .expect("incoming")
            .count();
        assert_eq!(incoming, 0);
        assert!(path_of(dir.path(), "../etc/passwd").is_none());
    }

    #[test]
    fn a_partial_file_left_by_a_crash_is_swept_and_never_counted_as_stored() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join(INCOMING)).expect("mkdir");
        std::fs::write(dir.path().join(INCOMING).join("upload-x.part"), b"hal").expect("write");
        assert_eq!(sweep_incoming(dir.path()).expect("sweep"), 1);
        assert_eq!(sweep_incoming(dir.path()).expect("sweep again"), 0);
    }
}
