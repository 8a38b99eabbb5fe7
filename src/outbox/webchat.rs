//! Delivery to the built-in web chat: the message (and its image) lands in its own table,
//! or is edited or removed there, in the same transaction that marks the outbox item
//! delivered, so it shows exactly once.

use super::Outbox;
use crate::core::{Conversation, Effect, Message, Target};
use crate::render::Renderer;
use crate::store::outbox::Item;
use crate::store::webchat::{ConvKind, NewChatMessage};
use crate::store::{self};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

const PLATFORM: &str = "webchat";

/// Buttons with their labels rendered, the form (a choice field's options with the keys
/// the page posts back), and the image's name and alt text, as JSON for the page.
fn extra_json(r: &Renderer, m: &Message) -> Value {
    let buttons: Vec<Value> = m
        .buttons
        .iter()
        .map(|b| json!({ "label": r.label(m.locale, &b.label), "action": b.action, "style": b.style }))
        .collect();
    let form = m.form.as_ref().map(|f| {
        let fields: Vec<Value> = f
            .fields
            .iter()
            .map(|field| {
                let options: Option<Vec<Value>> = field.choice.as_ref().map(|c| {
                    c.keyed()
                        .map(|(key, label, o)| json!({ "key": key, "label": label, "picked": field.is_picked(&o.value) }))
                        .collect()
                });
                let multi = field.choice.as_ref().is_some_and(|c| c.is_multi());
                json!({ "label": field.label, "value": field.value, "options": options, "multi": multi })
            })
            .collect();
        json!({ "submit": f.submit, "fields": fields, "submit_label": r.label(m.locale, "button_submit") })
    });
    let image = m.image.as_ref().map(|i| json!({ "name": i.name, "alt": i.alt }));
    json!({ "buttons": buttons, "form": form, "image": image })
}

fn conversation_of(target: &Target) -> (ConvKind, i64, Option<i64>) {
    match *target {
        Target::Channel { channel_id } => (ConvKind::Channel, channel_id, None),
        Target::Dm { member_id } => (ConvKind::Dm, member_id, None),
        Target::Ephemeral { member_id, conversation } => match conversation {
            Conversation::Channel { channel_id } => (ConvKind::Channel, channel_id, Some(member_id)),
            Conversation::Dm { member_id: dm } => (ConvKind::Dm, dm, Some(member_id)),
        },
    }
}

/// Deliver one item; false when another process took it over meanwhile.
pub(super) async fn deliver(o: &Outbox, item: &Item, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = o.store.begin().await?;
    write(o, &mut tx, item, now).await?;
    if !store::outbox::mark_delivered(&mut tx, item.id, &o.instance, now).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// Deliver a claim's web chat items together, in order, in one transaction: the web chat
/// is this database, so nothing goes out and the claim costs one commit. Returns how many
/// were ours to deliver; an error writes nothing (the caller then delivers them one by one).
pub(super) async fn deliver_all(o: &Outbox, items: &[Item], now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut tx = o.store.begin().await?;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let ours = store::outbox::mark_delivered_many(&mut tx, &ids, &o.instance, now).await?;
    // Plain posts (no thread, image or key to record) are written a hundred a statement;
    // any other item on its own, after the plain posts before it.
    let mut plain: Vec<Plain> = Vec::new();
    for item in items.iter().filter(|i| ours.contains(&i.id)) {
        match plain_post(o, item)? {
            Some(p) => plain.push(p),
            None => {
                insert_plain(&mut tx, &mut plain, now).await?;
                write(o, &mut tx, item, now).await?;
            }
        }
    }
    insert_plain(&mut tx, &mut plain, now).await?;
    tx.commit().await?;
    Ok(ours.len())
}

/// A plain post, rendered for its table.
struct Plain<'a> {
    item: &'a Item,
    target: &'a Target,
    body: String,
    extra: Value,
}

fn plain_post<'a>(o: &Outbox, item: &'a Item) -> anyhow::Result<Option<Plain<'a>>> {
    match &item.effect {
        Effect::Post { target, message, key: None } if message.thread_of.is_none() && message.image.is_none() => {
            let (body, extra) = (o.renderer.message(message)?, extra_json(&o.renderer, message));
            Ok(Some(Plain { item, target, body, extra }))
        }
        _ => Ok(None),
    }
}

/// Write the plain posts gathered so far, and forget them.
async fn insert_plain(tx: &mut store::Conn, plain: &mut Vec<Plain<'_>>, now: DateTime<Utc>) -> anyhow::Result<()> {
    let rows: Vec<NewChatMessage> = plain
        .iter()
        .map(|p| {
            let (conv_kind, conv_id, visible_to) = conversation_of(p.target);
            NewChatMessage {
                team_id: p.item.team_id,
                conv_kind,
                conv_id,
                visible_to,
                author_member: None,
                body: &p.body,
                extra: &p.extra,
                thread_of: None,
                outbox_id: Some(p.item.id),
            }
        })
        .collect();
    store::webchat::insert_many(tx, &rows, now).await?;
    plain.clear();
    Ok(())
}

/// The item's change to the web chat's tables.
async fn write(o: &Outbox, tx: &mut store::Conn, item: &Item, now: DateTime<Utc>) -> anyhow::Result<()> {
    match &item.effect {
        Effect::Post { target, message, key } => {
            let body = o.renderer.message(message)?;
            let extra = extra_json(&o.renderer, message);
            let thread_of = match &message.thread_of {
                Some(k) => Some(parent_id(tx, k).await?),
                None => None,
            };
            let (conv_kind, conv_id, visible_to) = conversation_of(target);
            let new = NewChatMessage {
                team_id: item.team_id,
                conv_kind,
                conv_id,
                visible_to,
                author_member: None,
                body: &body,
                extra: &extra,
                thread_of,
                outbox_id: Some(item.id),
            };
            let id = store::webchat::insert(tx, &new, now).await?;
            if message.image.is_some() {
                store::webchat::set_image(tx, id, item.team_id, message.image.as_ref()).await?;
            }
            if let Some(k) = key {
                store::outbox::record_key(tx, k, PLATFORM, &id.to_string()).await?;
            }
        }
        Effect::Update { key, message } => {
            let id = parent_id(tx, key).await?;
            let body = o.renderer.message(message)?;
            store::webchat::update(tx, id, &body, &extra_json(&o.renderer, message), now).await?;
            store::webchat::set_image(tx, id, item.team_id, message.image.as_ref()).await?;
        }
        Effect::Delete { key } => {
            // A message never delivered has nothing to delete.
            if let Some(id) = store::outbox::platform_id(tx, key, PLATFORM).await? {
                store::webchat::delete(tx, id.parse()?).await?;
                store::outbox::forget_key(tx, key, PLATFORM).await?;
            }
        }
    }
    Ok(())
}

async fn parent_id(c: &mut store::Conn, key: &str) -> anyhow::Result<i64> {
    let id = store::outbox::platform_id(c, key, PLATFORM)
        .await?
        .ok_or_else(|| anyhow::anyhow!("message {key} is not delivered yet"))?;
    Ok(id.parse()?)
}

/// A person's own line in the web chat (commands and DM answers show in the conversation).
pub async fn record_typed(
    c: &mut store::Conn,
    team_id: i64,
    conv: Conversation,
    member_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let (conv_kind, conv_id, _) = conversation_of(&conv.as_target());
    let extra = json!({});
    let new = NewChatMessage {
        team_id,
        conv_kind,
        conv_id,
        visible_to: if text.starts_with('/') { Some(member_id) } else { None },
        author_member: Some(member_id),
        body: text,
        extra: &extra,
        thread_of: None,
        outbox_id: None,
    };
    store::webchat::insert(c, &new, now).await?;
    Ok(())
}
