//! The fake Discord's gateway: a websocket per session, HELLO first, READY or RESUMED
//! to the client's IDENTIFY or RESUME, an ACK to each heartbeat, and the dispatches a test
//! sends, from which the fake learns channel names, DM channels and interaction tokens.

use super::objects::bot_self;
use super::{APP_ID, GUILD, HEARTBEAT_MS, Inner, Session, Shared};
use crate::fakes::{lock, pump};
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::unbounded_channel;
use tokio_tungstenite::tungstenite::Message;

pub(super) async fn accept(listener: TcpListener, state: Shared) {
    while let Ok((stream, _)) = listener.accept().await {
        if lock(&state).gateway_down {
            // Closed before the handshake: the client's connect fails.
            drop(stream);
            continue;
        }
        tokio::spawn(serve_session(stream, state.clone()));
    }
}

/// One connection: HELLO, then frames from `dispatch` out and the client's frames in, until
/// either side closes.
async fn serve_session(stream: TcpStream, state: Shared) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (tx, mut rx) = unbounded_channel();
    let id = {
        let mut s = lock(&state);
        s.session_seq += 1;
        let id = s.session_seq;
        s.sessions.push(Session { id, tx, ready: false, seq: 0 });
        id
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}, "s": null, "t": null});
    if ws.send(Message::Text(hello.to_string().into())).await.is_ok() {
        // Answered at once, before any queued dispatch: READY goes out first.
        pump(&mut ws, &mut rx, |text: &str| lock(&state).on_frame(id, text)).await;
    }
    lock(&state).sessions.retain(|s| s.id != id);
}

impl Inner {
    /// What `dispatch` learns from an event, and the stored message it puts in an interaction.
    pub(super) fn learn(&mut self, t: &str, d: &mut Value) {
        let channel_id = d["channel_id"].as_str().map(str::to_owned);
        if let (Some(channel), Some(name)) = (&channel_id, d["channel"]["name"].as_str()) {
            self.channel_names.insert(channel.clone(), name.to_owned());
        }
        if let Some(resolved) = d["data"]["resolved"]["channels"].as_object() {
            for (id, channel) in resolved {
                if let Some(name) = channel["name"].as_str() {
                    self.channel_names.insert(id.clone(), name.to_owned());
                }
            }
        }
        let dm_user = if d["channel_type"] == 1 {
            d["author"]["id"].as_str()
        } else if d["channel"]["type"] == 1 {
            d["user"]["id"].as_str()
        } else {
            None
        };
        if let (Some(uid), Some(channel)) = (dm_user, &channel_id) {
            self.dms.insert(uid.to_owned(), channel.clone());
        }
        if t == "INTERACTION_CREATE" {
            if let (Some(token), Some(channel)) = (d["token"].as_str(), &channel_id) {
                self.token_channels.insert(token.to_owned(), channel.clone());
            }
            let stored = match (d["message"]["id"].as_str(), &channel_id) {
                (Some(id), Some(channel)) => self.find_message(channel, id).cloned(),
                _ => None,
            };
            if let (Some(id), Some(message), Some(channel)) =
                (d["id"].as_str(), d["message"]["id"].as_str(), &channel_id)
            {
                self.interaction_messages.insert(id.to_owned(), (channel.clone(), message.to_owned()));
            }
            if let Some(message) = stored {
                d["message"] = message;
            }
        }
    }

    /// The answer to a client frame: HEARTBEAT → ACK, IDENTIFY → READY, RESUME → RESUMED.
    fn on_frame(&mut self, id: u64, text: &str) -> Option<String> {
        let frame: Value = serde_json::from_str(text).ok()?;
        match frame["op"].as_u64()? {
            1 => {
                self.heartbeats += 1;
                Some(json!({"op": 11, "d": null, "s": null, "t": null}).to_string())
            }
            2 => {
                self.identifies.push(frame["d"].clone());
                let shard = match &frame["d"]["shard"] {
                    Value::Null => json!([0, 1]),
                    shard => shard.clone(),
                };
                let payload = ready(&format!("fake-session-{id}"), &self.ws_url, shard);
                let session = self.sessions.iter_mut().find(|s| s.id == id)?;
                session.ready = true;
                session.seq = 1;
                Some(json!({"op": 0, "t": "READY", "s": 1, "d": payload}).to_string())
            }
            6 => {
                self.resumes += 1;
                let seq = frame["d"]["seq"].as_u64().unwrap_or(0) + 1;
                let session = self.sessions.iter_mut().find(|s| s.id == id)?;
                session.ready = true;
                session.seq = seq;
                Some(json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}}).to_string())
            }
            _ => None,
        }
    }
}

/// The READY `d` of `gateway_ready.json`, for this session.
fn ready(session_id: &str, resume_url: &str, shard: Value) -> Value {
    json!({
        "v": 10, "user_settings": {}, "user": bot_self(), "session_type": "normal", "session_id": session_id,
        "resume_gateway_url": resume_url, "relationships": [], "private_channels": [], "presences": [],
        "guild_join_requests": [], "geo_ordered_rtc_regions": ["us-east"],
        "guilds": [{"id": GUILD, "unavailable": true}], "shard": shard,
        "application": {"id": APP_ID, "flags": 8_953_856},
        "_trace": ["[\"fake-gateway\",{\"micros\":0}]"],
    })
}
