//! The poll's commands: `poll "Question?" options="A|B"` and its settings, then list, show,
//! close, reopen, delete and export by id.

use super::{Close, check_question, read_close, read_options, read_quorum};
use crate::core::UserError;
use crate::core::command::param::{choice, number_in, yes_no};
use crate::core::command::{Args, Kind, Meta, Param, Spec};
use crate::core::model::Role;
use crate::core::text::check_name;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// What a poll keeps of its settings (stored as one JSON document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollSettings {
    pub options: Vec<String>,
    /// How many options one person may pick: 1 for a single-choice poll.
    pub max_picks: usize,
    pub anonymous: bool,
    /// Results shown as votes come (`live`), or only the number of votes until the close.
    pub live: bool,
    /// The share of the audience (percent) whose votes close the poll.
    pub quorum: Option<u32>,
    /// Remind those of the audience who have not voted, before the close.
    pub remind: bool,
    /// Who is asked: these members by name, else those of `role`, else every member.
    pub audience: Vec<String>,
    pub role: Option<String>,
}

/// A command of the poll capability, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum PollCommand {
    Create { question: String, settings: PollSettings, close: Option<Close>, channel: Option<String> },
    List,
    Show { id: i64 },
    Close { id: i64 },
    Reopen { id: i64, close: Close },
    Delete { id: i64 },
    Export { id: i64, json: bool },
}

const ID: Param = Param::arg("id", Kind::Integer(1, 1_000_000_000), "7").labelled("opt_poll_id");
const BY_ID: &[Param] = &[ID];
const CREATE: &[Param] = &[
    Param::arg("question", Kind::Text, "\"Which day for the offsite?\"").rest().labelled("opt_poll_question"),
    Param::opt("options", Kind::Text, "\"Mon|Tue|Wed\"").required(),
    Param::opt("multi", Kind::Boolean, "yes"),
    Param::opt("max", Kind::Integer(1, 10), "2"),
    Param::opt("anonymous", Kind::Boolean, "yes"),
    Param::opt("results", Kind::Choice(&["live", "hidden"]), ""),
    Param::opt("close", Kind::Text, "24h"),
    Param::opt("quorum", Kind::Text, "80%"),
    Param::opt("remind", Kind::Boolean, "yes"),
    Param::opt("channel", Kind::Channel, "#CHANNEL"),
    Param::opt("audience", Kind::Text, "@ana,@kenji"),
    Param::opt("role", Kind::Choice(&["pm", "po", "sm", "dev", "stakeholder"]), ""),
];

const fn meta(words: &'static [&'static str], params: &'static [Param]) -> Meta {
    Meta { words, params, permission: None, opens_form: false }
}

fn id_of(a: &Args, usage: &str) -> Result<i64, UserError> {
    let n = a.positional.first().ok_or_else(|| UserError::new("error_usage", json!({ "usage": usage })))?;
    number_in(n.trim_start_matches('#'), 1, 1_000_000_000)
}

fn flag(a: &mut Args, key: &str, usage: &str) -> Result<bool, UserError> {
    a.take(key).map(|v| yes_no(&v, usage)).transpose().map(|v| v.unwrap_or(false))
}

fn create(mut a: Args, usage: &str) -> Result<PollCommand, UserError> {
    let question = check_question(&a.positional.join(" "))?;
    let options = read_options(&a.take("options").unwrap_or_default())?;
    let multi = flag(&mut a, "multi", usage)?;
    let max = a.take("max").map(|m| number_in(&m, 1, options.len() as i64)).transpose()?;
    let max_picks = match (max, multi) {
        (Some(m), _) => m as usize,
        (None, true) => options.len(),
        (None, false) => 1,
    };
    let anonymous = flag(&mut a, "anonymous", usage)?;
    let live = a.take("results").map(|r| choice(&r, &["live", "hidden"], usage)).transpose()? != Some("hidden");
    let close = a.take("close").map(|c| read_close(&c)).transpose()?;
    let quorum = a.take("quorum").map(|q| read_quorum(&q)).transpose()?;
    let remind = flag(&mut a, "remind", usage)?;
    if remind && close.is_none() {
        return Err(UserError::new("error_poll_remind_needs_close", json!({ "usage": usage })));
    }
    let channel = a.take("channel").map(|c| check_name(c.trim_start_matches('#'))).transpose()?;
    let audience = match a.take("audience") {
        Some(list) => list
            .split(',')
            .map(|m| m.trim().trim_start_matches('@'))
            .filter(|m| !m.is_empty())
            .map(|m| check_name(m).map(|m| m.to_lowercase()))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let role = match a.take("role") {
        Some(r) => Some(Role::parse(&r).map(|r| r.code().to_string()).ok_or_else(|| {
            UserError::new(
                "error_bad_choice",
                json!({ "value": r, "choices": "pm, po, sm, dev, stakeholder", "usage": usage }),
            )
        })?),
        None => None,
    };
    let settings = PollSettings { options, max_picks, anonymous, live, quorum, remind, audience, role };
    Ok(PollCommand::Create { question, settings, close, channel })
}

pub static COMMANDS: &[Spec<PollCommand>] = &[
    Spec { meta: meta(&["poll"], CREATE), build: create },
    Spec { meta: meta(&["poll", "list"], &[]), build: |_, _| Ok(PollCommand::List) },
    Spec { meta: meta(&["poll", "show"], BY_ID), build: |a, u| Ok(PollCommand::Show { id: id_of(&a, u)? }) },
    Spec { meta: meta(&["poll", "close"], BY_ID), build: |a, u| Ok(PollCommand::Close { id: id_of(&a, u)? }) },
    Spec {
        meta: meta(&["poll", "reopen"], &[ID, Param::opt("close", Kind::Text, "24h").required()]),
        build: |mut a, u| {
            let id = id_of(&a, u)?;
            Ok(PollCommand::Reopen { id, close: read_close(&a.take("close").unwrap_or_default())? })
        },
    },
    Spec { meta: meta(&["poll", "delete"], BY_ID), build: |a, u| Ok(PollCommand::Delete { id: id_of(&a, u)? }) },
    Spec {
        meta: meta(
            &["poll", "export"],
            &[ID, Param::arg("format", Kind::Choice(&["csv", "json"]), "").labelled("opt_format_export")],
        ),
        build: |a, u| {
            let id = id_of(&a, u)?;
            let format = a.positional.get(1).map(|f| choice(f, &["csv", "json"], u)).transpose()?;
            Ok(PollCommand::Export { id, json: format == Some("json") })
        },
    },
];
