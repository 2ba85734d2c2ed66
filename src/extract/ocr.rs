//! Optional OCR through the `tesseract` program (Debian: tesseract-ocr, tesseract-ocr-vie), for scans and photos
//! of papers and for PDFs without a text layer, whose pages `pdftoppm` (poppler-utils) renders when present.
//! External programs run as child processes with a timeout, so a hostile image can hang or crash only them.

use super::{MAX_RAW_BYTES, Unreadable};
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long one tesseract or pdftoppm run may take before it is killed. A clean A4 page takes a few seconds.
const PROGRAM_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `--list-langs` or `-v` may take at start-up.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);
/// Images larger than this are refused before tesseract decodes them: a 600 dpi A4 scan is 35 megapixels, and a
/// few bytes of PNG can claim billions of pixels.
const MAX_IMAGE_PIXELS: u64 = 60_000_000;

/// An installed tesseract that reads Vietnamese, found once at start-up by [`Ocr::detect`] and passed to
/// [`super::extract`]. Without one, scans are stored with status `NoText` and can be read again later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ocr {
    /// The tesseract program.
    pub(super) program: PathBuf,
    /// The `-l` argument: Vietnamese (its traineddata covers the Latin letters of names and codes too).
    pub(super) languages: String,
    /// `pdftoppm`, which renders PDF pages to images; without it only a scan's embedded JPEGs are read.
    pub(super) pdf_renderer: Option<PathBuf>,
}

impl Ocr {
    /// Finds `tesseract` and `pdftoppm` on the PATH. `Some` only if tesseract runs and lists the `vie` language:
    /// without Vietnamese traineddata the diacritics come out wrong and the text would mislead search.
    pub fn detect() -> Option<Ocr> {
        Self::detect_programs(Path::new("tesseract"), Path::new("pdftoppm"))
    }

    /// [`Ocr::detect`] with the programs named, for installations outside the PATH.
    pub fn detect_programs(tesseract: &Path, pdftoppm: &Path) -> Option<Ocr> {
        let mut list = Command::new(tesseract);
        list.arg("--list-langs");
        // Tesseract 3 printed the list on stderr, 4 and 5 on stdout.
        let listed = run(&mut list, PROBE_TIMEOUT, true).ok()?;
        if !listed.status.success() {
            return None;
        }
        let has_vietnamese = String::from_utf8_lossy(&listed.output)
            .lines()
            .any(|line| line.trim() == "vie");
        if !has_vietnamese {
            return None;
        }
        let mut version = Command::new(pdftoppm);
        version.arg("-v");
        let pdf_renderer = run(&mut version, PROBE_TIMEOUT, false)
            .is_ok_and(|ran| ran.status.success())
            .then(|| pdftoppm.to_path_buf());
        Some(Ocr {
            program: tesseract.to_path_buf(),
            languages: "vie".to_owned(),
            pdf_renderer,
        })
    }

    /// The tesseract languages used, e.g. "vie".
    pub fn languages(&self) -> &str {
        &self.languages
    }

    /// Whether PDF pages without a text layer are rendered whole (pdftoppm found) rather than only their embedded
    /// JPEG images read.
    pub fn renders_pdf_pages(&self) -> bool {
        self.pdf_renderer.is_some()
    }

    /// The text tesseract reads in an image (JPEG or PNG bytes; `extension` names the temp file for it).
    pub(super) fn read_image(&self, bytes: &[u8], extension: &str) -> Result<String, Unreadable> {
        let size = imagesize::blob_size(bytes).map_err(|_| Unreadable::new("damaged image"))?;
        let pixels = (size.width as u64).saturating_mul(size.height as u64);
        if pixels > MAX_IMAGE_PIXELS {
            return Err(Unreadable::new(format!(
                "image too large for OCR ({} x {} pixels)",
                size.width, size.height
            )));
        }
        let mut file = tempfile::Builder::new()
            .prefix("motcua-ocr-")
            .suffix(&format!(".{extension}"))
            .tempfile()
            .map_err(|_| Unreadable::new("OCR failed (no temporary file)"))?;
        std::io::Write::write_all(&mut file, bytes)
            .map_err(|_| Unreadable::new("OCR failed (no temporary file)"))?;
        self.read_image_file(file.path())
    }

    /// The text tesseract reads in the image at `path`.
    pub(super) fn read_image_file(&self, path: &Path) -> Result<String, Unreadable> {
        let mut command = Command::new(&self.program);
        command
            .arg(path)
            .arg("stdout")
            .arg("-l")
            .arg(&self.languages)
            // One thread: on a two-core server OpenMP's threads made a page 3.5 times slower (0.63 s against 0.18 s
            // for the PNG fixture), and they would compete with the web server.
            .env("OMP_THREAD_LIMIT", "1");
        let ran = run(&mut command, PROGRAM_TIMEOUT, false).map_err(|e| e.unreadable("OCR"))?;
        if !ran.status.success() {
            return Err(Unreadable::new(format!("OCR failed ({})", ran.status)));
        }
        Ok(String::from_utf8_lossy(&ran.output).into_owned())
    }

    /// Renders pages `1..=max_pages` of the PDF at `pdf` to PNG files in `dir` (200 dpi, the usual scanning
    /// resolution, cropped to 4000 x 4000 pixels so a huge page box cannot make a huge bitmap); returns them in
    /// page order. `None` when there is no renderer.
    pub(super) fn render_pdf_pages(
        &self,
        pdf: &Path,
        dir: &Path,
        max_pages: usize,
    ) -> Option<Result<Vec<PathBuf>, Unreadable>> {
        let renderer = self.pdf_renderer.as_ref()?;
        let mut command = Command::new(renderer);
        command
            .args(["-r", "200", "-png", "-gray", "-f", "1", "-l"])
            .arg(max_pages.to_string())
            .args(["-x", "0", "-y", "0", "-W", "4000", "-H", "4000"])
            .arg(pdf)
            .arg(dir.join("page"));
        match run(&mut command, PROGRAM_TIMEOUT, false) {
            Ok(ran) if ran.status.success() => {}
            Ok(ran) => {
                return Some(Err(Unreadable::new(format!(
                    "PDF pages could not be rendered for OCR ({})",
                    ran.status
                ))));
            }
            Err(e) => return Some(Err(e.unreadable("rendering PDF pages"))),
        }
        let mut pages: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "png"))
                .collect(),
            Err(_) => return Some(Err(Unreadable::new("rendered PDF pages went missing"))),
        };
        // pdftoppm pads page numbers to the same width within a run, so names sort in page order.
        pages.sort();
        pages.truncate(max_pages);
        Some(Ok(pages))
    }
}

/// A finished child process: its exit status and what it wrote (stdout, and stderr too when asked).
struct Finished {
    status: ExitStatus,
    output: Vec<u8>,
}

enum RunError {
    /// The program could not be started (not installed, not executable) or its output not read.
    Io,
    TimedOut,
}

impl RunError {
    fn unreadable(self, what: &str) -> Unreadable {
        match self {
            Self::Io => Unreadable::new(format!("{what} failed to run")),
            Self::TimedOut => Unreadable::new(format!(
                "{what} took longer than {} s",
                PROGRAM_TIMEOUT.as_secs()
            )),
        }
    }
}

/// Runs `command` to completion or kills it after `timeout`. Output goes to an unnamed temp file rather than a
/// pipe, so a chatty child never blocks on a full pipe while this thread only polls; at most [`MAX_RAW_BYTES`]
/// of it is read back.
fn run(command: &mut Command, timeout: Duration, with_stderr: bool) -> Result<Finished, RunError> {
    let mut output = tempfile::tempfile().map_err(|_| RunError::Io)?;
    let stdout = output.try_clone().map_err(|_| RunError::Io)?;
    let stderr = if with_stderr {
        Stdio::from(output.try_clone().map_err(|_| RunError::Io)?)
    } else {
        Stdio::null()
    };
    let mut child = command
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|_| RunError::Io)?;
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(5);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            outcome => {
                // Kill and reap, so neither a runaway process nor a zombie outlives the call.
                let _ = child.kill();
                let _ = child.wait();
                return Err(match outcome {
                    Ok(_) => RunError::TimedOut,
                    Err(_) => RunError::Io,
                });
            }
        }
    };
    let mut bytes = Vec::new();
    output
        .rewind()
        .and_then(|()| {
            (&mut output)
                .take(MAX_RAW_BYTES as u64)
                .read_to_end(&mut bytes)
        })
        .map_err(|_| RunError::Io)?;
    Ok(Finished {
        status,
        output: bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_past_its_timeout_is_killed() {
        let started = Instant::now();
        let mut sleeper = Command::new("sleep");
        sleeper.arg("30");
        let outcome = run(&mut sleeper, Duration::from_millis(200), false);
        assert!(matches!(outcome, Err(RunError::TimedOut)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_program_that_writes_much_is_read_without_blocking() {
        let mut chatty = Command::new("head");
        chatty.args(["-c", "1000000", "/dev/zero"]);
        let outcome = run(&mut chatty, Duration::from_secs(30), false);
        assert!(matches!(outcome, Ok(Finished { ref output, .. }) if output.len() == 1_000_000));
    }
}
