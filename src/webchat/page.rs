//! Server-rendered pages of the web chat. The HTML is a Tera template here; every text a
//! person reads in it is a label from `prompts/<locale>/labels.toml`.

use super::{ConvQuery, conv_param, parse_conv};
use crate::app::App;
use crate::core::model::Member;
use crate::core::{Conversation, Locale};
use crate::store::{self, webchat::ConvKind};
use anyhow::Context;
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::sync::OnceLock;

const PAGE: &str = include_str!("page.html");
const MESSAGES: &str = include_str!("messages.html");
const LABELS: [&str; 15] = [
    "web_title",
    "web_pick",
    "web_channels",
    "web_dm_bot",
    "web_send",
    "web_placeholder",
    "web_logout",
    "web_only_you",
    "web_bot_name",
    "web_signed_in_as",
    "web_thread_reply",
    "web_dms",
    "web_empty_channel",
    "web_empty_dm",
    "web_older",
];

/// How many messages a page shows; older ones are a link away (`?before=ID`).
pub(super) const HISTORY: usize = 200;

/// The page's script, served at `/chat/chat.js`.
pub(super) const SCRIPT: &str = include_str!("chat.js");

/// The `sha256-…` sources of the page's inline styles (its `<style>` blocks and `style="…"`
/// attributes), for the Content-Security-Policy: the page keeps its styles inline and the
/// policy follows whatever they become. They hold no template expression, so each renders
/// as written (a unit test checks it).
pub fn style_hashes() -> Vec<String> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    inline_styles(PAGE)
        .iter()
        .map(|css| format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css))))
        .collect()
}

/// The text of each `<style>` block and `style="…"` attribute of `html`.
fn inline_styles(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for (open, close) in [("<style>", "</style>"), (" style=\"", "\"")] {
        let mut rest = html;
        while let Some((_, after)) = rest.split_once(open) {
            let Some((css, tail)) = after.split_once(close) else { break };
            found.push(css);
            rest = tail;
        }
    }
    found
}

fn tera() -> anyhow::Result<&'static tera::Tera> {
    static TERA: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.register_filter("markup", |v: &Value, _: &std::collections::HashMap<String, Value>| {
            Ok(Value::String(crate::web::markup::to_html(v.as_str().unwrap_or_default())))
        });
        t.add_raw_templates(vec![("messages.html", MESSAGES), ("page.html", PAGE)]).map_err(|e| format!("{e:?}"))?;
        Ok(t)
    })
    .as_ref()
    .map_err(|e| anyhow::anyhow!("web chat template: {e}"))
}

fn labels(app: &App, locale: Locale) -> Value {
    let map: serde_json::Map<String, Value> =
        LABELS.iter().map(|k| (k.to_string(), Value::String(app.svc.renderer.label(locale, k)))).collect();
    Value::Object(map)
}

fn request_id() -> String {
    (0..16).map(|_| format!("{:02x}", rand::random::<u8>())).collect()
}

fn render(ctx: Value) -> anyhow::Result<String> {
    let ctx = tera::Context::from_value(ctx).context("page data")?;
    tera().and_then(|t| t.render("page.html", &ctx).context("rendering the web chat page"))
}

/// "Pick who you are": every member of every web chat team (a team on Slack or Discord
/// signs in there, with that platform's own identities).
pub(super) async fn login(app: &App, locale: Locale, csrf: &str) -> anyhow::Result<String> {
    let mut c = app.svc.store.pool.acquire().await?;
    let mut teams = Vec::new();
    for team in store::team::teams(&mut c).await? {
        if store::platform::workspace_of_team(&mut c, team.id).await?.is_some() {
            continue;
        }
        let members: Vec<Value> = store::team::members(&mut c, team.id)
            .await?
            .iter()
            .map(|m| {
                let role = app.svc.renderer.label(locale, &format!("role_{}", m.role.code()));
                json!({ "id": m.id, "name": m.display_name, "role": role, "tz": m.tz.name() })
            })
            .collect();
        teams.push(json!({ "name": team.name, "members": members }));
    }
    render(
        json!({ "mode": "login", "lang": locale.code(), "labels": labels(app, locale), "teams": teams, "csrf": csrf }),
    )
}

pub(super) async fn chat(app: &App, me: &Member, headers: &HeaderMap, q: &ConvQuery) -> anyhow::Result<String> {
    let current = parse_conv(app, q.conv.as_deref(), me).await?.unwrap_or(Conversation::Dm { member_id: me.id });
    let mut c = app.svc.store.pool.acquire().await?;
    let team = store::team::team(&mut c, me.team_id).await?;
    let channels: Vec<Value> = store::team::channels(&mut c, me.team_id)
        .await?
        .iter()
        .map(|ch| {
            let conv = Conversation::Channel { channel_id: ch.id };
            json!({ "param": conv_param(conv), "name": ch.name, "active": conv == current })
        })
        .collect();
    drop(c);
    let csrf = form_token(headers)?;
    let messages = messages_data(app, me, current, q.before, &csrf).await?;
    render(json!({
        "mode": "chat",
        "lang": me.locale.code(),
        "labels": labels(app, me.locale),
        "me": { "id": me.id, "name": me.display_name },
        "team": team.name,
        "channels": channels,
        "dm_active": matches!(current, Conversation::Dm { .. }),
        "conv": conv_param(current),
        "messages": messages,
        "request_id": request_id(),
        "csrf": csrf,
        "before": q.before.map(|b| b.to_string()).unwrap_or_default(),
    }))
}

/// The token every form of a signed-in page carries (`guard`).
fn form_token(headers: &HeaderMap) -> anyhow::Result<String> {
    super::guard::session_token(headers).context("a signed-in page without a session cookie")
}

/// Only the message list, for live refreshes.
pub(super) async fn messages(app: &App, me: &Member, headers: &HeaderMap, q: &ConvQuery) -> anyhow::Result<String> {
    let current = parse_conv(app, q.conv.as_deref(), me).await?.unwrap_or(Conversation::Dm { member_id: me.id });
    let messages = messages_data(app, me, current, q.before, &form_token(headers)?).await?;
    render(json!({
        "mode": "messages",
        "lang": me.locale.code(),
        "labels": labels(app, me.locale),
        "conv": conv_param(current),
        "messages": messages,
        "request_id": request_id(),
    }))
}

/// The page's messages, the last `HISTORY` (before `before`); the first says whether there
/// are older ones, for the link to them.
async fn messages_data(
    app: &App,
    me: &Member,
    conv: Conversation,
    before: Option<i64>,
    csrf: &str,
) -> anyhow::Result<Vec<Value>> {
    let (kind, id) = match conv {
        Conversation::Dm { member_id } => (ConvKind::Dm, member_id),
        Conversation::Channel { channel_id } => (ConvKind::Channel, channel_id),
    };
    let mut c = app.svc.store.pool.acquire().await?;
    let members = store::team::members(&mut c, me.team_id).await?;
    let mut list = store::webchat::conversation(&mut c, kind, id, me.id, HISTORY as i64 + 1, before).await?;
    let older = list.len() > HISTORY;
    if older {
        list.remove(0);
    }
    let bot = app.svc.renderer.label(me.locale, "web_bot_name");
    let now = app.clock.now();
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let author = m
                .author_member
                .and_then(|a| members.iter().find(|x| x.id == a))
                .map(|x| x.display_name.clone())
                .unwrap_or_else(|| bot.clone());
            json!({
                "id": m.id,
                "author": author,
                "bot": m.author_member.is_none(),
                "body": m.body,
                "private": m.visible_to.is_some(),
                "thread_of": m.thread_of,
                "time": crate::core::text::moment(m.created_at, me.tz, now),
                "buttons": m.extra.get("buttons").cloned().unwrap_or(Value::Null),
                "form": m.extra.get("form").cloned().unwrap_or(Value::Null),
                "image": m.extra.get("image").filter(|i| !i.is_null()).map(|i| json!({
                    "url": super::image_url(m.id),
                    "alt": i.get("alt").cloned().unwrap_or_default(),
                })),
                "request_id": request_id(),
                "csrf": csrf,
                "older": i == 0 && older,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_inline_styles_render_as_written_so_their_hashes_hold() {
        let styles = inline_styles(PAGE);
        assert!(styles.len() >= 2, "the style block and the style attributes: {styles:?}");
        for css in styles {
            assert!(!css.contains("{{") && !css.contains("{%"), "a template expression in an inline style: {css}");
        }
        assert!(!PAGE.contains("<script>"), "scripts are files: CSP runs no inline script");
    }
}
