//! Tandem's integration tests: one binary. `helpers` starts Tandem on a fresh database
//! with a hand-moved clock; each other file covers one capability; `tidy` checks the
//! architecture's rules.
//!
//! Every scenario runs on SQLite and on Postgres (`TANDEM_TEST_POSTGRES_URL`, an admin
//! URL; `.ci/run` installs and starts a server). Without it, the Postgres tests fail.

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

mod discord_delivery;
mod discord_driver;
mod discord_edges;
mod discord_flow;
mod fakes;
mod helpers;
mod slack_delivery;
mod slack_driver;
mod slack_edges;
mod slack_flow;
mod slack_install;

mod bad_input;
mod cli;
mod ops;
mod replicas;
mod restart;
mod standup_flow;
mod standup_settings;
mod tidy;
mod webchat;
