//! Planning poker's commands: start a story (or a queue), vote, reveal, re-vote, accept,
//! and the history of estimates.

use super::{check_title, stories};
use crate::core::UserError;
use crate::core::command::param::choice;
use crate::core::command::{Args, Kind, Meta, Param, Spec};
use crate::core::text::{check_name, parse_minutes};
use serde_json::json;

/// A command of planning poker, parsed. `story` names a story when the team has several
/// open; `None`: the one open.
#[derive(Debug, Clone, PartialEq)]
pub enum PokerCommand {
    Start {
        stories: Vec<String>,
        deck: Option<String>,
        voters: Option<Vec<String>>,
        role: Option<String>,
        close_minutes: Option<i64>,
        link: Option<String>,
        channel: Option<String>,
    },
    Vote {
        story: Option<i64>,
        card: String,
        reason: Option<String>,
    },
    Reveal {
        story: Option<i64>,
        force: bool,
    },
    Revote {
        story: Option<i64>,
    },
    Accept {
        story: Option<i64>,
        estimate: String,
    },
    History,
}

const ROLES: &[&str] = &["developer", "dev", "pm", "po", "sm", "stakeholder"];
const STORY: Param = Param::opt("story", Kind::Integer(1, 1_000_000_000), "4");

const fn meta(words: &'static [&'static str], params: &'static [Param]) -> Meta {
    Meta { words, params, permission: None, opens_form: false }
}

fn story(a: &mut Args) -> Result<Option<i64>, UserError> {
    a.take("story")
        .map(|s| {
            let s = s.trim_start_matches('#');
            s.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| UserError::new("error_bad_number", json!({ "value": s })))
        })
        .transpose()
}

fn link(value: &str) -> Result<String, UserError> {
    let v = value.trim();
    let ok =
        (v.starts_with("https://") || v.starts_with("http://")) && v.len() <= 300 && !v.contains(char::is_whitespace);
    if !ok {
        return Err(UserError::new(
            "error_bad_link",
            json!({ "value": value, "usage": "link=https://example.atlassian.net/browse/CHECKOUT-12" }),
        ));
    }
    Ok(v.to_string())
}

fn one_line(a: &Args) -> String {
    a.positional.join(" ").trim().to_string()
}

pub static COMMANDS: &[Spec<PokerCommand>] = &[
    Spec {
        meta: meta(
            &["poker", "start"],
            &[
                Param::arg("title", Kind::Text, "\"CHECKOUT-12 Pay with Apple Pay\"")
                    .rest()
                    .optional()
                    .labelled("opt_story_title"),
                Param::opt("stories", Kind::Text, "\"A|B|C\""),
                Param::opt("deck", Kind::Text, "fibonacci"),
                Param::opt("voters", Kind::Text, "@ana,@kenji"),
                Param::opt("role", Kind::Choice(ROLES), "").labelled("opt_voter_role"),
                Param::opt("close", Kind::Text, "2h").labelled("opt_reveal_after"),
                Param::opt("link", Kind::Text, "https://…/CHECKOUT-12"),
                Param::opt("channel", Kind::Channel, "#CHANNEL"),
            ],
        ),
        build: |mut a, u| {
            let title = one_line(&a);
            let mut queue = match a.take("stories") {
                Some(s) => stories(&s)?,
                None => Vec::new(),
            };
            if !title.is_empty() {
                queue.insert(0, check_title(&title)?);
            }
            if queue.len() > super::MAX_STORIES {
                let data = json!({ "max": super::MAX_STORIES, "usage": "stories=\"A|B|C\"" });
                return Err(UserError::new("error_bad_stories", data));
            }
            if queue.is_empty() {
                return Err(UserError::new("error_usage", json!({ "usage": u })));
            }
            if let Some(d) = a.take("deck") {
                super::deck(&d)?;
                a.options.insert("deck".into(), d);
            }
            let voters = a
                .take("voters")
                .map(|v| {
                    v.split(',')
                        .map(|n| n.trim().trim_start_matches('@'))
                        .filter(|n| !n.is_empty())
                        .map(check_name)
                        .collect()
                })
                .transpose()?;
            let role = a.take("role").map(|r| choice(&r, ROLES, "role=developer").map(String::from)).transpose()?;
            Ok(PokerCommand::Start {
                stories: queue,
                deck: a.take("deck"),
                voters,
                role,
                close_minutes: a.take("close").map(|c| parse_minutes(&c)).transpose()?,
                link: a.take("link").map(|l| link(&l)).transpose()?,
                channel: a.take("channel").map(|c| check_name(&c)).transpose()?,
            })
        },
    },
    Spec {
        meta: meta(
            &["poker", "vote"],
            &[
                Param::arg("card", Kind::Text, "5").labelled("opt_poker_card"),
                Param::opt("reason", Kind::Text, "\"Needs a migration\""),
                STORY,
            ],
        ),
        build: |mut a, u| {
            let card =
                a.positional.first().cloned().ok_or_else(|| UserError::new("error_usage", json!({ "usage": u })))?;
            // One line: line breaks become spaces.
            let reason = a
                .take("reason")
                .map(|r| {
                    let r = r.split_whitespace().collect::<Vec<_>>().join(" ");
                    crate::core::text::check_length(&r).map(|_| r)
                })
                .transpose()?;
            if reason.as_ref().is_some_and(|r| r.chars().count() > 200) {
                return Err(UserError::new(
                    "error_too_long",
                    json!({ "max": 200, "length": reason.map_or(0, |r| r.chars().count()) }),
                ));
            }
            Ok(PokerCommand::Vote { story: story(&mut a)?, card, reason })
        },
    },
    Spec {
        meta: meta(&["poker", "reveal"], &[STORY, Param::opt("force", Kind::Boolean, "yes")]),
        build: |mut a, _| {
            let force = a.take("force").map(|f| crate::core::command::param::yes_no(&f, "force=yes")).transpose()?;
            Ok(PokerCommand::Reveal { story: story(&mut a)?, force: force.unwrap_or(false) })
        },
    },
    Spec {
        meta: meta(&["poker", "revote"], &[STORY]),
        build: |mut a, _| Ok(PokerCommand::Revote { story: story(&mut a)? }),
    },
    Spec {
        meta: meta(&["poker", "accept"], &[Param::arg("estimate", Kind::Text, "5"), STORY]),
        build: |mut a, u| {
            let estimate =
                a.positional.first().cloned().ok_or_else(|| UserError::new("error_usage", json!({ "usage": u })))?;
            Ok(PokerCommand::Accept { story: story(&mut a)?, estimate })
        },
    },
    Spec { meta: meta(&["poker", "history"], &[]), build: |_, _| Ok(PokerCommand::History) },
];
