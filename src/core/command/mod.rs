//! The command grammar, defined once: every platform parses `/tandem …` through here.
//!
//! Each command is one `Spec` line in `REGISTRY`: its words, its usage (shown in help and
//! in error messages) and its parser. Help is generated from the same table.

pub mod action;
pub mod options;
pub mod tokens;

use super::model::Role;
use super::{Locale, UserError};
use chrono::NaiveDate;
pub use options::StandupOptions;
use serde_json::json;
use tokens::{Args, split_args, tokenize};

/// A parsed command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help,
    StandupCreate { name: String, options: StandupOptions },
    StandupEdit { name: String, options: StandupOptions },
    StandupList,
    StandupShow { name: String },
    StandupPause { name: String },
    StandupResume { name: String },
    StandupDelete { name: String },
    StandupRun { name: String },
    Skip { standup: Option<String> },
    Away { from: NaiveDate, to: NaiveDate },
    HolidayAdd { from: NaiveDate, to: NaiveDate },
    HolidayRemove { day: NaiveDate },
    HolidayList,
    Answer,
    Blockers,
    Resolve { blocker_id: i64 },
    History { member: Option<String>, from: Option<NaiveDate>, to: Option<NaiveDate> },
    Stats { from: Option<NaiveDate>, to: Option<NaiveDate> },
    Rollup { week: Option<NaiveDate> },
    Export { format: ExportFormat, from: Option<NaiveDate>, to: Option<NaiveDate> },
    Me { tz: Option<String>, locale: Option<String>, quiet: Option<String> },
    MemberAdd { name: String, role: Role, display_name: Option<String>, tz: Option<String>, locale: Option<Locale> },
    MemberList,
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

/// One command: its words, its usage line, the label key of its one-line description.
#[derive(Debug)]
pub struct Spec {
    pub words: &'static [&'static str],
    pub usage: &'static str,
    pub parse: fn(Args, &'static str) -> Result<Command, UserError>,
}

impl Spec {
    /// The label key describing this command in `prompts/<locale>/labels.toml`.
    pub fn label_key(&self) -> String {
        format!("cmd_{}", self.words.join("_"))
    }
}

/// Every command Tandem understands. Adding a command: one line here, one arm in the
/// service's dispatch, one label per locale.
pub static REGISTRY: &[Spec] = &[
    Spec { words: &["help"], usage: "/tandem help", parse: |_, _| Ok(Command::Help) },
    Spec {
        words: &["standup", "create"],
        usage: "/tandem standup create NAME channel=#CHANNEL schedule=\"30 9 * * MON-FRI\" [tz=Europe/Paris] [local=yes] [questions=\"Q1|Q2|blocker:Q3\"] [window=2h] [format=summary|thread] [reminders=1] [remind_after=1h] [escalate_days=2] [members=alice,bob]",
        parse: |mut a, usage| {
            let name = one_name(&a, usage)?;
            let options = StandupOptions::take(&mut a)?;
            a.finish(usage)?;
            Ok(Command::StandupCreate { name, options })
        },
    },
    Spec {
        words: &["standup", "edit"],
        usage: "/tandem standup edit NAME [schedule=…] [tz=…] [questions=…] [window=…] [format=…] [reminders=…] [members=…] [channel=…]",
        parse: |mut a, usage| {
            let name = one_name(&a, usage)?;
            let options = StandupOptions::take(&mut a)?;
            a.finish(usage)?;
            Ok(Command::StandupEdit { name, options })
        },
    },
    Spec {
        words: &["standup", "list"],
        usage: "/tandem standup list",
        parse: |a, u| no_args(&a, u, Command::StandupList),
    },
    Spec {
        words: &["standup", "show"],
        usage: "/tandem standup show NAME",
        parse: |a, u| Ok(Command::StandupShow { name: one_name(&a, u)? }),
    },
    Spec {
        words: &["standup", "pause"],
        usage: "/tandem standup pause NAME",
        parse: |a, u| Ok(Command::StandupPause { name: one_name(&a, u)? }),
    },
    Spec {
        words: &["standup", "resume"],
        usage: "/tandem standup resume NAME",
        parse: |a, u| Ok(Command::StandupResume { name: one_name(&a, u)? }),
    },
    Spec {
        words: &["standup", "delete"],
        usage: "/tandem standup delete NAME",
        parse: |a, u| Ok(Command::StandupDelete { name: one_name(&a, u)? }),
    },
    Spec {
        words: &["standup", "run"],
        usage: "/tandem standup run NAME",
        parse: |a, u| Ok(Command::StandupRun { name: one_name(&a, u)? }),
    },
    Spec {
        words: &["skip"],
        usage: "/tandem skip [STANDUP]",
        parse: |a, usage| {
            a.finish(usage)?;
            Ok(Command::Skip { standup: a.positional.first().map(|s| s.to_lowercase()) })
        },
    },
    Spec {
        words: &["away"],
        usage: "/tandem away 2026-12-24..2026-12-31",
        parse: |a, usage| {
            let (from, to) = super::text::parse_date_range(one_word(&a, usage)?)?;
            Ok(Command::Away { from, to })
        },
    },
    Spec {
        words: &["holiday", "add"],
        usage: "/tandem holiday add 2026-12-25[..2026-12-26]",
        parse: |a, usage| {
            let (from, to) = super::text::parse_date_range(one_word(&a, usage)?)?;
            Ok(Command::HolidayAdd { from, to })
        },
    },
    Spec {
        words: &["holiday", "remove"],
        usage: "/tandem holiday remove 2026-12-25",
        parse: |a, usage| Ok(Command::HolidayRemove { day: super::text::parse_date(one_word(&a, usage)?)? }),
    },
    Spec {
        words: &["holiday", "list"],
        usage: "/tandem holiday list",
        parse: |a, u| no_args(&a, u, Command::HolidayList),
    },
    Spec { words: &["answer"], usage: "/tandem answer", parse: |a, u| no_args(&a, u, Command::Answer) },
    Spec { words: &["blockers"], usage: "/tandem blockers", parse: |a, u| no_args(&a, u, Command::Blockers) },
    Spec {
        words: &["resolve"],
        usage: "/tandem resolve BLOCKER_ID",
        parse: |a, usage| {
            let w = one_word(&a, usage)?;
            let blocker_id = w
                .trim_start_matches('#')
                .parse()
                .map_err(|_| UserError::new("error_bad_number", json!({ "value": w, "usage": usage })))?;
            Ok(Command::Resolve { blocker_id })
        },
    },
    Spec {
        words: &["history"],
        usage: "/tandem history [@member] [from=2026-11-01] [to=2026-11-30]",
        parse: |mut a, usage| {
            let (from, to) = (date_opt(&mut a, "from")?, date_opt(&mut a, "to")?);
            a.finish(usage)?;
            let member = a.positional.first().map(|m| m.trim_start_matches('@').to_lowercase());
            Ok(Command::History { member, from, to })
        },
    },
    Spec {
        words: &["stats"],
        usage: "/tandem stats [from=2026-11-01] [to=2026-11-30]",
        parse: |mut a, usage| {
            let (from, to) = (date_opt(&mut a, "from")?, date_opt(&mut a, "to")?);
            a.finish(usage)?;
            Ok(Command::Stats { from, to })
        },
    },
    Spec {
        words: &["rollup"],
        usage: "/tandem rollup [week=2026-11-16]",
        parse: |mut a, usage| {
            let week = date_opt(&mut a, "week")?;
            a.finish(usage)?;
            Ok(Command::Rollup { week })
        },
    },
    Spec {
        words: &["export"],
        usage: "/tandem export csv|json [from=2026-11-01] [to=2026-11-30]",
        parse: |mut a, usage| {
            let (from, to) = (date_opt(&mut a, "from")?, date_opt(&mut a, "to")?);
            a.finish(usage)?;
            let format = match one_word(&a, usage)?.to_ascii_lowercase().as_str() {
                "csv" => ExportFormat::Csv,
                "json" => ExportFormat::Json,
                other => {
                    return Err(UserError::new(
                        "error_bad_choice",
                        json!({ "value": other, "choices": "csv, json", "usage": usage }),
                    ));
                }
            };
            Ok(Command::Export { format, from, to })
        },
    },
    Spec {
        words: &["me"],
        usage: "/tandem me [tz=Europe/Paris] [locale=fr] [quiet=22:00-07:00]",
        parse: |mut a, usage| {
            let cmd = Command::Me { tz: a.take("tz"), locale: a.take("locale"), quiet: a.take("quiet") };
            a.finish(usage)?;
            Ok(cmd)
        },
    },
    Spec {
        words: &["member", "add"],
        usage: "/tandem member add NAME [role=developer|pm|po|sm|stakeholder] [display=\"Ana Lima\"] [tz=America/New_York] [locale=en|fr]",
        parse: |mut a, usage| {
            let name = one_name(&a, usage)?;
            let role = match a.take("role") {
                None => Role::Developer,
                Some(r) => Role::parse(&r).ok_or_else(|| {
                    UserError::new(
                        "error_bad_choice",
                        json!({ "value": r, "choices": "developer, pm, po, sm, stakeholder", "usage": "role=po" }),
                    )
                })?,
            };
            let tz = a.take("tz").map(|tz| options::check_tz(&tz)).transpose()?;
            let locale = match a.take("locale") {
                None => None,
                Some(l) => Some(Locale::parse(&l).ok_or_else(|| {
                    UserError::new("error_bad_choice", json!({ "value": l, "choices": "en, fr", "usage": "locale=fr" }))
                })?),
            };
            let display_name = a.take("display").map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
            if display_name.as_ref().is_some_and(|d| d.chars().count() > 80) {
                return Err(UserError::new(
                    "error_too_long",
                    json!({ "length": display_name.map(|d| d.chars().count()), "max": 80 }),
                ));
            }
            a.finish(usage)?;
            Ok(Command::MemberAdd { name, role, display_name, tz, locale })
        },
    },
    Spec {
        words: &["member", "list"],
        usage: "/tandem member list",
        parse: |a, u| no_args(&a, u, Command::MemberList),
    },
];

/// Parse what follows `/tandem`. An empty line or an unknown command is an error whose
/// template shows the help.
pub fn parse(line: &str) -> Result<Command, UserError> {
    super::text::check_length(line)?;
    let words = tokenize(line)?;
    let words: Vec<String> = match words.first().map(String::as_str) {
        Some("/tandem") | Some("tandem") => words[1..].to_vec(),
        _ => words,
    };
    if words.is_empty() {
        return Ok(Command::Help);
    }
    let spec = REGISTRY
        .iter()
        .filter(|s| s.words.len() <= words.len() && s.words.iter().zip(&words).all(|(a, b)| a.eq_ignore_ascii_case(b)))
        .max_by_key(|s| s.words.len());
    match spec {
        Some(spec) => (spec.parse)(split_args(&words[spec.words.len()..]), spec.usage),
        None => Err(UserError::new("error_unknown_command", json!({ "command": words.join(" ") }))),
    }
}

fn one_word<'a>(a: &'a Args, usage: &str) -> Result<&'a str, UserError> {
    match a.positional.as_slice() {
        [w] => Ok(w),
        _ => Err(UserError::new("error_usage", json!({ "usage": usage }))),
    }
}

fn one_name(a: &Args, usage: &str) -> Result<String, UserError> {
    super::text::check_name(one_word(a, usage)?)
}

fn no_args(a: &Args, usage: &str, cmd: Command) -> Result<Command, UserError> {
    a.finish(usage)?;
    if !a.positional.is_empty() {
        return Err(UserError::new("error_usage", json!({ "usage": usage })));
    }
    Ok(cmd)
}

fn date_opt(a: &mut Args, key: &str) -> Result<Option<NaiveDate>, UserError> {
    a.take(key).map(|d| super::text::parse_date(&d)).transpose()
}

#[cfg(test)]
mod tests;
