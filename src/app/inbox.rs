//! The received events, after their acknowledgement: claimed a few dozen at a time, read
//! by their platform's adapter (who and where), then handled together in one transaction
//! — each event in a savepoint of its own, so a refusal or a failure undoes only its own
//! changes — and marked done in that same commit. One sync to disk per claim instead of
//! one or two per event; a crash before the commit leaves the whole claim to be handled
//! again, with nothing of it sent.

use super::App;
use crate::core::Inbound;
use crate::store::{self, inbox::Entry};
use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

/// How many times a received event is tried before it is set aside (and logged).
const ATTEMPTS: i64 = 8;

/// How many events one claim takes (and one commit handles).
const CLAIM: i64 = 50;

/// An event read by its adapter, ready for the service.
struct Ready {
    entry: Entry,
    inbound: Inbound,
    /// Time spent reading it, added to its handling time in the metrics.
    read: std::time::Duration,
}

impl App {
    /// Handle the events stored by the platform endpoints; returns how many were handled.
    pub async fn handle_inbox(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        if self.slack.is_none() && self.discord.is_none() {
            // No platform adapter: nothing is ever stored, so the tick skips the query.
            return Ok(0);
        }
        let opts = &self.svc.options;
        let mut handled = 0;
        let started = Instant::now();
        loop {
            // As for deliveries and jobs: a later claim is held as much longer.
            let lease = opts.lease + Duration::from_std(started.elapsed()).unwrap_or_default();
            let entries = store::inbox::claim(&self.svc.store, &opts.instance, now, lease, CLAIM).await?;
            if entries.is_empty() {
                return Ok(handled);
            }
            let mut done = Vec::with_capacity(entries.len());
            let mut ready = Vec::with_capacity(entries.len());
            for entry in entries {
                let t0 = Instant::now();
                match self.prepare(&entry, now).await {
                    Ok(Some(inbound)) => ready.push(Ready { entry, inbound, read: t0.elapsed() }),
                    Ok(None) => {
                        crate::metrics::handled(platform(&entry), t0.elapsed());
                        done.push(entry.id);
                    }
                    Err(err) => self.failed(&entry, &err, now).await?,
                }
            }
            handled += done.len();
            match self.handle_together(&ready, &done, now).await {
                Ok(()) => handled += ready.len(),
                Err(err) => {
                    tracing::warn!(
                        events = ready.len(),
                        error = format!("{err:#}"),
                        "handling a claim's events together failed; handling them one by one"
                    );
                    store::inbox::mark_all_done(&self.svc.store, &done, now).await?;
                    handled += self.handle_one_by_one(&ready, now).await?;
                }
            }
        }
    }

    /// Who and where, by the event's platform adapter.
    async fn prepare(&self, e: &Entry, now: DateTime<Utc>) -> anyhow::Result<Option<Inbound>> {
        match (e.platform.as_str(), &self.slack, &self.discord) {
            (crate::slack::PLATFORM, Some(slack), _) => {
                crate::slack::inbound::prepare(&self.svc, slack, &e.payload, now).await
            }
            (crate::discord::PLATFORM, _, Some(d)) => {
                crate::discord::inbound::prepare(&self.svc, d, &e.payload, now).await
            }
            (p, _, _) => Err(anyhow::anyhow!("no adapter for platform {p} is configured")),
        }
    }

    /// The claim's events in one transaction, marked done (with `done`, those that needed
    /// no handling) in its commit.
    async fn handle_together(&self, ready: &[Ready], done: &[i64], now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.svc.store.begin().await?;
        let events: Vec<&Inbound> = ready.iter().map(|r| &r.inbound).collect();
        let mut took = Vec::with_capacity(ready.len());
        let mut last = Instant::now();
        self.svc
            .handle_all(&mut tx, &events, now, |i, _| {
                took.push(ready[i].read + last.elapsed());
                last = Instant::now();
            })
            .await?;
        let ids: Vec<i64> = done.iter().copied().chain(ready.iter().map(|r| r.entry.id)).collect();
        store::inbox::mark_done_many(&mut tx, &ids, now).await?;
        tx.commit().await?;
        for (r, took) in ready.iter().zip(took) {
            crate::metrics::handled(platform(&r.entry), took);
        }
        Ok(())
    }

    /// After a claim's transaction failed: each event in a commit of its own, so only the
    /// event at fault fails (and is tried again later).
    async fn handle_one_by_one(&self, ready: &[Ready], now: DateTime<Utc>) -> anyhow::Result<usize> {
        let mut handled = 0;
        for r in ready {
            let t0 = Instant::now();
            match self.svc.handle(&r.inbound, now).await {
                // Refused or failed inside, the person has their answer: done.
                Ok(_) => {
                    crate::metrics::handled(platform(&r.entry), r.read + t0.elapsed());
                    store::inbox::mark_all_done(&self.svc.store, &[r.entry.id], now).await?;
                    handled += 1;
                }
                Err(err) => self.failed(&r.entry, &err, now).await?,
            }
        }
        Ok(handled)
    }

    /// An event that could not be handled: tried again later, with a longer wait each
    /// time; after too many attempts it is set aside with its error.
    async fn failed(&self, e: &Entry, err: &anyhow::Error, now: DateTime<Utc>) -> anyhow::Result<()> {
        let give_up = e.attempts + 1 >= ATTEMPTS;
        tracing::warn!(
            event = e.event_id,
            attempts = e.attempts + 1,
            give_up,
            error = format!("{err:#}"),
            "handling a received event failed"
        );
        let retry_at = now + Duration::seconds(5 * (1 << e.attempts.clamp(0, 8)));
        let mut c = self.svc.store.pool.acquire().await?;
        store::inbox::mark_failed(&mut c, e.id, &format!("{err:#}"), retry_at, give_up).await
    }
}

/// The platform label of an event's metrics.
fn platform(e: &Entry) -> &'static str {
    match e.platform.as_str() {
        crate::slack::PLATFORM => crate::slack::PLATFORM,
        crate::discord::PLATFORM => crate::discord::PLATFORM,
        _ => "other",
    }
}
