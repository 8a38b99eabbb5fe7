//! The headers every web response carries: what the browser may load and run
//! (`Content-Security-Policy`), no framing, no type sniffing, referrers kept to this site,
//! and nothing kept in a cache unless the handler says otherwise.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// Adds the headers to a response; `policy` is the `Content-Security-Policy` to send.
pub async fn secure(State(policy): State<Arc<HeaderValue>>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, (*policy).clone());
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The origin check of form posts falls back to `Referer`, so it stays on for this site.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // Pages show messages and exports hold answers: a shared computer's cache keeps none.
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}

/// The policy: everything from this site only, scripts from files (no inline script),
/// inline styles only those whose hashes are given, no framing, forms posted here only.
pub fn policy(style_hashes: &[String]) -> String {
    let mut style = String::from("'self'");
    if !style_hashes.is_empty() {
        style.push_str(" 'unsafe-hashes'");
        for h in style_hashes {
            style.push_str(&format!(" '{h}'"));
        }
    }
    format!(
        "default-src 'none'; script-src 'self'; style-src {style}; img-src 'self'; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}
