//! The built-in web chat: pick who you are, see channels and your DMs with the bot, type
//! `/tandem …`, click buttons, fill forms; new messages arrive live over SSE.
//!
//! It is a chat platform like Slack or Discord: it turns requests into `Inbound` events
//! and shows what the outbox delivered to its message table.

pub(crate) mod guard;
mod live;
pub(crate) mod page;
pub(crate) mod session;

use crate::app::App;
use crate::core::model::Member;
use crate::core::{Conversation, Inbound, InboundKind};
use crate::store::{self, webchat::ConvKind};
use crate::web::internal;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::stream::Stream;
use guard::{ChatForm, ConvName, Posted};
use serde::Deserialize;
use std::convert::Infallible;

pub use session::member_of;

#[derive(Clone)]
pub(crate) struct ChatState {
    pub app: App,
    /// What every open page's live updates wait on.
    pub feed: live::Feed,
}

pub fn routes(app: App) -> Router {
    Router::new()
        .route("/chat", get(chat_page))
        .route("/chat/login", post(login))
        .route("/chat/logout", post(logout))
        .route("/chat/send", post(send))
        .route("/chat/click", post(click))
        .route("/chat/form", post(form))
        .route("/chat/messages", get(messages_fragment))
        .route("/chat/images/{id}", get(image))
        .route("/chat/events", get(events))
        .route("/chat/chat.js", get(script))
        .route("/api/chat/messages", get(messages_json))
        .with_state(ChatState { feed: live::Feed::start(app.svc.store.clone(), app.outbox.delivered.clone()), app })
}

/// `dm` or `channel:ID`, as in the page's links, and where an older page of it ends.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ConvQuery {
    #[serde(default)]
    conv: Option<String>,
    /// Show the messages before this one (the page's "older messages" link).
    #[serde(default)]
    before: Option<i64>,
}

/// The conversation `s` names, if `me` may see it: their own DM, or a channel of their team.
pub(crate) async fn parse_conv(app: &App, s: Option<&str>, me: &Member) -> anyhow::Result<Option<Conversation>> {
    let id: i64 = match s {
        None | Some("") | Some("dm") => return Ok(Some(Conversation::Dm { member_id: me.id })),
        Some(c) => match c.strip_prefix("channel:").and_then(|id| id.parse().ok()) {
            Some(id) => id,
            None => return Ok(None),
        },
    };
    let mut c = app.svc.store.pool.acquire().await?;
    let channels = store::team::channels(&mut c, me.team_id).await?;
    Ok(channels.iter().any(|ch| ch.id == id).then_some(Conversation::Channel { channel_id: id }))
}

pub(crate) fn conv_param(c: Conversation) -> String {
    match c {
        Conversation::Dm { .. } => "dm".to_string(),
        Conversation::Channel { channel_id } => format!("channel:{channel_id}"),
    }
}

async fn chat_page(State(st): State<ChatState>, headers: HeaderMap, Query(q): Query<ConvQuery>) -> Response {
    match member_of(&st.app, &headers).await {
        Ok(Some(me)) => {
            page::chat(&st.app, &me, &headers, &q).await.map(|h| Html(h).into_response()).unwrap_or_else(internal)
        }
        Ok(None) => {
            let (token, cookie) = guard::login_form_token(&headers);
            match page::login(&st.app, crate::web::locale_of(&headers), &token).await {
                Ok(h) => match cookie {
                    Some(cookie) => ([(header::SET_COOKIE, cookie)], Html(h)).into_response(),
                    None => Html(h).into_response(),
                },
                Err(e) => internal(e),
            }
        }
        Err(e) => internal(e),
    }
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    member_id: i64,
}

impl Posted for LoginForm {
    const BEFORE_SESSION: bool = true;
}

async fn login(State(st): State<ChatState>, headers: HeaderMap, ChatForm(f): ChatForm<LoginForm>) -> Response {
    // Picking someone else ends the session the browser had.
    if let Err(e) = session::revoke(&st.app, &headers).await {
        return internal(e);
    }
    match session::create(&st.app, f.member_id).await {
        Ok(Some(cookie)) => ([(header::SET_COOKIE, cookie)], Redirect::to("/chat")).into_response(),
        Ok(None) => (StatusCode::BAD_REQUEST, "No such member.").into_response(),
        Err(e) => internal(e),
    }
}

async fn logout(State(st): State<ChatState>, headers: HeaderMap, _: ChatForm<Vec<(String, String)>>) -> Response {
    match session::revoke(&st.app, &headers).await {
        Ok(()) => ([(header::SET_COOKIE, session::clear_cookie())], Redirect::to("/chat")).into_response(),
        Err(e) => internal(e),
    }
}

#[derive(Debug, Deserialize)]
struct SendForm {
    #[serde(default)]
    conv: Option<ConvName>,
    text: String,
    request_id: String,
}

impl Posted for SendForm {}

/// Handle an inbound event for the signed-in member and go back to the conversation.
async fn dispatch(
    st: &ChatState,
    headers: &HeaderMap,
    conv: Option<&str>,
    request_id: &str,
    kind: InboundKind,
) -> Response {
    let me = match member_of(&st.app, headers).await {
        Ok(Some(me)) => me,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "Pick who you are first: /chat").into_response(),
        Err(e) => return internal(e),
    };
    let conversation = match parse_conv(&st.app, conv, &me).await {
        Ok(Some(c)) => c,
        Ok(None) => return (StatusCode::NOT_FOUND, "Unknown conversation.").into_response(),
        Err(e) => return internal(e),
    };
    if request_id.is_empty() || request_id.len() > 100 {
        return (StatusCode::BAD_REQUEST, "Missing request id.").into_response();
    }
    let typed = match &kind {
        InboundKind::Command(line) => Some(format!("/tandem {line}")),
        InboundKind::Text(t) => Some(t.clone()),
        _ => None,
    };
    // Nothing is stored before it is checked: a line too long or with a control character
    // is not shown back; the service refuses it, in the person's language.
    let acceptable = typed.as_deref().is_none_or(|t| crate::core::text::check_length(t).is_ok());
    let typed = typed.filter(|_| acceptable);
    let plain_talk =
        acceptable && matches!(conversation, Conversation::Channel { .. }) && matches!(kind, InboundKind::Text(_));
    let ev =
        Inbound { platform: "webchat".into(), event_id: request_id.to_string(), member_id: me.id, conversation, kind };
    let now = st.app.clock.now();
    let result = async {
        // The person's own line shows in the conversation once, even if the browser resends it.
        if let Some(text) = typed {
            let mut tx = st.app.svc.store.begin().await?;
            if store::inbound::first_time(&mut tx, "webchat-echo", request_id, now).await? {
                crate::outbox::record_typed(&mut tx, me.team_id, conversation, me.id, &text, now).await?;
            }
            tx.commit().await?;
            st.app.outbox.delivered.notify_waiters();
        }
        // Plain talk in a channel is just chat: nothing for Tandem to do.
        if !plain_talk {
            st.app.svc.handle(&ev, now).await?;
        }
        anyhow::Ok(())
    }
    .await;
    match result {
        Ok(_) => {
            st.app.outbox.wake();
            Redirect::to(&format!("/chat?conv={}", conv_param(conversation))).into_response()
        }
        Err(e) => internal(e),
    }
}

async fn send(State(st): State<ChatState>, headers: HeaderMap, ChatForm(f): ChatForm<SendForm>) -> Response {
    let text = f.text.trim();
    if text.is_empty() {
        let conv = f.conv.map(|c| c.as_str().to_string()).unwrap_or_else(|| "dm".into());
        return Redirect::to(&format!("/chat?conv={conv}")).into_response();
    }
    let kind = match text.strip_prefix("/tandem") {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
            InboundKind::Command(rest.trim().to_string())
        }
        _ => InboundKind::Text(text.to_string()),
    };
    dispatch(&st, &headers, f.conv.as_ref().map(ConvName::as_str), &f.request_id, kind).await
}

#[derive(Debug, Deserialize)]
struct ClickForm {
    #[serde(default)]
    conv: Option<ConvName>,
    action: String,
    request_id: String,
}

impl Posted for ClickForm {}

async fn click(State(st): State<ChatState>, headers: HeaderMap, ChatForm(f): ChatForm<ClickForm>) -> Response {
    dispatch(&st, &headers, f.conv.as_ref().map(ConvName::as_str), &f.request_id, InboundKind::Click(f.action)).await
}

/// A form post: `submit`, `request_id`, `conv`, `fields` (how many), then per field `vN`,
/// a text field's text, or `cN`, a choice field's picked keys (none, one, or several for a
/// multi select), which become its value as on every platform (`core::effect::picked`).
async fn form(
    State(st): State<ChatState>,
    headers: HeaderMap,
    ChatForm(f): ChatForm<Vec<(String, String)>>,
) -> Response {
    let get = |name: &str| f.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let count = get("fields").and_then(|n| n.parse::<usize>().ok());
    let mut values = Vec::new();
    for i in 0.. {
        let text = get(&format!("v{i}"));
        let (more, value) = match (count, text) {
            (Some(n), _) if i >= n => (false, None),
            (_, Some(t)) => (true, Some(t)),
            (Some(_), None) => {
                let name = format!("c{i}");
                (true, Some(crate::core::effect::picked(f.iter().filter(|(k, _)| *k == name).map(|(_, v)| v.as_str()))))
            }
            (None, None) => (false, None),
        };
        if !more {
            break;
        }
        values.extend(value);
    }
    let submit = get("submit").unwrap_or_default();
    let request_id = get("request_id").unwrap_or_default();
    let conv = match get("conv").map(|c| ConvName::parse(&c)) {
        Some(None) => return guard::refusal(&st, &headers, StatusCode::BAD_REQUEST, "web_bad_form"),
        Some(Some(c)) => Some(c.as_str().to_string()),
        None => None,
    };
    dispatch(&st, &headers, conv.as_deref(), &request_id, InboundKind::Form { submit, values }).await
}

/// The page's script (a file, so the Content-Security-Policy allows no inline script).
async fn script() -> Response {
    let headers = [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")];
    (headers, page::SCRIPT).into_response()
}

/// Where the page finds a message's image.
pub(crate) fn image_url(message_id: i64) -> String {
    format!("/chat/images/{message_id}")
}

/// A message's image, for a member of its team who may see the message (their own DM, a
/// channel of their team, a private answer only to them); anyone else gets a 404.
async fn image(
    State(st): State<ChatState>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    let me = match member_of(&st.app, &headers).await {
        Ok(Some(me)) => me,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => return internal(e),
    };
    let found = async {
        let mut c = st.app.svc.store.pool.acquire().await?;
        store::webchat::image(&mut c, id).await
    }
    .await;
    let (image, message) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return internal(e),
    };
    let in_view = match message.conv_kind.as_str() {
        "dm" => message.conv_id == me.id,
        _ => true,
    };
    if image.team_id != me.team_id || !in_view || message.visible_to.is_some_and(|v| v != me.id) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let headers = [(header::CONTENT_TYPE, "image/png".to_string()), (header::CACHE_CONTROL, "private".to_string())];
    (headers, image.png).into_response()
}

async fn messages_fragment(State(st): State<ChatState>, headers: HeaderMap, Query(q): Query<ConvQuery>) -> Response {
    match member_of(&st.app, &headers).await {
        Ok(Some(me)) => {
            page::messages(&st.app, &me, &headers, &q).await.map(|h| Html(h).into_response()).unwrap_or_else(internal)
        }
        Ok(None) => StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => internal(e),
    }
}

/// The conversation as JSON (what the page shows, for scripts and tests).
async fn messages_json(State(st): State<ChatState>, headers: HeaderMap, Query(q): Query<ConvQuery>) -> Response {
    let me = match member_of(&st.app, &headers).await {
        Ok(Some(me)) => me,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => return internal(e),
    };
    let conv = match parse_conv(&st.app, q.conv.as_deref(), &me).await {
        Ok(Some(c)) => c,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return internal(e),
    };
    let (kind, id) = match conv {
        Conversation::Dm { member_id } => (ConvKind::Dm, member_id),
        Conversation::Channel { channel_id } => (ConvKind::Channel, channel_id),
    };
    let result = async {
        let mut c = st.app.svc.store.pool.acquire().await?;
        store::webchat::conversation(&mut c, kind, id, me.id, 500, q.before).await
    }
    .await;
    match result {
        Ok(list) => axum::Json(list).into_response(),
        Err(e) => internal(e),
    }
}

/// Live updates: an event whenever the team's messages change. Polling the database as
/// well as waiting for this process's deliveries keeps replicas in step.
async fn events(State(st): State<ChatState>, headers: HeaderMap) -> Response {
    let me = match member_of(&st.app, &headers).await {
        Ok(Some(me)) => me,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => return internal(e),
    };
    let feed = st.feed.subscribe();
    Sse::new(changes(st.app.clone(), feed, me.team_id, me.id)).keep_alive(KeepAlive::default()).into_response()
}

fn changes(
    app: App,
    feed: tokio::sync::watch::Receiver<i64>,
    team_id: i64,
    viewer: i64,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let stop = app.stop.subscribe();
    futures_util::stream::unfold((app, feed, stop, -1i64), move |(app, mut feed, mut stop, last)| async move {
        loop {
            let current = async {
                let mut c = app.svc.store.pool.acquire().await?;
                store::webchat::last_change(&mut c, team_id, viewer).await
            }
            .await
            .unwrap_or(last);
            if last < 0 {
                let ready = Event::default().event("ready").data(current.to_string());
                return Some((Ok(ready), (app, feed, stop, current)));
            }
            if current != last {
                let changed = Event::default().event("changed").data(current.to_string());
                return Some((Ok(changed), (app, feed, stop, current)));
            }
            // Woken when the process's one watcher sees the web chat change; a stop ends the
            // page's stream, so the server can close.
            tokio::select! {
                changed = feed.changed() => if changed.is_err() { return None },
                _ = stop.wait_for(|stop| *stop) => return None,
            }
        }
    })
}
