//! Start Tandem on a fresh database with a fake clock, on its own or connected to a fake
//! Slack or Discord (`crate::fakes`); the people who use it are played by `crate::drivers`.

use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tandem::app::App;
use tandem::clock::ManualClock;
use tandem::config::{Config, DiscordConfig, SlackConfig};
use tandem::core::Locale;
use tandem::core::model::Role;
use tandem::secret::Secret;
use tandem::store::team::NewMember;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A fresh, empty database URL. SQLite: a new file in a temp dir. Postgres: a new
/// database on the server at `TANDEM_TEST_POSTGRES_URL` (required: no quiet skip).
pub async fn fresh_database(db: Db) -> (String, Option<tempfile::TempDir>) {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("tandem.db").display());
            (url, Some(dir))
        }
        Db::Postgres => {
            let admin = std::env::var("TANDEM_TEST_POSTGRES_URL").expect(
                "TANDEM_TEST_POSTGRES_URL is not set: the Postgres half of the suite needs a server \
                 (e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres); .ci/run starts one",
            );
            sqlx::any::install_default_drivers();
            let name = format!("tandem_test_{:016x}", rand::random::<u64>());
            let mut conn =
                <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.expect("connect to the test Postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).expect("admin URL ends with /database");
            (format!("{base}/{name}"), None)
        }
    }
}

/// Monday 2026-11-23 07:00 UTC (08:00 in Paris).
pub fn monday_morning() -> DateTime<Utc> {
    "2026-11-23T07:00:00Z".parse().expect("instant")
}

pub struct TestApp {
    pub app: App,
    pub clock: ManualClock,
    pub base: String,
    pub db_url: String,
    pub team_id: i64,
    server: tokio::task::JoinHandle<()>,
    /// Slack Socket Mode or the Discord gateway, when the test runs one.
    socket: Option<tokio::task::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        if let Some(s) = &self.socket {
            s.abort();
        }
    }
}

/// How a Slack test reaches Tandem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlackVia {
    SocketMode,
    EventsApi,
}

/// The key every test app seals stored secrets with (`TANDEM_SECRET_KEY`), as a
/// deployment should have one.
pub const SECRET_KEY: &str = "c2VhbGluZyBrZXkgb2YgdGhlIHRlc3Qgc3VpdGUgLi4=";

/// The signing secret the Slack tests share with Tandem.
pub const SLACK_SECRET: &str = "test-signing-secret";

/// The Discord settings the tests use: the fake's URL, the shared test key.
pub fn discord_config(api_url: &str) -> DiscordConfig {
    DiscordConfig {
        token: Some(Secret::new("discord-test-token")),
        application_id: Some(crate::fakes::discord::APP_ID.parse().expect("id")),
        public_key: Some(crate::fakes::discord::TEST_PUBLIC_KEY_HEX.into()),
        api_url: Some(api_url.to_string()),
        messages_per_minute: 60_000,
        ..DiscordConfig::default()
    }
}

/// The demo-like team every scenario uses.
pub const PEOPLE: [(&str, &str, Role, &str, Locale); 5] = [
    ("paula", "Paula", Role::Pm, "Europe/Paris", Locale::En),
    ("olivier", "Olivier", Role::Po, "Europe/Paris", Locale::En),
    ("ana", "Ana", Role::Developer, "America/New_York", Locale::En),
    ("kenji", "Kenji", Role::Developer, "Asia/Tokyo", Locale::En),
    ("lea", "Léa", Role::Developer, "Europe/Paris", Locale::Fr),
];

/// The Slack settings the tests use: the fake's URL, the shared test secrets.
pub fn slack_config(api_url: &str, via: SlackVia) -> SlackConfig {
    SlackConfig {
        bot_token: Some(Secret::new("xoxb-test-token")),
        app_token: (via == SlackVia::SocketMode).then(|| Secret::new("xapp-test-token")),
        signing_secret: Some(Secret::new(SLACK_SECRET)),
        client_id: Some("123.456".into()),
        client_secret: Some(Secret::new("test-client-secret")),
        api_url: api_url.to_string(),
        messages_per_minute: 6_000,
        ..SlackConfig::default()
    }
}

/// The configuration every test app starts with: `url`, no demo, the test key.
pub fn config(url: &str, slack: SlackConfig, discord: DiscordConfig) -> Config {
    Config {
        database_url: Secret::new(url),
        demo: false,
        base_url: "http://tandem.test".into(),
        slack,
        discord,
        secret_key: Some(Secret::new(SECRET_KEY)),
        ..Config::default()
    }
}

impl TestApp {
    /// Tandem on a fresh database with team "acme" (Paris, English) and `PEOPLE`.
    pub async fn spawn(db: Db) -> TestApp {
        let (url, dir) = fresh_database(db).await;
        let clock = ManualClock::new(monday_morning());
        let app = Self::start(&url, clock.clone()).await;
        let team_id = {
            let mut tx = app.svc.store.begin().await.expect("tx");
            let now = monday_morning();
            let team =
                tandem::store::team::create_team(&mut tx, "acme", Locale::En, "Europe/Paris", now).await.expect("team");
            for (name, display_name, role, tz, locale) in PEOPLE {
                let m = NewMember { name, display_name, role, tz, locale };
                tandem::store::team::add_member(&mut tx, team, &m, now).await.expect("member");
            }
            tandem::store::team::channel_id(&mut tx, team, "team").await.expect("channel");
            tx.commit().await.expect("commit");
            team
        };
        let mut t = Self::serve(app, clock, url).await;
        t._dir = dir;
        t.team_id = team_id;
        t
    }

    /// Tandem on a fresh, empty database, connected to the fake Slack at `api_url`.
    pub async fn spawn_slack(db: Db, api_url: &str, via: SlackVia) -> TestApp {
        Self::spawn_slack_with(db, api_url, via, Some(Secret::new(SECRET_KEY))).await
    }

    /// The same with `secret_key` as the key that seals stored secrets (none: no key).
    pub async fn spawn_slack_with(db: Db, api_url: &str, via: SlackVia, secret_key: Option<Secret>) -> TestApp {
        let (url, dir) = fresh_database(db).await;
        let clock = ManualClock::new(monday_morning());
        let slack = slack_config(api_url, via);
        let config = Config { secret_key, ..config(&url, slack.clone(), DiscordConfig::default()) };
        let app = App::build(&config, Arc::new(clock.clone())).await.expect("Tandem starts");
        let mut t = Self::serve(app, clock, url).await;
        t._dir = dir;
        if let (Some(rx), Some(token)) = (t.app.slack_receiver(Arc::new(tokio::sync::Notify::new())), slack.app_token) {
            let token = token.expose().to_string();
            t.socket = Some(tokio::spawn(tandem::slack::socket::run(rx, token, std::future::pending())));
        }
        t
    }

    /// Tandem on a fresh, empty database with Discord through the fake at `api_url`
    /// (the interactions endpoint verifies with the shared test key), its gateway running.
    pub async fn spawn_discord(db: Db, api_url: &str) -> TestApp {
        Self::spawn_discord_with(db, discord_config(api_url)).await
    }

    /// The same with other Discord settings.
    pub async fn spawn_discord_with(db: Db, discord: DiscordConfig) -> TestApp {
        let (url, dir) = fresh_database(db).await;
        let clock = ManualClock::new(monday_morning());
        let app = Self::start_with(&url, clock.clone(), SlackConfig::default(), discord).await;
        let mut t = Self::serve(app, clock, url).await;
        t._dir = dir;
        if let Some(rx) = t.app.discord_receiver(Arc::new(tokio::sync::Notify::new())) {
            t.socket = Some(tokio::spawn(tandem::discord::gateway::run(rx, std::future::pending())));
        }
        t
    }

    async fn start(url: &str, clock: ManualClock) -> App {
        Self::start_with(url, clock, SlackConfig::default(), DiscordConfig::default()).await
    }

    async fn start_with(url: &str, clock: ManualClock, slack: SlackConfig, discord: DiscordConfig) -> App {
        App::build(&config(url, slack, discord), Arc::new(clock)).await.expect("Tandem starts")
    }

    async fn serve(app: App, clock: ManualClock, db_url: String) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let router = tandem::http::router(app.clone(), Arc::new(tokio::sync::Notify::new()));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        TestApp { app, clock, base, db_url, team_id: 0, server, socket: None, _dir: None }
    }

    /// Stop this process's server and start a new one on the same database and clock, with
    /// `config` (`database_url` is this app's).
    pub async fn restart_with(mut self, config: Config) -> TestApp {
        self.server.abort();
        let config = Config { database_url: Secret::new(&self.db_url), ..config };
        let app = App::build(&config, Arc::new(self.clock.clone())).await.expect("Tandem starts again");
        let mut t = Self::serve(app, self.clock.clone(), self.db_url.clone()).await;
        t.team_id = self.team_id;
        t._dir = self._dir.take();
        t
    }

    /// Stop this process's server and start a new one on the same database and clock.
    pub async fn restart(mut self) -> TestApp {
        self.server.abort();
        let app = Self::start(&self.db_url, self.clock.clone()).await;
        let mut t = Self::serve(app, self.clock.clone(), self.db_url.clone()).await;
        t.team_id = self.team_id;
        t._dir = self._dir.take();
        t
    }

    /// Move the clock to `t` and run what is due: jobs, then deliveries.
    pub async fn at(&self, t: DateTime<Utc>) {
        self.clock.set(t);
        self.tick().await;
    }

    pub async fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.tick().await;
    }

    pub async fn tick(&self) {
        self.app.tick().await.expect("tick");
    }

    pub async fn member_id(&self, name: &str) -> i64 {
        let mut c = self.app.svc.store.pool.acquire().await.expect("conn");
        let members = tandem::store::team::members(&mut c, self.team_id).await.expect("members");
        members.iter().find(|m| m.name == name).expect("member exists").id
    }

    pub async fn channel_param(&self, name: &str) -> String {
        let mut c = self.app.svc.store.pool.acquire().await.expect("conn");
        let id = tandem::store::team::channel_id(&mut c, self.team_id, name).await.expect("channel");
        format!("channel:{id}")
    }
}
