//! The retro's commands: setting retros up, running their phases, cards, health, themes,
//! votes, and the actions agreed.

use super::options::RetroOptions;
use super::{read_group, read_numbers};
use crate::core::UserError;
use crate::core::command::param::choice;
use crate::core::command::{Args, Kind, Meta, Param, Spec, date_opt, one_name};
use crate::core::policy::Act;
use crate::core::text::check_name;
use chrono::NaiveDate;
use serde_json::json;

/// Which actions `action list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionFilter {
    Mine,
    Open,
    All,
}

/// A command of the retro capability, parsed. `retro` names the retro when the team has
/// several open; `None`: the one open.
#[derive(Debug, Clone, PartialEq)]
pub enum RetroCommand {
    Create { name: String, options: RetroOptions },
    Edit { name: String, options: RetroOptions },
    List,
    Show { name: String },
    Delete { name: String },
    Run { name: String },
    Advance { name: String },
    Export { name: String, sprint: Option<i64> },
    Cards { retro: Option<String> },
    CardEdit { retro: Option<String>, number: i64, text: String },
    CardDelete { retro: Option<String>, number: i64 },
    Rate { retro: Option<String>, scores: Vec<i64> },
    Group { retro: Option<String>, cards: Vec<i64>, title: String },
    Rename { retro: Option<String>, theme: i64, title: String },
    Ungroup { retro: Option<String>, cards: Vec<i64> },
    Vote { retro: Option<String>, themes: Vec<i64> },
    Unvote { retro: Option<String>, themes: Vec<i64> },
    ActionAdd { text: String, owner: Option<String>, due: Option<NaiveDate>, theme: Option<i64> },
    ActionList { filter: ActionFilter },
    ActionDone { id: i64 },
    ActionEdit { id: i64, text: Option<String>, owner: Option<String>, due: Option<NaiveDate> },
}

/// The settings every retro takes, in `create` and `edit`.
const SETTINGS: [Param; 16] = [
    Param::opt(
        "template",
        Kind::Choice(&["start-stop-continue", "mad-sad-glad", "4ls", "sailboat", "went-well-to-improve"]),
        "",
    ),
    Param::opt("prompts", Kind::Text, "\"What helped?|What slowed us?\""),
    Param::opt("when", Kind::Text, "sprint-end"),
    Param::opt("at", Kind::Text, "15:00"),
    Param::opt("tz", Kind::Text, "Europe/Paris"),
    Param::opt("anonymous", Kind::Boolean, "yes"),
    Param::opt("votes", Kind::Integer(1, 20), "5"),
    Param::opt("max_per_item", Kind::Integer(1, 20), "3"),
    Param::opt("collect", Kind::Text, "24h"),
    Param::opt("group", Kind::Text, "4h"),
    Param::opt("vote", Kind::Text, "8h"),
    Param::opt("actions", Kind::Text, "24h"),
    Param::opt("health", Kind::Text, "\"How did the sprint feel?|Did we reach the goal?\""),
    Param::opt("participants", Kind::Text, "ana,kenji"),
    Param::opt("facilitator_votes", Kind::Boolean, "no"),
    Param::opt("channel", Kind::Channel, "#CHANNEL"),
];
const CREATE: [Param; 17] = with_settings(Param::arg("name", Kind::Text, "NAME"), true);
const EDIT: [Param; 17] = with_settings(Param::arg("name", Kind::Name, "NAME").labelled("opt_retro"), false);
const RETRO: &[Param] = &[Param::arg("name", Kind::Name, "NAME").labelled("opt_retro")];
const WHICH: Param = Param::opt("retro", Kind::Name, "NAME");
const NUMBER: Param = Param::arg("number", Kind::Integer(1, 10_000), "3").labelled("opt_card");

const fn with_settings(head: Param, channel_required: bool) -> [Param; 17] {
    let mut all = [head; 17];
    let mut i = 0;
    while i < 16 {
        all[i + 1] = SETTINGS[i];
        i += 1;
    }
    if channel_required {
        all[16] = SETTINGS[15].required();
    }
    all
}

const fn meta(words: &'static [&'static str], params: &'static [Param], permission: Option<Act>) -> Meta {
    Meta { words, params, permission, opens_form: false }
}

const MANAGE: Option<Act> = Some(Act::ManageRituals);

fn which(a: &mut Args) -> Result<Option<String>, UserError> {
    a.take("retro").map(|r| check_name(&r)).transpose()
}

fn number(a: &Args, usage: &str) -> Result<i64, UserError> {
    let n = a.positional.first().ok_or_else(|| UserError::new("error_usage", json!({ "usage": usage })))?;
    n.trim_start_matches('#').parse().map_err(|_| UserError::new("error_bad_number", json!({ "value": n })))
}

/// The text after a number: `card edit 3 "New text"`.
fn text_after(a: &Args, usage: &str) -> Result<String, UserError> {
    let text = a.positional[1..].join(" ");
    if text.trim().is_empty() {
        return Err(UserError::new("error_usage", json!({ "usage": usage })));
    }
    Ok(text.trim().to_string())
}

fn member_opt(a: &mut Args, key: &str) -> Result<Option<String>, UserError> {
    a.take(key).map(|m| check_name(m.trim_start_matches('@')).map(|m| m.to_lowercase())).transpose()
}

fn id_of(a: &Args, usage: &str) -> Result<i64, UserError> {
    number(a, usage)
}

pub static COMMANDS: &[Spec<RetroCommand>] = &[
    Spec {
        meta: meta(&["retro", "create"], &CREATE, MANAGE),
        build: |mut a, u| Ok(RetroCommand::Create { name: one_name(&a, u)?, options: RetroOptions::take(&mut a)? }),
    },
    Spec {
        meta: meta(&["retro", "edit"], &EDIT, MANAGE),
        build: |mut a, u| Ok(RetroCommand::Edit { name: one_name(&a, u)?, options: RetroOptions::take(&mut a)? }),
    },
    Spec { meta: meta(&["retro", "list"], &[], None), build: |_, _| Ok(RetroCommand::List) },
    Spec {
        meta: meta(&["retro", "show"], RETRO, None),
        build: |a, u| Ok(RetroCommand::Show { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["retro", "delete"], RETRO, MANAGE),
        build: |a, u| Ok(RetroCommand::Delete { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["retro", "run"], RETRO, MANAGE),
        build: |a, u| Ok(RetroCommand::Run { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(&["retro", "advance"], RETRO, None),
        build: |a, u| Ok(RetroCommand::Advance { name: one_name(&a, u)? }),
    },
    Spec {
        meta: meta(
            &["retro", "export"],
            &[
                Param::arg("name", Kind::Name, "NAME").labelled("opt_retro"),
                Param::arg("format", Kind::Choice(&["--markdown"]), "").optional(),
                Param::opt("sprint", Kind::Integer(1, 100_000), "12"),
            ],
            None,
        ),
        build: |mut a, u| {
            if let Some(f) = a.positional.get(1) {
                choice(f, &["--markdown"], "--markdown")?;
            }
            let sprint =
                a.take("sprint").map(|s| crate::core::command::param::number_in(&s, 1, 100_000)).transpose()?;
            let name = a
                .positional
                .first()
                .map(|n| check_name(n))
                .transpose()?
                .ok_or_else(|| UserError::new("error_usage", json!({ "usage": u })))?;
            Ok(RetroCommand::Export { name, sprint })
        },
    },
    Spec {
        meta: meta(&["retro", "cards"], &[WHICH], None),
        build: |mut a, _| Ok(RetroCommand::Cards { retro: which(&mut a)? }),
    },
    Spec {
        meta: meta(
            &["retro", "edit-card"],
            &[NUMBER, Param::arg("text", Kind::Text, "\"New text\"").rest(), WHICH],
            None,
        ),
        build: |mut a, u| {
            Ok(RetroCommand::CardEdit { retro: which(&mut a)?, number: number(&a, u)?, text: text_after(&a, u)? })
        },
    },
    Spec {
        meta: meta(&["retro", "delete-card"], &[NUMBER, WHICH], None),
        build: |mut a, u| Ok(RetroCommand::CardDelete { retro: which(&mut a)?, number: number(&a, u)? }),
    },
    Spec {
        meta: meta(&["retro", "rate"], &[Param::arg("scores", Kind::Text, "4 3").rest(), WHICH], None),
        build: |mut a, _| Ok(RetroCommand::Rate { retro: which(&mut a)?, scores: read_numbers(&a.positional)? }),
    },
    Spec {
        meta: meta(
            &["retro", "group"],
            &[Param::arg("cards", Kind::Text, "3 7 12 as \"Slow deploys\"").rest(), WHICH],
            None,
        ),
        build: |mut a, _| {
            let (cards, title) = read_group(&a.positional)?;
            Ok(RetroCommand::Group { retro: which(&mut a)?, cards, title })
        },
    },
    Spec {
        meta: meta(
            &["retro", "rename"],
            &[NUMBER.labelled("opt_theme"), Param::arg("title", Kind::Text, "\"Slow CI\"").rest(), WHICH],
            None,
        ),
        build: |mut a, u| {
            Ok(RetroCommand::Rename { retro: which(&mut a)?, theme: number(&a, u)?, title: text_after(&a, u)? })
        },
    },
    Spec {
        meta: meta(&["retro", "ungroup"], &[Param::arg("cards", Kind::Text, "7").rest(), WHICH], None),
        build: |mut a, _| Ok(RetroCommand::Ungroup { retro: which(&mut a)?, cards: read_numbers(&a.positional)? }),
    },
    Spec {
        meta: meta(&["retro", "vote"], &[Param::arg("themes", Kind::Text, "2 2 5").rest(), WHICH], None),
        build: |mut a, _| Ok(RetroCommand::Vote { retro: which(&mut a)?, themes: read_numbers(&a.positional)? }),
    },
    Spec {
        meta: meta(&["retro", "unvote"], &[Param::arg("themes", Kind::Text, "2").rest(), WHICH], None),
        build: |mut a, _| Ok(RetroCommand::Unvote { retro: which(&mut a)?, themes: read_numbers(&a.positional)? }),
    },
    Spec {
        meta: meta(
            &["action", "add"],
            &[
                Param::arg("text", Kind::Text, "\"Add a deploy dashboard\"").rest(),
                Param::opt("owner", Kind::Member, "@ana"),
                Param::opt("due", Kind::Text, "2026-12-18"),
                Param::opt("theme", Kind::Integer(1, 10_000), "2"),
            ],
            None,
        ),
        build: |mut a, u| {
            let text = a.positional.join(" ");
            let text = crate::core::retro::check_card(&text).map_err(|e| {
                if text.trim().is_empty() { UserError::new("error_usage", json!({ "usage": u })) } else { e }
            })?;
            let owner = member_opt(&mut a, "owner")?;
            let due = date_opt(&mut a, "due")?;
            let theme = a.take("theme").map(|t| crate::core::command::param::number_in(&t, 1, 10_000)).transpose()?;
            Ok(RetroCommand::ActionAdd { text, owner, due, theme })
        },
    },
    Spec {
        meta: meta(
            &["action", "list"],
            &[Param::arg("which", Kind::Choice(&["mine", "open", "all"]), "").optional()],
            None,
        ),
        build: |a, u| {
            let filter = match a.positional.first().map(|w| choice(w, &["mine", "open", "all"], u)).transpose()? {
                Some("mine") => ActionFilter::Mine,
                Some("all") => ActionFilter::All,
                _ => ActionFilter::Open,
            };
            Ok(RetroCommand::ActionList { filter })
        },
    },
    Spec {
        meta: meta(&["action", "done"], &[Param::arg("id", Kind::Integer(1, 1_000_000_000), "4")], None),
        build: |a, u| Ok(RetroCommand::ActionDone { id: id_of(&a, u)? }),
    },
    Spec {
        meta: meta(
            &["action", "edit"],
            &[
                Param::arg("id", Kind::Integer(1, 1_000_000_000), "4"),
                Param::opt("text", Kind::Text, "\"Add a deploy dashboard\""),
                Param::opt("owner", Kind::Member, "@ana"),
                Param::opt("due", Kind::Text, "2026-12-18"),
            ],
            None,
        ),
        build: |mut a, u| {
            let id = id_of(&a, u)?;
            let text = a.take("text").map(|t| crate::core::retro::check_card(&t)).transpose()?;
            let owner = member_opt(&mut a, "owner")?;
            let due = date_opt(&mut a, "due")?;
            if text.is_none() && owner.is_none() && due.is_none() {
                return Err(UserError::plain("error_retro_no_change"));
            }
            Ok(RetroCommand::ActionEdit { id, text, owner, due })
        },
    },
];
