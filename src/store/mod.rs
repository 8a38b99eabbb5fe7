//! The only place that speaks SQL: SQLite (embedded default) or Postgres, chosen by URL.
//!
//! Queries go through sqlx's `Any` driver with `$1` placeholders, which both dialects
//! accept when parameters first appear in order. Instants are stored as integer
//! milliseconds, days as `YYYY-MM-DD` text, flags as 0/1: the `Any` driver cannot bind
//! chrono or JSON types. The dialect branches are few: claiming rows with a lease
//! (`claim_rows` below; jobs, outbox and inbox use it), taking row locks for many rows at
//! once (a `SELECT … FOR UPDATE` on Postgres, an update on SQLite) and the parameters of
//! statements of many rows (`value_rows`); the last two ask `is_postgres`.

pub mod forget;
pub mod inbound;
pub mod inbox;
pub mod intake;
pub mod jobs;
pub mod leases;
pub mod ops;
pub mod outbox;
pub mod personal;
pub mod platform;
pub mod poker;
pub mod poll;
pub mod retro;
pub mod roster;
pub mod secrets;
pub mod sprint;
pub mod standup;
pub mod team;
pub mod webchat;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub use sqlx::AnyConnection as Conn;
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The database a URL names, by its scheme.
    pub fn of_url(url: &str) -> Option<Dialect> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Dialect::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Dialect::Sqlite)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub dialect: Dialect,
}

impl Store {
    /// Connect, create the SQLite file if needed, and apply migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        install_default_drivers();
        let Some(dialect) = Dialect::of_url(url) else {
            anyhow::bail!("unsupported database URL (expected sqlite://… or postgres://…)");
        };
        let pool = match dialect {
            // SQLite has one writer; one connection avoids lock-upgrade failures between
            // deferred transactions, and WAL keeps readers of other processes unblocked.
            Dialect::Sqlite => {
                let url = if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") };
                AnyPoolOptions::new()
                    .max_connections(1)
                    // The file is in this process: no link to test. sqlx's check is a
                    // round trip to the connection's thread on every acquire (about
                    // 55 µs here, several per event), and an acquire cancelled mid-check
                    // would drop the one connection.
                    .test_before_acquire(false)
                    // The one connection is kept for good: its thread stays where it was
                    // started (`app::DatabaseThread`).
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            // Every commit is on disk before it returns: an event
                            // acknowledged to Slack survives a power loss (NORMAL would
                            // keep it through a crash of the process only).
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            // What is deleted is overwritten: forgotten anonymous input does
                            // not linger in free pages.
                            conn.execute("PRAGMA secure_delete = ON").await?;
                            // 16 MiB of pages in memory (SQLite's default is 2 MiB): a
                            // claim's members, rounds and outbox stay cached rather than
                            // read again from the file (21 reads an event at 2,000
                            // members with the default). Filled only as pages are used.
                            conn.execute("PRAGMA cache_size = -16384").await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
            }
            Dialect::Postgres => {
                AnyPoolOptions::new().max_connections(10).acquire_timeout(Duration::from_secs(10)).connect(url).await
            }
        }
        .with_context(|| format!("connecting to {}", crate::secret::redact_url(url)))?;
        let store = Store { pool, dialect };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        match self.dialect {
            Dialect::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
            Dialect::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await,
        }
        .context("applying migrations")
    }

    /// The database answers, and every migration this binary knows is applied.
    pub async fn ready(&self) -> anyhow::Result<()> {
        let known = match self.dialect {
            Dialect::Sqlite => sqlx::migrate!("migrations/sqlite").iter().count(),
            Dialect::Postgres => sqlx::migrate!("migrations/postgres").iter().count(),
        };
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await
            .context("the database does not answer")?;
        anyhow::ensure!(applied >= known as i64, "{applied} of {known} migrations applied");
        Ok(())
    }

    pub async fn begin(&self) -> anyhow::Result<Tx> {
        self.pool.begin().await.context("starting a transaction")
    }
}

/// An instant as stored.
pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stored instant back; out-of-range values (never written by Tandem) read as the epoch.
pub fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or_default()
}

pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("stored day {s:?}"))
}

/// A stored value read back; one that does not parse (a corrupt or hand-edited row) is an
/// internal error naming it, never a quiet default: a PO must not become a developer.
pub fn stored<T>(what: &str, value: String, parse: impl FnOnce(&str) -> Option<T>) -> anyhow::Result<T> {
    parse(&value).ok_or_else(|| anyhow::anyhow!("the stored {what} {value:?} cannot be read"))
}

/// A table whose rows are claimed with a lease (jobs, outbox, inbox): which rows are due
/// (a condition on `$3`, now), in which order, and the columns a claim returns.
pub(crate) struct Claimable {
    pub table: &'static str,
    pub due: String,
    pub order: &'static str,
    pub returning: &'static str,
    /// The index SQLite must read the due rows through. Without statistics its planner
    /// prefers any index with an equality (the jobs' `kind`), which reads every job.
    pub sqlite_index: Option<&'static str>,
}

/// Lease up to `limit` due rows to `owner` until `now + lease`, in one short transaction.
/// A row is due if its lease is free or expired; Postgres skips rows another replica is
/// claiming (`FOR UPDATE SKIP LOCKED`), SQLite has one writer anyway.
pub(crate) async fn claim_rows(
    store: &Store,
    what: &Claimable,
    owner: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> anyhow::Result<Vec<sqlx::any::AnyRow>> {
    let lock = match store.dialect {
        Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let Claimable { table, due, order, returning, sqlite_index } = what;
    let through = match (store.dialect, sqlite_index) {
        (Dialect::Sqlite, Some(index)) => format!("INDEXED BY {index}"),
        _ => String::new(),
    };
    let sql = format!(
        "UPDATE {table} SET lease_owner = $1, lease_until = $2 WHERE id IN ( \
           SELECT id FROM {table} {through} WHERE {due} AND (lease_until IS NULL OR lease_until < $3) \
           ORDER BY {order} LIMIT $4 {lock}) \
         RETURNING {returning}"
    );
    let mut tx = store.begin().await?;
    let rows = sqlx::query(checked(sql))
        .bind(owner)
        .bind(ms(now + lease))
        .bind(ms(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// True on a Postgres connection. Many rows are locked there with `SELECT … FOR UPDATE`,
/// which leaves them as they are; an update of each to itself would write every row again
/// with its index entries. On SQLite, with one writer, an update takes the write lock at
/// once, before the transaction reads what it is about to change. `value_rows` asks it too.
pub(crate) fn is_postgres(c: &Conn) -> bool {
    c.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

/// SQL assembled in this module from constant column lists and dialect keywords, never
/// from input: values always go through `bind`.
pub(crate) fn checked(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// Row ids as an SQL list (`3,5,8`) for `IN (…)`: integers formatted here, never input.
/// Callers keep lists to a few hundred ids a statement (`ID_CHUNK`).
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// The rows of a multi-row `VALUES`, `per_row` parameters each, bound in order, row by
/// row (a value every row shares is bound in each). Numbered on Postgres: `value_rows(c, 2,
/// 2)` is `($1, $2), ($3, $4)`. Anonymous on SQLite, `(?, ?), (?, ?)`: sqlx asks SQLite the
/// name of each numbered parameter, and SQLite finds it by walking the list of names, so
/// a statement of n numbered parameters costs n²/2 steps (at 900 a statement, a sixth of
/// the CPU of 5,000 stand-ups firing at once).
pub(crate) fn value_rows(c: &Conn, rows: usize, per_row: usize) -> String {
    placeholders(is_postgres(c), rows, per_row)
}

fn placeholders(numbered: bool, rows: usize, per_row: usize) -> String {
    (0..rows)
        .map(|i| {
            let own: Vec<String> = (1..=per_row)
                .map(|k| if numbered { format!("${}", per_row * i + k) } else { "?".to_string() })
                .collect();
            format!("({})", own.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which of `keys` an `INSERT … ON CONFLICT DO NOTHING RETURNING` of them inserted, from
/// the keys it returned (in any order): a key given twice is new the first time only.
pub(crate) fn which_are_new(keys: &[(&str, &str)], mut inserted: Vec<(String, String)>) -> Vec<bool> {
    keys.iter()
        .map(|(a, b)| match inserted.iter().position(|(x, y)| x == a && y == b) {
            Some(i) => {
                inserted.swap_remove(i);
                true
            }
            None => false,
        })
        .collect()
}

/// How many ids or rows one statement of many carries: well under SQLite's and
/// Postgres's parameter limits.
pub(crate) const ID_CHUNK: usize = 300;

#[cfg(test)]
mod tests {
    #[test]
    fn an_insert_tells_each_key_it_stored_once_whatever_the_order_it_returned_them_in() {
        let inserted = vec![("slack".to_string(), "E2".to_string()), ("slack".to_string(), "E1".to_string())];
        let keys = [("slack", "E1"), ("slack", "E0"), ("slack", "E2"), ("slack", "E1")];
        assert_eq!(super::which_are_new(&keys, inserted), vec![true, false, true, false]);
    }

    #[test]
    fn value_rows_are_numbered_in_order_on_postgres_and_anonymous_on_sqlite() {
        assert_eq!(super::placeholders(true, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::placeholders(true, 1, 2), "($1, $2)");
        assert_eq!(super::placeholders(false, 2, 2), "(?, ?), (?, ?)");
    }
}
