//! Discord events after the acknowledgement: a stored interaction or message becomes an
//! `Inbound` (who, where, what) for the service. `receive.rs` is the door before it.

use super::commands::{self, Value};
use super::{Discord, PLATFORM, choices, identity};
use crate::core::{Conversation, Inbound, InboundKind, Locale};
use crate::service::Service;
use crate::store::{self, platform};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serenity::all::{
    ActionRowComponent, ChannelId, CommandInteraction, EditInteractionResponse, GuildId, Interaction, Message,
    ModalInteraction, User,
};

/// One event as Discord sent it, over the gateway or HTTP alike.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "via", content = "event", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // reason: short-lived, one per event
pub enum DiscordEvent {
    Interaction(Interaction),
    Message(Message),
}

/// Whether the acknowledgement is a private "thinking…" placeholder, to be replaced by
/// the first answer: commands, and forms sent from a command. A click (or a form opened
/// from a button) is acknowledged silently instead.
pub fn defers_with_source(i: &Interaction) -> bool {
    match i {
        Interaction::Command(_) => true,
        Interaction::Modal(m) => m.message.is_none(),
        _ => false,
    }
}

impl DiscordEvent {
    /// The event as stored in the inbox. Serenity 0.12 writes an interaction without its
    /// `type`, which it needs to read it back: it is put back here.
    pub fn payload(&self) -> serde_json::Result<String> {
        let mut v = serde_json::to_value(self)?;
        if let DiscordEvent::Interaction(i) = self {
            v["event"]["type"] = serde_json::json!(u8::from(i.kind()));
        }
        serde_json::to_string(&v)
    }
}

pub use super::receive::Receiver;

/// Read one stored event: who sent it and where, as the service takes it; `None` when
/// there is nothing for the service to do.
pub async fn prepare(svc: &Service, d: &Discord, payload: &str, now: DateTime<Utc>) -> anyhow::Result<Option<Inbound>> {
    let ev: DiscordEvent = serde_json::from_str(payload)?;
    translate(svc, d, &ev, now).await
}

/// Where an event came from, and who sent it.
struct Origin<'a> {
    guild: Option<GuildId>,
    channel: ChannelId,
    channel_name: Option<&'a str>,
    user: &'a User,
    /// The Discord client's language (interactions carry it, messages do not).
    locale: Option<&'a str>,
}

/// Who and where: the member and conversation of an event; `None` for a DM from
/// someone Tandem has never met in a server.
async fn place(
    svc: &Service,
    d: &Discord,
    o: &Origin<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(i64, Conversation)>> {
    match o.guild {
        Some(g) => {
            let ws = identity::team_for(d, svc, g, now).await?;
            let member = identity::member_for(svc, &ws, o.user, o.locale, now).await?;
            let mut c = svc.store.pool.acquire().await?;
            let channel_id = identity::channel_for(&mut c, ws.team_id, o.channel.get(), o.channel_name).await?;
            Ok(Some((member, Conversation::Channel { channel_id })))
        }
        None => {
            let Some(member) = identity::member_of_dm(svc, o.user).await? else { return Ok(None) };
            if let Some(lang) = o.locale.and_then(Locale::parse) {
                svc.adopt_client_prefs(member, o.locale.and_then(identity::zone_for_locale), lang, now).await?;
            }
            let mut c = svc.store.pool.acquire().await?;
            platform::set_dm_channel(&mut c, PLATFORM, member, &o.channel.get().to_string()).await?;
            Ok(Some((member, Conversation::Dm { member_id: member })))
        }
    }
}

async fn translate(
    svc: &Service,
    d: &Discord,
    ev: &DiscordEvent,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Inbound>> {
    let inbound = |event_id: String, member_id: i64, conversation: Conversation, kind: InboundKind| {
        Inbound::new(PLATFORM, event_id, member_id, conversation, kind)
    };
    match ev {
        DiscordEvent::Interaction(i) => {
            let (guild, channel, name, user, locale) = match i {
                Interaction::Command(c) => (c.guild_id, c.channel_id, c.channel.as_ref(), &c.user, &c.locale),
                Interaction::Component(c) => (c.guild_id, c.channel_id, c.channel.as_ref(), &c.user, &c.locale),
                Interaction::Modal(m) => (m.guild_id, m.channel_id, m.channel.as_ref(), &m.user, &m.locale),
                _ => return Ok(None),
            };
            let origin = Origin {
                guild,
                channel,
                channel_name: name.and_then(|c| c.name.as_deref()),
                user,
                locale: Some(locale.as_str()),
            };
            let Some((member, conversation)) = place(svc, d, &origin, now).await? else {
                stranger(svc, d, i, locale).await?;
                return Ok(None);
            };
            let kind = match i {
                Interaction::Command(c) => InboundKind::Command(command_text(svc, member, c, now).await?),
                Interaction::Component(c) => match c.data.custom_id.strip_prefix(choices::SUBMIT_PREFIX) {
                    // A form of choice fields: its values are the picks marked on its message.
                    Some(submit) => {
                        InboundKind::Form { submit: submit.to_string(), values: choices::values(&c.message.components) }
                    }
                    None => InboundKind::Click(c.data.custom_id.clone()),
                },
                Interaction::Modal(m) => {
                    InboundKind::Form { submit: m.data.custom_id.clone(), values: modal_values(m) }
                }
                _ => return Ok(None),
            };
            Ok(Some(inbound(i.id().get().to_string(), member, conversation, kind)))
        }
        DiscordEvent::Message(m) => {
            let origin =
                Origin { guild: m.guild_id, channel: m.channel_id, channel_name: None, user: &m.author, locale: None };
            let place = place(svc, d, &origin, now).await?;
            let Some((member, conversation)) = place else {
                tracing::info!(user = m.author.id.get(), "a DM from someone who has not used /tandem in a server yet");
                return Ok(None);
            };
            let id = m.id.get().to_string();
            let kind = match conversation {
                Conversation::Dm { .. } => InboundKind::Text(m.content.clone()),
                Conversation::Channel { .. } => {
                    let line = strip_leading_mention(&m.content);
                    InboundKind::Command(mention_text(svc, d, member, m, line, now).await?)
                }
            };
            Ok(Some(inbound(id, member, conversation, kind)))
        }
    }
}

/// A modal's text fields, in field order (`q0`, `q1`, …).
pub(crate) fn modal_values(m: &ModalInteraction) -> Vec<String> {
    let mut values: Vec<(String, String)> = m
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .filter_map(|c| match c {
            ActionRowComponent::InputText(t) => Some((t.custom_id.clone(), t.value.clone().unwrap_or_default())),
            _ => None,
        })
        .collect();
    values.sort_by_key(|(id, _)| id.trim_start_matches('q').parse::<usize>().unwrap_or(usize::MAX));
    values.into_iter().map(|(_, v)| v).collect()
}

/// A DM interaction from someone Tandem cannot place: say so in their language.
async fn stranger(svc: &Service, d: &Discord, i: &Interaction, locale: &str) -> anyhow::Result<()> {
    let locale = Locale::parse(locale).unwrap_or(Locale::En);
    let text = svc.renderer.render(locale, "discord_unknown_dm", &serde_json::json!({}))?;
    if defers_with_source(i) {
        d.http
            .edit_original_interaction_response(i.token(), &EditInteractionResponse::new().content(text), vec![])
            .await?;
    }
    Ok(())
}

/// The command line for typed options: channels become `#name` (and are bound),
/// people `@name` (and become members).
async fn command_text(
    svc: &Service,
    member: i64,
    c: &CommandInteraction,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let (words, values) = commands::flatten(&c.data.name, &c.data.options);
    // Most commands have text options only: the server is looked up when one names a
    // channel or a person.
    let ws = if values.iter().any(|(_, v)| !matches!(v, Value::Text(_))) {
        Some(workspace_of_member(svc, member).await?)
    } else {
        None
    };
    let mut written = Vec::with_capacity(values.len());
    for (name, value) in values {
        let text = match value {
            Value::Text(t) => t,
            Value::Channel(id) => match &ws {
                Some(ws) => {
                    let resolved = c.data.resolved.channels.get(&ChannelId::new(id)).and_then(|ch| ch.name.clone());
                    format!("#{}", channel_name(svc, ws.team_id, id, resolved.as_deref()).await?)
                }
                None => id.to_string(),
            },
            Value::User(id) => match (c.data.resolved.users.get(&serenity::all::UserId::new(id)), &ws) {
                (Some(u), Some(ws)) => format!("@{}", member_name(svc, ws, u, now).await?),
                _ => id.to_string(),
            },
        };
        written.push((name, text));
    }
    Ok(commands::command_line(&words, &written))
}

async fn workspace_of_member(svc: &Service, member: i64) -> anyhow::Result<platform::Workspace> {
    let mut c = svc.store.pool.acquire().await?;
    let me = store::team::member(&mut c, member).await?;
    platform::workspace_of_team(&mut c, me.team_id)
        .await?
        .map(|(_, ws)| ws)
        .ok_or_else(|| anyhow::anyhow!("team {} is not bound to Discord", me.team_id))
}

async fn channel_name(svc: &Service, team_id: i64, channel: u64, name: Option<&str>) -> anyhow::Result<String> {
    let mut c = svc.store.pool.acquire().await?;
    let id = identity::channel_for(&mut c, team_id, channel, name).await?;
    Ok(store::team::channel_name(&mut c, id).await?.unwrap_or_else(|| channel.to_string()))
}

async fn member_name(
    svc: &Service,
    ws: &platform::Workspace,
    user: &User,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let id = identity::member_for(svc, ws, user, None, now).await?;
    let mut c = svc.store.pool.acquire().await?;
    Ok(store::team::member(&mut c, id).await?.name)
}

/// `<@123> standup list` → `standup list`.
pub(crate) fn strip_leading_mention(text: &str) -> &str {
    let t = text.trim_start();
    match (t.starts_with("<@"), t.find('>')) {
        (true, Some(end)) => t[end + 1..].trim_start(),
        _ => t,
    }
}

/// A mention's command line as the grammar reads it: `<#1>` → `#name`, `<@2>` → `@name`.
async fn mention_text(
    svc: &Service,
    d: &Discord,
    member: i64,
    m: &Message,
    line: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let ws = workspace_of_member(svc, member).await?;
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 1..start + len];
        if let Some(id) = inner.strip_prefix('#').and_then(|s| s.parse::<u64>().ok()) {
            let name = match d.http.get_channel(ChannelId::new(id)).await {
                Ok(serenity::all::Channel::Guild(g)) => Some(g.name),
                _ => None,
            };
            out.push('#');
            out.push_str(&channel_name(svc, ws.team_id, id, name.as_deref()).await?);
        } else if let Some(id) =
            inner.trim_start_matches('@').trim_start_matches('!').parse::<u64>().ok().filter(|_| inner.starts_with('@'))
        {
            match m.mentions.iter().find(|u| u.id.get() == id) {
                Some(u) => {
                    out.push('@');
                    out.push_str(&member_name(svc, &ws, u, now).await?);
                }
                None => out.push_str(&rest[start..start + len + 1]),
            }
        } else {
            out.push_str(&rest[start..start + len + 1]);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/discord/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).expect("test fixture")
    }

    #[test]
    fn stored_events_read_back_as_they_came() {
        for name in [
            "interaction_application_command.json",
            "interaction_application_command_dm.json",
            "interaction_message_component_button.json",
            "interaction_modal_submit.json",
        ] {
            let i: Interaction = serde_json::from_str(&fixture(name)).expect(name);
            let ev = DiscordEvent::Interaction(i);
            let back: DiscordEvent = serde_json::from_str(&ev.payload().expect("payload")).expect(name);
            assert_eq!(format!("{ev:?}"), format!("{back:?}"), "{name}");
        }
        let frame: serde_json::Value = serde_json::from_str(&fixture("gateway_message_create_dm.json")).expect("json");
        let ev = DiscordEvent::Message(serde_json::from_value(frame["d"].clone()).expect("message"));
        let back: DiscordEvent = serde_json::from_str(&ev.payload().expect("payload")).expect("message");
        assert_eq!(format!("{ev:?}"), format!("{back:?}"));
    }

    #[test]
    fn a_mention_of_the_bot_is_not_part_of_the_command() {
        assert_eq!(strip_leading_mention("<@1300000000000000001> standup list"), "standup list");
        assert_eq!(strip_leading_mention("standup list"), "standup list");
    }
}
