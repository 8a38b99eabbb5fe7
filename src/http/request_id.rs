//! A request id on every log line of one request: taken from `X-Request-Id` when a proxy
//! set one (a short token), otherwise made here, and sent back in the response.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

pub async fn tag(mut req: Request, next: Next) -> Response {
    let given = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).filter(|v| acceptable(v));
    let id = given.map_or_else(|| format!("{:016x}", rand::random::<u64>()), str::to_owned);
    if let Ok(v) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(HEADER, v);
    }
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    let mut response = next.run(req).instrument(span).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, v);
    }
    response
}

/// A proxy's id is kept if it is a plain token: it goes into every log line.
fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_proxy_id_is_kept_only_when_it_is_a_plain_token() {
        assert!(super::acceptable("4bf92f3577b34da6-a3ce929d0e0e4736"));
        assert!(!super::acceptable("id\nforged log line"));
        assert!(!super::acceptable(&"x".repeat(65)));
        assert!(!super::acceptable(""));
    }
}
