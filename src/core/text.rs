//! Parsing the small values people type: durations, dates, date ranges, quiet hours, names.

use super::UserError;
use super::model::QuietHours;
use chrono::{NaiveDate, NaiveTime};
use serde_json::json;

/// The longest text Tandem accepts in one message or answer.
pub const MAX_TEXT_CHARS: usize = 4000;
/// The longest stand-up or channel name.
pub const MAX_NAME_CHARS: usize = 40;

/// `90m`, `2h`, `1h30m`, `45` (minutes) → minutes.
pub fn parse_minutes(s: &str) -> Result<i64, UserError> {
    let bad = || UserError::new("error_bad_duration", json!({ "value": s }));
    let s = s.trim().to_ascii_lowercase();
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = s.parse::<i64>() {
        return (1..=7 * 24 * 60).contains(&n).then_some(n).ok_or_else(bad);
    }
    let mut total = 0i64;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        let unit = match c {
            'd' | 'j' => 24 * 60,
            'h' => 60,
            'm' => 1,
            _ => return Err(bad()),
        };
        // Checked: `576460752303423489d` overflows an i64 of minutes and must not wrap
        // into a plausible value.
        total = n.checked_mul(unit).and_then(|m| total.checked_add(m)).ok_or_else(bad)?;
    }
    if !digits.is_empty() || total <= 0 || total > 7 * 24 * 60 {
        return Err(bad());
    }
    Ok(total)
}

pub fn parse_date(s: &str) -> Result<NaiveDate, UserError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| UserError::new("error_bad_date", json!({ "value": s })))
}

/// `2026-12-24..2026-12-31`, or a single date.
pub fn parse_date_range(s: &str) -> Result<(NaiveDate, NaiveDate), UserError> {
    let (from, to) = match s.split_once("..") {
        Some((a, b)) => (parse_date(a)?, parse_date(b)?),
        None => {
            let d = parse_date(s)?;
            (d, d)
        }
    };
    if to < from {
        return Err(UserError::new("error_bad_date_range", json!({ "value": s })));
    }
    Ok((from, to))
}

/// `22:00-07:00` → quiet hours; `off` clears them.
pub fn parse_quiet_hours(s: &str) -> Result<Option<QuietHours>, UserError> {
    let bad = || UserError::new("error_bad_quiet_hours", json!({ "value": s }));
    if s.trim().eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
    let (start, end) = (t(a)?, t(b)?);
    if start == end {
        return Err(bad());
    }
    Ok(Some(QuietHours { start, end }))
}

/// A stand-up or channel name: letters, digits, `-` and `_`, at most 40 characters.
pub fn check_name(s: &str) -> Result<String, UserError> {
    let name = s.trim().trim_start_matches('#').to_lowercase();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(name) } else { Err(UserError::new("error_bad_name", json!({ "value": s, "max": MAX_NAME_CHARS }))) }
}

/// Text as Tandem takes it in: at most `MAX_TEXT_CHARS`, and no control character but
/// line breaks and tabs (a NUL byte is refused here, the same on both databases, before
/// anything is stored).
pub fn check_length(s: &str) -> Result<(), UserError> {
    let n = s.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(UserError::new("error_too_long", json!({ "length": n, "max": MAX_TEXT_CHARS })));
    }
    if let Some(c) = s.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(UserError::new("error_control_character", json!({ "code": format!("U+{:04X}", u32::from(c)) })));
    }
    Ok(())
}

/// An instant as its reader reads it, in their zone: the time alone when it falls on their
/// today, with the date otherwise (Tokyo's "06:45" tomorrow is "2026-12-02 06:45").
pub fn moment(t: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz, now: chrono::DateTime<chrono::Utc>) -> String {
    let local = t.with_timezone(&tz);
    if local.date_naive() == now.with_timezone(&tz).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// True when an answer to a blocker question reports a real blocker ("none", "-", "rien" do not).
pub fn is_blocker(answer: &str) -> bool {
    let a = answer.trim().trim_end_matches(['.', '!']).to_lowercase();
    const NOTHING: [&str; 14] = [
        "",
        "-",
        "no",
        "non",
        "none",
        "nope",
        "nothing",
        "n/a",
        "na",
        "rien",
        "aucun",
        "aucune",
        "pas de blocage",
        "no blockers",
    ];
    !NOTHING.contains(&a.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_minutes("90m"), Ok(90));
        assert_eq!(parse_minutes("2h"), Ok(120));
        assert_eq!(parse_minutes("1h30m"), Ok(90));
        assert_eq!(parse_minutes("45"), Ok(45));
        assert_eq!(parse_minutes("2 hours").map_err(|e| e.template), Err("error_bad_duration"));
        assert!(parse_minutes("0").is_err());
        assert!(parse_minutes("30d").is_err());
    }

    #[test]
    fn a_duration_too_large_to_count_is_refused_not_wrapped() {
        for huge in ["576460752303423489d", "9223372036854775807h", "99999999999999999999m"] {
            assert_eq!(parse_minutes(huge).map_err(|e| e.template), Err("error_bad_duration"), "{huge}");
        }
    }

    #[test]
    fn a_nul_byte_or_another_control_character_is_refused_but_line_breaks_are_text() {
        let e = check_length("da\u{0}ily").expect_err("NUL");
        assert_eq!((e.template, e.data["code"].as_str()), ("error_control_character", Some("U+0000")));
        assert!(check_length("a\u{7f}b").is_err());
        assert!(check_length("first line\nsecond\tline").is_ok());
    }

    #[test]
    fn a_range_backwards_is_refused_with_its_own_message() {
        assert_eq!(parse_date_range("2026-12-31..2026-12-24").map_err(|e| e.template), Err("error_bad_date_range"));
        assert_eq!(parse_date("24/12/2026").map_err(|e| e.template), Err("error_bad_date"));
    }

    #[test]
    fn none_and_rien_are_not_blockers_but_a_sentence_is() {
        for a in ["None", "rien.", "-", "  ", "No blockers"] {
            assert!(!is_blocker(a), "{a:?}");
        }
        assert!(is_blocker("Waiting on the API keys from ops"));
    }

    #[test]
    fn names_are_lowercased_and_checked() {
        assert_eq!(check_name("#Daily-Web"), Ok("daily-web".to_string()));
        assert!(check_name("daily standup").is_err());
        assert!(check_name(&"x".repeat(41)).is_err());
    }
}
