//! Delivery: claims outbox items with a lease, renders them, hands them to the platform,
//! and records the platform message id so that updates edit instead of posting again and
//! deletes find what to remove. Several updates of one message waiting together are
//! delivered as one edit, the latest; a waiting delete makes them all unneeded.

pub mod pace;
mod webchat;
pub use webchat::record_typed;

use crate::core::Effect;
use crate::render::Renderer;
use crate::store::outbox::Item;
use crate::store::platform::Workspace;
use crate::store::{self, Store};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Outbox {
    pub store: Store,
    pub renderer: Arc<Renderer>,
    pub instance: String,
    pub lease: Duration,
    /// Woken after each delivery so live views refresh at once.
    pub delivered: Arc<tokio::sync::Notify>,
    /// Woken when something was written to the outbox, so the delivery loop runs now.
    pub pending: Arc<tokio::sync::Notify>,
    /// One per configured chat platform: a team bound to a workspace of that platform
    /// gets its messages there; any other team's go to the web chat.
    pub senders: Vec<Arc<dyn Sender>>,
    /// Set when the process is stopping: the item being delivered is finished, the rest
    /// is left for the next process.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

/// What delivers to one chat platform. Each adapter implements it and the app registers
/// it; the outbox names no platform.
#[async_trait::async_trait]
pub trait Sender: Send + Sync + std::fmt::Debug {
    /// The platform whose workspaces it serves (`slack`, `discord`).
    fn platform(&self) -> &'static str;

    /// Deliver one item to the team's workspace; false when another process took the
    /// item over meanwhile.
    async fn deliver(&self, o: &Outbox, ws: &Workspace, item: &Item, now: DateTime<Utc>) -> anyhow::Result<bool>;
}

/// How many items one claim takes.
const BATCH: i64 = 100;

impl Outbox {
    /// Tell the delivery loop there is something to deliver.
    pub fn wake(&self) {
        self.pending.notify_one();
    }

    /// Deliver everything due at `now`; returns how many items were delivered.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut delivered = 0;
        let started = std::time::Instant::now();
        loop {
            // A lease counts from `now`, the instant this began: a claim made later in a long
            // run is held for as much longer, so it lasts a whole lease from the claim.
            let lease = self.lease + Duration::from_std(started.elapsed()).unwrap_or_default();
            let items = store::outbox::claim(&self.store, &self.instance, now, lease, BATCH).await?;
            if items.is_empty() {
                break;
            }
            let mut platforms: HashMap<i64, Option<(String, Workspace)>> = HashMap::new();
            for item in items {
                if *self.stop.borrow() {
                    return Ok(delivered);
                }
                if let Effect::Update { key, .. } = &item.effect {
                    let mut c = self.store.pool.acquire().await?;
                    if store::outbox::superseded(&mut c, item.id, key).await? {
                        // A later edit of the same message carries the newest content.
                        store::outbox::mark_delivered(&mut c, item.id, &self.instance, now).await?;
                        continue;
                    }
                }
                if let std::collections::hash_map::Entry::Vacant(slot) = platforms.entry(item.team_id) {
                    let mut c = self.store.pool.acquire().await?;
                    slot.insert(store::platform::workspace_of_team(&mut c, item.team_id).await?);
                }
                let (platform, result) = match platforms.get(&item.team_id).and_then(|p| p.as_ref()) {
                    None => ("webchat", webchat::deliver(self, &item, now).await),
                    Some((platform, ws)) => match self.senders.iter().find(|s| s.platform() == platform) {
                        Some(sender) => (sender.platform(), sender.deliver(self, ws, &item, now).await),
                        None => ("other", Err(anyhow::anyhow!("this team is on {platform}, which is not configured"))),
                    },
                };
                match result {
                    Ok(true) => {
                        crate::metrics::delivery(platform, true);
                        delivered += 1;
                    }
                    Ok(false) => crate::metrics::lease_lost("delivery"),
                    Err(e) => {
                        crate::metrics::delivery(platform, false);
                        let backoff =
                            Duration::seconds(2i64.saturating_pow(u32::try_from(item.attempts.min(10)).unwrap_or(10)));
                        tracing::warn!(
                            item = item.id,
                            attempts = item.attempts + 1,
                            error = format!("{e:#}"),
                            "delivery failed; will retry"
                        );
                        let mut c = self.store.pool.acquire().await?;
                        store::outbox::mark_failed(&mut c, item.id, &format!("{e:#}"), now + backoff).await?;
                    }
                }
            }
        }
        if delivered > 0 {
            self.delivered.notify_waiters();
        }
        Ok(delivered)
    }
}
