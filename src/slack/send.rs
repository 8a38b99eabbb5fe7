//! The outbox's Slack sender: posts, thread replies, ephemeral answers, in-place updates
//! and deletes, paced, with `Retry-After` honoured and a re-post after an unclear failure
//! checked against the channel's history first. A message's image is uploaded first
//! (`files.getUploadURLExternal`, the bytes, `files.completeUploadExternal`, unshared) and
//! shown by an image block pointing at the file, so the message keeps one `ts` to edit.
//!
//! Slack is called with no database connection held (SQLite has only one); the result
//! is recorded, and the item marked delivered, in one short transaction afterwards.

use super::{PLATFORM, Slack, blocks};
use crate::core::{Conversation, Effect, Message, Target};
use crate::outbox::Outbox;
use crate::store::outbox::Item;
use crate::store::platform::{self, Workspace};
use crate::store::{self, team};
use anyhow::Context;
use chrono::{DateTime, Utc};
use slack_morphism::prelude::*;
use std::collections::HashMap;
use std::time::Duration;

/// How many times one call waits out a 429 before the item goes back to the outbox.
const RATE_LIMIT_RETRIES: usize = 3;
/// The longest `Retry-After` waited in place; longer ones go back to the outbox.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// A call that takes longer than this has failed (and is checked before a re-post).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The metadata event type that marks Tandem's posts with their outbox item.
const METADATA_EVENT: &str = "tandem_outbox";

/// Where a post goes on Slack.
#[derive(Debug, Clone, PartialEq)]
struct Destination {
    /// A channel id, `#name` for a channel never seen, or a user id for a DM not yet
    /// opened (opened before the post).
    channel: String,
    /// For an ephemeral answer in a channel: the user who sees it.
    ephemeral_to: Option<String>,
    /// The member whose DM this is, to remember the DM channel.
    dm_of: Option<i64>,
    /// A DM not opened yet: `channel` is the user's id until `conversations.open`.
    unopened: bool,
    /// The team channel, to remember the Slack channel id.
    team_channel: Option<i64>,
}

#[async_trait::async_trait]
impl crate::outbox::Sender for Slack {
    fn platform(&self) -> &'static str {
        PLATFORM
    }

    async fn deliver(&self, o: &Outbox, ws: &Workspace, item: &Item, now: DateTime<Utc>) -> anyhow::Result<bool> {
        deliver(o, self, ws, item, now).await
    }
}

/// Deliver one item to Slack; false when another process took it over meanwhile.
async fn deliver(o: &Outbox, slack: &Slack, ws: &Workspace, item: &Item, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let token = slack.token_for(Some(ws))?.context("no Slack bot token for this workspace")?;
    let session = slack.client.open_session(&token);
    match &item.effect {
        Effect::Post { target, message, key } => {
            let dest = {
                let mut c = o.store.pool.acquire().await?;
                destination(&mut c, target).await?
            };
            let Some(mut dest) = dest else {
                // A member added by hand who has not used Slack yet: nobody to send to.
                tracing::warn!(item = item.id, "a member without a Slack account was skipped");
                return finish(o, item, now, None).await;
            };
            let thread_ts = match &message.thread_of {
                Some(k) => Some(parent(o, k).await?.1),
                None => None,
            };
            if let (Some(member), true) = (dest.dm_of, dest.unopened) {
                dest.channel = open_dm(o, slack, &session, &ws.external_id, member, &dest.channel).await?;
            }
            let earlier = match &dest.ephemeral_to {
                Some(_) => None,
                None => {
                    // Committed before the call: if this process dies during it, the next
                    // delivery of the item knows to look for the post first.
                    let started = {
                        let mut c = o.store.pool.acquire().await?;
                        store::outbox::mark_sending(&mut c, item.id, &o.instance).await?
                    };
                    let Some(started) = started else { return Ok(false) };
                    if started > 0 || item.attempts > 0 {
                        let thread = thread_ts.as_deref();
                        let text = match thread {
                            Some(_) => Some(blocks::message(&o.renderer, message, None)?.0),
                            None => None,
                        };
                        let (channel, text) = (&dest.channel, text.as_deref());
                        earlier_post(slack, &session, &ws.external_id, channel, thread, text, item).await?
                    } else {
                        None
                    }
                }
            };
            let file = match (&message.image, &earlier) {
                (Some(image), None) => Some(upload(slack, &session, &ws.external_id, image).await?),
                _ => None,
            };
            let content = content(o, message, item.id, file.as_deref())?;
            if let Some(user) = &dest.ephemeral_to {
                let mut req = SlackApiChatPostEphemeralRequest::new(
                    SlackChannelId(dest.channel.clone()),
                    SlackUserId(user.clone()),
                    content,
                );
                req.thread_ts = thread_ts.map(SlackTs);
                call(slack, &ws.external_id, None, || session.chat_post_ephemeral(&req)).await?;
                return finish(o, item, now, None).await;
            }
            let posted = match earlier {
                Some(found) => found,
                None => {
                    let mut req = SlackApiChatPostMessageRequest::new(SlackChannelId(dest.channel.clone()), content);
                    req.thread_ts = thread_ts.map(SlackTs);
                    let r =
                        call(slack, &ws.external_id, Some(&dest.channel), || session.chat_post_message(&req)).await?;
                    (r.channel.0, r.ts.0)
                }
            };
            let record = Record { key: key.clone(), channel: posted.0, ts: posted.1, dest };
            finish(o, item, now, Some(record)).await
        }
        Effect::Update { key, message } => {
            let (channel, ts) = parent(o, key).await?;
            let file = match &message.image {
                Some(image) => Some(upload(slack, &session, &ws.external_id, image).await?),
                None => None,
            };
            let content = content(o, message, item.id, file.as_deref())?;
            let req = SlackApiChatUpdateRequest::new(SlackChannelId(channel), content, SlackTs(ts));
            call(slack, &ws.external_id, None, || session.chat_update(&req)).await?;
            finish(o, item, now, None).await
        }
        Effect::Delete { key } => {
            let found = {
                let mut c = o.store.pool.acquire().await?;
                store::outbox::platform_id(&mut c, key, PLATFORM).await?
            };
            // A message never delivered has nothing to delete.
            if found.is_some() {
                let (channel, ts) = parent(o, key).await?;
                let req = SlackApiChatDeleteRequest::new(SlackChannelId(channel), SlackTs(ts));
                match call(slack, &ws.external_id, None, || session.chat_delete(&req)).await {
                    Ok(_) => {}
                    // Deleted already (by a person, or by an attempt whose answer was lost).
                    Err(e) if format!("{e:#}").contains("message_not_found") => {}
                    Err(e) => return Err(e),
                }
                let mut c = o.store.pool.acquire().await?;
                store::outbox::forget_key(&mut c, key, PLATFORM).await?;
            }
            finish(o, item, now, None).await
        }
    }
}

/// Upload an image as a file of the workspace, shared nowhere: the message shows it by an
/// image block. Returns the file id.
async fn upload(
    slack: &Slack,
    session: &SlackClientSession<'_, SlackClientHyperHttpsConnector>,
    workspace: &str,
    image: &crate::core::Image,
) -> anyhow::Result<String> {
    let req = SlackApiFilesGetUploadUrlExternalRequest::new(image.name.clone(), image.png.len())
        .with_alt_txt(image.alt.clone());
    let url = call(slack, workspace, None, || session.get_upload_url_external(&req)).await?;
    let bytes = SlackApiFilesUploadViaUrlRequest::new(url.upload_url.clone(), image.png.clone(), "image/png".into());
    call(slack, workspace, None, || session.files_upload_via_url(&bytes)).await?;
    let file = SlackApiFilesComplete::new(url.file_id.clone()).with_title(image.alt.clone());
    let complete = SlackApiFilesCompleteUploadExternalRequest::new(vec![file]);
    call(slack, workspace, None, || session.files_complete_upload_external(&complete)).await?;
    Ok(url.file_id.0)
}

/// What a post left behind to remember.
struct Record {
    key: Option<String>,
    channel: String,
    ts: String,
    dest: Destination,
}

async fn finish(o: &Outbox, item: &Item, now: DateTime<Utc>, record: Option<Record>) -> anyhow::Result<bool> {
    let mut tx = o.store.begin().await?;
    if let Some(r) = record {
        if let Some(k) = &r.key {
            store::outbox::record_key(&mut tx, k, PLATFORM, &format!("{}:{}", r.channel, r.ts)).await?;
        }
        if let Some(member) = r.dest.dm_of
            && r.dest.channel != r.channel
        {
            platform::set_dm_channel(&mut tx, PLATFORM, member, &r.channel).await?;
        }
        if let Some(ch) = r.dest.team_channel
            && r.dest.channel.starts_with('#')
        {
            platform::bind_channel(&mut tx, PLATFORM, item.team_id, &r.channel, ch).await?;
        }
    }
    if !store::outbox::mark_delivered(&mut tx, item.id, &o.instance, now).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// A message as Block Kit (its image the uploaded `file`), marked with the outbox item that
/// sends it.
fn content(o: &Outbox, message: &Message, item: i64, file: Option<&str>) -> anyhow::Result<SlackMessageContent> {
    let (text, blocks) = blocks::message(&o.renderer, message, file)?;
    let marker = SlackMessageMetadata::new(METADATA_EVENT.into())
        .with_event_payload(HashMap::from([("item".to_string(), item.to_string())]));
    Ok(SlackMessageContent::new().with_text(text).with_blocks(blocks).with_metadata(marker))
}

/// The DM channel with `user` (`conversations.open`), remembered with the member: a post
/// to a `D…` channel can be looked for in its history, one to a user id cannot.
async fn open_dm(
    o: &Outbox,
    slack: &Slack,
    session: &SlackClientSession<'_, SlackClientHyperHttpsConnector>,
    workspace: &str,
    member: i64,
    user: &str,
) -> anyhow::Result<String> {
    let req = SlackApiConversationsOpenRequest::new().with_users(vec![SlackUserId(user.to_string())]);
    let opened = call(slack, workspace, None, || session.conversations_open(&req)).await?;
    let channel = opened.channel.id.0;
    let mut tx = o.store.begin().await?;
    platform::set_dm_channel(&mut tx, PLATFORM, member, &channel).await?;
    tx.commit().await?;
    Ok(channel)
}

/// After a send that was cut short the post may have gone through anyway (a timeout, a
/// crash before recording it): look for it in the channel (or the thread it replies in)
/// before posting again. A look-up that fails is an error: the item waits and looks again,
/// rather than risk posting twice.
async fn earlier_post(
    slack: &Slack,
    session: &SlackClientSession<'_, SlackClientHyperHttpsConnector>,
    workspace: &str,
    channel: &str,
    thread_ts: Option<&str>,
    reply_text: Option<&str>,
    item: &Item,
) -> anyhow::Result<Option<(String, String)>> {
    if channel.starts_with('#') {
        // A channel met by name only: no history to read before Slack names its id.
        return Ok(None);
    }
    let messages = match thread_ts {
        None => {
            let req = SlackApiConversationsHistoryRequest::new()
                .with_channel(SlackChannelId(channel.to_string()))
                .with_limit(50)
                .with_include_all_metadata(true);
            call(slack, workspace, None, || session.conversations_history(&req)).await.map(|h| h.messages)
        }
        Some(ts) => {
            let req = SlackApiConversationsRepliesRequest::new(SlackChannelId(channel.to_string()), SlackTs(ts.into()))
                .with_limit(200);
            call(slack, workspace, None, || session.conversations_replies(&req)).await.map(|r| r.messages)
        }
    }
    .context("looking for an earlier post before posting again")?;
    let id = item.id.to_string();
    Ok(messages
        .iter()
        .find(|m| {
            let marked = m.content.metadata.as_ref().is_some_and(|md| {
                md.event_type == METADATA_EVENT
                    && md.event_payload.as_ref().and_then(|p| p.get("item")).is_some_and(|v| *v == id)
            });
            // slack-morphism cannot ask `conversations.replies` for metadata: a reply of
            // the bot's with the very text is the one cut short.
            let same_reply = thread_ts.is_some()
                && m.sender.bot_id.is_some()
                && m.content.text.as_deref().is_some_and(|t| Some(t) == reply_text);
            marked || same_reply
        })
        .map(|m| (channel.to_string(), m.origin.ts.0.clone())))
}

/// One Web API call, paced, waiting out 429s (up to a point), with a timeout.
async fn call<T, F, Fut>(slack: &Slack, workspace: &str, channel: Option<&str>, f: F) -> anyhow::Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = ClientResult<T>>,
{
    let mut waited = 0;
    loop {
        slack.pacer.wait_turn(workspace, channel).await;
        let result = tokio::time::timeout(CALL_TIMEOUT, f()).await.context("Slack did not answer in time")?;
        match result {
            Ok(v) => return Ok(v),
            Err(slack_morphism::errors::SlackClientError::RateLimitError(e)) if waited < RATE_LIMIT_RETRIES => {
                let wait = e.retry_after.unwrap_or(Duration::from_secs(1));
                slack.pacer.pause(workspace, wait);
                crate::metrics::rate_limited(PLATFORM);
                if wait > MAX_WAIT {
                    anyhow::bail!("Slack asked to wait {}s", wait.as_secs());
                }
                tracing::info!(workspace, wait_ms = wait.as_millis() as u64, "Slack rate limit: waiting as asked");
                waited += 1;
            }
            Err(e) => return Err(anyhow::anyhow!("Slack: {e}")),
        }
    }
}

/// The Slack channel and ts of the message posted under `key`.
async fn parent(o: &Outbox, key: &str) -> anyhow::Result<(String, String)> {
    let mut c = o.store.pool.acquire().await?;
    let id = store::outbox::platform_id(&mut c, key, PLATFORM)
        .await?
        .ok_or_else(|| anyhow::anyhow!("message {key} is not on Slack yet"))?;
    let (channel, ts) = id.split_once(':').ok_or_else(|| anyhow::anyhow!("stored Slack id {id} is not channel:ts"))?;
    Ok((channel.to_string(), ts.to_string()))
}

/// Where `target` is on Slack; `None` for a member who has no Slack account.
async fn destination(c: &mut store::Conn, target: &Target) -> anyhow::Result<Option<Destination>> {
    match *target {
        Target::Channel { channel_id } => Ok(Some(channel_destination(c, channel_id, None).await?)),
        Target::Dm { member_id } | Target::Ephemeral { member_id, conversation: Conversation::Dm { .. } } => {
            dm_destination(c, member_id).await
        }
        Target::Ephemeral { member_id, conversation: Conversation::Channel { channel_id } } => {
            let Some(user) = platform::identity_of(c, PLATFORM, member_id).await? else { return Ok(None) };
            Ok(Some(channel_destination(c, channel_id, Some(user.external_id)).await?))
        }
    }
}

async fn channel_destination(
    c: &mut store::Conn,
    channel_id: i64,
    ephemeral_to: Option<String>,
) -> anyhow::Result<Destination> {
    let channel = match platform::external_channel(c, PLATFORM, channel_id).await? {
        Some(id) => id,
        None => {
            let name = team::channel_name(c, channel_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("channel {channel_id} does not exist"))?;
            format!("#{name}")
        }
    };
    Ok(Destination { channel, ephemeral_to, dm_of: None, team_channel: Some(channel_id), unopened: false })
}

async fn dm_destination(c: &mut store::Conn, member_id: i64) -> anyhow::Result<Option<Destination>> {
    let Some(id) = platform::identity_of(c, PLATFORM, member_id).await? else { return Ok(None) };
    // A user id until the DM is opened (`open_dm`), before the post.
    let unopened = id.dm_channel.is_none();
    let channel = id.dm_channel.unwrap_or(id.external_id);
    Ok(Some(Destination { channel, ephemeral_to: None, dm_of: Some(member_id), team_channel: None, unopened }))
}
