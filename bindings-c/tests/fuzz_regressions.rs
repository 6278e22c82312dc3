//! Replays every input under `fuzz/regressions/c_api/` through the same code
//! as the `c_api` fuzz target (`fuzz/src/c_api.rs`, shared by path).

use std::fs;
use std::path::Path;

#[path = "../../fuzz/src/c_api.rs"]
mod c_api;

#[test]
fn every_c_api_fuzz_regression_replays_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("fuzz/regressions/c_api");
    let mut files: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.is_file());
    files.sort();
    assert!(!files.is_empty(), "no input under {}", dir.display());
    for file in files {
        let data = fs::read(&file).unwrap();
        assert!(std::panic::catch_unwind(|| c_api::c_api(&data)).is_ok(), "{} panics", file.display());
    }
}
