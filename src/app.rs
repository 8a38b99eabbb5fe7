//! Wiring: configuration → store → service, outbox, scheduler and HTTP server.

use crate::clock::Clock;
use crate::config::Config;
use crate::discord::Discord;
use crate::outbox::Outbox;
use crate::render::Renderer;
use crate::service::{Options, Service, TickReport};
use crate::slack::Slack;
use crate::store::{self, Store};
use anyhow::Context;
use chrono::Duration;
use std::sync::Arc;

mod database_thread;
mod inbox;
mod serve;
pub use database_thread::DatabaseThread;
pub use serve::serve;

#[derive(Debug, Clone)]
pub struct App {
    pub svc: Service,
    pub outbox: Outbox,
    pub clock: Arc<dyn Clock>,
    /// Set when Slack is configured.
    pub slack: Option<Slack>,
    /// Set when Discord is configured.
    pub discord: Option<Discord>,
    /// Where the platform endpoints store events: one commit for those arriving together.
    pub intake: store::intake::Intake,
    /// Set once a stop was asked for: `/readyz` fails so no new traffic comes, live pages
    /// end, the loops finish what they are doing and return.
    pub stop: Arc<tokio::sync::watch::Sender<bool>>,
}

impl App {
    pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        let store = Store::connect(config.database_url.expose()).await?;
        App::on(store, config, clock).await
    }

    /// The app on a store already connected (and migrated): plans what is missing.
    pub async fn on(store: Store, config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        let keys = Arc::new(config.keyring()?);
        let secrets = store::secrets::prepare(&store, &keys).await.context("reading the stored secrets")?;
        if secrets.sealed_now > 0 {
            tracing::info!(n = secrets.sealed_now, "stored secrets kept in clear until now are sealed");
        }
        if secrets.in_clear > 0 {
            tracing::warn!(
                n = secrets.in_clear,
                "stored secrets (Slack bot tokens) are kept in clear: set TANDEM_SECRET_KEY to seal them"
            );
        }
        let renderer = Arc::new(Renderer::load()?);
        let instance = config.instance_name();
        let lease = Duration::seconds(config.lease_seconds);
        let options = Options {
            grace: Duration::minutes(config.grace_minutes),
            instance: instance.clone(),
            lease,
            base_url: config.base_url.clone(),
            retention_months: config.retention_months,
        };
        let svc = Service { store: store.clone(), renderer: renderer.clone(), options };
        let slack = if config.slack.enabled() { Some(Slack::new(&config.slack, keys)) } else { None };
        let discord = if config.discord.enabled() { Some(Discord::new(&config.discord)?) } else { None };
        let (delivered, pending) = (Arc::new(tokio::sync::Notify::new()), Arc::new(tokio::sync::Notify::new()));
        let planned = Arc::new(tokio::sync::Notify::new());
        let mut senders: Vec<Arc<dyn crate::outbox::Sender>> = Vec::new();
        if let Some(s) = &slack {
            senders.push(Arc::new(s.clone()));
        }
        if let Some(d) = &discord {
            senders.push(Arc::new(d.clone()));
        }
        let stop = Arc::new(tokio::sync::watch::channel(false).0);
        let outbox = Outbox {
            store: store.clone(),
            renderer,
            instance,
            lease,
            delivered,
            pending,
            planned,
            senders,
            stop: stop.subscribe(),
        };
        let intake = store::intake::Intake::start(store.clone());
        let app = App { svc, outbox, clock, slack, discord, intake, stop };
        app.svc.sync_all_schedules(app.clock.now()).await.context("planning schedules")?;
        Ok(app)
    }

    /// One round of background work at the clock's `now`: received events, due jobs,
    /// then deliveries.
    pub async fn tick(&self) -> anyhow::Result<(TickReport, usize)> {
        let now = self.clock.now();
        self.handle_inbox(now).await?;
        let jobs = self.svc.run_due_jobs(now).await?;
        let sent = self.outbox.deliver_due(self.clock.now()).await?;
        Ok((jobs, sent))
    }

    /// What takes Slack's events (socket and HTTP), when Slack is configured.
    pub fn slack_receiver(&self, kick: Arc<tokio::sync::Notify>) -> Option<crate::slack::inbound::Receiver> {
        let slack = self.slack.clone()?;
        let (svc, clock, intake) = (self.svc.clone(), self.clock.clone(), self.intake.clone());
        Some(crate::slack::inbound::Receiver { svc, slack, clock, intake, kick })
    }

    /// What takes Discord's interactions and messages, when Discord is configured.
    pub fn discord_receiver(&self, kick: Arc<tokio::sync::Notify>) -> Option<crate::discord::inbound::Receiver> {
        let discord = self.discord.clone()?;
        let (svc, clock, intake) = (self.svc.clone(), self.clock.clone(), self.intake.clone());
        Some(crate::discord::inbound::Receiver { svc, discord, clock, intake, kick })
    }

    /// Whether a stop was asked for.
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// True when some team is on the web chat (bound to no Slack workspace or Discord server).
    pub async fn web_chat_has_teams(&self) -> anyhow::Result<bool> {
        let mut c = self.svc.store.pool.acquire().await?;
        store::platform::any_team_without_workspace(&mut c).await
    }

    /// Forget event ids older than a week, delivered messages older than 30 days and web chat
    /// sessions that have ended; with a retention setting, stand-up answers and web chat
    /// messages older than it.
    pub async fn housekeep(&self) -> anyhow::Result<(u64, u64)> {
        let now = self.clock.now();
        let mut c = self.svc.store.pool.acquire().await?;
        let (seen, delivered) =
            crate::store::ops::prune(&mut c, now - Duration::days(7), now - Duration::days(30)).await?;
        let received = store::inbox::prune(&mut c, now - Duration::days(7)).await?;
        let (lifetime, idle) = (crate::webchat::session::LIFETIME, crate::webchat::session::IDLE);
        store::webchat::prune_sessions(&mut c, now - lifetime, now - idle).await?;
        if let Some(months) = self.svc.options.retention_months {
            // Stand-up answers and web chat messages are personal data: kept `months` at most.
            let before = now.checked_sub_months(chrono::Months::new(months)).unwrap_or(now);
            let answers = store::standup::personal::prune(&mut c, before).await?;
            let messages = store::personal::prune_webchat_messages(&mut c, before).await?;
            tracing::debug!(answers, messages, months, "retention");
        }
        Ok((seen + received, delivered))
    }

    /// The background work until `shutdown` resolves, as loops that do not wait for each
    /// other: received events (woken by `kick`, or every `every`), scheduled jobs (when
    /// the next falls due, `run_jobs`) and deliveries (woken whenever something was written to the outbox). A 60-second
    /// `Retry-After` from Slack holds deliveries only, never a stand-up's fire.
    pub async fn run_background(
        self,
        every: std::time::Duration,
        kick: Arc<tokio::sync::Notify>,
        shutdown: impl Future<Output = ()>,
    ) {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let inbox = {
            let (app, stop) = (self.clone(), wait_for(stop_rx.clone()));
            tokio::spawn(app.repeat("received events", every, kick, stop, |app| async move {
                let handled = app.handle_inbox(app.clock.now()).await?;
                if handled > 0 {
                    app.outbox.wake();
                }
                Ok(())
            }))
        };
        let jobs = tokio::spawn(self.clone().run_jobs(wait_for(stop_rx.clone())));
        let deliveries = {
            let (app, stop) = (self.clone(), wait_for(stop_rx.clone()));
            let pending = self.outbox.pending.clone();
            tokio::spawn(app.repeat("deliveries", every, pending, stop, |app| async move {
                app.outbox.deliver_due(app.clock.now()).await.map(|_| ())
            }))
        };
        let heartbeat = {
            let (app, stop) = (self.clone(), wait_for(stop_rx.clone()));
            let never = Arc::new(tokio::sync::Notify::new());
            let every = (self.outbox.lease / 3).to_std().unwrap_or(std::time::Duration::from_secs(10));
            tokio::spawn(app.repeat("lease renewal", every, never, stop, |app| async move {
                let mut c = app.svc.store.pool.acquire().await?;
                let now = app.clock.now();
                store::leases::renew(&mut c, &app.outbox.instance, now, now + app.outbox.lease).await.map(|_| ())
            }))
        };
        shutdown.await;
        let _ = stop_tx.send(true);
        let loops = [
            ("received events", inbox),
            ("scheduled jobs", jobs),
            ("deliveries", deliveries),
            ("lease renewal", heartbeat),
        ];
        for (name, task) in loops {
            if let Err(e) = task.await {
                tracing::error!(loop_name = name, error = %e, "a background loop ended abnormally");
            }
        }
    }

    /// The scheduled jobs until `shutdown`: run what is due, then sleep until the next job
    /// falls due (on the app's clock), until something was written here that may have
    /// planned one sooner (`Outbox::wake`), or `IDLE_RECHECK` at most, for jobs planned by
    /// another process. Housekeeping runs every `HOUSEKEEPING_EVERY`.
    async fn run_jobs(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut last_housekeeping: Option<std::time::Instant> = None;
        loop {
            let now = self.clock.now();
            match self.svc.run_due_jobs(now).await {
                Ok(report) if report.ran > 0 => self.outbox.wake(),
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(loop_name = "scheduled jobs", error = format!("{e:#}"), "background work failed")
                }
            }
            if last_housekeeping.is_none_or(|t| t.elapsed() > HOUSEKEEPING_EVERY) {
                last_housekeeping = Some(std::time::Instant::now());
                match self.housekeep().await {
                    Ok((seen, delivered)) => tracing::debug!(seen, delivered, "housekeeping"),
                    Err(e) => tracing::warn!(error = format!("{e:#}"), "housekeeping failed"),
                }
            }
            let next = match self.svc.next_job_due(now).await {
                Ok(next) => next,
                Err(e) => {
                    tracing::error!(loop_name = "scheduled jobs", error = format!("{e:#}"), "background work failed");
                    None
                }
            };
            let due = match next {
                Some(at) => self.clock.until(at),
                None => Box::pin(std::future::pending()),
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = due => {}
                _ = tokio::time::sleep(IDLE_RECHECK) => {}
                _ = self.outbox.planned.notified() => {}
            }
        }
    }

    /// Run `step` every `every`, or at once when `wake` is notified, until `shutdown`.
    async fn repeat<F, Fut>(
        self,
        what: &'static str,
        every: std::time::Duration,
        wake: Arc<tokio::sync::Notify>,
        shutdown: impl Future<Output = ()>,
        step: F,
    ) where
        F: Fn(App) -> Fut,
        Fut: Future<Output = anyhow::Result<()>>,
    {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = step(self.clone()).await {
                tracing::error!(loop_name = what, error = format!("{e:#}"), "background work failed");
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(every) => {}
                _ = wake.notified() => {}
            }
        }
    }
}

/// The longest the jobs loop sleeps without looking: a job planned by another process (a
/// replica that stopped before running it, or the command line) runs this late at most.
const IDLE_RECHECK: std::time::Duration = std::time::Duration::from_secs(10);

/// How often old event ids and delivered messages are pruned.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

pub(crate) async fn wait_for(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}
