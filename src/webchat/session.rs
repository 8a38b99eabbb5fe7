//! Web chat sessions: "who you are" is a random token in a cookie, mapped to a member.

use crate::app::App;
use crate::core::model::Member;
use crate::store;
use axum::http::HeaderMap;

const COOKIE: &str = "tandem_session";

/// The session token the request's cookie carries, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    crate::web::cookie(headers, COOKIE).filter(|t| !t.is_empty())
}

/// The signed-in member, if the request carries a known session.
pub async fn member_of(app: &App, headers: &HeaderMap) -> anyhow::Result<Option<Member>> {
    let Some(token) = token(headers) else { return Ok(None) };
    let mut c = app.svc.store.pool.acquire().await?;
    match store::webchat::session_member(&mut c, &token).await? {
        Some(id) => Ok(Some(store::team::member(&mut c, id).await?)),
        None => Ok(None),
    }
}

/// A new session for `member_id`; returns the `Set-Cookie` value, or `None` for an unknown
/// member or one whose team lives on Slack or Discord.
pub async fn create(app: &App, member_id: i64) -> anyhow::Result<Option<String>> {
    let mut c = app.svc.store.pool.acquire().await?;
    let Ok(member) = store::team::member(&mut c, member_id).await else { return Ok(None) };
    if store::platform::workspace_of_team(&mut c, member.team_id).await?.is_some() {
        return Ok(None);
    }
    let token: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
    store::webchat::create_session(&mut c, &token, member_id, app.clock.now()).await?;
    Ok(Some(format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")))
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}
