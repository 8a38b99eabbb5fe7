//! Where "now" comes from: the system clock in production, a hand-moved clock in tests.
//!
//! The core never reads the clock; the service layer asks a `Clock` once per event and
//! passes the instant down. The scheduler waits on the clock too (`until`), so that a
//! test's clock, moved by hand, wakes it rather than real time passing.

use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A wait for an instant, as a boxed future (the trait is used as `dyn Clock`).
pub type Wait = Pin<Box<dyn Future<Output = ()> + Send>>;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// Resolves once the clock reads `at` or later.
    fn until(&self, at: DateTime<Utc>) -> Wait;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn until(&self, at: DateTime<Utc>) -> Wait {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to. Cloning shares the same instant.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<tokio::sync::watch::Sender<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(tokio::sync::watch::channel(start).0))
    }

    pub fn set(&self, to: DateTime<Utc>) {
        self.0.send_replace(to);
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.0.send_modify(|now| *now += by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.borrow()
    }

    fn until(&self, at: DateTime<Utc>) -> Wait {
        let mut moved = self.0.subscribe();
        Box::pin(async move {
            // The sender lives as long as the clock; if it is gone, nobody moves time.
            if moved.wait_for(|now| *now >= at).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_wait_on_the_manual_clock_ends_when_the_clock_is_moved_past_it() {
        let start: DateTime<Utc> = "2026-12-01T09:00:00Z".parse().expect("instant");
        let clock = ManualClock::new(start);
        let wait = tokio::spawn(clock.until(start + chrono::Duration::minutes(5)));
        clock.advance(chrono::Duration::minutes(4));
        tokio::task::yield_now().await;
        assert!(!wait.is_finished(), "four minutes are not five");
        clock.advance(chrono::Duration::minutes(1));
        tokio::time::timeout(std::time::Duration::from_secs(5), wait)
            .await
            .expect("woken by the move")
            .expect("the wait");
    }
}
