//! Enables `cfg(emulator_federation)` once `src/federation.rs` exists (it is written separately),
//! so the routes to it compile in without a dead stub before then.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(emulator_federation)");
    println!("cargo::rerun-if-changed=src");
    if std::path::Path::new("src/federation.rs").exists() {
        println!("cargo::rustc-cfg=emulator_federation");
    }
}
