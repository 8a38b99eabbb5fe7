//! What every web page shares, apart from the web chat: cookies, the light markup as
//! HTML, the security headers of every response, and the page for an internal error. The web chat, Slack's install pages and the
//! exports all build on it; it names none of them.

pub mod headers;
pub mod markup;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The value of cookie `name` in a request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The page's language: French if the browser asks for it first.
pub fn locale_of(headers: &HeaderMap) -> crate::core::Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::core::Locale::parse)
        .unwrap_or_default()
}

/// An internal error: logged with its context; the page says only that it happened.
pub fn internal(e: anyhow::Error) -> Response {
    tracing::error!(error = format!("{e:#}"), "a web request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "Tandem hit an internal error; it is logged.").into_response()
}
