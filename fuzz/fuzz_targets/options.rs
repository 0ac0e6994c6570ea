//! Verifier options (create-time list and verify-time overrides): parsing, verifier
//! construction for both kinds, and rule resolution for every configured issuer.
#![no_main]

use cognito_wasm::protocol::{Error, JwtVerifier, Options};
use cognito_wasm_fuzz::check_code;
use libfuzzer_sys::fuzz_target;

fn build(create: &str, overrides: Option<&str>) -> Result<(), Error> {
    let overrides = overrides.map(Options::parse_overrides).transpose()?;
    for cognito in [true, false] {
        let list = Options::parse_list(create)?;
        let built = if cognito {
            JwtVerifier::cognito(list)
        } else {
            JwtVerifier::generic(list)
        };
        let Ok(v) = built else { continue };
        assert!(!v.configs().is_empty());
        for i in 0..v.configs().len() {
            let _ = v.rules(i, overrides.as_ref());
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `create` and optional `overrides` separated by a NUL
    let mut parts = text.splitn(2, '\0');
    let create = parts.next().unwrap_or_default();
    if let Err(e) = build(create, parts.next()) {
        // option errors may name an unknown option: only the code is checked
        check_code(&e);
    }
});
