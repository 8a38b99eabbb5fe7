//! Delivery: claims outbox items with a lease, renders them, hands them to the platform,
//! and records the platform message id so that updates edit instead of posting again and
//! deletes find what to remove. Several updates of one message waiting together are
//! delivered as one edit, the latest; a waiting delete makes them all unneeded. Channels
//! and DMs are delivered side by side, each in its own lane (`lanes`).

mod lanes;
pub mod pace;
mod webchat;
pub use webchat::record_typed;

use crate::core::Effect;
use crate::render::Renderer;
use crate::store::outbox::Item;
use crate::store::platform::Workspace;
use crate::store::{self, Store};
use chrono::{DateTime, Duration, Utc};
use futures_util::{StreamExt, TryStreamExt};
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
    /// Woken with `pending`: what wrote to the outbox may have planned a job sooner than
    /// the jobs loop is sleeping until.
    pub planned: Arc<tokio::sync::Notify>,
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
/// How many lanes (channels, DMs) are delivered at the same time. The platforms' pace is
/// kept by each sender's pacer; this only bounds what waits on it.
const LANES_AT_ONCE: usize = 32;

/// A failed item holds the rest of its lane back (for order) until it has failed this
/// many times; then the messages behind it go on without it (a channel that refuses one
/// message does not stop the others).
const HOLD_LANE_ATTEMPTS: i64 = 5;

/// Where each team's messages go: a platform's workspace, or the web chat (`None`).
type Workspaces = HashMap<i64, Option<(String, Workspace)>>;

impl Outbox {
    /// Tell the delivery loop there is something to deliver, and the jobs loop to look
    /// again at when the next job falls due.
    pub fn wake(&self) {
        self.pending.notify_one();
        self.planned.notify_one();
    }

    /// Deliver everything due at `now`; returns how many items were delivered. Items for
    /// different channels and DMs go out at the same time (`lanes`); one channel's go one
    /// after another, in the order they were written.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut delivered = 0;
        let started = std::time::Instant::now();
        let mut workspaces: Workspaces = HashMap::new();
        loop {
            // A lease counts from `now`, the instant this began: a claim made later in a long
            // run is held for as much longer, so it lasts a whole lease from the claim.
            let lease = self.lease + Duration::from_std(started.elapsed()).unwrap_or_default();
            let items = store::outbox::claim(&self.store, &self.instance, now, lease, BATCH).await?;
            if items.is_empty() || *self.stop.borrow() {
                break;
            }
            for item in &items {
                if let std::collections::hash_map::Entry::Vacant(slot) = workspaces.entry(item.team_id) {
                    let mut c = self.store.pool.acquire().await?;
                    slot.insert(store::platform::workspace_of_team(&mut c, item.team_id).await?);
                }
            }
            // The web chat's items are written together; the platforms' go out in lanes.
            let (web, mut items): (Vec<Item>, Vec<Item>) =
                items.into_iter().partition(|i| workspaces.get(&i.team_id).is_some_and(Option::is_none));
            if !web.is_empty() {
                match webchat::deliver_all(self, &web, now).await {
                    Ok(n) => {
                        crate::metrics::delivered("webchat", n);
                        delivered += n;
                    }
                    Err(e) => {
                        tracing::debug!(error = format!("{e:#}"), "web chat items written together failed: one by one");
                        items.extend(web);
                        items.sort_by_key(|i| i.id);
                    }
                }
            }
            let workspaces = &workspaces;
            let counts: Vec<usize> = futures_util::stream::iter(lanes::split(items))
                .map(|lane| self.deliver_lane(lane, workspaces, now))
                .buffer_unordered(LANES_AT_ONCE)
                .try_collect()
                .await?;
            delivered += counts.iter().sum::<usize>();
        }
        if delivered > 0 {
            self.delivered.notify_waiters();
        }
        Ok(delivered)
    }

    /// One lane's items, in order; stops early when the process is stopping.
    async fn deliver_lane(
        &self,
        lane: Vec<Item>,
        workspaces: &Workspaces,
        now: DateTime<Utc>,
    ) -> anyhow::Result<usize> {
        let mut delivered = 0;
        let mut lane = lane.into_iter();
        while let Some(item) = lane.next() {
            if *self.stop.borrow() {
                break;
            }
            if let Effect::Update { key, .. } = &item.effect {
                let mut c = self.store.pool.acquire().await?;
                if store::outbox::superseded(&mut c, item.id, key).await? {
                    // A later edit of the same message carries the newest content.
                    store::outbox::mark_delivered(&mut c, item.id, &self.instance, now).await?;
                    continue;
                }
            }
            let (platform, result) = match workspaces.get(&item.team_id).and_then(|p| p.as_ref()) {
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
                    if item.attempts + 1 < HOLD_LANE_ATTEMPTS {
                        // The rest of the channel waits for it, so that it keeps its order.
                        let behind: Vec<i64> = lane.map(|i| i.id).collect();
                        store::outbox::put_back(&mut c, &behind, &self.instance, now + backoff).await?;
                        break;
                    }
                }
            }
        }
        Ok(delivered)
    }
}
