//! The HTTP router: health, exports, and each platform's endpoints.

use crate::app::App;
use crate::core::command::ExportFormat;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::Arc;

pub fn router(app: App, kick: Arc<tokio::sync::Notify>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/export/{file}", get(export))
        .with_state(app.clone())
        .merge(crate::webchat::routes(app, kick))
        .route("/", get(|| async { axum::response::Redirect::to("/chat") }))
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
        Err(e) => return crate::webchat::internal(e),
    };
    let (format, mime) = match file.as_str() {
        "answers.csv" => (ExportFormat::Csv, "text/csv; charset=utf-8"),
        "answers.json" => (ExportFormat::Json, "application/json"),
        _ => return (StatusCode::NOT_FOUND, "Try answers.csv or answers.json\n").into_response(),
    };
    if p.to < p.from || (p.to - p.from).num_days() > 366 {
        return (StatusCode::BAD_REQUEST, "from must be before to, at most 366 days apart\n").into_response();
    }
    match app.svc.export(me.team_id, format, p.from, p.to).await {
        Ok(body) => {
            let disposition = format!("attachment; filename=\"tandem-{}-{}.{}\"", p.from, p.to, format.code());
            ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
                .into_response()
        }
        Err(e) => crate::webchat::internal(e),
    }
}
