//! Replays every input under `fuzz/regressions/TARGET/` through the same
//! code as the fuzz target (`fuzz/src/json_targets.rs`, shared by path), so
//! that a crash found by fuzzing stays fixed under the normal test command.
//! `c_api` inputs are replayed by `bindings-c/tests/fuzz_regressions.rs`.

use std::fs;
use std::path::{Path, PathBuf};

use commerce_rules::Question;

#[allow(dead_code)]
#[path = "../../fuzz/src/json_targets.rs"]
mod json_targets;

/// Runs one input as the target does.
type Replay = dyn Fn(&[u8]);

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("fuzz/regressions")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

#[test]
fn every_fuzz_regression_replays_cleanly() {
    let mut replayed = 0;
    let mut targets: Vec<PathBuf> = fs::read_dir(regressions()).unwrap().map(|e| e.unwrap().path()).collect();
    targets.retain(|p| p.is_dir());
    targets.sort();
    for dir in targets {
        let target = dir.file_name().unwrap().to_str().unwrap().to_string();
        let run: Box<Replay> = match target.as_str() {
            "rules_load" => Box::new(json_targets::rules_load),
            "structured_quote" => Box::new(json_targets::structured_replay),
            "c_api" => continue,
            other => {
                let question = other
                    .strip_prefix("request_")
                    .and_then(Question::from_name)
                    .unwrap_or_else(|| panic!("fuzz/regressions/{other}: no such fuzz target"));
                Box::new(move |data| json_targets::request(question, data))
            }
        };
        for file in inputs(&dir) {
            let data = fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&data)));
            assert!(outcome.is_ok(), "{} panics", file.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no regression input found under fuzz/regressions/");
}
