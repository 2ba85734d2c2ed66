//! `motcua extract-text`: reads one document from standard input and prints what `extract` found as one line of
//! JSON. The server's text extractor runs it as a child process per file, so a parser that aborts, loops or
//! exhausts memory on a hostile file takes down only that child, never the server, and a timeout can kill it.

use std::io::{Read, Write};
use std::process::ExitCode;

use crate::domain::filetype::AcceptedType;
use crate::extract::{self, Extracted, Ocr};

/// Largest input read; the server never stores a larger document (`[documents] max_file_mb` is at most 100).
const MAX_INPUT: u64 = 101 * 1024 * 1024;

pub fn run(media_type: &str, ocr: bool) -> ExitCode {
    let mut bytes = Vec::new();
    if std::io::stdin()
        .take(MAX_INPUT)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    let extracted = match AcceptedType::from_media_type(media_type) {
        Some(kind) => {
            let ocr = if ocr { Ocr::detect() } else { None };
            extract::extract(kind, &bytes, ocr.as_ref())
        }
        None => Extracted::failed("not a document type motcua reads"),
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{}", extracted.to_json()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
