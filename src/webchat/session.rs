//! Web chat sessions: "who you are" is a random token in a cookie. The database keeps only
//! the token's SHA-256, so a copy of it signs nobody in; a session ends at logout, after
//! `IDLE` without use, and `LIFETIME` after it began.

use crate::app::App;
use crate::core::model::Member;
use crate::store;
use axum::http::HeaderMap;
use chrono::Duration;
use sha2::{Digest, Sha256};

const COOKIE: &str = "tandem_session";

/// A session unused this long has ended.
pub const IDLE: Duration = Duration::hours(12);

/// A session ends this long after it began, however much it is used.
pub const LIFETIME: Duration = Duration::days(7);

/// Use is recorded at most this often, so reading pages does not write on every request.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// The session token the request's cookie carries, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    crate::web::cookie(headers, COOKIE).filter(|t| !t.is_empty())
}

/// What the database keeps of a token.
pub fn stored_form(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in member, if the request carries a session that has not ended.
pub async fn member_of(app: &App, headers: &HeaderMap) -> anyhow::Result<Option<Member>> {
    let Some(token) = token(headers) else { return Ok(None) };
    let hash = stored_form(&token);
    let now = app.clock.now();
    let mut c = app.svc.store.pool.acquire().await?;
    let Some((id, last_used)) = store::webchat::live_session(&mut c, &hash, now - LIFETIME, now - IDLE).await? else {
        return Ok(None);
    };
    if now - last_used >= TOUCH_EVERY {
        store::webchat::touch_session(&mut c, &hash, now).await?;
    }
    Ok(Some(store::team::member(&mut c, id).await?))
}

/// A new session for `member_id`; returns the `Set-Cookie` value, or `None` for an unknown
/// or erased member or one whose team lives on Slack or Discord.
pub async fn create(app: &App, member_id: i64) -> anyhow::Result<Option<String>> {
    let mut c = app.svc.store.pool.acquire().await?;
    let Ok(member) = store::team::member(&mut c, member_id).await else { return Ok(None) };
    // An erased member is a pseudonym the team keeps, not someone who signs in.
    if store::team::is_erased(&mut c, member_id).await? {
        return Ok(None);
    }
    if store::platform::workspace_of_team(&mut c, member.team_id).await?.is_some() {
        return Ok(None);
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    store::webchat::create_session(&mut c, &stored_form(&token), member_id, app.clock.now()).await?;
    Ok(Some(format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")))
}

/// End the request's session, if it has one.
pub async fn revoke(app: &App, headers: &HeaderMap) -> anyhow::Result<()> {
    if let Some(token) = token(headers) {
        let mut c = app.svc.store.pool.acquire().await?;
        store::webchat::delete_session(&mut c, &stored_form(&token)).await?;
    }
    Ok(())
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}
