//! One watcher per process for every open page: it reads one stamp of the whole web chat
//! every two seconds (and after each delivery of this process), and a page looks at its own
//! conversations only when that stamp moved. A hundred idle pages cost what one does.

use crate::store::{self, Store};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How often the database is read for what other replicas wrote.
const EVERY: Duration = Duration::from_secs(2);

/// The stamp of the web chat's messages, as last read.
#[derive(Debug, Clone)]
pub struct Feed {
    stamp: watch::Receiver<i64>,
}

impl Feed {
    /// Start the watcher; it ends when the last page and the feed are gone.
    pub fn start(store: Store, delivered: Arc<Notify>) -> Feed {
        let (tx, stamp) = watch::channel(-1);
        tokio::spawn(async move {
            while !tx.is_closed() {
                // Read only while a page is open (the feed itself holds one receiver).
                if tx.receiver_count() <= 1 {
                    tokio::time::sleep(EVERY).await;
                    continue;
                }
                let read = async {
                    let mut c = store.pool.acquire().await?;
                    store::webchat::stamp(&mut c).await
                };
                match read.await {
                    Ok(now) => {
                        tx.send_if_modified(|last| std::mem::replace(last, now) != now);
                    }
                    Err(e) => tracing::debug!(error = format!("{e:#}"), "web chat watcher could not read"),
                }
                tokio::select! {
                    _ = delivered.notified() => {}
                    _ = tokio::time::sleep(EVERY) => {}
                }
            }
        });
        Feed { stamp }
    }

    /// A receiver that wakes when anything in the web chat changed.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.stamp.clone()
    }
}
