//! Fakes of the platforms Tandem talks to: `slack` and `discord`, each an HTTP API and a
//! websocket on 127.0.0.1 that record every call and keep the state the platform would.
//!
//! What they share is here: the recorded `Call`, the `Failure`s a test can inject, the
//! bounded `poll_until` that waits for what arrives asynchronously, and the websocket
//! `pump` that carries frames between a test and a connected client.

pub mod discord;
pub mod slack;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// How long a fake waits for what should come soon; how often `poll_until` looks.
pub const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);

/// One API request as a fake received it.
#[derive(Debug, Clone)]
pub struct Call {
    /// Slack: the Web API method (`chat.postMessage`); Discord: the HTTP method (`POST`).
    pub method: String,
    /// The path without the query string: `/api/chat.update`, `/api/v10/channels/123/messages`.
    pub path: String,
    /// The JSON body, or the query/form fields as a JSON object of strings; `Null` when there
    /// was none; a string when it was neither (multipart).
    pub body: Value,
    /// Slack: the bearer token (`None` for `oauth.v2.access`, which uses Basic auth);
    /// Discord: the whole `Authorization` header, e.g. `Bot <token>`.
    pub auth: Option<String>,
    pub at: Instant,
    /// The answer's status: 2xx, 429 (injected or over a limit), 5xx (injected).
    pub status: u16,
    /// The error the answer named, if any: Slack's `error` ("ratelimited", "server_error"…),
    /// Discord's `message`.
    pub error: Option<String>,
}

impl Call {
    /// Answered with success: a 2xx status and no error named.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status) && self.error.is_none()
    }
}

/// A failure to answer the next matching request with (each fake's `fail_next`).
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// 429 with the platform's rate-limit headers and body; nothing is applied.
    RateLimited { retry_after: Duration },
    /// A 500; nothing is applied.
    ServerError,
    /// The request takes effect, then its answer is lost (Slack: a 500; Discord: a 502 with
    /// no body): what a timeout or a crash between the answer and Tandem's record looks like.
    LostAnswer,
}

/// Wait up to `patience` for `probe` to find something, looking every 10 ms.
pub async fn poll_until<T>(patience: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    poll_until_async(patience, || std::future::ready(probe())).await
}

/// The same with a probe that has to wait itself (a database query).
pub async fn poll_until_async<T, F: Future<Output = Option<T>>>(
    patience: Duration,
    mut probe: impl FnMut() -> F,
) -> Option<T> {
    let deadline = Instant::now() + patience;
    loop {
        if let Some(found) = probe().await {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A fake's state, even after a test panicked while holding it.
fn lock<T>(state: &Mutex<T>) -> MutexGuard<'_, T> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A frame for a connected websocket client, from the test.
enum Outbound {
    Text(String),
    /// Close the connection, with this close code if any.
    Close(Option<u16>),
}

/// Carry frames between a connected client and the fake until either side closes: what
/// `rx` brings goes out; each text frame that comes in goes to `on_text`, and the answer it
/// returns, if any, goes out at once (before anything still queued in `rx`). Reading also
/// answers the client's pings (tungstenite queues the pongs).
async fn pump(
    ws: &mut WebSocketStream<TcpStream>,
    rx: &mut UnboundedReceiver<Outbound>,
    mut on_text: impl FnMut(&str) -> Option<String>,
) {
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outbound::Text(text)) => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Outbound::Close(Some(code))) => {
                    let reason = "the fake closed the session".into();
                    let _ = ws.close(Some(CloseFrame { code: CloseCode::from(code), reason })).await;
                    return;
                }
                Some(Outbound::Close(None)) | None => {
                    let _ = ws.close(None).await;
                    return;
                }
            },
            frame = ws.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if let Some(answer) = on_text(text.as_str())
                        && ws.send(Message::Text(answer.into())).await.is_err()
                    {
                        return;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
