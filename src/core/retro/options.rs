//! A retro's settings: `retro create` and `retro edit` options, parsed and checked, and
//! the shipped templates of prompts.

use crate::core::UserError;
use crate::core::command::Args;
use crate::core::command::param::{check_tz, choice, number_in, yes_no};
use crate::core::schedule::Schedule;
use crate::core::standup::options::schedule_error;
use crate::core::text::{check_length, check_name, parse_minutes};
use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The most prompts a custom retro may have.
pub const MAX_PROMPTS: usize = 12;
/// The most health questions (a form of choices holds four fields on every platform).
pub const MAX_HEALTH: usize = 4;
/// The longest prompt or health question.
const MAX_PROMPT_CHARS: usize = 120;

/// The shipped templates and how many prompts each has (`retro_prompt_<template>_<n>`
/// in `labels.toml`, from 1).
pub const TEMPLATES: &[(&str, usize)] =
    &[("start-stop-continue", 3), ("mad-sad-glad", 3), ("4ls", 4), ("sailboat", 4), ("went-well-to-improve", 2)];
const TEMPLATE_NAMES: &[&str] = &["start-stop-continue", "mad-sad-glad", "4ls", "sailboat", "went-well-to-improve"];

/// One prompt: a shipped one by its label key (each reader reads it in their language), or
/// the team's own text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// When a retro runs by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum When {
    /// On the last day of each sprint, at `at` in the retro's zone.
    SprintEnd { at: NaiveTime },
    /// On a cron schedule in the retro's zone.
    Cron { schedule: String },
}

/// Everything that defines a retro, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetroSettings {
    pub name: String,
    pub channel: String,
    pub template: String,
    pub prompts: Vec<Prompt>,
    pub when: When,
    pub tz: String,
    pub anonymous: bool,
    pub votes: i64,
    pub max_per_item: i64,
    pub collect_minutes: i64,
    pub group_minutes: i64,
    pub vote_minutes: i64,
    pub actions_minutes: i64,
    pub health: Vec<Prompt>,
    /// Member names; empty: every member but stakeholders.
    pub participants: Vec<String>,
    pub facilitator_votes: bool,
}

/// Retro options as typed; `None` keeps the current (or default) value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetroOptions {
    pub channel: Option<String>,
    pub template: Option<String>,
    pub prompts: Option<Vec<Prompt>>,
    pub when: Option<When>,
    pub at: Option<NaiveTime>,
    pub tz: Option<String>,
    pub anonymous: Option<bool>,
    pub votes: Option<i64>,
    pub max_per_item: Option<i64>,
    pub collect_minutes: Option<i64>,
    pub group_minutes: Option<i64>,
    pub vote_minutes: Option<i64>,
    pub actions_minutes: Option<i64>,
    pub health: Option<Vec<Prompt>>,
    pub participants: Option<Vec<String>>,
    pub facilitator_votes: Option<bool>,
}

impl RetroOptions {
    /// Take and check every retro option present in `a`.
    pub fn take(a: &mut Args) -> Result<RetroOptions, UserError> {
        let mut o =
            RetroOptions { channel: a.take("channel").map(|c| check_name(&c)).transpose()?, ..Default::default() };
        if let Some(t) = a.take("template") {
            o.template = Some(choice(&t, TEMPLATE_NAMES, "template=start-stop-continue")?.to_string());
        }
        if let Some(p) = a.take("prompts") {
            o.prompts = Some(texts(&p, MAX_PROMPTS, "prompts=\"What helped?|What slowed us?\"")?);
        }
        if let Some(w) = a.take("when") {
            o.when = Some(if w.eq_ignore_ascii_case("sprint-end") {
                When::SprintEnd { at: default_at() }
            } else {
                Schedule::parse(&w).map_err(|e| schedule_error(&w, &e))?;
                When::Cron { schedule: w.trim().to_string() }
            });
        }
        if let Some(at) = a.take("at") {
            o.at = Some(
                NaiveTime::parse_from_str(at.trim(), "%H:%M")
                    .map_err(|_| UserError::new("error_bad_time", json!({ "value": at, "usage": "at=15:00" })))?,
            );
        }
        o.tz = a.take("tz").map(|tz| check_tz(&tz)).transpose()?;
        o.anonymous = a.take("anonymous").map(|v| yes_no(&v, "anonymous=yes")).transpose()?;
        o.votes = a.take("votes").map(|v| number_in(&v, 1, 20)).transpose()?;
        o.max_per_item = a.take("max_per_item").map(|v| number_in(&v, 1, 20)).transpose()?;
        o.collect_minutes = a.take("collect").map(|v| parse_minutes(&v)).transpose()?;
        o.group_minutes = a.take("group").map(|v| parse_minutes(&v)).transpose()?;
        o.vote_minutes = a.take("vote").map(|v| parse_minutes(&v)).transpose()?;
        o.actions_minutes = a.take("actions").map(|v| parse_minutes(&v)).transpose()?;
        if let Some(h) = a.take("health") {
            o.health = Some(if h.trim().is_empty() || h.eq_ignore_ascii_case("no") {
                Vec::new()
            } else {
                texts(&h, MAX_HEALTH, "health=\"How did the sprint feel?|Did we reach the goal?\"")?
            });
        }
        if let Some(p) = a.take("participants") {
            o.participants = Some(names(&p)?);
        }
        o.facilitator_votes = a.take("facilitator_votes").map(|v| yes_no(&v, "facilitator_votes=no")).transpose()?;
        Ok(o)
    }
}

fn default_at() -> NaiveTime {
    NaiveTime::from_hms_opt(15, 0, 0).expect("15:00 is a time")
}

/// `A|B|C`: at most `max` texts, each checked.
fn texts(s: &str, max: usize, usage: &str) -> Result<Vec<Prompt>, UserError> {
    let out: Vec<Prompt> = s
        .split('|')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| Prompt { text: t.to_string(), key: None })
        .collect();
    let bad = || UserError::new("error_bad_prompts", json!({ "max": max, "chars": MAX_PROMPT_CHARS, "usage": usage }));
    if out.is_empty() || out.len() > max || out.iter().any(|p| p.text.chars().count() > MAX_PROMPT_CHARS) {
        return Err(bad());
    }
    for p in &out {
        check_length(&p.text)?;
    }
    Ok(out)
}

fn names(s: &str) -> Result<Vec<String>, UserError> {
    s.split(',').map(|n| n.trim().trim_start_matches('@')).filter(|n| !n.is_empty()).map(check_name).collect()
}

/// The prompts of a shipped template, by label key.
pub fn template_prompts(template: &str, text_of: impl Fn(&str) -> String) -> Vec<Prompt> {
    let count = TEMPLATES.iter().find(|(t, _)| *t == template).map_or(0, |(_, n)| *n);
    (1..=count)
        .map(|i| {
            let key = format!("retro_prompt_{}_{i}", template.replace('-', "_"));
            Prompt { text: text_of(&key), key: Some(key) }
        })
        .collect()
}

/// The settings of a new retro: the options given, defaults for the rest. `text_of`
/// reads a label in the team's language (a shipped prompt's text as stored).
pub fn new_settings(
    name: &str,
    o: &RetroOptions,
    team_tz: &str,
    text_of: impl Fn(&str) -> String,
) -> Result<RetroSettings, UserError> {
    let channel =
        o.channel.clone().ok_or_else(|| UserError::new("error_missing_option", json!({ "option": "channel" })))?;
    let template = o.template.clone().unwrap_or_else(|| "start-stop-continue".into());
    let prompts = o.prompts.clone().unwrap_or_else(|| template_prompts(&template, &text_of));
    let health = o.health.clone().unwrap_or_else(|| {
        vec![Prompt { text: text_of("retro_health_default"), key: Some("retro_health_default".into()) }]
    });
    let mut s = RetroSettings {
        name: name.to_string(),
        channel,
        template,
        prompts,
        when: When::SprintEnd { at: default_at() },
        tz: team_tz.to_string(),
        anonymous: true,
        votes: 5,
        max_per_item: 3,
        collect_minutes: 24 * 60,
        group_minutes: 4 * 60,
        vote_minutes: 8 * 60,
        actions_minutes: 24 * 60,
        health,
        participants: Vec::new(),
        facilitator_votes: true,
    };
    apply(&mut s, o)?;
    Ok(s)
}

/// The settings after `retro edit`: only what was given changes.
pub fn edited_settings(
    cur: &RetroSettings,
    o: &RetroOptions,
    text_of: impl Fn(&str) -> String,
) -> Result<RetroSettings, UserError> {
    if *o == RetroOptions::default() {
        return Err(UserError::plain("error_retro_no_change"));
    }
    let mut s = cur.clone();
    if let Some(c) = &o.channel {
        s.channel = c.clone();
    }
    if let Some(t) = &o.template {
        s.template = t.clone();
        if o.prompts.is_none() {
            s.prompts = template_prompts(t, &text_of);
        }
    }
    if let Some(h) = &o.health {
        s.health = h.clone();
    }
    apply(&mut s, o)?;
    Ok(s)
}

fn apply(s: &mut RetroSettings, o: &RetroOptions) -> Result<(), UserError> {
    if let Some(p) = &o.prompts {
        s.prompts = p.clone();
    }
    if let Some(w) = &o.when {
        s.when = w.clone();
    }
    if let (Some(at), When::SprintEnd { at: cur }) = (o.at, &mut s.when) {
        *cur = at;
    }
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = &o.$field { s.$field = v.clone(); } )* };
    }
    set!(
        tz,
        anonymous,
        votes,
        max_per_item,
        collect_minutes,
        group_minutes,
        vote_minutes,
        actions_minutes,
        participants,
        facilitator_votes
    );
    if s.max_per_item > s.votes {
        return Err(UserError::new(
            "error_votes_setting",
            json!({ "votes": s.votes, "max_per_item": s.max_per_item, "usage": "votes=5 max_per_item=3" }),
        ));
    }
    Ok(())
}
