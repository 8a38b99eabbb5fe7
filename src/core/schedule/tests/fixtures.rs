//! Fixture cases (`tests/fixtures/cron/cases.jsonl`): every case's upcoming fires must match exactly.

use super::{fires_in, utc};
use serde_json::Value;

/// Where the cron fixtures live (`tests/fixtures/cron/cases.jsonl`); change it here only.
fn fixtures_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cron/cases.jsonl")
}

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key].as_str().unwrap_or_else(|| panic!("case {case} has no string {key:?}"))
}

#[test]
fn every_fixture_case_fires_exactly_at_its_listed_instants() {
    let path = fixtures_path();
    let body =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read fixtures {}: {e}", path.display()));
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("bad fixture line {line:?}: {e}"));
        if case.get("_meta").is_some() {
            continue;
        }
        let expected: Vec<String> = case["next"]
            .as_array()
            .unwrap_or_else(|| panic!("case {case} has no next list"))
            .iter()
            .map(|v| super::rfc(utc(v.as_str().unwrap_or_default())))
            .collect();
        let (expr, tz, start) = (text(&case, "expr"), text(&case, "tz"), text(&case, "start"));
        let got = fires_in(expr, tz, start, expected.len());
        if got != expected {
            failures.push(format!(
                "case {} {expr:?} in {tz} after {start}:\n  expected {expected:?}\n  got      {got:?}",
                case["id"]
            ));
        }
        checked += 1;
    }
    assert!(checked > 0, "no fixture cases found in {}", path.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
