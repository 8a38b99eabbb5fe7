//! Installing Tandem in a workspace (OAuth v2): `/slack/install` sends the admin to
//! Slack's consent page, `/slack/oauth/callback` trades the code for the workspace's bot
//! token and stores it, sealed with `TANDEM_SECRET_KEY` (without a key there is no
//! install). The installer becomes the new team's PM.

use super::inbound::Receiver;
use super::{PLATFORM, identity};
use crate::core::Locale;
use crate::store::platform::{self, Workspace};
use crate::web::{cookie, internal, locale_of};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;
use slack_morphism::prelude::*;

/// What the bot needs (the same list as `deploy/slack/manifest.yml`).
pub const BOT_SCOPES: &str = "app_mentions:read,channels:history,chat:write,chat:write.public,commands,groups:history,im:history,im:read,im:write,users:read";

const STATE_COOKIE: &str = "tandem_slack_oauth";

pub fn routes(rx: Receiver) -> Router {
    Router::new().route("/slack/install", get(install)).route("/slack/oauth/callback", get(callback)).with_state(rx)
}

fn redirect_uri(rx: &Receiver) -> String {
    format!("{}/slack/oauth/callback", rx.svc.options.base_url.trim_end_matches('/'))
}

/// Slack's consent page lives next to its Web API (`…/api` → `…/oauth/v2/authorize`).
fn authorize_url(api_url: &str) -> String {
    let base = api_url.trim_end_matches('/');
    format!("{}/oauth/v2/authorize", base.strip_suffix("/api").unwrap_or(base))
}

/// Without a key the token could only be stored in clear: the install stops before Slack
/// is asked for one.
fn needs_key(rx: &Receiver, headers: &HeaderMap) -> Option<Response> {
    if rx.slack.keys.current_id().is_some() {
        return None;
    }
    tracing::warn!("a Slack install was refused: set TANDEM_SECRET_KEY so that its bot token can be stored sealed");
    let locale = locale_of(headers);
    Some(page(rx, locale, StatusCode::SERVICE_UNAVAILABLE, "slack_install_needs_key", json!({})))
}

async fn install(State(rx): State<Receiver>, headers: HeaderMap) -> Response {
    let Some(client_id) = &rx.slack.config.client_id else { return StatusCode::NOT_FOUND.into_response() };
    if let Some(refused) = needs_key(&rx, &headers) {
        return refused;
    }
    let state: String = (0..16).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
    let mut url = match url::Url::parse(&authorize_url(&rx.slack.config.api_url)) {
        Ok(u) => u,
        Err(e) => return internal(e.into()),
    };
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("scope", BOT_SCOPES)
        .append_pair("redirect_uri", &redirect_uri(&rx))
        .append_pair("state", &state);
    let cookie = format!("{STATE_COOKIE}={state}; Path=/slack; HttpOnly; SameSite=Lax; Max-Age=600");
    (StatusCode::FOUND, [(header::LOCATION, url.to_string()), (header::SET_COOKIE, cookie)]).into_response()
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn page(rx: &Receiver, locale: Locale, status: StatusCode, template: &str, data: serde_json::Value) -> Response {
    match rx.svc.renderer.render(locale, template, &data) {
        Ok(text) => {
            let body = crate::web::markup::to_html(&text).replace('\n', "<br>");
            (status, Html(format!("<!doctype html><meta charset=utf-8><title>Tandem</title><p>{body}</p>")))
                .into_response()
        }
        Err(e) => internal(e),
    }
}

async fn callback(State(rx): State<Receiver>, headers: HeaderMap, Query(q): Query<Callback>) -> Response {
    let locale = locale_of(&headers);
    let retry = format!("{}/slack/install", rx.svc.options.base_url.trim_end_matches('/'));
    let refuse = |reason: &str| {
        let data = json!({ "reason": reason, "url": retry });
        page(&rx, locale, StatusCode::BAD_REQUEST, "slack_install_failed", data)
    };
    if let Some(refused) = needs_key(&rx, &headers) {
        return refused;
    }
    if let Some(e) = &q.error {
        return refuse(e);
    }
    let (Some(code), Some(state)) = (&q.code, &q.state) else { return refuse("missing code") };
    if cookie(&headers, STATE_COOKIE).as_deref() != Some(state.as_str()) {
        return refuse("state mismatch");
    }
    let (Some(id), Some(secret)) = (&rx.slack.config.client_id, &rx.slack.config.client_secret) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut req = SlackOAuthV2AccessTokenRequest::new(
        SlackClientId(id.clone()),
        SlackClientSecret(secret.expose().to_string()),
        SlackOAuthCode(code.clone()),
    );
    req.redirect_uri = url::Url::parse(&redirect_uri(&rx)).ok();
    let granted = match rx.slack.client.oauth2_access(&req).await {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e, "Slack refused the OAuth code");
            return refuse("Slack refused the code");
        }
    };
    match store_install(&rx, &granted).await {
        Ok(name) => page(&rx, locale, StatusCode::OK, "slack_installed", json!({ "workspace": name })),
        Err(e) => internal(e),
    }
}

/// Bind the workspace to a team (new or existing) with its token; the installer joins
/// it (as PM when they are its first member).
async fn store_install(rx: &Receiver, g: &SlackOAuthV2AccessTokenResponse) -> anyhow::Result<String> {
    let now = rx.clock.now();
    let name = g.team.name.clone().unwrap_or_else(|| g.team.id.0.clone());
    let ws = identity::team_for(&rx.svc.store, &g.team.id.0, Some(&name), now).await?;
    let sealed = rx.slack.keys.seal(&g.access_token.0, &platform::bot_token_row(PLATFORM, &ws.external_id))?;
    let ws = Workspace { bot_token: Some(sealed), ..ws };
    let mut c = rx.svc.store.pool.acquire().await?;
    platform::bind_workspace(&mut c, PLATFORM, &ws, Some(&g.authed_user.id.0), now).await?;
    drop(c);
    identity::member_for(&rx.svc.store, &rx.slack, &ws, &g.authed_user.id.0, None, now).await?;
    tracing::info!(workspace = name, "Tandem was installed in a Slack workspace");
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consent_page_sits_next_to_the_web_api() {
        assert_eq!(authorize_url("https://slack.com/api"), "https://slack.com/oauth/v2/authorize");
        assert_eq!(authorize_url("https://slack-gov.com/api/"), "https://slack-gov.com/oauth/v2/authorize");
    }

    #[test]
    fn the_install_asks_for_the_scopes_the_manifest_lists() {
        let manifest = include_str!("../../deploy/slack/manifest.yml");
        let bot = manifest.split("    bot:\n").nth(1).expect("a bot scope list");
        let listed: Vec<&str> = bot.lines().map_while(|l| l.trim().strip_prefix("- ")).collect();
        assert_eq!(listed.join(","), BOT_SCOPES);
    }
}
