//! Blockers raised in stand-up answers: opened, listed, resolved, escalated.

use super::rounds::Round;
use crate::store::{Conn, checked, from_ms, ms};
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    pub id: i64,
    pub team_id: i64,
    pub standup_id: i64,
    pub round_id: i64,
    pub member_id: i64,
    pub body: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
}

pub async fn open_blocker(
    c: &mut Conn,
    round: &Round,
    member_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let r = sqlx::query(
        "INSERT INTO blockers (team_id, standup_id, round_id, member_id, body, opened_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(round.team_id)
    .bind(round.standup_id)
    .bind(round.id)
    .bind(member_id)
    .bind(body)
    .bind(ms(now))
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get(0)?)
}

const B_COLUMNS: &str = "id, team_id, standup_id, round_id, member_id, body, opened_at, resolved_at, escalated_at";

fn blocker_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Blocker> {
    Ok(Blocker {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        standup_id: r.try_get(2)?,
        round_id: r.try_get(3)?,
        member_id: r.try_get(4)?,
        body: r.try_get(5)?,
        opened_at: from_ms(r.try_get(6)?),
        resolved_at: r.try_get::<Option<i64>, _>(7)?.map(from_ms),
        escalated_at: r.try_get::<Option<i64>, _>(8)?.map(from_ms),
    })
}

pub async fn blocker(c: &mut Conn, id: i64) -> anyhow::Result<Option<Blocker>> {
    let r = sqlx::query(checked(format!("SELECT {B_COLUMNS} FROM blockers WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    r.as_ref().map(blocker_from_row).transpose()
}

/// Open blockers of a team, or of one member when `member_id` is given.
pub async fn open_blockers(c: &mut Conn, team_id: i64, member_id: Option<i64>) -> anyhow::Result<Vec<Blocker>> {
    let rows = sqlx::query(checked(format!(
        "SELECT {B_COLUMNS} FROM blockers WHERE team_id = $1 AND resolved_at IS NULL AND ($2 = 0 OR member_id = $2) ORDER BY id"
    )))
    .bind(team_id)
    .bind(member_id.unwrap_or(0))
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(blocker_from_row).collect()
}

/// Open blockers of these teams, oldest first.
pub async fn open_of_teams(c: &mut Conn, team_ids: &[i64]) -> anyhow::Result<Vec<Blocker>> {
    let mut found = Vec::new();
    for chunk in team_ids.chunks(crate::store::ID_CHUNK) {
        let ids = crate::store::id_list(chunk.iter().copied());
        let sql =
            format!("SELECT {B_COLUMNS} FROM blockers WHERE team_id IN ({ids}) AND resolved_at IS NULL ORDER BY id");
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            found.push(blocker_from_row(&r)?);
        }
    }
    Ok(found)
}

pub async fn blockers_of_round(c: &mut Conn, round_id: i64) -> anyhow::Result<Vec<Blocker>> {
    let rows = sqlx::query(checked(format!("SELECT {B_COLUMNS} FROM blockers WHERE round_id = $1 ORDER BY id")))
        .bind(round_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(blocker_from_row).collect()
}

/// Marks a blocker resolved; false if it was resolved already.
pub async fn resolve_blocker(c: &mut Conn, id: i64, by: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE blockers SET resolved_at = $1, resolved_by = $2 WHERE id = $3 AND resolved_at IS NULL")
        .bind(ms(now))
        .bind(by)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn mark_escalated(c: &mut Conn, id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE blockers SET escalated_at = $1 WHERE id = $2").bind(ms(now)).bind(id).execute(&mut *c).await?;
    Ok(())
}
