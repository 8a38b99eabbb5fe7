//! The team itself: help, members, a member's own settings, time off and holidays.

pub mod commands;
pub mod personal;

pub use commands::{COMMANDS, TeamCommand};

use super::UserError;
use chrono::NaiveDate;
use serde_json::json;

/// The longest run of holidays one command adds.
pub const MAX_HOLIDAY_DAYS: i64 = 366;

/// The days from `from` to `to`, both included, as holidays; a longer run is refused.
pub fn holiday_days(from: NaiveDate, to: NaiveDate) -> Result<Vec<NaiveDate>, UserError> {
    if (to - from).num_days() > MAX_HOLIDAY_DAYS {
        return Err(UserError::new("error_bad_date_range", json!({ "value": format!("{from}..{to}") })));
    }
    Ok(from.iter_days().take_while(|d| *d <= to).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::command::parse;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn a_holiday_range_gives_each_day_once_and_a_year_and_more_is_refused() {
        let days = holiday_days(day("2026-12-24"), day("2026-12-26")).expect("three days");
        assert_eq!(days, vec![day("2026-12-24"), day("2026-12-25"), day("2026-12-26")]);
        let e = holiday_days(day("2026-01-01"), day("2027-01-03")).expect_err("too long");
        assert_eq!(e.template, "error_bad_date_range");
    }

    #[test]
    fn an_empty_line_is_no_command_and_a_member_add_reads_its_options() {
        let empty = parse(COMMANDS, "/tandem").expect_err("no command");
        assert_eq!((empty.template, empty.data["command"].as_str()), ("error_unknown_command", Some("")));
        assert_eq!(parse(COMMANDS, "HELP"), Ok(TeamCommand::Help));
        let cmd = parse(COMMANDS, r#"member add ana role=po display="Ana Lima" tz=America/New_York locale=fr"#);
        let Ok(TeamCommand::MemberAdd { name, role, display_name, tz, locale }) = cmd else { panic!("{cmd:?}") };
        assert_eq!((name.as_str(), role), ("ana", crate::core::model::Role::Po));
        assert_eq!(display_name.as_deref(), Some("Ana Lima"));
        assert_eq!(tz.as_deref(), Some("America/New_York"));
        assert_eq!(locale, Some(crate::core::Locale::Fr));
    }

    #[test]
    fn a_bad_role_lists_the_roles() {
        let e = parse(COMMANDS, "member add ana role=boss").expect_err("bad role");
        assert_eq!(e.template, "error_bad_choice");
        assert_eq!(e.data["choices"], "developer, pm, po, sm, stakeholder");
    }

    #[test]
    fn an_erase_asks_for_a_confirmation_unless_it_is_given() {
        let first = parse(COMMANDS, "member erase @Kenji");
        assert_eq!(first, Ok(TeamCommand::MemberErase { member: "kenji".into(), confirm: false }));
        let sure = parse(COMMANDS, "member erase kenji confirm=yes");
        assert_eq!(sure, Ok(TeamCommand::MemberErase { member: "kenji".into(), confirm: true }));
        assert_eq!(parse(COMMANDS, "me export"), Ok(TeamCommand::Export { member: None }));
        assert_eq!(parse(COMMANDS, "member export @ana"), Ok(TeamCommand::Export { member: Some("ana".into()) }));
        assert_eq!(parse(COMMANDS, "member erase").expect_err("whose?").template, "error_usage");
    }
}
