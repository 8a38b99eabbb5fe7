//! The doors: every pure function that reads what comes from outside — a command line, a
//! typed value, a Slack or Discord payload — behind one entry point each, so that property
//! tests (`tests/integration/doors.rs`) and fuzz targets (`fuzz/`) throw anything at them.
//!
//! A door never panics. What it refuses of a person's input comes back as `UserError`s
//! (the tests render each in both languages); a payload that is not one is turned away as
//! its HTTP endpoint turns it away (400, or 401 for a signature). An `Err` is a bug: an
//! event that was read and would be acknowledged but could not be read back from the inbox.

use crate::core::UserError;
use crate::core::command::{self, Args};
use crate::core::{poker, poll, retro, sprint, standup, team, text};
use crate::discord::inbound::{self as discord_inbound, DiscordEvent};
use crate::discord::{choices, commands as discord_commands, receive as discord_receive};
use crate::service::registry;
use crate::slack::inbound::{self as slack_inbound, Piece, SlackEvent};
use anyhow::Context;
use serenity::all::{Interaction, Message};
use slack_morphism::prelude::*;

/// What a door made of its input.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Reading {
    /// The input was read as what the door takes; `false`: turned away at the door.
    pub read: bool,
    /// What the person was refused, each shown to them from its template.
    pub refusals: Vec<UserError>,
}

impl Reading {
    fn refused(refusals: Vec<UserError>) -> Reading {
        Reading { read: true, refusals }
    }
}

/// A `/tandem …` line as every platform hands it to the registry: its words, the command
/// they start, the options split, the parameters checked, and the capability's own
/// command built from them (its typed values parsed). The permission check is left out:
/// it reads the person's role, not the line.
pub fn command_line(line: &str) -> Result<(), UserError> {
    let words = command::words(line).map_err(|e| registry::with_usage(e, registry::guess_command(line)))?;
    let Some((_, meta)) = registry::find_command(&words) else { return Err(command::unknown(&words)) };
    let args = command::split_args(&words[meta.words.len()..]);
    meta.check(&args)?;
    build(meta, args).map_err(|e| registry::with_usage(e, Some(meta)))
}

/// The capability's own command from checked arguments: the `Spec` list holding `meta`.
fn build(meta: &command::Meta, args: Args) -> Result<(), UserError> {
    fn from<C>(specs: &'static [command::Spec<C>], meta: &command::Meta, args: Args) -> Option<Result<(), UserError>> {
        specs.iter().any(|s| s.meta.words == meta.words).then(|| command::build(specs, meta, args).map(drop))
    }
    let built = from(team::commands::COMMANDS, meta, args.clone())
        .or_else(|| from(standup::commands::COMMANDS, meta, args.clone()))
        .or_else(|| from(sprint::commands::COMMANDS, meta, args.clone()))
        .or_else(|| from(retro::commands::COMMANDS, meta, args.clone()))
        .or_else(|| from(poll::commands::COMMANDS, meta, args.clone()))
        .or_else(|| from(poker::commands::COMMANDS, meta, args));
    built.unwrap_or(Ok(()))
}

/// Whether `command_line` builds the registry's command `meta` (a test checks that every
/// command of the registry is in one of the lists above).
pub fn builds(meta: &command::Meta) -> bool {
    [
        team::commands::COMMANDS.iter().any(|s| s.meta.words == meta.words),
        standup::commands::COMMANDS.iter().any(|s| s.meta.words == meta.words),
        sprint::commands::COMMANDS.iter().any(|s| s.meta.words == meta.words),
        retro::commands::COMMANDS.iter().any(|s| s.meta.words == meta.words),
        poll::commands::COMMANDS.iter().any(|s| s.meta.words == meta.words),
        poker::commands::COMMANDS.iter().any(|s| s.meta.words == meta.words),
    ]
    .contains(&true)
}

/// `value` given to each parameter of the registry's command number `command` (modulo
/// their count), every other required parameter at its example: the line as Discord's
/// options are written (quoted as needed), through the grammar and the capability's own
/// parsing of its typed values (durations, dates, quiet hours, names, zones, cron
/// expressions, lengths, poll options, closes, quorums, numbers…).
pub fn option_value(command: usize, value: &str) -> Vec<UserError> {
    let all: Vec<&command::Meta> = registry::commands().map(|(_, m)| m).collect();
    let Some(meta) = all.get(command % all.len().max(1)) else { return Vec::new() };
    let words: Vec<String> = meta.words.iter().map(|w| w.to_string()).collect();
    let mut refusals = Vec::new();
    for p in meta.params {
        let values: Vec<(String, String)> = meta
            .params
            .iter()
            .filter(|q| q.required || q.name == p.name)
            .map(|q| (q.name.to_string(), if q.name == p.name { value.to_string() } else { example(q) }))
            .collect();
        refusals.extend(command_line(&discord_commands::command_line(&words, &values)).err());
    }
    refusals
}

/// A parameter's example as a person would type it: `#CHANNEL` → `#channel`.
fn example(p: &command::Param) -> String {
    match (p.example, p.kind) {
        ("", command::Kind::Choice(words)) => words.first().copied().unwrap_or_default().to_string(),
        (e, _) => e.to_lowercase(),
    }
}

/// A text typed outside a command line, through what reads it: a DM line (its length,
/// retro cards and their numbered lines, a blocker), a form's field (a theme's title), and
/// the CLI's schedule (`tandem schedule preview`, and its next fires).
pub fn typed_text(s: &str) -> Vec<UserError> {
    let schedule = match crate::core::schedule::Schedule::parse(s) {
        Ok(schedule) => {
            let start = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
            schedule.upcoming(chrono_tz::Europe::Paris, start, 2);
            None
        }
        Err(e) => Some(standup::options::schedule_error(s, &e)),
    };
    text::is_blocker(s);
    [
        text::check_length(s).err(),
        schedule,
        retro::read_cards(s, 3, 0).err(),
        retro::check_card(s).err(),
        retro::check_title(s).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Which of Slack's Events API endpoints a body came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlackEndpoint {
    Events,
    Commands,
    Interactions,
}

/// A verified body of one of Slack's endpoints: decoded, given its dedupe id, stored and
/// read back as the inbox does, then what a person typed or picked in it through the
/// grammar as `inbound` would hand it on.
pub fn slack_body(endpoint: SlackEndpoint, body: &[u8]) -> anyhow::Result<Reading> {
    use crate::slack::http::{read_command, read_event, read_interaction};
    let ev = match endpoint {
        SlackEndpoint::Events => match read_event(body) {
            Ok(SlackPushEvent::EventCallback(cb)) => SlackEvent::Push(cb),
            Ok(_) => return Ok(Reading { read: true, refusals: Vec::new() }),
            Err(_) => return Ok(Reading::default()),
        },
        SlackEndpoint::Commands => match read_command(body) {
            Ok(c) => SlackEvent::Command(c),
            Err(_) => return Ok(Reading::default()),
        },
        SlackEndpoint::Interactions => match read_interaction(body) {
            Ok(i) => SlackEvent::Interaction(i),
            Err(_) => return Ok(Reading::default()),
        },
    };
    slack_event(&ev)
}

/// A decoded Slack event, from the inbox on.
pub fn slack_event(ev: &SlackEvent) -> anyhow::Result<Reading> {
    if ev.dedupe_id().is_none() {
        return Ok(Reading::refused(Vec::new()));
    }
    let stored = serde_json::to_string(ev).context("storing a Slack event")?;
    let ev: SlackEvent = serde_json::from_str(&stored).context("reading a stored Slack event back")?;
    let mut refusals = Vec::new();
    match &ev {
        SlackEvent::Push(cb) => match &cb.event {
            SlackEventCallbackBody::Message(m) => {
                if let Some((_, _, text)) = slack_inbound::dm_text(m) {
                    refusals.extend(text::check_length(&slack_inbound::plain(text)).err());
                }
            }
            SlackEventCallbackBody::AppMention(m) => {
                let raw = m.content.text.clone().unwrap_or_default();
                refusals.extend(command_line(&slack_line(slack_inbound::strip_leading_mention(&raw))).err());
            }
            _ => {}
        },
        SlackEvent::Command(c) => refusals.extend(command_line(&slack_line(c.text.as_deref().unwrap_or(""))).err()),
        SlackEvent::Interaction(SlackInteractionEvent::BlockActions(b)) => {
            slack_inbound::first_action(b);
            crate::slack::blocks::modal_values(b.state.as_ref());
        }
        SlackEvent::Interaction(SlackInteractionEvent::ViewSubmission(v)) => {
            slack_inbound::submission_id(v);
            crate::slack::blocks::modal_values(v.view.state_params.state.as_ref());
        }
        SlackEvent::Interaction(_) => {}
    }
    Ok(Reading::refused(refusals))
}

/// Slack's command text as the grammar reads it, with references written as `inbound`
/// writes them once the channel or person is found (here by their id).
fn slack_line(text: &str) -> String {
    let mut out = String::new();
    for p in slack_inbound::pieces(text) {
        match p {
            Piece::Text(t) | Piece::Other(t) => out.push_str(&slack_inbound::plain(t)),
            Piece::Channel { id, name } => {
                out.push('#');
                out.push_str(&name.unwrap_or(id).to_lowercase());
            }
            Piece::User { id } => {
                out.push('@');
                out.push_str(&id.to_lowercase());
            }
        }
    }
    out
}

/// A verified body of Discord's interactions endpoint (or an interaction from the
/// gateway): decoded, acknowledged, stored and read back, then the command it carries
/// through the grammar, or its form's values.
pub fn discord_interaction(body: &[u8]) -> anyhow::Result<Reading> {
    let Ok(interaction) = serde_json::from_slice::<Interaction>(body) else { return Ok(Reading::default()) };
    discord_receive::acknowledgement(&interaction);
    let stored = DiscordEvent::Interaction(interaction).payload().context("storing a Discord interaction")?;
    let ev: DiscordEvent = serde_json::from_str(&stored).context("reading a stored Discord interaction back")?;
    let DiscordEvent::Interaction(i) = ev else { anyhow::bail!("a stored interaction read back as a message") };
    let mut refusals = Vec::new();
    match &i {
        Interaction::Command(c) => {
            let (words, values) = discord_commands::flatten(&c.data.name, &c.data.options);
            let values: Vec<(String, String)> = values
                .into_iter()
                .map(|(name, v)| match v {
                    discord_commands::Value::Text(t) => (name, t),
                    discord_commands::Value::Channel(id) => (name, format!("#c{id}")),
                    discord_commands::Value::User(id) => (name, format!("@u{id}")),
                })
                .collect();
            refusals.extend(command_line(&discord_commands::command_line(&words, &values)).err());
        }
        Interaction::Component(c) => {
            choices::values(&c.message.components);
        }
        Interaction::Modal(m) => {
            discord_inbound::modal_values(m);
        }
        Interaction::Autocomplete(a) => {
            discord_commands::focused(&a.data.options);
        }
        _ => {}
    }
    Ok(Reading::refused(refusals))
}

/// A message from Discord's gateway (a DM, or a mention of the bot): decoded, stored and
/// read back, then the line after the mention through the grammar.
pub fn discord_message(body: &[u8]) -> anyhow::Result<Reading> {
    let Ok(message) = serde_json::from_slice::<Message>(body) else { return Ok(Reading::default()) };
    let stored = DiscordEvent::Message(message).payload().context("storing a Discord message")?;
    let ev: DiscordEvent = serde_json::from_str(&stored).context("reading a stored Discord message back")?;
    let DiscordEvent::Message(m) = ev else { anyhow::bail!("a stored message read back as an interaction") };
    let mut refusals = Vec::new();
    if m.guild_id.is_some() {
        refusals.extend(command_line(discord_inbound::strip_leading_mention(&m.content)).err());
    } else {
        refusals.extend(text::check_length(&m.content).err());
    }
    Ok(Reading::refused(refusals))
}

/// Slack's and Discord's signature checks on whatever headers and body; `true` when it
/// verifies (only a body signed with the key can).
pub fn signatures(timestamp: Option<&str>, signature: Option<&str>, body: &[u8], now: i64) -> (bool, bool) {
    let slack = crate::slack::verify::verify("a-signing-secret", timestamp, signature, body, now).is_ok();
    // RFC 8032's first test key: any fixed key will do, nothing is signed with it here.
    let key = crate::discord::verify::public_key("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    let discord = key.is_some_and(|k| crate::discord::verify::verify(&k, timestamp, signature, body, now).is_ok());
    (slack, discord)
}
