//! `tandem serve`: the instance's hold on its name, the HTTP server, the platforms'
//! connections and the background loops, until a stop is asked for.

use super::{App, DatabaseThread, wait_for};
use crate::clock::Clock;
use crate::config::Config;
use crate::store::{self, Store};
use anyhow::Context;
use std::sync::Arc;
use tokio::net::TcpListener;

/// `tandem serve`: everything, until Ctrl-C.
pub async fn serve(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    // On SQLite the store is opened, and the background work runs, on a thread kept on
    // one CPU with the connection's own (see `database_thread`).
    let db = DatabaseThread::for_url(config.database_url.expose())?;
    let url = config.database_url.expose().to_string();
    let store = DatabaseThread::run_or_here(db.as_ref(), async move { Store::connect(&url).await }).await??;
    let instance = config.instance_name();
    // Held before anything is planned: a second process under this name changes nothing.
    let hold = hold(&store, &config, &instance).await?;
    let lease = std::time::Duration::from_secs(config.lease_seconds.unsigned_abs());
    let lost = tokio::spawn(store::leases::keep(hold, lease / 3));
    let app = {
        let config = config.clone();
        DatabaseThread::run_or_here(db.as_ref(), async move { App::on(store, &config, clock).await }).await??
    };
    // Nothing runs under this instance's leases yet: what they hold is left from a run
    // that ended without finishing (a crash), and is taken back at once.
    let taken_back = {
        let owner = (app.svc.store.dialect == store::Dialect::Postgres).then_some(instance.as_str());
        let mut c = app.svc.store.pool.acquire().await?;
        store::leases::release(&mut c, owner).await?
    };
    tracing::info!(
        database = crate::secret::redact_url(config.database_url.expose()),
        instance,
        taken_back,
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
    let stop_rx = app.stop.subscribe();
    let socket = match (app.slack_receiver(kick.clone()), &config.slack.app_token) {
        (Some(rx), Some(token)) => {
            Some(tokio::spawn(crate::slack::socket::run(rx, token.expose().to_string(), wait_for(stop_rx.clone()))))
        }
        _ => None,
    };
    let gateway = app
        .discord_receiver(kick.clone())
        .map(|rx| tokio::spawn(crate::discord::gateway::run(rx, wait_for(stop_rx.clone()))));
    let background = app.clone().run_background(
        std::time::Duration::from_millis(config.tick_ms.max(50)),
        kick,
        wait_for(stop_rx.clone()),
    );
    let background = DatabaseThread::spawn_or_here(db.as_ref(), background);
    let stop = app.stop.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = stop_signal() => tracing::info!("shutting down"),
                _ = lost => tracing::error!("the hold on this instance's name was lost (its database connection ended): stopping, so that no other process works under the same name"),
            }
            let _ = stop.send(true);
        })
        .await
        .context("serving HTTP")?;
    background.await.context("background loop")?;
    // What was claimed and not done is free for the next process at once.
    let mut c = app.svc.store.pool.acquire().await?;
    let left = store::leases::release(&mut c, Some(&instance)).await?;
    tracing::info!(left, "stopped");
    if let Some(s) = socket {
        s.await.context("Slack Socket Mode")?;
    }
    if let Some(g) = gateway {
        g.await.context("Discord gateway")?;
    }
    Ok(())
}

/// The hold on `instance`, waiting (on Postgres) up to two leases for a process that just
/// died to let it go: its server session ends a moment after it.
async fn hold(store: &Store, config: &Config, instance: &str) -> anyhow::Result<store::leases::InstanceHold> {
    let url = config.database_url.expose();
    let patience = match store.dialect {
        store::Dialect::Postgres => std::time::Duration::from_secs(2 * config.lease_seconds.unsigned_abs()),
        store::Dialect::Sqlite => std::time::Duration::ZERO,
    };
    let deadline = std::time::Instant::now() + patience;
    loop {
        match store::leases::hold(store, url, instance).await {
            Err(e) if std::time::Instant::now() < deadline => {
                tracing::info!(error = format!("{e:#}"), "waiting for the instance's name to be free");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            result => return result,
        }
    }
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
