//! The sprint's commands: start, show, list, goal, end and the cadence.

use super::{DEFAULT_LENGTH_DAYS, check_goal, parse_length};
use crate::core::UserError;
use crate::core::command::{Args, Kind, Meta, Param, Spec, date_opt, one_word};
use crate::core::policy::Act;
use chrono::NaiveDate;
use serde_json::json;

/// A command of the sprint capability, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum SprintCommand {
    Start {
        goal: String,
        length_days: u32,
    },
    /// `None`: the current sprint.
    Show {
        number: Option<i64>,
    },
    List,
    Goal {
        goal: String,
    },
    End,
    Cadence {
        start: NaiveDate,
        length_days: u32,
    },
    CadenceOff,
}

const fn meta(words: &'static [&'static str], params: &'static [Param], permission: Option<Act>) -> Meta {
    Meta { words, params, permission, opens_form: false }
}

const MANAGE: Option<Act> = Some(Act::ManageRituals);
const LENGTH: Param = Param::opt("length", Kind::Text, "2w");

pub static COMMANDS: &[Spec<SprintCommand>] = &[
    Spec {
        meta: meta(&["sprint", "start"], &[Param::opt("goal", Kind::Text, "\"Ship the checkout\""), LENGTH], MANAGE),
        build: |mut a, _| {
            let goal = a.take("goal").map(|g| check_goal(&g)).transpose()?.unwrap_or_default();
            Ok(SprintCommand::Start { goal, length_days: length(&mut a)? })
        },
    },
    Spec {
        meta: meta(
            &["sprint", "show"],
            &[Param::arg("number", Kind::Integer(1, i32::MAX as i64), "N").optional()],
            None,
        ),
        build: |a, usage| {
            let number = match a.positional.first() {
                None => None,
                Some(w) => Some(
                    w.trim_start_matches('#')
                        .parse()
                        .map_err(|_| UserError::new("error_bad_number", json!({ "value": w, "usage": usage })))?,
                ),
            };
            Ok(SprintCommand::Show { number })
        },
    },
    Spec { meta: meta(&["sprint", "list"], &[], None), build: |_, _| Ok(SprintCommand::List) },
    Spec {
        meta: meta(&["sprint", "goal"], &[Param::arg("goal", Kind::Text, "\"GOAL\"")], MANAGE),
        build: |a, usage| Ok(SprintCommand::Goal { goal: check_goal(one_word(&a, usage)?)? }),
    },
    Spec { meta: meta(&["sprint", "end"], &[], MANAGE), build: |_, _| Ok(SprintCommand::End) },
    Spec {
        meta: meta(
            &["sprint", "cadence"],
            &[
                Param::arg("off", Kind::Choice(&["off"]), "off").optional(),
                Param::opt("start", Kind::Text, "2026-12-07"),
                LENGTH,
            ],
            MANAGE,
        ),
        build: cadence,
    },
];

fn length(a: &mut Args) -> Result<u32, UserError> {
    a.take("length").map_or(Ok(DEFAULT_LENGTH_DAYS), |l| parse_length(&l))
}

fn cadence(mut a: Args, usage: &str) -> Result<SprintCommand, UserError> {
    if let Some(w) = a.positional.first() {
        if !w.eq_ignore_ascii_case("off") || !a.options.is_empty() {
            return Err(UserError::new("error_usage", json!({ "usage": usage })));
        }
        return Ok(SprintCommand::CadenceOff);
    }
    let length_days = length(&mut a)?;
    let start = date_opt(&mut a, "start")?
        .ok_or_else(|| UserError::new("error_missing_option", json!({ "option": "start", "usage": usage })))?;
    Ok(SprintCommand::Cadence { start, length_days })
}
