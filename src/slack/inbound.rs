//! Slack events after the acknowledgement: a stored event becomes an `Inbound` (who,
//! where, what) for the service. `receive.rs` is the door before it.

use super::{PLATFORM, Slack, blocks, identity};
use crate::core::effect::CHOICE_SUBMIT_PREFIX;
use crate::core::{Conversation, Inbound, InboundKind};
use crate::service::Service;
use crate::store::{self, platform};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use slack_morphism::prelude::*;

/// One event as Slack sent it, over the socket or HTTP alike.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "via", content = "event", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // reason: short-lived, one per event
pub enum SlackEvent {
    Push(SlackPushEventCallback),
    Command(SlackCommandEvent),
    Interaction(SlackInteractionEvent),
}

impl SlackEvent {
    /// The id Slack keeps across its retries: `event_id`, or the `trigger_id` of a
    /// command or interaction. `None` for events Tandem does not act on.
    pub fn dedupe_id(&self) -> Option<String> {
        match self {
            SlackEvent::Push(cb) => is_relevant(&cb.event).then(|| cb.event_id.0.clone()),
            SlackEvent::Command(c) => Some(c.trigger_id.0.clone()),
            // A pick in a choice form's select changes nothing: the submit click carries it.
            SlackEvent::Interaction(SlackInteractionEvent::BlockActions(b)) => {
                first_action(b).is_some().then(|| b.trigger_id.0.clone())
            }
            SlackEvent::Interaction(SlackInteractionEvent::ViewSubmission(v)) => Some(submission_id(v)),
            SlackEvent::Interaction(_) => None,
        }
    }
}

/// A modal submission's id: its trigger, or the view's id and state hash.
pub(crate) fn submission_id(v: &SlackInteractionViewSubmissionEvent) -> String {
    match &v.trigger_id {
        Some(t) => t.0.clone(),
        None => format!("{}:{}", v.view.state_params.id.0, v.view.state_params.hash),
    }
}

fn is_relevant(ev: &SlackEventCallbackBody) -> bool {
    match ev {
        SlackEventCallbackBody::Message(m) => dm_text(m).is_some(),
        SlackEventCallbackBody::AppMention(_) => true,
        SlackEventCallbackBody::AppHomeOpened(h) => h.tab.as_deref() == Some("home"),
        _ => false,
    }
}

/// A person's own new message in a DM with the bot: `(user, dm channel, text)`.
pub(crate) fn dm_text(m: &SlackMessageEvent) -> Option<(&str, &str, &str)> {
    let is_dm = matches!(&m.origin.channel_type, Some(t) if t.0 == "im");
    if !is_dm || m.subtype.is_some() || m.sender.bot_id.is_some() {
        return None;
    }
    let user = m.sender.user.as_ref()?;
    let channel = m.origin.channel.as_ref()?;
    let text = m.content.as_ref()?.text.as_deref()?;
    Some((&user.0, &channel.0, text))
}

pub use super::receive::Receiver;

/// The first action of a block-actions event: the button that was clicked (`None` for a
/// pick in a select).
pub(crate) fn first_action(b: &SlackInteractionBlockActionsEvent) -> Option<String> {
    let a = b.actions.as_ref()?.first()?;
    if a.action_type.0.ends_with("select") {
        return None;
    }
    Some(a.value.clone().unwrap_or_else(|| a.action_id.0.clone()))
}

/// Read one stored event: who sent it and where, as the service takes it. `None` when
/// there is nothing for the service to do: an event Tandem does not answer, or the App
/// Home, published here.
pub async fn prepare(
    svc: &Service,
    slack: &Slack,
    payload: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Inbound>> {
    let ev: SlackEvent = serde_json::from_str(payload)?;
    if let SlackEvent::Push(cb) = &ev
        && let SlackEventCallbackBody::AppHomeOpened(h) = &cb.event
    {
        publish_home(svc, slack, &cb.team_id.0, &h.user.0, now).await?;
        return Ok(None);
    }
    translate(svc, slack, ev, now).await
}

/// The App Home tab: the member's page, published for them (a view, not a message: it
/// is redrawn whole each time, so publishing twice is harmless).
async fn publish_home(
    svc: &Service,
    slack: &Slack,
    workspace: &str,
    user: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let ws = identity::team_for(&svc.store, workspace, None, now).await?;
    let member = identity::member_for(&svc.store, slack, &ws, user, None, now).await?;
    let page = svc.home(member, now).await?;
    let (_, blocks) = blocks::message(&svc.renderer, &page, None)?;
    let token = slack.token_for(Some(&ws))?.ok_or_else(|| anyhow::anyhow!("no Slack bot token for {workspace}"))?;
    let req =
        SlackApiViewsPublishRequest::new(SlackUserId(user.to_string()), SlackView::Home(SlackHomeView::new(blocks)));
    slack.pacer.wait_turn(&ws.external_id, None).await;
    slack.client.open_session(&token).views_publish(&req).await?;
    Ok(())
}

async fn translate(
    svc: &Service,
    slack: &Slack,
    ev: SlackEvent,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Inbound>> {
    let store = &svc.store;
    let inbound = |event_id: String, member_id: i64, conversation: Conversation, kind: InboundKind| {
        Inbound::new(PLATFORM, event_id, member_id, conversation, kind)
    };
    match ev {
        SlackEvent::Push(cb) => {
            if let SlackEventCallbackBody::Message(m) = &cb.event {
                let Some((user, dm, text)) = dm_text(m) else { return Ok(None) };
                let member = dm_sender(svc, slack, &cb.team_id.0, user, dm, now).await?;
                let kind = InboundKind::Text(plain(text));
                return Ok(Some(inbound(cb.event_id.0.clone(), member, Conversation::Dm { member_id: member }, kind)));
            }
            let ws = identity::team_for(store, &cb.team_id.0, None, now).await?;
            match &cb.event {
                SlackEventCallbackBody::AppMention(m) => {
                    let member = identity::member_for(store, slack, &ws, &m.user.0, None, now).await?;
                    let raw = m.content.text.clone().unwrap_or_default();
                    let line = strip_leading_mention(&raw);
                    let text = normalize(store, slack, &ws, line, now).await?;
                    let mut c = store.pool.acquire().await?;
                    let channel_id = identity::channel_for(&mut c, ws.team_id, &m.channel.0, None).await?;
                    Ok(Some(inbound(
                        cb.event_id.0,
                        member,
                        Conversation::Channel { channel_id },
                        InboundKind::Command(text),
                    )))
                }
                _ => Ok(None),
            }
        }
        SlackEvent::Command(cmd) => {
            let ws = identity::team_for(store, &cmd.team_id.0, cmd.team_domain.as_deref(), now).await?;
            let member = identity::member_for(store, slack, &ws, &cmd.user_id.0, None, now).await?;
            let conversation = conversation(store, &ws, member, &cmd.channel_id.0, cmd.channel_name.as_deref()).await?;
            let text = normalize(store, slack, &ws, cmd.text.as_deref().unwrap_or(""), now).await?;
            Ok(Some(inbound(cmd.trigger_id.0, member, conversation, InboundKind::Command(text))))
        }
        SlackEvent::Interaction(SlackInteractionEvent::BlockActions(b)) => {
            let Some(user) = &b.user else { return Ok(None) };
            let Some(action) = first_action(&b) else { return Ok(None) };
            let ws = identity::team_for(store, &b.team.id.0, b.team.domain.as_deref(), now).await?;
            let member = identity::member_for(store, slack, &ws, &user.id.0, user.name.as_deref(), now).await?;
            let channel = match &b.container {
                SlackInteractionActionContainer::Message(m) => m.channel_id.as_ref().map(|c| c.0.clone()),
                _ => None,
            }
            .or_else(|| b.channel.as_ref().map(|c| c.id.0.clone()));
            let name = b.channel.as_ref().and_then(|c| c.name.clone());
            let conversation = match channel {
                Some(ch) => conversation(store, &ws, member, &ch, name.as_deref()).await?,
                None => Conversation::Dm { member_id: member },
            };
            let kind = match action.strip_prefix(CHOICE_SUBMIT_PREFIX) {
                // A choice form's submit: its values are the message's selects.
                Some(submit) => {
                    InboundKind::Form { submit: submit.to_string(), values: blocks::modal_values(b.state.as_ref()) }
                }
                None => InboundKind::Click(action),
            };
            Ok(Some(inbound(b.trigger_id.0.clone(), member, conversation, kind)))
        }
        SlackEvent::Interaction(SlackInteractionEvent::ViewSubmission(v)) => {
            let id = submission_id(&v);
            let ws = identity::team_for(store, &v.team.id.0, v.team.domain.as_deref(), now).await?;
            let member = identity::member_for(store, slack, &ws, &v.user.id.0, v.user.name.as_deref(), now).await?;
            let submit = match &v.view.view {
                SlackView::Modal(m) => m.callback_id.as_ref().map(|c| c.0.clone()).unwrap_or_default(),
                SlackView::Home(_) => return Ok(None),
            };
            let values = blocks::modal_values(v.view.state_params.state.as_ref());
            Ok(Some(inbound(id, member, Conversation::Dm { member_id: member }, InboundKind::Form { submit, values })))
        }
        SlackEvent::Interaction(_) => Ok(None),
    }
}

/// Who wrote in their DM with the bot: one read when they are known and the DM is the one
/// on record (nearly always); otherwise found or created, and the DM recorded.
async fn dm_sender(
    svc: &Service,
    slack: &Slack,
    workspace: &str,
    user: &str,
    dm: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let store = &svc.store;
    let known = platform::dm_sender(&mut *store.pool.acquire().await?, PLATFORM, workspace, user).await?;
    if let Some((member, Some(on_record))) = &known
        && on_record == dm
    {
        return Ok(*member);
    }
    let ws = identity::team_for(store, workspace, None, now).await?;
    let member = identity::member_for(store, slack, &ws, user, None, now).await?;
    let mut c = store.pool.acquire().await?;
    platform::set_dm_channel(&mut c, PLATFORM, member, dm).await?;
    Ok(member)
}

/// Where a command was typed: the bot's DM (or any DM) answers in the DM, a channel
/// is bound to a team channel of the same name.
async fn conversation(
    store: &store::Store,
    ws: &platform::Workspace,
    member: i64,
    channel: &str,
    name: Option<&str>,
) -> anyhow::Result<Conversation> {
    if channel.starts_with('D') || name == Some("directmessage") {
        return Ok(Conversation::Dm { member_id: member });
    }
    let mut c = store.pool.acquire().await?;
    let channel_id = identity::channel_for(&mut c, ws.team_id, channel, name).await?;
    Ok(Conversation::Channel { channel_id })
}

/// `<@UBOT> standup list` → `standup list`.
pub(crate) fn strip_leading_mention(text: &str) -> &str {
    let t = text.trim_start();
    match (t.starts_with("<@"), t.find('>')) {
        (true, Some(end)) => t[end + 1..].trim_start(),
        _ => t,
    }
}

/// Slack escapes `&`, `<` and `>` in what people type; undo it.
pub(crate) fn plain(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// A piece of command text: plain, or one of Slack's `<…>` references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Text(&'a str),
    Channel { id: &'a str, name: Option<&'a str> },
    User { id: &'a str },
    Other(&'a str),
}

pub(crate) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        let inner = &rest[start + 1..start + len];
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        out.push(if let Some(id) = target.strip_prefix('#') {
            Piece::Channel { id, name: label }
        } else if let Some(id) = target.strip_prefix('@') {
            Piece::User { id }
        } else {
            Piece::Other(label.unwrap_or(target))
        });
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Command text as the grammar reads it: `<#C1|team>` → `#team` (and the channel is
/// bound), `<@U1>` → `@name` of that person's member (created if new).
async fn normalize(
    store: &store::Store,
    slack: &Slack,
    ws: &platform::Workspace,
    text: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut out = String::new();
    for p in pieces(text) {
        match p {
            Piece::Text(t) => out.push_str(&plain(t)),
            Piece::Other(t) => out.push_str(&plain(t)),
            Piece::Channel { id, name } => {
                let mut c = store.pool.acquire().await?;
                let channel_id = identity::channel_for(&mut c, ws.team_id, id, name).await?;
                let name = store::team::channel_name(&mut c, channel_id).await?.unwrap_or_else(|| id.to_lowercase());
                out.push('#');
                out.push_str(&name);
            }
            Piece::User { id } => {
                let member = identity::member_for(store, slack, ws, id, None, now).await?;
                let mut c = store.pool.acquire().await?;
                let m = store::team::member(&mut c, member).await?;
                out.push('@');
                out.push_str(&m.name);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_references_are_split_from_the_text() {
        let p = pieces(
            "standup create daily channel=<#C0STANDUP|standup> members=<@U1>,<@U2|bob> see <https://x.test|docs>",
        );
        assert_eq!(
            p,
            vec![
                Piece::Text("standup create daily channel="),
                Piece::Channel { id: "C0STANDUP", name: Some("standup") },
                Piece::Text(" members="),
                Piece::User { id: "U1" },
                Piece::Text(","),
                Piece::User { id: "U2" },
                Piece::Text(" see "),
                Piece::Other("docs"),
            ]
        );
        assert_eq!(pieces("no refs < here"), vec![Piece::Text("no refs < here")]);
    }

    #[test]
    fn a_mention_of_the_bot_is_not_part_of_the_command() {
        assert_eq!(strip_leading_mention("<@U0BOTUSER> standup list"), "standup list");
        assert_eq!(strip_leading_mention("standup list"), "standup list");
    }
}
