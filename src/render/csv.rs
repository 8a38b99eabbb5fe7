//! CSV cells for every export: quoted when needed, and safe to open in a spreadsheet.

/// One CSV cell. A value a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return — OWASP's rule) gets a leading `'`, so
/// `=HYPERLINK(…)` in an answer stays text; a value with a comma, a quote or a line
/// break is quoted.
pub fn cell(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_is_exported_as_text_and_separators_are_quoted() {
        assert_eq!(cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        for formula in ["+1+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(formula).trim_start_matches('"').starts_with('\''), "{formula:?}");
        }
        assert_eq!(cell("Shipped, finally"), "\"Shipped, finally\"");
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a-b"), "a-b", "a dash inside is not a formula");
    }
}
