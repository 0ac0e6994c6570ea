//! `cognito-emulator --config <file> [--port 0] [--strict] [--tls <cert.pem>]`: prints its base URL
//! as the first line of stdout, then serves until killed. `--tls` serves HTTPS on localhost with a
//! certificate generated at start-up and written to `<cert.pem>`.

use std::io::Write;
use std::process::ExitCode;

use cognito_emulator::config::Config;
use cognito_emulator::{Emulator, Options};

const USAGE: &str =
    "usage: cognito-emulator [--config <file>] [--port <port>] [--strict] [--tls <cert.pem>]";

fn run() -> Result<Emulator, String> {
    let mut args = std::env::args().skip(1);
    let mut config_path = None;
    let mut options = Options::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config_path = Some(args.next().ok_or(USAGE)?),
            "--port" => {
                let port = args.next().ok_or(USAGE)?;
                options.port = port.parse().map_err(|_| format!("invalid port {port:?}"))?;
            }
            "--strict" => options.strict = true,
            "--tls" => options.tls_certificate_out = Some(args.next().ok_or(USAGE)?.into()),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let config = match config_path {
        Some(path) => Config::from_file(path.as_ref()),
        None => Config::from_json(include_str!("../config/default.json")),
    }
    .map_err(|e| e.to_string())?;
    Emulator::start_with(config, options).map_err(|e| format!("cannot start: {e}"))
}

fn main() -> ExitCode {
    match run() {
        Ok(emulator) => {
            let mut stdout = std::io::stdout();
            if writeln!(stdout, "{}", emulator.base_url)
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            loop {
                std::thread::park();
            }
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
