//! The outbox's Discord sender: channel posts (reports as embeds, images as attachments),
//! DMs, private answers to interactions, in-place edits and deletes.
//!
//! A post carries its outbox item id as a nonce that Discord enforces, so a post retried
//! after an unclear failure (a timeout, a lost answer) comes back as the message already
//! made instead of a second one. Straight to Discord, calls go through serenity's rate
//! limiter; through a proxy (`TANDEM_DISCORD_API_URL`) the proxy owns the limits and a
//! 429 that reaches us is waited out here. Discord is called with no database connection
//! held (SQLite has only one); the result is recorded afterwards in one short transaction.

use super::inbound::{DiscordEvent, defers_with_source};
use super::{Discord, PLATFORM, render};
use crate::core::{Conversation, Effect, Target};
use crate::outbox::Outbox;
use crate::store::outbox::Item;
use crate::store::platform::{self, Workspace};
use crate::store::{self, team};
use anyhow::Context;
use chrono::{DateTime, Duration as Span, Utc};
use serenity::all::{ChannelId, CreateMessage, GuildId, Interaction, MessageId, MessageReference, Nonce, UserId};
use serenity::builder::Builder;
use std::time::Duration;

/// How many times one call waits out a 429 before the item goes back to the outbox.
const RATE_LIMIT_RETRIES: usize = 3;
/// The wait after a 429 when the answer did not say (serenity does not pass it on).
const RATE_LIMIT_WAIT: Duration = Duration::from_secs(1);
/// A call that takes longer than this has failed (the nonce makes the retry safe).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The pacer's key: Discord's global limit is the bot's, across servers.
const BOT: &str = "bot";
/// How long Discord accepts answers through an interaction's token.
const TOKEN_LIFETIME_MINUTES: i64 = 15;

#[async_trait::async_trait]
impl crate::outbox::Sender for Discord {
    fn platform(&self) -> &'static str {
        PLATFORM
    }

    async fn deliver(&self, o: &Outbox, ws: &Workspace, item: &Item, now: DateTime<Utc>) -> anyhow::Result<bool> {
        deliver(o, self, ws, item, now).await
    }
}

/// Deliver one item to Discord; false when another process took it over meanwhile.
async fn deliver(o: &Outbox, d: &Discord, ws: &Workspace, item: &Item, now: DateTime<Utc>) -> anyhow::Result<bool> {
    match &item.effect {
        Effect::Post { target, message, key } => {
            let rendered = render::message(&o.renderer, message)?;
            if let Target::Ephemeral { .. } = target
                && let Some(reply) = live_interaction(o, item, now).await?
            {
                answer_interaction(o, d, &reply, &rendered).await?;
                return finish(o, item, now, None).await;
            }
            let dest = {
                let mut c = o.store.pool.acquire().await?;
                destination(&mut c, target).await?
            };
            let Some(mut dest) = dest else {
                // A member added by hand who has not used Discord yet: nobody to send to.
                tracing::warn!(item = item.id, "a member without a Discord account was skipped");
                return finish(o, item, now, None).await;
            };
            let channel = match &dest.channel {
                Where::Channel(id) => *id,
                Where::Named(name) => find_channel(d, ws, name).await?,
                Where::User(user) => {
                    d.pacer.wait_turn(BOT, None).await;
                    let dm = call(d, || UserId::new(*user).create_dm_channel(d.http.as_ref())).await?;
                    dm.id.get()
                }
            };
            // Remember only what was learnt: a DM opened, a channel found by name.
            if !matches!(dest.channel, Where::User(_)) {
                dest.dm_of = None;
            }
            if !matches!(dest.channel, Where::Named(_)) {
                dest.team_channel = None;
            }
            dest.channel = Where::Channel(channel);
            let mut create = rendered.create().nonce(Nonce::String(nonce(item.id))).enforce_nonce(true);
            if let Some(k) = &message.thread_of {
                let (parent_channel, parent) = parent(o, k).await?;
                create = create.reference_message(MessageReference::from((
                    ChannelId::new(parent_channel),
                    MessageId::new(parent),
                )));
            }
            d.pacer.wait_turn(BOT, Some(&channel.to_string())).await;
            // Through the builder, which names the image's alt text with its bytes.
            let create = rendered.files.iter().cloned().fold(create, CreateMessage::add_file);
            let posted = call(d, || create.clone().execute(d.http.as_ref(), (ChannelId::new(channel), None))).await?;
            let record = Record { key: key.clone(), channel, message: posted.id.get(), dest };
            finish(o, item, now, Some(record)).await
        }
        Effect::Update { key, message } => {
            let (channel, id) = parent(o, key).await?;
            let edit = render::message(&o.renderer, message)?.edit();
            d.pacer.wait_turn(BOT, None).await;
            // Through the builder, which sends the new image's bytes with the edit.
            let target = (ChannelId::new(channel), MessageId::new(id), None);
            call(d, || edit.clone().execute(d.http.as_ref(), target)).await?;
            finish(o, item, now, None).await
        }
        Effect::Delete { key } => {
            let found = {
                let mut c = o.store.pool.acquire().await?;
                store::outbox::platform_id(&mut c, key, PLATFORM).await?
            };
            // A message never delivered has nothing to delete.
            if found.is_some() {
                let (channel, id) = parent(o, key).await?;
                d.pacer.wait_turn(BOT, None).await;
                match call(d, || d.http.delete_message(ChannelId::new(channel), MessageId::new(id), None)).await {
                    Ok(()) => {}
                    // Deleted already (by a person, or by an attempt whose answer was lost).
                    Err(e) if format!("{e:#}").contains("Unknown Message") => {}
                    Err(e) => return Err(e),
                }
                let mut c = o.store.pool.acquire().await?;
                store::outbox::forget_key(&mut c, key, PLATFORM).await?;
            }
            finish(o, item, now, None).await
        }
    }
}

/// The nonce of an outbox item's post (Discord allows 25 characters).
fn nonce(item: i64) -> String {
    format!("tandem-{item}")
}

/// Where a post goes on Discord.
#[derive(Debug, Clone, PartialEq)]
enum Where {
    Channel(u64),
    /// A team channel never seen on Discord: found by name among the server's channels.
    Named(String),
    /// A DM not opened yet.
    User(u64),
}

#[derive(Debug, Clone, PartialEq)]
struct Destination {
    channel: Where,
    /// The member whose DM this is, to remember the DM channel.
    dm_of: Option<i64>,
    /// The team channel, to remember the Discord channel id.
    team_channel: Option<i64>,
}

/// An interaction whose token still answers: the one this item replies to.
#[derive(Debug)]
struct Reply {
    event_id: String,
    token: String,
    /// Its acknowledgement was a "thinking…" placeholder, which the first answer replaces.
    placeholder: bool,
}

async fn live_interaction(o: &Outbox, item: &Item, now: DateTime<Utc>) -> anyhow::Result<Option<Reply>> {
    let Some(event_id) = &item.reply_to else { return Ok(None) };
    if now - item.created_at > Span::minutes(TOKEN_LIFETIME_MINUTES - 1) {
        return Ok(None);
    }
    let mut c = o.store.pool.acquire().await?;
    let Some(payload) = store::inbox::payload_of(&mut c, PLATFORM, event_id).await? else { return Ok(None) };
    let Ok(DiscordEvent::Interaction(i)) = serde_json::from_str::<DiscordEvent>(&payload) else { return Ok(None) };
    // A click in a DM answers in the DM, where it stays; only a placeholder, or a
    // conversation in a server, needs the interaction.
    let placeholder = defers_with_source(&i);
    let in_dm = match &item.effect {
        Effect::Post { target: Target::Ephemeral { conversation, .. }, .. } => {
            matches!(conversation, Conversation::Dm { .. })
        }
        _ => false,
    };
    if in_dm && !placeholder {
        return Ok(None);
    }
    let token = match &i {
        Interaction::Command(c) => c.token.clone(),
        Interaction::Component(c) => c.token.clone(),
        Interaction::Modal(m) => m.token.clone(),
        _ => return Ok(None),
    };
    Ok(Some(Reply { event_id: event_id.clone(), token, placeholder }))
}

/// The first answer replaces the placeholder; the others follow it, privately.
async fn answer_interaction(o: &Outbox, d: &Discord, reply: &Reply, rendered: &render::Rendered) -> anyhow::Result<()> {
    let key = format!("reply:{}", reply.event_id);
    let replaced = {
        let mut c = o.store.pool.acquire().await?;
        store::outbox::platform_id(&mut c, &key, PLATFORM).await?.is_some()
    };
    if reply.placeholder && !replaced {
        let edit = rendered.edit_original();
        call(d, || d.http.edit_original_interaction_response(&reply.token, &edit, rendered.files.clone())).await?;
        let mut c = o.store.pool.acquire().await?;
        store::outbox::record_key(&mut c, &key, PLATFORM, "@original").await?;
    } else {
        let followup = rendered.followup();
        call(d, || d.http.create_followup_message(&reply.token, &followup, rendered.files.clone())).await?;
    }
    Ok(())
}

/// What a post left behind to remember.
struct Record {
    key: Option<String>,
    channel: u64,
    message: u64,
    dest: Destination,
}

async fn finish(o: &Outbox, item: &Item, now: DateTime<Utc>, record: Option<Record>) -> anyhow::Result<bool> {
    let mut tx = o.store.begin().await?;
    if let Some(r) = record {
        if let Some(k) = &r.key {
            store::outbox::record_key(&mut tx, k, PLATFORM, &format!("{}:{}", r.channel, r.message)).await?;
        }
        if let Some(member) = r.dest.dm_of {
            platform::set_dm_channel(&mut tx, PLATFORM, member, &r.channel.to_string()).await?;
        }
        if let Some(ch) = r.dest.team_channel {
            platform::bind_channel(&mut tx, PLATFORM, item.team_id, &r.channel.to_string(), ch).await?;
        }
    }
    if !store::outbox::mark_delivered(&mut tx, item.id, &o.instance, now).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// One REST call with a timeout, waiting out 429s that reach us (through a proxy).
async fn call<T, F, Fut>(d: &Discord, f: F) -> anyhow::Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = serenity::Result<T>>,
{
    let mut waited = 0;
    loop {
        let result = tokio::time::timeout(CALL_TIMEOUT, f()).await.context("Discord did not answer in time")?;
        match result {
            Ok(v) => return Ok(v),
            Err(e) if rate_limited(&e) && waited < RATE_LIMIT_RETRIES => {
                d.pacer.pause(BOT, RATE_LIMIT_WAIT);
                crate::metrics::rate_limited(PLATFORM);
                tracing::info!(wait_ms = RATE_LIMIT_WAIT.as_millis() as u64, "Discord rate limit: waiting");
                d.pacer.wait_turn(BOT, None).await;
                waited += 1;
            }
            Err(e) => return Err(anyhow::anyhow!("Discord: {e}")),
        }
    }
}

fn rate_limited(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) if r.status_code.as_u16() == 429)
}

/// The channel and message id posted under `key`.
async fn parent(o: &Outbox, key: &str) -> anyhow::Result<(u64, u64)> {
    let mut c = o.store.pool.acquire().await?;
    let id = store::outbox::platform_id(&mut c, key, PLATFORM)
        .await?
        .ok_or_else(|| anyhow::anyhow!("message {key} is not on Discord yet"))?;
    let parse = || -> Option<(u64, u64)> {
        let (channel, message) = id.split_once(':')?;
        Some((channel.parse().ok()?, message.parse().ok()?))
    };
    parse().ok_or_else(|| anyhow::anyhow!("stored Discord id {id} is not channel:message"))
}

/// A team channel named `name` on the server, by its Discord name.
async fn find_channel(d: &Discord, ws: &Workspace, name: &str) -> anyhow::Result<u64> {
    let guild: u64 = ws.external_id.parse().context("a Discord server id")?;
    let channels = call(d, || d.http.get_channels(GuildId::new(guild))).await?;
    channels
        .iter()
        .find(|c| crate::service::identity::name_of(&c.name) == name)
        .map(|c| c.id.get())
        .ok_or_else(|| anyhow::anyhow!("no channel #{name} on the Discord server (invite Tandem there, or rename it)"))
}

/// Where `target` is on Discord; `None` for a member who has no Discord account.
async fn destination(c: &mut store::Conn, target: &Target) -> anyhow::Result<Option<Destination>> {
    match *target {
        Target::Channel { channel_id } => {
            let channel = match platform::external_channel(c, PLATFORM, channel_id).await? {
                Some(id) => Where::Channel(id.parse().context("a Discord channel id")?),
                None => Where::Named(
                    team::channel_name(c, channel_id)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("channel {channel_id} does not exist"))?,
                ),
            };
            Ok(Some(Destination { channel, dm_of: None, team_channel: Some(channel_id) }))
        }
        // Discord shows private answers only through an interaction; without one (a
        // mention, an expired token) the answer goes to the DM.
        Target::Dm { member_id } | Target::Ephemeral { member_id, .. } => {
            let Some(id) = platform::identity_of(c, PLATFORM, member_id).await? else { return Ok(None) };
            let channel = match id.dm_channel {
                Some(dm) => Where::Channel(dm.parse().context("a Discord DM channel id")?),
                None => Where::User(id.external_id.parse().context("a Discord user id")?),
            };
            Ok(Some(Destination { channel, dm_of: Some(member_id), team_channel: None }))
        }
    }
}
