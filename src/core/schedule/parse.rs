//! Parser for five-field Vixie cron expressions, `@macros` and the L/W/# extensions.

use super::days::{DomSpec, DowSpec};
use super::error::{Field, Problem, ScheduleError};

/// The fields of an expression after parsing; bit `n` of a mask means value `n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub minutes: u64,
    pub hours: u64,
    pub months: u64,
    pub dom: DomSpec,
    pub dow: DowSpec,
    /// The day-of-month field text starts with `*` (Vixie's day rule).
    pub dom_star: bool,
    /// The day-of-week field text starts with `*` (Vixie's day rule).
    pub dow_star: bool,
    /// Neither the minute nor the hour field contains `*`.
    pub fixed: bool,
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn err(field: Field, token: &str, problem: Problem) -> ScheduleError {
    ScheduleError::new(Some(field), token, problem)
}

/// Parse an already trimmed expression.
pub(crate) fn parse_expr(source: &str) -> Result<Parsed, ScheduleError> {
    let words: Vec<&str> = source.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
    let first = match words.first() {
        Some(first) => *first,
        None => return Err(ScheduleError::new(None, "", Problem::Empty)),
    };
    let fields: Vec<&str> = if first.starts_with('@') {
        let expanded = expand_macro(first)
            .filter(|_| words.len() == 1)
            .ok_or_else(|| ScheduleError::new(None, source, Problem::UnknownMacro))?;
        expanded.split(' ').collect()
    } else {
        words
    };
    let [minute, hour, dom, month, dow] = fields[..] else {
        let found = fields.len();
        return Err(ScheduleError::new(None, source, Problem::FieldCount { found }));
    };
    Ok(Parsed {
        minutes: parse_plain(Field::Minute, minute)?,
        hours: parse_plain(Field::Hour, hour)?,
        dom: parse_dom(dom)?,
        months: parse_plain(Field::Month, month)?,
        dow: parse_dow(dow)?,
        dom_star: dom.starts_with('*'),
        dow_star: dow.starts_with('*'),
        fixed: !minute.contains('*') && !hour.contains('*'),
    })
}

fn expand_macro(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => return None,
    })
}

/// Split a field on commas, rejecting empty items.
fn split_list(field: Field, text: &str) -> Result<Vec<&str>, ScheduleError> {
    let items: Vec<&str> = text.split(',').collect();
    if items.iter().any(|item| item.is_empty()) {
        return Err(err(field, text, Problem::Empty));
    }
    Ok(items)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `L`, `LW` or `nW` (upper-cased input).
fn is_dom_extension(upper: &str) -> bool {
    upper == "L" || upper == "LW" || upper.strip_suffix('W').is_some_and(is_digits)
}

/// The weekday part of `wL` / `Lw` (upper-cased input), if the item has that shape.
fn last_weekday_part(upper: &str) -> Option<&str> {
    let is_weekday = |s: &&str| is_digits(s) || WEEKDAYS.contains(s);
    upper.strip_suffix('L').filter(is_weekday).or_else(|| upper.strip_prefix('L').filter(is_weekday))
}

/// `w#n`, `wL` or `Lw` (upper-cased input).
fn is_dow_extension(upper: &str) -> bool {
    upper.contains('#') || last_weekday_part(upper).is_some()
}

/// A number or (in the month and day-of-week fields) a name.
fn value(field: Field, text: &str) -> Result<u32, ScheduleError> {
    let (min, max) = field.range();
    if is_digits(text) {
        // Only digits, so the parse can fail only on overflow: that is out of range too.
        let n: u32 = text.parse().unwrap_or(u32::MAX);
        if n < min || n > max {
            return Err(err(field, text, Problem::OutOfRange { min, max }));
        }
        return Ok(n);
    }
    let names: &[&str] = match field {
        Field::Month => &MONTHS,
        Field::DayOfWeek => &WEEKDAYS,
        _ => &[],
    };
    if !names.is_empty() && !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        let offset = if field == Field::Month { 1 } else { 0 };
        return match names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            Some(i) => Ok(i as u32 + offset),
            None => Err(err(field, text, Problem::UnknownName)),
        };
    }
    Err(err(field, text, Problem::NotANumber))
}

/// One list item without extensions: `*`, `a`, `a-b`, optionally followed by `/step`.
fn plain_item(field: Field, item: &str) -> Result<u64, ScheduleError> {
    let upper = item.to_ascii_uppercase();
    if is_dom_extension(&upper) || is_dow_extension(&upper) {
        return Err(err(field, item, Problem::Misplaced));
    }
    let (min, max) = field.range();
    let (base, step) = match item.split_once('/') {
        Some((base, step)) => {
            let step = match step.parse::<u32>() {
                Ok(s) if is_digits(step) && (1..=max).contains(&s) => s,
                _ => return Err(err(field, item, Problem::BadStep)),
            };
            (base, Some(step))
        }
        None => (item, None),
    };
    let (lo, hi) = if base == "*" {
        (min, max)
    } else if let Some((a, b)) = base.split_once('-') {
        if a.is_empty() || b.is_empty() || b.contains('-') {
            return Err(err(field, item, Problem::BadRange));
        }
        let lo = value(field, a)?;
        let mut hi = value(field, b)?;
        if field == Field::DayOfWeek && hi == 0 && lo > 0 {
            hi = 7; // FRI-SUN / 5-0: through Sunday
        }
        if lo > hi {
            return Err(err(field, item, Problem::BadRange));
        }
        (lo, hi)
    } else if base.is_empty() {
        return Err(err(field, item, Problem::NotANumber));
    } else {
        let v = value(field, base)?;
        (v, if step.is_some() { max } else { v })
    };
    let step = step.unwrap_or(1) as usize;
    Ok((lo..=hi).step_by(step).fold(0u64, |mask, v| mask | 1 << v))
}

fn parse_plain(field: Field, text: &str) -> Result<u64, ScheduleError> {
    split_list(field, text)?.into_iter().try_fold(0u64, |mask, item| Ok(mask | plain_item(field, item)?))
}

fn parse_dom(text: &str) -> Result<DomSpec, ScheduleError> {
    let field = Field::DayOfMonth;
    let mut spec = DomSpec::default();
    for item in split_list(field, text)? {
        let upper = item.to_ascii_uppercase();
        if upper == "L" {
            spec.last = true;
        } else if upper == "LW" {
            spec.last_weekday = true;
        } else if let Some(n) = upper.strip_suffix('W').filter(|n| is_digits(n)) {
            spec.nearest |= 1 << value(field, n)?;
        } else {
            // Day numbers are at most 31, so the mask fits in 32 bits.
            spec.days |= plain_item(field, item)? as u32;
        }
    }
    Ok(spec)
}

fn parse_dow(text: &str) -> Result<DowSpec, ScheduleError> {
    let field = Field::DayOfWeek;
    let mut spec = DowSpec::default();
    for item in split_list(field, text)? {
        let upper = item.to_ascii_uppercase();
        if is_dom_extension(&upper) {
            return Err(err(field, item, Problem::Misplaced));
        }
        if let Some((wd, n)) = item.split_once('#') {
            let wd = value(field, wd)? % 7;
            if !is_digits(n) {
                return Err(err(field, n, Problem::NotANumber));
            }
            let n = match n.parse::<u32>() {
                Ok(k) if (1..=5).contains(&k) => k,
                _ => return Err(err(field, n, Problem::OutOfRange { min: 1, max: 5 })),
            };
            spec.nth[wd as usize] |= 1 << n;
        } else if let Some(wd) = last_weekday_part(&upper) {
            spec.last |= 1 << (value(field, wd)? % 7);
        } else {
            let mask = plain_item(field, item)?;
            // Fold 7 (Sunday) onto 0; the remaining bits 0-6 fit in a u8.
            spec.days |= ((mask | mask >> 7) & 0x7f) as u8;
        }
    }
    Ok(spec)
}
