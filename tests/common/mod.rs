//! The built binary run as a server from tests: started with `--listen 127.0.0.1:0`, ready once it prints
//! `listening on URL`, killed when dropped.

// Each test binary that includes this module uses a different part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_motcua");

pub struct Server {
    child: Child,
    /// The base URL it printed.
    pub url: String,
    /// Everything it printed up to and including the `listening on` line.
    pub printed: String,
}

impl Server {
    /// Runs `motcua --data DATA COMMAND --listen 127.0.0.1:0 EXTRA…` (COMMAND is `serve` or `demo`).
    pub fn start(data: &Path, command: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .arg("--data")
            .arg(data)
            .args([command, "--listen", "127.0.0.1:0"])
            .args(extra)
            .envs(env.iter().copied())
            .env("MOTCUA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn motcua");
        let mut printed = String::new();
        for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
            let line = line.expect("line");
            printed.push_str(&line);
            printed.push('\n');
            if let Some(url) = line.strip_prefix("listening on ") {
                return Server {
                    url: url.to_owned(),
                    printed,
                    child,
                };
            }
        }
        let _ = child.kill();
        panic!("motcua {command} stopped before listening; it printed:\n{printed}");
    }
}

impl Server {
    /// Kills the process with SIGKILL: no graceful shutdown, as in a crash.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
