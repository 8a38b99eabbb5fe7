//! What every form post to the web chat passes before its handler runs: the request comes
//! from this site (`Origin`, else `Referer`), its body reads as the form it claims to be,
//! and it carries the form token the page gave (CSRF). Refusals are short pages in the
//! reader's language.

use super::ChatState;
use super::session;
use crate::core::Locale;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The cookie holding the token of the login form, which is posted before any session
/// exists: the form repeats it in a hidden field (double submit).
const LOGIN_COOKIE: &str = "tandem_login_form";

/// The hidden field every web chat form carries.
pub const FIELD: &str = "csrf";

/// Form bodies are small: a chat line is at most 4,000 characters.
const BODY_LIMIT: usize = 256 * 1024;

/// What a handler's form is: the login form checks the pre-session token, every other form
/// the token of the session it acts for.
pub(crate) trait Posted: DeserializeOwned {
    const BEFORE_SESSION: bool = false;
}

impl Posted for Vec<(String, String)> {}

/// A form body that passed the origin check, deserialized, and carried the right token.
#[derive(Debug)]
pub(crate) struct ChatForm<T>(pub T);

impl<T: Posted> FromRequest<ChatState> for ChatForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, st: &ChatState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let headers = &parts.headers;
        if !same_site(headers, &st.app.svc.options.base_url) {
            return Err(refusal(st, headers, StatusCode::FORBIDDEN, "web_forbidden"));
        }
        let bad = || refusal(st, headers, StatusCode::BAD_REQUEST, "web_bad_form");
        let bytes: Bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| bad())?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| bad())?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|_| bad())?;
        let sent = pairs.iter().find(|(k, _)| k == FIELD).map(|(_, v)| v.as_str()).unwrap_or_default();
        let expected = if T::BEFORE_SESSION { login_token(headers) } else { session_token(headers) };
        match expected {
            Some(e) if !sent.is_empty() && bool::from(e.as_bytes().ct_eq(sent.as_bytes())) => Ok(ChatForm(form)),
            _ => Err(refusal(st, headers, StatusCode::FORBIDDEN, "web_forbidden")),
        }
    }
}

/// A conversation as a form names it: `dm` or `channel:DIGITS`, nothing else, so a
/// redirect built from it is always a valid URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConvName(String);

impl ConvName {
    pub(crate) fn parse(s: &str) -> Option<ConvName> {
        let channel =
            s.strip_prefix("channel:").is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
        (s == "dm" || channel).then(|| ConvName(s.to_string()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for ConvName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ConvName::parse(&s).ok_or_else(|| serde::de::Error::custom("a conversation is dm or channel:ID"))
    }
}

/// The form token of the session the request carries: derived from the session's cookie,
/// which a page on another site can neither read nor guess.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    session::token(headers).map(|t| hex::encode(Sha256::digest(format!("tandem web chat form\0{t}"))))
}

/// The login form's token, if the browser holds one of the right shape.
fn login_token(headers: &HeaderMap) -> Option<String> {
    crate::web::cookie(headers, LOGIN_COOKIE).filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The login form's token and, when the browser has none yet, the `Set-Cookie` giving it.
pub(crate) fn login_form_token(headers: &HeaderMap) -> (String, Option<String>) {
    match login_token(headers) {
        Some(t) => (t, None),
        None => {
            let t = hex::encode(rand::random::<[u8; 32]>());
            let cookie = format!("{LOGIN_COOKIE}={t}; Path=/chat; HttpOnly; SameSite=Strict");
            (t.clone(), Some(cookie))
        }
    }
}

/// Whether the request says it comes from a page of this site: its `Origin` (else its
/// `Referer`) is the configured base URL's origin, or names the host the request was sent
/// to. A request that says neither is refused: every browser sends `Origin` with a post.
pub(crate) fn same_site(headers: &HeaderMap, base_url: &str) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let claimed = match text(header::ORIGIN).or_else(|| text(header::REFERER)) {
        Some(s) => s,
        None => return false,
    };
    let Ok(from) = url::Url::parse(claimed) else { return false };
    if !matches!(from.scheme(), "http" | "https") {
        return false;
    }
    if url::Url::parse(base_url).is_ok_and(|b| b.origin() == from.origin()) {
        return true;
    }
    let authority = match (from.host_str(), from.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => return false,
    };
    text(header::HOST).is_some_and(|h| h.eq_ignore_ascii_case(&authority))
}

/// The reader's language, from the browser: French if it asks for it first.
pub(crate) fn locale_of(headers: &HeaderMap) -> Locale {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Locale::parse).unwrap_or_default()
}

/// A short page saying why a post was refused, in the reader's language.
pub(crate) fn refusal(st: &ChatState, headers: &HeaderMap, status: StatusCode, label: &str) -> Response {
    let locale = locale_of(headers);
    let text = crate::web::markup::to_html(&st.app.svc.renderer.label(locale, label));
    let back = crate::web::markup::to_html(&st.app.svc.renderer.label(locale, "web_back"));
    let page = format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>Tandem</title><p>{text}</p><p><a href=\"/chat\">{back}</a></p></html>",
        locale.code()
    );
    (status, Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn a_post_from_this_site_passes_and_one_from_elsewhere_does_not() {
        let base = "https://chat.example.com";
        let ok = [
            headers(&[(header::ORIGIN, "https://chat.example.com")]),
            headers(&[(header::ORIGIN, "http://127.0.0.1:8080"), (header::HOST, "127.0.0.1:8080")]),
            headers(&[(header::REFERER, "https://chat.example.com/chat?conv=dm")]),
        ];
        for h in ok {
            assert!(same_site(&h, base), "{h:?}");
        }
        let refused = [
            headers(&[]),
            headers(&[(header::ORIGIN, "null")]),
            headers(&[(header::ORIGIN, "https://evil.example"), (header::HOST, "chat.example.com")]),
            headers(&[(header::ORIGIN, "https://chat.example.com.evil.example")]),
            headers(&[(header::REFERER, "https://evil.example/chat.example.com")]),
            headers(&[(header::ORIGIN, "http://127.0.0.1:9999"), (header::HOST, "127.0.0.1:8080")]),
        ];
        for h in refused {
            assert!(!same_site(&h, base), "{h:?}");
        }
    }
}
