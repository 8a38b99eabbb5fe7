//! Polls, who they ask, and their votes, each under its voter's key.

use super::{Conn, from_ms, ms};
use crate::core::poll::{PollSettings, Tally};
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Poll {
    pub id: i64,
    pub team_id: i64,
    pub channel_id: i64,
    pub question: String,
    pub settings: PollSettings,
    /// The HMAC key of an anonymous poll; `None` for a named poll and once closed.
    pub secret: Option<crate::secret::Secret>,
    pub created_by: i64,
    pub closes_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The tally kept at close.
    pub result: Option<Tally>,
}

impl Poll {
    pub fn anonymous(&self) -> bool {
        self.settings.anonymous
    }

    /// The key a member's votes are stored under.
    pub fn voter_key(&self, member_id: i64) -> String {
        let secret = self.secret.as_ref().map(crate::secret::Secret::expose);
        crate::core::anonymous::author_key(if self.anonymous() { secret } else { None }, member_id)
    }

    /// The tag of what is deleted when an anonymous poll closes.
    pub fn forget_tag(&self) -> Option<String> {
        self.anonymous().then(|| format!("poll:{}", self.id))
    }
}

const POLL: &str =
    "SELECT id, team_id, channel_id, question, settings, secret, created_by, closes_at, closed_at, result FROM polls";

fn poll_from(r: &sqlx::any::AnyRow) -> anyhow::Result<Poll> {
    let settings: String = r.try_get(4)?;
    let result: Option<String> = r.try_get(9)?;
    Ok(Poll {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        channel_id: r.try_get(2)?,
        question: r.try_get(3)?,
        settings: serde_json::from_str(&settings).context("stored poll settings")?,
        secret: r.try_get::<Option<String>, _>(5)?.map(crate::secret::Secret::new),
        created_by: r.try_get(6)?,
        closes_at: r.try_get::<Option<i64>, _>(7)?.map(from_ms),
        closed_at: r.try_get::<Option<i64>, _>(8)?.map(from_ms),
        result: result.map(|r| serde_json::from_str(&r)).transpose().context("stored poll result")?,
    })
}

/// A new poll; its id.
#[allow(clippy::too_many_arguments)] // reason: one argument per column, each a plain value
pub async fn create(
    c: &mut Conn,
    team_id: i64,
    channel_id: i64,
    question: &str,
    settings: &PollSettings,
    secret: Option<&str>,
    created_by: i64,
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let r = sqlx::query(
        "INSERT INTO polls (team_id, channel_id, question, settings, secret, created_by, created_at, closes_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(team_id)
    .bind(channel_id)
    .bind(question)
    .bind(serde_json::to_string(settings)?)
    .bind(secret)
    .bind(created_by)
    .bind(ms(now))
    .bind(closes_at.map(ms))
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get(0)?)
}

/// The team's poll `id`, if it has one.
pub async fn get(c: &mut Conn, team_id: i64, id: i64) -> anyhow::Result<Option<Poll>> {
    let sql = super::checked(format!("{POLL} WHERE id = $1 AND team_id = $2"));
    sqlx::query(sql).bind(id).bind(team_id).fetch_optional(&mut *c).await?.as_ref().map(poll_from).transpose()
}

/// The poll, its row locked first so that votes and a close never interleave on Postgres.
pub async fn locked(c: &mut Conn, id: i64) -> anyhow::Result<Option<Poll>> {
    sqlx::query("UPDATE polls SET id = id WHERE id = $1").bind(id).execute(&mut *c).await?;
    let sql = super::checked(format!("{POLL} WHERE id = $1"));
    sqlx::query(sql).bind(id).fetch_optional(&mut *c).await?.as_ref().map(poll_from).transpose()
}

/// The team's polls, newest first.
pub async fn list(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<Poll>> {
    let sql = super::checked(format!("{POLL} WHERE team_id = $1 ORDER BY id DESC"));
    sqlx::query(sql).bind(team_id).fetch_all(&mut *c).await?.iter().map(poll_from).collect()
}

pub async fn add_audience(c: &mut Conn, poll_id: i64, member_id: i64) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO poll_audience (poll_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(poll_id)
        .bind(member_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn audience(c: &mut Conn, poll_id: i64) -> anyhow::Result<Vec<i64>> {
    let rows = sqlx::query("SELECT member_id FROM poll_audience WHERE poll_id = $1 ORDER BY member_id")
        .bind(poll_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Every vote: (voter key, option index).
pub async fn votes(c: &mut Conn, poll_id: i64) -> anyhow::Result<Vec<(String, usize)>> {
    let rows =
        sqlx::query("SELECT voter, option_index FROM poll_votes WHERE poll_id = $1 ORDER BY voter, option_index")
            .bind(poll_id)
            .fetch_all(&mut *c)
            .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? as usize))).collect()
}

/// One voter's picks.
pub async fn picks_of(c: &mut Conn, poll_id: i64, voter: &str) -> anyhow::Result<Vec<usize>> {
    let rows =
        sqlx::query("SELECT option_index FROM poll_votes WHERE poll_id = $1 AND voter = $2 ORDER BY option_index")
            .bind(poll_id)
            .bind(voter)
            .fetch_all(&mut *c)
            .await?;
    rows.iter().map(|r| Ok(r.try_get::<i64, _>(0)? as usize)).collect()
}

/// Replace one voter's picks (none: the vote is withdrawn).
pub async fn set_picks(
    c: &mut Conn,
    poll_id: i64,
    voter: &str,
    picks: &[usize],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM poll_votes WHERE poll_id = $1 AND voter = $2")
        .bind(poll_id)
        .bind(voter)
        .execute(&mut *c)
        .await?;
    for p in picks {
        sqlx::query("INSERT INTO poll_votes (poll_id, voter, option_index, voted_at) VALUES ($1, $2, $3, $4)")
            .bind(poll_id)
            .bind(voter)
            .bind(*p as i64)
            .bind(ms(now))
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Close the poll once: the tally is kept and the secret goes. False when it was closed
/// already (a deadline, a quorum and a command racing).
pub async fn close(c: &mut Conn, id: i64, tally: &Tally, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let r =
        sqlx::query("UPDATE polls SET closed_at = $1, secret = NULL, result = $2 WHERE id = $3 AND closed_at IS NULL")
            .bind(ms(now))
            .bind(serde_json::to_string(tally)?)
            .bind(id)
            .execute(&mut *c)
            .await?;
    Ok(r.rows_affected() == 1)
}

/// An anonymous poll's votes go once its totals are kept: no key, no time of a vote stays.
pub async fn unlink(c: &mut Conn, id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM poll_votes WHERE poll_id = $1").bind(id).execute(&mut *c).await?;
    Ok(())
}

/// Open a closed poll again until `closes_at`.
pub async fn reopen(c: &mut Conn, id: i64, closes_at: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE polls SET closed_at = NULL, result = NULL, closes_at = $1 WHERE id = $2")
        .bind(ms(closes_at))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, id: i64) -> anyhow::Result<()> {
    for sql in [
        "DELETE FROM poll_votes WHERE poll_id = $1",
        "DELETE FROM poll_audience WHERE poll_id = $1",
        "DELETE FROM polls WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    Ok(())
}

/// A member's votes in named polls: the question and the option picked. An anonymous
/// poll's votes are keyed by a hash, not by them, and are not theirs to export.
pub async fn personal_data(c: &mut Conn, member_id: i64) -> anyhow::Result<serde_json::Value> {
    let rows = sqlx::query(
        "SELECT p.id, p.question, p.settings, v.option_index, v.voted_at FROM poll_votes v JOIN polls p ON p.id = v.poll_id \
         WHERE v.voter = $1 ORDER BY p.id, v.option_index",
    )
    .bind(crate::core::anonymous::author_key(None, member_id))
    .fetch_all(&mut *c)
    .await?;
    let mut votes = Vec::new();
    for r in rows {
        let settings: PollSettings =
            serde_json::from_str(&r.try_get::<String, _>(2)?).context("stored poll settings")?;
        let option = settings.options.get(r.try_get::<i64, _>(3)? as usize).cloned().unwrap_or_default();
        votes.push(serde_json::json!({
            "poll": r.try_get::<i64, _>(0)?,
            "question": r.try_get::<String, _>(1)?,
            "option": option,
            "voted_at": from_ms(r.try_get(4)?).to_rfc3339(),
        }));
    }
    Ok(if votes.is_empty() { serde_json::Value::Null } else { serde_json::json!({ "votes": votes }) })
}

/// A member's named votes and places in audiences go; kept tallies stay (they name no
/// one); questions and settings naming them read the pseudonym.
pub async fn erase(c: &mut Conn, e: &crate::core::team::personal::Erasure) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM poll_votes WHERE voter = $1")
        .bind(crate::core::anonymous::author_key(None, e.member_id))
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM poll_audience WHERE member_id = $1").bind(e.member_id).execute(&mut *c).await?;
    let team = Some(format!("team_id = {}", e.team_id));
    super::personal::rewrite(c, "polls", "id", &["settings"], team.clone(), |t| e.in_settings(t)).await?;
    super::personal::rewrite(c, "polls", "id", &["question", "result"], team, |t| e.in_text(t)).await?;
    Ok(())
}
