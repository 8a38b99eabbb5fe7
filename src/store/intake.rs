//! Group commit at the door: the platform events that arrive while one commit runs are
//! stored together by the next, in one transaction and one sync to disk. Each caller
//! waits for its own event's commit, so an acknowledgement still follows a durable write;
//! under load, many share the cost of one fsync.

use super::{Store, inbox};
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

/// The most events one commit stores: one statement of `inbox::push_many`.
const MAX_BATCH: usize = 100;

/// Where the platform endpoints store what they receive. Cloning shares the one writer.
#[derive(Debug, Clone)]
pub struct Intake {
    queue: mpsc::Sender<Pending>,
}

#[derive(Debug)]
struct Pending {
    platform: &'static str,
    event_id: String,
    payload: String,
    now: DateTime<Utc>,
    /// True when stored, false when it was stored before (a retry).
    stored: oneshot::Sender<Result<bool, String>>,
}

impl Intake {
    /// Start the writer on the current runtime; it ends when the last clone is dropped.
    pub fn start(store: Store) -> Intake {
        let (queue, waiting) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write(store, waiting));
        Intake { queue }
    }

    /// Store an event, returning once it is committed; false when it was stored before.
    pub async fn push(
        &self,
        platform: &'static str,
        event_id: &str,
        payload: String,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let (stored, answer) = oneshot::channel();
        let pending = Pending { platform, event_id: event_id.to_string(), payload, now, stored };
        self.queue.send(pending).await.map_err(|_| anyhow::anyhow!("the inbox writer has stopped"))?;
        answer.await?.map_err(|e| anyhow::anyhow!("storing a received event: {e}"))
    }
}

async fn write(store: Store, mut waiting: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while waiting.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // The requests being read beside this one reach the queue while the writer steps
        // aside once: under load they share this commit rather than wait for the next.
        tokio::task::yield_now().await;
        while batch.len() < MAX_BATCH
            && let Ok(p) = waiting.try_recv()
        {
            batch.push(p);
        }
        // Inserted in key order: two replicas' batches meeting on the unique index take
        // its locks in the same order (no deadlock on Postgres).
        batch.sort_by(|a, b| (a.platform, &a.event_id).cmp(&(b.platform, &b.event_id)));
        let results: Vec<Result<bool, String>> = match commit(&store, &batch).await {
            Ok(stored) => stored.into_iter().map(Ok).collect(),
            // One event that cannot be stored does not hold back the others: each alone.
            Err(e) if batch.len() > 1 => {
                tracing::warn!(events = batch.len(), error = format!("{e:#}"), "a batch failed; storing one by one");
                let mut each = Vec::with_capacity(batch.len());
                for p in &batch {
                    let one = commit(&store, std::slice::from_ref(p)).await;
                    each.push(one.map(|s| s[0]).map_err(|e| format!("{e:#}")));
                }
                each
            }
            Err(e) => vec![Err(format!("{e:#}"))],
        };
        for (p, result) in batch.drain(..).zip(results) {
            if let Err(e) = &result {
                // Not acknowledged: the platform sends it again.
                tracing::warn!(event = p.event_id, error = e, "storing a received event failed");
            }
            let _ = p.stored.send(result);
        }
    }
}

async fn commit(store: &Store, batch: &[Pending]) -> anyhow::Result<Vec<bool>> {
    let events: Vec<inbox::Received> = batch
        .iter()
        .map(|p| inbox::Received { platform: p.platform, event_id: &p.event_id, payload: &p.payload })
        .collect();
    let received = batch.iter().map(|p| p.now).min().unwrap_or_default();
    // One statement (`MAX_BATCH` rows): a transaction of its own, one sync to disk.
    let mut c = store.pool.acquire().await?;
    inbox::push_many(&mut c, &events, received).await
}
