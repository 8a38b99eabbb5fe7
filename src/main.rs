//! The `tandem` command line. Wiring lives in `app.rs`.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;
use tandem::core::Locale;
use tandem::core::schedule::Schedule;
use tandem::core::standup::options::schedule_error;

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
    /// Teams.
    Team {
        #[command(subcommand)]
        command: TeamCmd,
    },
    /// Schedules.
    Schedule {
        #[command(subcommand)]
        command: ScheduleCmd,
    },
    /// Discord.
    Discord {
        #[command(subcommand)]
        command: DiscordCmd,
    },
    /// The key that seals stored secrets (Slack bot tokens).
    Secret {
        #[command(subcommand)]
        command: SecretCmd,
    },
}

#[derive(Debug, Subcommand)]
enum SecretCmd {
    /// Print a new random key (32 bytes, base64) for TANDEM_SECRET_KEY.
    Generate,
    /// Re-seal every stored secret under TANDEM_SECRET_KEY, in one transaction; the keys
    /// they were sealed with go in TANDEM_SECRET_KEY_OLD (comma-separated).
    Rotate,
}

#[derive(Debug, Subcommand)]
enum DiscordCmd {
    /// Register the /tandem command (DISCORD_TOKEN, DISCORD_APPLICATION_ID), and print
    /// the link that invites the bot to a server.
    Register {
        /// Register on this server only: available at once (global commands can take
        /// a while to appear everywhere).
        #[arg(long)]
        guild: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
enum TeamCmd {
    /// Create a team with its first member, who can then set everything up in the chat.
    Create {
        /// The team's name, e.g. acme.
        name: String,
        /// The team's IANA time zone (stand-up default).
        #[arg(long, default_value = "UTC")]
        tz: String,
        /// The team's language: en or fr.
        #[arg(long, default_value = "en")]
        locale: String,
        /// The first member's name; they get the PM role.
        #[arg(long)]
        admin: String,
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
        Cmd::Discord { command: DiscordCmd::Register { guild } } => match register_discord(guild) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("tandem: {e:#}");
                ExitCode::from(2)
            }
        },
        Cmd::Secret { command: SecretCmd::Generate } => {
            println!("{}", tandem::secret::seal::Key::generate());
            ExitCode::SUCCESS
        }
        Cmd::Secret { command: SecretCmd::Rotate } => match rotate_secrets() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("tandem: {e:#}");
                ExitCode::from(2)
            }
        },
        Cmd::Team { command: TeamCmd::Create { name, tz, locale, admin } } => {
            match create_team(&name, &tz, &locale, &admin) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("tandem: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn run_server() -> ExitCode {
    let filter = || tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG").unwrap_or_else(|_| "info".into());
    match std::env::var("TANDEM_LOG_FORMAT").as_deref() {
        // One JSON object a line, the request's id and span fields in each.
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_writer(std::io::stderr)
            .with_env_filter(filter())
            .init(),
        Ok("text") | Err(_) => tracing_subscriber::fmt()
            // Colours only on a terminal: a log written to a file or a journal stays plain text.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .with_env_filter(filter())
            .init(),
        Ok(other) => {
            eprintln!("tandem: TANDEM_LOG_FORMAT={other:?} is not a log format: json or text");
            return ExitCode::from(2);
        }
    }
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

/// `tandem team create`: a team and its first member (PM), on the configured database.
fn create_team(name: &str, tz: &str, locale: &str, admin: &str) -> anyhow::Result<()> {
    use tandem::core::text::check_name;
    let name = check_name(name)
        .map_err(|_| anyhow::anyhow!("{name:?} is not a valid team name (letters, digits, - and _), e.g. acme"))?;
    let admin = check_name(admin).map_err(|_| anyhow::anyhow!("{admin:?} is not a valid member name, e.g. paula"))?;
    let zone: chrono_tz::Tz =
        tz.parse().map_err(|_| anyhow::anyhow!("{tz:?} is not an IANA time zone, e.g. Europe/Paris"))?;
    let locale =
        Locale::parse(locale).ok_or_else(|| anyhow::anyhow!("{locale:?} is not a language Tandem speaks: en or fr"))?;
    let config = tandem::config::Config::load(|k| std::env::var(k).ok())?;
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async {
        let store = tandem::store::Store::connect(config.database_url.expose()).await?;
        let now = Utc::now();
        let mut tx = store.begin().await?;
        let Some(team) = tandem::store::team::create_team_if_new(&mut tx, &name, locale, zone.name(), now).await?
        else {
            anyhow::bail!("a team named {name} exists already");
        };
        let member = tandem::store::team::NewMember {
            name: &admin,
            display_name: &admin,
            role: tandem::core::model::Role::Pm,
            tz: zone.name(),
            locale,
        };
        tandem::store::team::add_member(&mut tx, team, &member, now).await?;
        tandem::store::team::channel_id(&mut tx, team, "general").await?;
        tx.commit().await?;
        println!(
            "Created team {name} with {admin} (PM) and #general. Open {}/chat as {admin}.",
            config.base_url.trim_end_matches('/')
        );
        Ok(())
    })
}

/// `tandem secret rotate`: every stored secret sealed again under the current key.
fn rotate_secrets() -> anyhow::Result<()> {
    let config = tandem::config::Config::load(|k| std::env::var(k).ok())?;
    let keys = config.keyring()?;
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let n = rt.block_on(async {
        let store = tandem::store::Store::connect(config.database_url.expose()).await?;
        tandem::store::secrets::rotate(&store, &keys).await
    })?;
    let id = keys.current_id().unwrap_or_default();
    println!("Re-sealed {n} stored secrets under key {id}; TANDEM_SECRET_KEY_OLD is no longer needed.");
    Ok(())
}

/// `tandem discord register`: `/tandem` on one server or everywhere, and the invite link.
fn register_discord(guild: Option<u64>) -> anyhow::Result<()> {
    let config = tandem::config::Config::load(|k| std::env::var(k).ok())?;
    if !config.discord.enabled() {
        anyhow::bail!("set DISCORD_TOKEN and DISCORD_APPLICATION_ID (Discord Developer Portal) first");
    }
    let renderer = tandem::render::Renderer::load()?;
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let names = rt.block_on(tandem::discord::register(&config.discord, &renderer, guild))?;
    let place = guild.map_or("every server (may take a while to appear)".to_string(), |g| format!("server {g}"));
    println!("Registered /{} on {place}.", names.join(", /"));
    let app = config.discord.application_id.unwrap_or_default();
    println!("Invite the bot with: {}", tandem::discord::invite_url(app));
    Ok(())
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
    // Asked for no fire, none is printed; only a schedule that never fires is an error.
    if fires.is_empty() && n > 0 {
        return fail("error_schedule_never_fires", serde_json::json!({ "expr": expr }));
    }
    for t in fires {
        println!("{}", t.format("%Y-%m-%dT%H:%M:%SZ"));
    }
    ExitCode::SUCCESS
}
