//! The HTTP router: health, exports, and each platform's endpoints, every response with
//! the security headers of `web::headers`.

use crate::app::App;
use crate::core::standup::ExportFormat;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::Arc;

mod request_id;

pub fn router(app: App, kick: Arc<tokio::sync::Notify>) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/export/{file}", get(export))
        .with_state(app.clone());
    if let Some(rx) = app.slack_receiver(kick.clone()) {
        router = router.merge(crate::slack::http::routes(rx));
    }
    if let Some(rx) = app.discord_receiver(kick.clone()) {
        router = router.merge(crate::discord::http::routes(rx));
    }
    let policy = crate::web::headers::policy(&crate::webchat::page::style_hashes());
    let policy = Arc::new(HeaderValue::from_str(&policy).expect("the policy is ASCII"));
    router
        .merge(crate::webchat::routes(app))
        .route("/", get(|| async { axum::response::Redirect::to("/chat") }))
        .layer(axum::middleware::from_fn_with_state(policy, crate::web::headers::secure))
        .layer(axum::middleware::from_fn(request_id::tag))
}

/// Ready for traffic: the database answers with every migration this binary knows applied,
/// and the process is not stopping. (Until the migrations are applied at start-up, nothing
/// listens.)
async fn readyz(State(app): State<App>) -> Response {
    if app.stopping() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping\n").into_response();
    }
    match app.svc.store.ready().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            tracing::warn!(error = format!("{e:#}"), "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {e}\n")).into_response()
        }
    }
}

/// Ready when the database answers.
async fn healthz(State(app): State<App>) -> Response {
    match sqlx::query("SELECT 1").execute(&app.svc.store.pool).await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

/// Prometheus text format; the gauges come from the database, the same on every replica.
async fn metrics(State(app): State<App>) -> Response {
    let gauges = async {
        let mut c = app.svc.store.pool.acquire().await?;
        crate::store::ops::gauges(&mut c, app.clock.now()).await
    }
    .await;
    let g = match gauges {
        Ok(g) => g,
        Err(e) => return crate::web::internal(e),
    };
    let rows = [
        ("tandem_outbox_pending", "Outbound messages not delivered yet.", g.outbox_pending),
        ("tandem_outbox_retrying", "Undelivered messages that failed at least once.", g.outbox_retrying),
        ("tandem_jobs_due", "Scheduled jobs due now or overdue.", g.jobs_due),
        ("tandem_jobs_scheduled", "Scheduled jobs in total.", g.jobs_scheduled),
        ("tandem_jobs_dead", "Jobs set aside after too many failures.", g.jobs_dead),
        ("tandem_rounds_open", "Stand-up rounds whose report is not posted yet.", g.rounds_open),
        ("tandem_blockers_open", "Blockers not resolved yet.", g.blockers_open),
    ];
    let gauges: String =
        rows.iter().map(|(name, help, v)| format!("# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}\n")).collect();
    let body = format!("{gauges}{}# EOF\n", crate::metrics::encode());
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body).into_response()
}

#[derive(Debug, Deserialize)]
struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

/// `answers.csv` / `answers.json` of the signed-in member's team.
async fn export(
    State(app): State<App>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(p): Query<Period>,
) -> Response {
    let me = match crate::webchat::member_of(&app, &headers).await {
        Ok(Some(me)) => me,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "Sign in to the web chat first: /chat\n").into_response(),
        Err(e) => return crate::web::internal(e),
    };
    let (format, mime) = match file.as_str() {
        "answers.csv" => (ExportFormat::Csv, "text/csv; charset=utf-8"),
        "answers.json" => (ExportFormat::Json, "application/json"),
        _ => return (StatusCode::NOT_FOUND, "Try answers.csv or answers.json\n").into_response(),
    };
    if p.to < p.from || (p.to - p.from).num_days() > 366 {
        return (StatusCode::BAD_REQUEST, "from must be before to, at most 366 days apart\n").into_response();
    }
    match app.svc.export(&me, format, p.from, p.to).await {
        Ok(body) => {
            let disposition = format!("attachment; filename=\"tandem-{}-{}.{}\"", p.from, p.to, format.code());
            ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
                .into_response()
        }
        Err(e) => crate::web::internal(e),
    }
}
