//! Leases held by one process: renewed while it works (the heartbeat), and taken back
//! when it starts again after a crash, so its work waits for no expiry.

use super::{Conn, checked, ms};
use chrono::{DateTime, Utc};

/// The tables whose rows are claimed with a lease, each with what its leased rows are
/// among: those due by `$3`, read through the table's index on its due time.
const LEASED: [(&str, &str); 3] = [
    ("outbox", "delivered_at IS NULL AND next_attempt_at <= $3"),
    ("inbox", "done_at IS NULL AND next_attempt_at <= $3"),
    ("jobs", "due_at <= $3"),
];

/// Extend every lease `owner` holds to `until`; returns how many rows it holds.
///
/// Leases are found through the due time, not the owner: only a due row is ever leased
/// (a claim leases rows due by its `now`, and every change that makes a row due later
/// frees it), so the rows leased are among those due by `now`. An index on the owner
/// would make each claim and release write the row's index entries again (on Postgres,
/// 200 jobs claimed took 1.7× as long).
pub async fn renew(c: &mut Conn, owner: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> anyhow::Result<u64> {
    let mut held = 0;
    for (table, due) in LEASED {
        let sql = format!("UPDATE {table} SET lease_until = $1 WHERE lease_owner = $2 AND {due}");
        let q = sqlx::query(checked(sql)).bind(ms(until)).bind(owner).bind(ms(now));
        held += q.execute(&mut *c).await?.rows_affected();
    }
    Ok(held)
}

/// Free the leases `owner` holds (`None`: every lease, for the one process a SQLite file
/// allows); returns how many were freed. Only for a process that is starting: no work of
/// its own runs under them. Once a start, it reads every row (no index on the owner, above).
pub async fn release(c: &mut Conn, owner: Option<&str>) -> anyhow::Result<u64> {
    let mut freed = 0;
    for (table, _) in LEASED {
        let sql = format!(
            "UPDATE {table} SET lease_owner = NULL, lease_until = NULL \
             WHERE lease_owner IS NOT NULL AND ($1 IS NULL OR lease_owner = $1)"
        );
        freed += sqlx::query(checked(sql)).bind(owner).execute(&mut *c).await?.rows_affected();
    }
    Ok(freed)
}

/// Proof that this process is the only one running as its instance: on SQLite, the only
/// `tandem serve` on the file (a lock beside it); on Postgres, the only replica with its
/// name (an advisory lock on a connection kept open). Dropped, it lets the next one in.
#[derive(Debug)]
pub enum InstanceHold {
    File(std::fs::File),
    Connection(Box<Conn>),
    /// An in-memory SQLite database: no other process can open it.
    Memory,
}

/// Take the hold for `instance` on the database at `url`, or say who has it.
pub async fn hold(store: &super::Store, url: &str, instance: &str) -> anyhow::Result<InstanceHold> {
    use anyhow::Context;
    match store.dialect {
        super::Dialect::Sqlite => {
            let Some(path) = sqlite_path(url) else { return Ok(InstanceHold::Memory) };
            // The same file however the URL names it (relative, through a link).
            let path = std::fs::canonicalize(&path).map(|p| p.display().to_string()).unwrap_or(path);
            let lock = format!("{path}-tandem.lock");
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock)
                .with_context(|| format!("opening {lock}"))?;
            match file.try_lock() {
                Ok(()) => Ok(InstanceHold::File(file)),
                Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                    "another `tandem serve` is running on {path}: a SQLite file takes one (use Postgres for several replicas)"
                ),
                Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {lock}")),
            }
        }
        super::Dialect::Postgres => {
            let mut conn = store.pool.acquire().await?.detach();
            let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(7411, hashtext($1))")
                .bind(instance)
                .fetch_one(&mut conn)
                .await?;
            if !held {
                anyhow::bail!(
                    "another replica is running as instance {instance:?}: give each replica its own TANDEM_INSTANCE"
                );
            }
            Ok(InstanceHold::Connection(Box::new(conn)))
        }
    }
}

/// Hold on until the hold is lost: on Postgres, its connection is checked every `every`
/// and this returns when it fails (the lock went with it); otherwise it never returns.
pub async fn keep(hold: InstanceHold, every: std::time::Duration) {
    let InstanceHold::Connection(mut conn) = hold else {
        let _hold = hold;
        return std::future::pending().await;
    };
    loop {
        tokio::time::sleep(every).await;
        let held: Result<bool, _> = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted)",
        )
        .fetch_one(&mut *conn)
        .await;
        if !matches!(held, Ok(true)) {
            return;
        }
    }
}

/// The file of a `sqlite://path?…` URL; `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:") && !url.contains("mode=memory")).then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn the_lock_sits_beside_the_sqlite_file_and_memory_needs_none() {
        assert_eq!(sqlite_path("sqlite://data/tandem.db?mode=rwc").as_deref(), Some("data/tandem.db"));
        assert_eq!(sqlite_path("sqlite:///var/lib/tandem/t.db").as_deref(), Some("/var/lib/tandem/t.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("sqlite://file?mode=memory"), None);
    }
}
