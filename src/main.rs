//! The `tandem` command line. Wiring lives in `app.rs`.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;
use tandem::core::Locale;
use tandem::core::command::options::schedule_error;
use tandem::core::schedule::Schedule;

#[derive(Debug, Parser)]
#[command(name = "tandem", version, about = "Agile rituals in your team chat.")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run Tandem: HTTP server, web chat, scheduler and delivery.
    Serve,
    /// Schedules.
    Schedule {
        #[command(subcommand)]
        command: ScheduleCmd,
    },
}

#[derive(Debug, Subcommand)]
enum ScheduleCmd {
    /// Print the next fire instants of a cron expression, in UTC.
    Preview {
        /// A 5-field cron expression, e.g. "30 9 * * MON-FRI".
        expr: String,
        /// IANA time zone, e.g. Europe/Paris.
        #[arg(long, default_value = "UTC")]
        tz: String,
        /// Start strictly after this instant (RFC 3339); default now.
        #[arg(long)]
        from: Option<String>,
        /// How many instants.
        #[arg(short = 'n', default_value_t = 5)]
        n: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Serve => run_server(),
        Cmd::Schedule { command: ScheduleCmd::Preview { expr, tz, from, n } } => {
            preview(&expr, &tz, from.as_deref(), n)
        }
    }
}

fn run_server() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let result = (|| {
        let config = tandem::config::Config::load(|k| std::env::var(k).ok())?;
        let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
        rt.block_on(tandem::app::serve(config, Arc::new(tandem::clock::SystemClock)))
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("tandem: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `tandem schedule preview`: errors say what is wrong and show an example, in English.
fn preview(expr: &str, tz: &str, from: Option<&str>, n: usize) -> ExitCode {
    let renderer = match tandem::render::Renderer::load() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tandem: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let fail = |template: &str, data: serde_json::Value| {
        let text = renderer.render(Locale::En, template, &data).unwrap_or_else(|e| format!("{e:#}"));
        eprintln!("{text}");
        ExitCode::from(2)
    };
    let schedule = match Schedule::parse(expr) {
        Ok(s) => s,
        Err(e) => {
            let ue = schedule_error(expr, &e);
            return fail(ue.template, ue.data);
        }
    };
    let Ok(zone) = tz.parse::<chrono_tz::Tz>() else {
        return fail("error_bad_timezone", serde_json::json!({ "value": tz }));
    };
    let start: DateTime<Utc> = match from {
        None => Utc::now(),
        Some(s) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) => t.with_timezone(&Utc),
            Err(_) => return fail("error_bad_instant", serde_json::json!({ "value": s })),
        },
    };
    let fires = schedule.upcoming(zone, start, n);
    if fires.is_empty() {
        return fail("error_schedule_never_fires", serde_json::json!({ "expr": expr }));
    }
    for t in fires {
        println!("{}", t.format("%Y-%m-%dT%H:%M:%SZ"));
    }
    ExitCode::SUCCESS
}
