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
use tokio::net::TcpListener;

/// How many times a received event is tried before it is set aside (and logged).
const INBOX_ATTEMPTS: i64 = 8;

#[derive(Debug, Clone)]
pub struct App {
    pub svc: Service,
    pub outbox: Outbox,
    pub clock: Arc<dyn Clock>,
    /// Set when Slack is configured.
    pub slack: Option<Slack>,
    /// Set when Discord is configured.
    pub discord: Option<Discord>,
}

impl App {
    pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        let store = Store::connect(config.database_url.expose()).await?;
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
        let instance = config
            .instance
            .clone()
            .unwrap_or_else(|| format!("tandem-{}-{:06x}", std::process::id(), rand::random::<u32>() & 0xff_ffff));
        let lease = Duration::seconds(60);
        let options = Options {
            grace: Duration::minutes(config.grace_minutes),
            instance: instance.clone(),
            lease,
            base_url: config.base_url.clone(),
        };
        let svc = Service { store: store.clone(), renderer: renderer.clone(), options };
        let slack = if config.slack.enabled() { Some(Slack::new(&config.slack, keys)) } else { None };
        let discord = if config.discord.enabled() { Some(Discord::new(&config.discord)?) } else { None };
        let (delivered, pending) = (Arc::new(tokio::sync::Notify::new()), Arc::new(tokio::sync::Notify::new()));
        let mut senders: Vec<Arc<dyn crate::outbox::Sender>> = Vec::new();
        if let Some(s) = &slack {
            senders.push(Arc::new(s.clone()));
        }
        if let Some(d) = &discord {
            senders.push(Arc::new(d.clone()));
        }
        let outbox = Outbox { store, renderer, instance, lease, delivered, pending, senders };
        let app = App { svc, outbox, clock, slack, discord };
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
        Some(crate::slack::inbound::Receiver { svc: self.svc.clone(), slack, clock: self.clock.clone(), kick })
    }

    /// What takes Discord's interactions and messages, when Discord is configured.
    pub fn discord_receiver(&self, kick: Arc<tokio::sync::Notify>) -> Option<crate::discord::inbound::Receiver> {
        let discord = self.discord.clone()?;
        Some(crate::discord::inbound::Receiver { svc: self.svc.clone(), discord, clock: self.clock.clone(), kick })
    }

    /// Handle the events stored by the platform endpoints; returns how many were handled.
    pub async fn handle_inbox(&self, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<usize> {
        if self.slack.is_none() && self.discord.is_none() {
            // No platform adapter: nothing is ever stored, so the tick skips the query.
            return Ok(0);
        }
        let opts = &self.svc.options;
        let mut handled = 0;
        loop {
            let entries = store::inbox::claim(&self.svc.store, &opts.instance, now, opts.lease, 50).await?;
            if entries.is_empty() {
                return Ok(handled);
            }
            for e in entries {
                let result = match (e.platform.as_str(), &self.slack, &self.discord) {
                    (crate::slack::PLATFORM, Some(slack), _) => {
                        crate::slack::inbound::process(&self.svc, slack, &e.payload, now).await
                    }
                    (crate::discord::PLATFORM, _, Some(d)) => {
                        crate::discord::inbound::process(&self.svc, d, &e.payload, now).await
                    }
                    (p, _, _) => Err(anyhow::anyhow!("no adapter for platform {p} is configured")),
                };
                let mut c = self.svc.store.pool.acquire().await?;
                match result {
                    Ok(()) => {
                        store::inbox::mark_done(&mut c, e.id, now).await?;
                        handled += 1;
                    }
                    Err(err) => {
                        let give_up = e.attempts + 1 >= INBOX_ATTEMPTS;
                        tracing::warn!(
                            event = e.event_id,
                            attempts = e.attempts + 1,
                            give_up,
                            error = format!("{err:#}"),
                            "handling a received event failed"
                        );
                        let retry_at = now + Duration::seconds(5 * (1 << e.attempts.clamp(0, 8)));
                        store::inbox::mark_failed(&mut c, e.id, &format!("{err:#}"), retry_at, give_up).await?;
                    }
                }
            }
        }
    }

    /// True when some team is on the web chat (bound to no Slack workspace or Discord server).
    pub async fn web_chat_has_teams(&self) -> anyhow::Result<bool> {
        let mut c = self.svc.store.pool.acquire().await?;
        store::platform::any_team_without_workspace(&mut c).await
    }

    /// Forget event ids older than a week, delivered messages older than 30 days and web chat
    /// sessions that have ended.
    pub async fn housekeep(&self) -> anyhow::Result<(u64, u64)> {
        let now = self.clock.now();
        let mut c = self.svc.store.pool.acquire().await?;
        let (seen, delivered) =
            crate::store::ops::prune(&mut c, now - Duration::days(7), now - Duration::days(30)).await?;
        let received = store::inbox::prune(&mut c, now - Duration::days(7)).await?;
        let (lifetime, idle) = (crate::webchat::session::LIFETIME, crate::webchat::session::IDLE);
        store::webchat::prune_sessions(&mut c, now - lifetime, now - idle).await?;
        Ok((seen + received, delivered))
    }

    /// The background work until `shutdown` resolves, as three loops that do not wait
    /// for each other: received events (woken by `kick`), scheduled jobs (every `every`)
    /// and deliveries (woken whenever something was written to the outbox). A 60-second
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
        let jobs = {
            let (app, stop) = (self.clone(), wait_for(stop_rx.clone()));
            let never = Arc::new(tokio::sync::Notify::new());
            let last_housekeeping = Arc::new(std::sync::Mutex::new(None::<std::time::Instant>));
            tokio::spawn(app.repeat("scheduled jobs", every, never, stop, move |app| {
                let last = last_housekeeping.clone();
                async move {
                    let report = app.svc.run_due_jobs(app.clock.now()).await?;
                    if report.ran > 0 {
                        app.outbox.wake();
                    }
                    let due = last.lock().map(|t| t.is_none_or(|t| t.elapsed() > HOUSEKEEPING_EVERY)).unwrap_or(true);
                    if due {
                        if let Ok(mut t) = last.lock() {
                            *t = Some(std::time::Instant::now());
                        }
                        match app.housekeep().await {
                            Ok((seen, delivered)) => tracing::debug!(seen, delivered, "housekeeping"),
                            Err(e) => tracing::warn!(error = format!("{e:#}"), "housekeeping failed"),
                        }
                    }
                    Ok(())
                }
            }))
        };
        let deliveries = {
            let (app, stop) = (self.clone(), wait_for(stop_rx.clone()));
            let pending = self.outbox.pending.clone();
            tokio::spawn(app.repeat("deliveries", every, pending, stop, |app| async move {
                app.outbox.deliver_due(app.clock.now()).await.map(|_| ())
            }))
        };
        shutdown.await;
        let _ = stop_tx.send(true);
        for (name, task) in [("received events", inbox), ("scheduled jobs", jobs), ("deliveries", deliveries)] {
            if let Err(e) = task.await {
                tracing::error!(loop_name = name, error = %e, "a background loop ended abnormally");
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

/// How often old event ids and delivered messages are pruned.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// `tandem serve`: everything, until Ctrl-C.
pub async fn serve(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let app = App::build(&config, clock).await?;
    tracing::info!(
        database = crate::secret::redact_url(config.database_url.expose()),
        instance = app.svc.options.instance,
        "store ready"
    );
    if config.demo && crate::demo::seed_if_empty(&app.svc, app.clock.now()).await? {
        tracing::info!("empty database: seeded the demo team (a PM, a PO, three developers, one stand-up)");
    }
    let listener = TcpListener::bind(config.listen).await.with_context(|| format!("listening on {}", config.listen))?;
    let kick = Arc::new(tokio::sync::Notify::new());
    let router = crate::http::router(app.clone(), kick.clone());
    let base = config.base_url.trim_end_matches('/');
    if app.web_chat_has_teams().await? {
        tracing::info!("Tandem is up: open {base}/chat");
    } else if app.slack.is_some() || app.discord.is_some() {
        // Every team lives on Slack or Discord: the web chat would list nobody.
        let on = match (&app.slack, &app.discord) {
            (Some(_), Some(_)) => "Slack and Discord",
            (Some(_), None) => "Slack",
            _ => "Discord",
        };
        tracing::info!("Tandem is up on {on}: type /tandem help there (the web chat has no team of its own)");
    } else {
        tracing::info!(
            "Tandem is up with no team yet: run `tandem team create NAME --admin NAME`, then open {base}/chat"
        );
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let socket = match (app.slack_receiver(kick.clone()), &config.slack.app_token) {
        (Some(rx), Some(token)) => {
            Some(tokio::spawn(crate::slack::socket::run(rx, token.expose().to_string(), wait_for(stop_rx.clone()))))
        }
        _ => None,
    };
    let gateway = app
        .discord_receiver(kick.clone())
        .map(|rx| tokio::spawn(crate::discord::gateway::run(rx, wait_for(stop_rx.clone()))));
    let background = tokio::spawn(app.clone().run_background(
        std::time::Duration::from_millis(config.tick_ms.max(50)),
        kick,
        wait_for(stop_rx.clone()),
    ));
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            stop_signal().await;
            tracing::info!("shutting down");
            let _ = stop_tx.send(true);
        })
        .await
        .context("serving HTTP")?;
    background.await.context("background loop")?;
    if let Some(s) = socket {
        s.await.context("Slack Socket Mode")?;
    }
    if let Some(g) = gateway {
        g.await.context("Discord gateway")?;
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM from a service manager or container runtime.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

async fn wait_for(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}
