//! The team's commands: help, `me`, members, holidays and time off.

use crate::core::command::param::{check_tz, choice, yes_no};
use crate::core::command::{Args, Kind, Meta, Param, Spec, one_name, one_word};
use crate::core::model::Role;
use crate::core::policy::Act;
use crate::core::text::{parse_date, parse_date_range};
use crate::core::{Locale, UserError};
use chrono::NaiveDate;
use serde_json::json;

/// A command of the team capability, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum TeamCommand {
    Help,
    Me {
        tz: Option<String>,
        locale: Option<String>,
        quiet: Option<String>,
    },
    Away {
        from: NaiveDate,
        to: NaiveDate,
    },
    HolidayAdd {
        from: NaiveDate,
        to: NaiveDate,
    },
    HolidayRemove {
        day: NaiveDate,
    },
    HolidayList,
    MemberAdd {
        name: String,
        role: Role,
        display_name: Option<String>,
        tz: Option<String>,
        locale: Option<Locale>,
    },
    MemberList,
    /// Everything Tandem holds about a member (`None`: oneself), as JSON.
    Export {
        member: Option<String>,
    },
    /// Erase a member's personal data; without `confirm`, what would be erased.
    MemberErase {
        member: String,
        confirm: bool,
    },
}

const LOCALES: Kind = Kind::Choice(&["en", "fr"]);
const ROLES: &[&str] = &["developer", "pm", "po", "sm", "stakeholder"];

const fn meta(words: &'static [&'static str], params: &'static [Param], permission: Option<Act>) -> Meta {
    Meta { words, params, permission, opens_form: false }
}

/// The longest display name.
const MAX_DISPLAY_CHARS: usize = 80;

pub static COMMANDS: &[Spec<TeamCommand>] = &[
    Spec { meta: meta(&["help"], &[], None), build: |_, _| Ok(TeamCommand::Help) },
    Spec {
        meta: meta(
            &["me"],
            &[
                Param::opt("tz", Kind::Text, "Europe/Paris"),
                Param::opt("locale", LOCALES, "fr"),
                Param::opt("quiet", Kind::Text, "22:00-07:00"),
            ],
            None,
        ),
        build: |mut a, _| Ok(TeamCommand::Me { tz: a.take("tz"), locale: a.take("locale"), quiet: a.take("quiet") }),
    },
    Spec {
        meta: meta(&["away"], &[Param::arg("dates", Kind::Text, "2026-12-24..2026-12-31")], None),
        build: |a, usage| {
            let (from, to) = parse_date_range(one_word(&a, usage)?)?;
            Ok(TeamCommand::Away { from, to })
        },
    },
    Spec {
        meta: meta(
            &["holiday", "add"],
            &[Param::arg("dates", Kind::Text, "2026-12-25[..2026-12-26]")],
            Some(Act::ManageTeam),
        ),
        build: |a, usage| {
            let (from, to) = parse_date_range(one_word(&a, usage)?)?;
            Ok(TeamCommand::HolidayAdd { from, to })
        },
    },
    Spec {
        meta: meta(&["holiday", "remove"], &[Param::arg("day", Kind::Text, "2026-12-25")], Some(Act::ManageTeam)),
        build: |a, usage| Ok(TeamCommand::HolidayRemove { day: parse_date(one_word(&a, usage)?)? }),
    },
    Spec { meta: meta(&["holiday", "list"], &[], None), build: |_, _| Ok(TeamCommand::HolidayList) },
    Spec {
        meta: meta(
            &["member", "add"],
            &[
                Param::arg("name", Kind::Text, "NAME"),
                Param::opt("role", Kind::Choice(ROLES), ""),
                Param::opt("display", Kind::Text, "\"Ana Lima\""),
                Param::opt("tz", Kind::Text, "America/New_York"),
                Param::opt("locale", LOCALES, ""),
            ],
            Some(Act::ManageTeam),
        ),
        build: member_add,
    },
    Spec { meta: meta(&["member", "list"], &[], None), build: |_, _| Ok(TeamCommand::MemberList) },
    Spec { meta: meta(&["me", "export"], &[], None), build: |_, _| Ok(TeamCommand::Export { member: None }) },
    Spec {
        meta: meta(&["member", "export"], &[WHOSE], Some(Act::ManagePersonalData)),
        build: |a, usage| Ok(TeamCommand::Export { member: Some(member_word(&a, usage)?) }),
    },
    Spec {
        meta: meta(
            &["member", "erase"],
            &[WHOSE, Param::opt("confirm", Kind::Boolean, "yes")],
            Some(Act::ManagePersonalData),
        ),
        build: |mut a, usage| {
            let member = member_word(&a, usage)?;
            let confirm = a.take("confirm").map(|v| yes_no(&v, usage)).transpose()?.unwrap_or(false);
            Ok(TeamCommand::MemberErase { member, confirm })
        },
    },
];

/// The member whose personal data a command is about.
const WHOSE: Param = Param::arg("member", Kind::Member, "@ana").labelled("opt_member_data");

/// `@ana` or `ana`, as the member's name.
fn member_word(a: &Args, usage: &str) -> Result<String, UserError> {
    Ok(one_word(a, usage)?.trim_start_matches('@').to_lowercase())
}

fn member_add(mut a: Args, usage: &str) -> Result<TeamCommand, UserError> {
    let name = one_name(&a, usage)?;
    let role = match a.take("role") {
        None => Role::Developer,
        Some(r) => Role::parse(choice(&r, ROLES, "role=po")?).unwrap_or(Role::Developer),
    };
    let tz = a.take("tz").map(|tz| check_tz(&tz)).transpose()?;
    let locale = match a.take("locale") {
        None => None,
        Some(l) => Locale::parse(choice(&l, &["en", "fr"], "locale=fr")?),
    };
    let display_name = a.take("display").map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
    if let Some(n) = display_name.as_ref().map(|d| d.chars().count()).filter(|n| *n > MAX_DISPLAY_CHARS) {
        return Err(UserError::new("error_too_long", json!({ "length": n, "max": MAX_DISPLAY_CHARS, "usage": usage })));
    }
    Ok(TeamCommand::MemberAdd { name, role, display_name, tz, locale })
}
