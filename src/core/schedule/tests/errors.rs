//! Parse errors: each Problem from a realistic bad input, with its code and message.

use crate::core::schedule::{Field, Problem, Schedule, ScheduleError};

fn error(expr: &str) -> ScheduleError {
    match Schedule::parse(expr) {
        Ok(s) => panic!("{expr:?} should not parse, got {s:?}"),
        Err(e) => e,
    }
}

fn assert_problem(expr: &str, field: Option<Field>, token: &str, problem: Problem) {
    let e = error(expr);
    let want = ScheduleError { field, token: token.to_string(), problem };
    assert_eq!(e, want, "{expr:?}");
}

#[test]
fn a_minute_of_61_is_out_of_range() {
    let problem = Problem::OutOfRange { min: 0, max: 59 };
    assert_problem("61 * * * *", Some(Field::Minute), "61", problem);
    assert_eq!(error("61 * * * *").code(), "out_of_range");
}

#[test]
fn out_of_range_messages_name_the_field_and_its_range() {
    let e = error("0 9 * * 8");
    assert_eq!(e.to_string(), r#"day-of-week field: "8" is out of range 0-7"#);
    let e = error("0 24 * * *");
    assert_eq!(e.to_string(), r#"hour field: "24" is out of range 0-23"#);
    let e = error("0 0 0 * *");
    assert_eq!(e.field, Some(Field::DayOfMonth));
    let e = error("0 0 * 13 *");
    assert_eq!(e.field, Some(Field::Month));
    let e = error("0 9 * * MON#6");
    assert_eq!(e.problem, Problem::OutOfRange { min: 1, max: 5 });
    let e = error("99999999999 * * * *");
    assert_eq!(e.problem, Problem::OutOfRange { min: 0, max: 59 });
}

#[test]
fn four_or_six_fields_are_a_field_count_problem() {
    assert_problem("* * * *", None, "* * * *", Problem::FieldCount { found: 4 });
    let e = error("0 0 * * * 2026");
    assert_eq!(e.problem, Problem::FieldCount { found: 6 });
    assert_eq!(e.code(), "field_count");
    assert_eq!(e.to_string(), "expected 5 fields (minute hour day-of-month month day-of-week) but found 6");
}

#[test]
fn an_unknown_weekday_or_month_name_is_reported() {
    assert_problem("0 9 * * FUNDAY", Some(Field::DayOfWeek), "FUNDAY", Problem::UnknownName);
    assert_problem("0 9 * JANUARY *", Some(Field::Month), "JANUARY", Problem::UnknownName);
    assert_problem("0 9 * MON *", Some(Field::Month), "MON", Problem::UnknownName);
    assert_eq!(error("0 9 * * FUNDAY").code(), "unknown_name");
}

#[test]
fn text_where_only_numbers_are_allowed_is_not_a_number() {
    assert_problem("x * * * *", Some(Field::Minute), "x", Problem::NotANumber);
    assert_problem("0 9 MON * *", Some(Field::DayOfMonth), "MON", Problem::NotANumber);
    assert_problem("0 9am * * *", Some(Field::Hour), "9am", Problem::NotANumber);
    assert_eq!(error("x * * * *").to_string(), r#"minute field: "x" is not a number"#);
}

#[test]
fn reboot_and_unknown_macros_are_rejected() {
    assert_problem("@reboot", None, "@reboot", Problem::UnknownMacro);
    assert_problem("@fortnightly", None, "@fortnightly", Problem::UnknownMacro);
    assert_problem("@daily 9", None, "@daily 9", Problem::UnknownMacro);
    assert_eq!(error("@reboot").code(), "unknown_macro");
}

#[test]
fn a_zero_or_non_numeric_step_is_a_bad_step() {
    assert_problem("*/0 * * * *", Some(Field::Minute), "*/0", Problem::BadStep);
    assert_problem("*/x * * * *", Some(Field::Minute), "*/x", Problem::BadStep);
    assert_problem("0 */24 * * *", Some(Field::Hour), "*/24", Problem::BadStep);
    assert_problem("1/2/3 * * * *", Some(Field::Minute), "1/2/3", Problem::BadStep);
    assert_eq!(error("*/0 * * * *").code(), "bad_step");
}

#[test]
fn a_backwards_or_malformed_range_is_a_bad_range() {
    assert_problem("5-2 * * * *", Some(Field::Minute), "5-2", Problem::BadRange);
    assert_problem("0 0 * * FRI-MON", Some(Field::DayOfWeek), "FRI-MON", Problem::BadRange);
    assert_problem("1- * * * *", Some(Field::Minute), "1-", Problem::BadRange);
    assert_problem("1-2-3 * * * *", Some(Field::Minute), "1-2-3", Problem::BadRange);
    assert_eq!(error("5-2 * * * *").code(), "bad_range");
}

#[test]
fn extensions_in_fields_that_do_not_take_them_are_misplaced() {
    assert_problem("L * * * *", Some(Field::Minute), "L", Problem::Misplaced);
    assert_problem("0 0 * L *", Some(Field::Month), "L", Problem::Misplaced);
    assert_problem("0 0 * * 15W", Some(Field::DayOfWeek), "15W", Problem::Misplaced);
    assert_problem("0 0 MON#1 * *", Some(Field::DayOfMonth), "MON#1", Problem::Misplaced);
    assert_problem("0 0 5L * *", Some(Field::DayOfMonth), "5L", Problem::Misplaced);
    assert_eq!(error("L * * * *").code(), "misplaced");
}

#[test]
fn blank_input_and_empty_list_items_are_empty() {
    assert_problem("", None, "", Problem::Empty);
    assert_problem(" \t ", None, "", Problem::Empty);
    assert_problem("1,,2 * * * *", Some(Field::Minute), "1,,2", Problem::Empty);
    assert_problem("0 9 * * MON,", Some(Field::DayOfWeek), "MON,", Problem::Empty);
    assert_eq!(error("").to_string(), "the schedule is empty");
    assert_eq!(error("").code(), "empty");
}

#[test]
fn every_problem_has_a_distinct_snake_case_code() {
    let problems = [
        Problem::FieldCount { found: 4 },
        Problem::NotANumber,
        Problem::OutOfRange { min: 0, max: 59 },
        Problem::BadRange,
        Problem::BadStep,
        Problem::UnknownName,
        Problem::UnknownMacro,
        Problem::Misplaced,
        Problem::Empty,
    ];
    let mut codes: Vec<&str> = problems.iter().map(Problem::code).collect();
    assert!(codes.iter().all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), problems.len());
}

#[test]
fn fields_have_names_and_ranges() {
    let names: Vec<&str> = Field::ALL.iter().map(Field::name).collect();
    assert_eq!(names, ["minute", "hour", "day-of-month", "month", "day-of-week"]);
    let ranges: Vec<(u32, u32)> = Field::ALL.iter().map(Field::range).collect();
    assert_eq!(ranges, [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]);
}

#[test]
fn schedule_error_is_a_std_error() {
    let e: Box<dyn std::error::Error> = Box::new(error("61 * * * *"));
    assert_eq!(e.to_string(), r#"minute field: "61" is out of range 0-59"#);
}
