//! The stand-up's commands: setting stand-ups up, skipping, answering, blockers, history.

use super::options::StandupOptions;
use crate::core::UserError;
use crate::core::command::{Args, Kind, Meta, Param, Spec, date_opt, one_name, one_word};
use crate::core::policy::Act;
use chrono::NaiveDate;
use serde_json::json;

/// A command of the stand-up capability, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum StandupCommand {
    Create {
        name: String,
        options: StandupOptions,
    },
    Edit {
        name: String,
        options: StandupOptions,
    },
    List,
    Show {
        name: String,
    },
    Pause {
        name: String,
    },
    Resume {
        name: String,
    },
    Delete {
        name: String,
    },
    Run {
        name: String,
    },
    Skip {
        standup: Option<String>,
    },
    Answer,
    Blockers,
    Resolve {
        blocker_id: i64,
    },
    /// `member`: a name; `None` with `team` false is the person themselves.
    History {
        member: Option<String>,
        team: bool,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    Stats {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    Rollup {
        week: Option<NaiveDate>,
    },
    Export {
        format: ExportFormat,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn code(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

/// The settings every stand-up takes, in `create` and `edit`.
const SETTINGS: [Param; 9] = [
    Param::opt("tz", Kind::Text, "Europe/Paris"),
    Param::opt("local", Kind::Boolean, "yes"),
    Param::opt("questions", Kind::Text, "\"Q1|Q2|blocker:Q3\""),
    Param::opt("window", Kind::Text, "2h"),
    Param::opt("format", Kind::Choice(&["summary", "thread"]), ""),
    Param::opt("reminders", Kind::Integer(0, super::options::MAX_REMINDERS), "1"),
    Param::opt("remind_after", Kind::Text, "1h"),
    Param::opt("escalate_days", Kind::Integer(1, 30), "2"),
    Param::opt("members", Kind::Text, "alice,bob"),
];
const CHANNEL: Param = Param::opt("channel", Kind::Channel, "#CHANNEL");
const SCHEDULE: Param = Param::opt("schedule", Kind::Text, "\"30 9 * * MON-FRI\"");
const CREATE: [Param; 12] =
    with_settings([Param::arg("name", Kind::Text, "NAME"), CHANNEL.required(), SCHEDULE.required()]);
const EDIT: [Param; 12] =
    with_settings([Param::arg("name", Kind::Name, "NAME").labelled("opt_standup"), CHANNEL, SCHEDULE]);
const STANDUP: &[Param] = &[Param::arg("name", Kind::Name, "NAME").labelled("opt_standup")];
const FROM: Param = Param::opt("from", Kind::Text, "2026-11-01");
const TO: Param = Param::opt("to", Kind::Text, "2026-11-30");

const fn with_settings(head: [Param; 3]) -> [Param; 12] {
    let mut all = [head[0]; 12];
    let mut i = 0;
    while i < 12 {
        all[i] = if i < 3 { head[i] } else { SETTINGS[i - 3] };
        i += 1;
    }
    all
}

const fn meta(words: &'static [&'static str], params: &'static [Param], permission: Option<Act>) -> Meta {
    Meta { words, params, permission, opens_form: false }
}

const MANAGE: Option<Act> = Some(Act::ManageRituals);

pub static COMMANDS: &[Spec<StandupCommand>] = &[
    Spec {
        meta: meta(&["standup", "create"], &CREATE, MANAGE),
        build: |mut a, usage| {
            let name = one_name(&a, usage)?;
            Ok(StandupCommand::Create { name, options: StandupOptions::take(&mut a)? })
        },
    },
    Spec {
        meta: meta(&["standup", "edit"], &EDIT, MANAGE),
        build: |mut a, usage| {
            let name = one_name(&a, usage)?;
            Ok(StandupCommand::Edit { name, options: StandupOptions::take(&mut a)? })
        },
    },
    Spec { meta: meta(&["standup", "list"], &[], None), build: |_, _| Ok(StandupCommand::List) },
    Spec {
        meta: meta(&["standup", "show"], STANDUP, None),
        build: |a, u| Ok(StandupCommand::Show { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["standup", "pause"], STANDUP, MANAGE),
        build: |a, u| Ok(StandupCommand::Pause { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["standup", "resume"], STANDUP, MANAGE),
        build: |a, u| Ok(StandupCommand::Resume { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["standup", "delete"], STANDUP, MANAGE),
        build: |a, u| Ok(StandupCommand::Delete { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["standup", "run"], STANDUP, MANAGE),
        build: |a, u| Ok(StandupCommand::Run { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["skip"], &[Param::arg("standup", Kind::Name, "STANDUP").optional()], None),
        build: |a, _| Ok(StandupCommand::Skip { standup: a.positional.first().map(|s| s.to_lowercase()) }),
    },
    Spec {
        meta: Meta { words: &["answer"], params: &[], permission: None, opens_form: true },
        build: |_, _| Ok(StandupCommand::Answer),
    },
    Spec { meta: meta(&["blockers"], &[], None), build: |_, _| Ok(StandupCommand::Blockers) },
    Spec {
        meta: meta(&["resolve"], &[Param::arg("blocker", Kind::Integer(1, i32::MAX as i64), "BLOCKER_ID")], None),
        build: |a, usage| {
            let w = one_word(&a, usage)?;
            let blocker_id = w
                .trim_start_matches('#')
                .parse()
                .map_err(|_| UserError::new("error_bad_number", json!({ "value": w, "usage": usage })))?;
            Ok(StandupCommand::Resolve { blocker_id })
        },
    },
    Spec {
        meta: meta(
            &["history"],
            &[
                Param::arg("member", Kind::Member, "@member").optional(),
                Param::opt("team", Kind::Boolean, "yes"),
                FROM,
                TO,
            ],
            None,
        ),
        build: history,
    },
    Spec {
        meta: meta(&["stats"], &[FROM, TO], None),
        build: |mut a, _| {
            let (from, to) = period(&mut a)?;
            Ok(StandupCommand::Stats { from, to })
        },
    },
    Spec {
        meta: meta(&["rollup"], &[Param::opt("week", Kind::Text, "2026-11-16")], None),
        build: |mut a, _| Ok(StandupCommand::Rollup { week: date_opt(&mut a, "week")? }),
    },
    Spec {
        meta: meta(
            &["export"],
            &[Param::arg("format", Kind::Choice(&["csv", "json"]), "").labelled("opt_format_export"), FROM, TO],
            None,
        ),
        build: |mut a, usage| {
            let (from, to) = period(&mut a)?;
            let format = match crate::core::command::param::choice(one_word(&a, usage)?, &["csv", "json"], usage)? {
                "csv" => ExportFormat::Csv,
                _ => ExportFormat::Json,
            };
            Ok(StandupCommand::Export { format, from, to })
        },
    },
];

/// Words that mean the whole team in `history team`.
const TEAM_WORDS: &[&str] = &["team", "all", "equipe", "équipe"];

fn history(mut a: Args, usage: &str) -> Result<StandupCommand, UserError> {
    let (from, to) = period(&mut a)?;
    let team_opt = a.take("team").map(|v| crate::core::command::param::yes_no(&v, usage)).transpose()?;
    let member = a.positional.first().map(|m| m.trim_start_matches('@').to_lowercase());
    let team = team_opt.unwrap_or(false) || member.as_deref().is_some_and(|m| TEAM_WORDS.contains(&m));
    let member = member.filter(|m| !TEAM_WORDS.contains(&m.as_str()));
    Ok(StandupCommand::History { member, team, from, to })
}

fn period(a: &mut Args) -> Result<(Option<NaiveDate>, Option<NaiveDate>), UserError> {
    Ok((date_opt(a, "from")?, date_opt(a, "to")?))
}
