//! The `cognito-emulator` binary: flags, first line of stdout, exit status on a bad config.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use common::get;

const BIN: &str = env!("CARGO_BIN_EXE_cognito-emulator");

/// Kills the child when the test ends, even on a failed assertion.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    (Running(child), line.trim_end().to_owned())
}

#[test]
fn prints_its_base_url_first_and_serves_the_given_config() {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/config/default.json");
    let (_child, base) = spawn(&["--config", config, "--port", "0"]);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let doc = get(
        &format!("{base}/us-east-1_EmuPool01/.well-known/openid-configuration"),
        &[],
    );
    assert_eq!(
        doc.json()["issuer"],
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EmuPool01"
    );
    assert_eq!(get(&format!("{base}/_emulator/clock"), &[]).status, 200);
}

#[test]
fn strict_flag_disables_controls() {
    let (_child, base) = spawn(&["--strict"]);
    assert_eq!(get(&format!("{base}/_emulator/clock"), &[]).status, 404);
    assert_eq!(
        get(
            &format!("{base}/us-east-1_EmuPool01/.well-known/jwks.json"),
            &[]
        )
        .status,
        200
    );
}

#[test]
fn bad_config_and_bad_flags_exit_with_status_2() {
    let mut file = std::env::temp_dir();
    file.push(format!("emu-bad-{}.json", std::process::id()));
    std::fs::File::create(&file)
        .unwrap()
        .write_all(br#"{"UserPool":{"UserPoolId":"nounderscore"}}"#)
        .unwrap();
    let out = Command::new(BIN)
        .args(["--config", file.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("UserPoolId"));
    let out = Command::new(BIN).args(["--port", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN).args(["--bogus"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
