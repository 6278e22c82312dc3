//! The quote's stages are listed once in code (`Stage::ORDER`); the table
//! of docs/design.md must name the same stages in the same order, once each.

use commerce_rules::Stage;

#[test]
fn the_design_doc_lists_the_stages_in_order() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/design.md")).unwrap();
    let section = doc.split("## Quote stages").nth(1).expect("a Quote stages section");
    // Table rows: `| 1 | catalog price | ... |`.
    let listed: Vec<(String, String)> = section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let number = cells.get(1)?;
            number.parse::<u32>().ok()?;
            Some((number.to_string(), cells.get(2)?.replace(' ', "_")))
        })
        .collect();
    let expected: Vec<(String, String)> = Stage::ORDER
        .iter()
        .enumerate()
        .map(|(i, s)| ((i + 1).to_string(), serde_json::to_value(s).unwrap().as_str().unwrap().to_string()))
        .collect();
    assert_eq!(listed, expected, "docs/design.md's stage table differs from Stage::ORDER");
}
