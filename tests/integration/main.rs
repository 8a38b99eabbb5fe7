//! Tandem's integration tests: one binary. `helpers` starts Tandem on a fresh database
//! with a hand-moved clock; `fakes` are Slack and Discord; `drivers` play people on each
//! platform, and behind one vocabulary on any; each other file covers one capability;
//! `tidy` checks the architecture's rules.
//!
//! Every scenario runs on SQLite and on Postgres (`TANDEM_TEST_POSTGRES_URL`, an admin
//! URL; `.ci/run` installs and starts a server). Without it, the Postgres tests fail. A
//! scenario written in the drivers' vocabulary also runs on every platform.

/// `scenario(db)` as two tests, one per database.
macro_rules! on_both_databases {
    ($scenario:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $scenario($crate::helpers::Db::Sqlite).await
        }
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            $scenario($crate::helpers::Db::Postgres).await
        }
    };
}

/// `scenario(platform)` as six tests: on the web chat, on Slack (over Socket Mode) and on
/// Discord (over the gateway), each on SQLite and on Postgres.
macro_rules! on_every_platform {
    (
        $scenario:ident,
        web_chat: $web_sqlite:ident, $web_postgres:ident;
        slack: $slack_sqlite:ident, $slack_postgres:ident;
        discord: $discord_sqlite:ident, $discord_postgres:ident $(;)?
    ) => {
        on_every_platform!(@one $scenario, $web_sqlite, Sqlite, $crate::drivers::web_chat::WebChat::start);
        on_every_platform!(@one $scenario, $web_postgres, Postgres, $crate::drivers::web_chat::WebChat::start);
        on_every_platform!(@one $scenario, $slack_sqlite, Sqlite, $crate::drivers::slack::Slack::over_socket_mode);
        on_every_platform!(@one $scenario, $slack_postgres, Postgres, $crate::drivers::slack::Slack::over_socket_mode);
        on_every_platform!(@one $scenario, $discord_sqlite, Sqlite, $crate::drivers::discord::Discord::over_the_gateway);
        on_every_platform!(@one $scenario, $discord_postgres, Postgres, $crate::drivers::discord::Discord::over_the_gateway);
    };
    (@one $scenario:ident, $name:ident, $db:ident, $start:path) => {
        #[test]
        fn $name() {
            // A thread of its own with room to spare: a whole scenario's future, polled in a
            // debug build, outgrows a test thread's 2 MiB stack.
            let run = || {
                let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
                rt.block_on(async { $scenario($start($crate::helpers::Db::$db).await).await })
            };
            let thread = std::thread::Builder::new().name(stringify!($name).into()).stack_size(16 << 20).spawn(run).expect("thread");
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
    };
}

mod discord_delivery;
mod discord_edges;
mod discord_flow;
mod doors;
mod drivers;
mod fakes;
mod fires;
mod helpers;
mod intake;
mod jobs;
mod leases;
mod local_time;
mod loops;
mod slack_delivery;
mod slack_edges;
mod slack_flow;
mod slack_install;

mod bad_input;
mod claims;
mod cli;
mod coalesced;
mod crash;
mod demo;
mod effects;
mod exports;
mod gdpr;
mod operator;
mod ops;
mod packaging;
mod poker_everywhere;
mod poll_edges;
mod poll_everywhere;
mod replicas;
mod restart;
mod retro_edges;
mod retro_everywhere;
mod retro_tables;
mod secrets_at_rest;
mod sprint_everywhere;
mod standup_everywhere;
mod standup_flow;
mod standup_settings;
mod tidy;
mod web_security;
mod webchat;
mod webchat_delivery;
mod webchat_language;
