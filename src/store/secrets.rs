//! The secrets Tandem stores, sealed (`secret::seal`): the check at start-up (every sealed
//! value opens with the configured keys), the sealing of values stored in clear before,
//! and the re-sealing of every value under a new key (`tandem secret rotate`).

use super::{Store, platform};
use crate::secret::seal::{self, Keyring, SealError};
use anyhow::Context;
use sqlx::Row;

/// A column holding a secret, and the columns that name its row.
#[derive(Debug, Clone, Copy)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
    pub key: &'static [&'static str],
}

/// Every stored secret. Web chat session tokens are not here: only their SHA-256 is kept
/// (migration 0007). Discord's bot token lives in the configuration only.
pub const SEALED: &[SealedColumn] = &[platform::BOT_TOKEN];

impl SealedColumn {
    /// The associated data of one row's value: table, column and key values, as a JSON
    /// array so that no two rows can spell the same text.
    pub fn row(&self, key_values: &[&str]) -> String {
        let parts: Vec<&str> = [self.table, self.column].into_iter().chain(key_values.iter().copied()).collect();
        serde_json::Value::from(parts).to_string()
    }
}

/// One stored secret as read: its row's key values and its stored form.
struct Stored {
    key: Vec<String>,
    value: String,
}

async fn read(tx: &mut super::Tx, col: &SealedColumn) -> anyhow::Result<Vec<Stored>> {
    let sql =
        format!("SELECT {}, {} FROM {} WHERE {} IS NOT NULL", col.key.join(", "), col.column, col.table, col.column);
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| {
            let key = (0..col.key.len()).map(|i| r.try_get::<String, _>(i)).collect::<Result<_, _>>()?;
            Ok(Stored { key, value: r.try_get(col.key.len())? })
        })
        .collect()
}

/// Replace `old` by `new` in one row; a row changed meanwhile (another replica) is left.
async fn write(tx: &mut super::Tx, col: &SealedColumn, s: &Stored, new: &str) -> anyhow::Result<()> {
    let n = col.key.len();
    let conditions: Vec<String> = col.key.iter().enumerate().map(|(i, k)| format!("{k} = ${}", i + 2)).collect();
    let sql = format!(
        "UPDATE {} SET {} = $1 WHERE {} AND {} = ${}",
        col.table,
        col.column,
        conditions.join(" AND "),
        col.column,
        n + 2
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(new.to_string());
    for v in &s.key {
        q = q.bind(v.clone());
    }
    q.bind(s.value.clone()).execute(&mut **tx).await?;
    Ok(())
}

fn row_of(col: &SealedColumn, s: &Stored) -> String {
    let key: Vec<&str> = s.key.iter().map(String::as_str).collect();
    col.row(&key)
}

/// What start-up found: values sealed now (they were in clear and a key is set), and
/// values left in clear (no key is set).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    pub sealed_now: usize,
    pub in_clear: usize,
}

/// At start-up: every sealed value must open with the configured keys (else Tandem does
/// not start, saying which key is missing), and values in clear are sealed when a key is
/// set, in one transaction.
pub async fn prepare(store: &Store, keys: &Keyring) -> anyhow::Result<Prepared> {
    let mut tx = store.begin().await?;
    let mut found = Prepared::default();
    for col in SEALED {
        for s in read(&mut tx, col).await? {
            let row = row_of(col, &s);
            if !seal::is_sealed(&s.value) {
                match keys.seal(&s.value, &row) {
                    Ok(sealed) => {
                        write(&mut tx, col, &s, sealed.expose()).await?;
                        found.sealed_now += 1;
                    }
                    Err(SealError::NoKey) => found.in_clear += 1,
                    Err(e) => return Err(e.into()),
                }
                continue;
            }
            if let Err(e) = keys.open(&s.value, &row) {
                return Err(refusal(col, keys, &s.value, e));
            }
        }
    }
    tx.commit().await?;
    Ok(found)
}

/// The start-up refusal: which stored secret, which key it needs, what to set. Never the
/// secret or a key.
fn refusal(col: &SealedColumn, keys: &Keyring, stored: &str, e: SealError) -> anyhow::Error {
    let what = format!("the database holds secrets sealed with a key ({}.{})", col.table, col.column);
    let id = seal::key_id_of(stored).unwrap_or("?");
    match (e, keys.current_id()) {
        (SealError::UnknownKey(_), None) => anyhow::anyhow!(
            "{what}, and TANDEM_SECRET_KEY is not set: set TANDEM_SECRET_KEY to the key they were sealed with \
             (key id {id}); Tandem does not start without it"
        ),
        (SealError::UnknownKey(_), Some(current)) => anyhow::anyhow!(
            "{what} whose id is {id}, but TANDEM_SECRET_KEY has id {current} and no TANDEM_SECRET_KEY_OLD has it: \
             set TANDEM_SECRET_KEY to that key, or give it as TANDEM_SECRET_KEY_OLD and run `tandem secret rotate`"
        ),
        (e, _) => anyhow::Error::new(e).context(what),
    }
}

/// Re-seal every stored secret under the current key, in one transaction; a value in
/// clear is sealed too. Returns how many values were re-sealed.
pub async fn rotate(store: &Store, keys: &Keyring) -> anyhow::Result<usize> {
    if keys.current_id().is_none() {
        return Err(SealError::NoKey.into());
    }
    let mut tx = store.begin().await?;
    let mut n = 0;
    for col in SEALED {
        for s in read(&mut tx, col).await? {
            let row = row_of(col, &s);
            let plain = keys.open(&s.value, &row).map_err(|e| refusal(col, keys, &s.value, e))?;
            let sealed = keys.seal(plain.expose(), &row)?;
            write(&mut tx, col, &s, sealed.expose()).await?;
            n += 1;
        }
    }
    tx.commit().await.context("saving the re-sealed secrets")?;
    Ok(n)
}
