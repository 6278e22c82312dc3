//! docs/c-api.md documents every status (with its value and name) and every
//! exported function.

use std::ffi::CStr;
use std::fs;
use std::path::PathBuf;

use commerce_rules_c::cr_status;

fn c_api_md() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/c-api.md");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_status_is_documented_with_its_value_and_name() {
    let doc = c_api_md();
    for &status in cr_status::ALL {
        let name = status.name().to_str().unwrap();
        let row = format!("| `{status:?}` | {} | `{name}` |", status as u32);
        assert!(doc.contains(&row), "docs/c-api.md has no status row starting `{row}`");
        // The header's name for it is the same.
        let named = unsafe { CStr::from_ptr(commerce_rules_c::cr_status_name(status as u32)) };
        assert_eq!(named.to_str().unwrap(), name);
    }
}

#[test]
fn every_exported_function_is_documented() {
    let doc = c_api_md();
    let header =
        fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include/commerce_rules.h")).unwrap();
    let functions: Vec<&str> = header
        .lines()
        .filter(|l| {
            !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with("/*") && l.contains("cr_") && l.contains('(')
        })
        .filter_map(|l| l.split('(').next())
        .filter_map(|l| l.rsplit([' ', '*']).next())
        .filter(|name| name.starts_with("cr_"))
        .collect();
    assert!(functions.len() >= 15, "found {functions:?}");
    for f in functions {
        assert!(doc.contains(&format!("`{f}")), "docs/c-api.md does not mention {f}");
    }
}
