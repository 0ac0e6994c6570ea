//! A local stand-in for an Amazon Cognito user pool: hosted UI, OAuth 2.0 / OIDC endpoints, the
//! user-pool JSON API subset, the pre-token-generation trigger, and test-only controls. It follows
//! `docs/cognito.md`; see `emulator/README.md` for the manual.
//!
//! ```no_run
//! let config = cognito_emulator::config::Config::from_file("emulator/config/default.json".as_ref())?;
//! let emulator = cognito_emulator::Emulator::start(config, 0)?;
//! println!("{}", emulator.base_url);
//! emulator.shutdown();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod api;
pub mod authorize;
pub mod config;
pub mod control;
#[cfg(emulator_federation)]
pub mod federation;
pub mod http;
pub mod keys;
pub mod mint;
pub mod server;
pub mod srp;
pub mod state;
pub mod token;
pub mod trigger;
pub mod user;
pub mod userinfo;

pub use server::{Emulator, Options};
