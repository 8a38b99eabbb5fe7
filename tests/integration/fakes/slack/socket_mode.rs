//! The fake Slack's Socket Mode: a websocket per client, a `hello` first, then the
//! envelopes a test sends out and the client's acks in.

use super::{APP_ID, Client, Shared};
use crate::fakes::{lock, pump};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::unbounded_channel;
use tokio_tungstenite::tungstenite::Message;

pub(super) async fn accept(listener: TcpListener, state: Shared) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(serve(stream, state.clone()));
    }
}

/// One client: hello, then frames from `socket_send` out and acks in, until either side closes.
async fn serve(stream: TcpStream, state: Shared) {
    use futures_util::SinkExt;
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (tx, mut rx) = unbounded_channel();
    let (id, connections) = {
        let mut s = lock(&state);
        s.client_seq += 1;
        let id = s.client_seq;
        s.clients.push(Client { id, tx });
        (id, s.clients.len())
    };
    if ws.send(Message::Text(hello(connections).into())).await.is_ok() {
        let record_ack = |text: &str| {
            if let Ok(ack) = serde_json::from_str::<Value>(text) {
                lock(&state).acks.push(ack);
            }
            None
        };
        pump(&mut ws, &mut rx, record_ack).await;
    }
    lock(&state).clients.retain(|c| c.id != id);
}

fn hello(connections: usize) -> String {
    json!({
        "type": "hello", "num_connections": connections,
        "debug_info": {"host": "fake", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": APP_ID},
    })
    .to_string()
}
