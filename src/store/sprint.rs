//! Sprints and sprint cadences.

use super::{Conn, checked, day, from_ms, ms, parse_day};
use crate::core::sprint::Sprint;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// A team's sprint cadence as stored: sprints of `length_days` from `start_day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SprintCadenceRow {
    pub start_day: NaiveDate,
    pub length_days: u32,
}

/// A sprint about to start.
#[derive(Debug, Clone)]
pub struct NewSprint<'a> {
    pub number: i64,
    pub goal: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub created_by: Option<i64>,
}

const COLUMNS: &str = "id, team_id, number, goal, start_day, end_day, ended_at";

fn from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Sprint> {
    Ok(Sprint {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        number: r.try_get(2)?,
        goal: r.try_get(3)?,
        start: parse_day(&r.try_get::<String, _>(4)?)?,
        end: parse_day(&r.try_get::<String, _>(5)?)?,
        ended_at: r.try_get::<Option<i64>, _>(6)?.map(from_ms),
    })
}

/// Starts a sprint; `None` when the team has one with that number already (another
/// replica's rollover won).
pub async fn create(c: &mut Conn, team_id: i64, s: &NewSprint<'_>, now: DateTime<Utc>) -> anyhow::Result<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO sprints (team_id, number, goal, start_day, end_day, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (team_id, number) DO NOTHING RETURNING id",
    )
    .bind(team_id)
    .bind(s.number)
    .bind(s.goal)
    .bind(day(s.start))
    .bind(day(s.end))
    .bind(s.created_by)
    .bind(ms(now))
    .fetch_optional(&mut *c)
    .await
    .context("starting a sprint")?;
    row.map(|r| r.try_get(0).map_err(Into::into)).transpose()
}

/// The running sprint: the team's latest one not ended.
pub async fn current(c: &mut Conn, team_id: i64) -> anyhow::Result<Option<Sprint>> {
    let sql =
        format!("SELECT {COLUMNS} FROM sprints WHERE team_id = $1 AND ended_at IS NULL ORDER BY number DESC LIMIT 1");
    let r = sqlx::query(checked(sql)).bind(team_id).fetch_optional(&mut *c).await?;
    r.as_ref().map(from_row).transpose()
}

/// The team's sprint numbered `number`.
pub async fn by_number(c: &mut Conn, team_id: i64, number: i64) -> anyhow::Result<Option<Sprint>> {
    let sql = format!("SELECT {COLUMNS} FROM sprints WHERE team_id = $1 AND number = $2");
    let r = sqlx::query(checked(sql)).bind(team_id).bind(number).fetch_optional(&mut *c).await?;
    r.as_ref().map(from_row).transpose()
}

/// The team's last `limit` sprints, newest first.
pub async fn recent(c: &mut Conn, team_id: i64, limit: i64) -> anyhow::Result<Vec<Sprint>> {
    let sql = format!("SELECT {COLUMNS} FROM sprints WHERE team_id = $1 ORDER BY number DESC LIMIT $2");
    let rows = sqlx::query(checked(sql)).bind(team_id).bind(limit).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// The highest sprint number the team has used; 0 before its first sprint.
pub async fn last_number(c: &mut Conn, team_id: i64) -> anyhow::Result<i64> {
    let r = sqlx::query("SELECT MAX(number) FROM sprints WHERE team_id = $1").bind(team_id).fetch_one(&mut *c).await?;
    Ok(r.try_get::<Option<i64>, _>(0)?.unwrap_or(0))
}

pub async fn set_goal(c: &mut Conn, id: i64, goal: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE sprints SET goal = $1 WHERE id = $2").bind(goal).bind(id).execute(&mut *c).await?;
    Ok(())
}

/// Moves a running sprint's last day.
pub async fn set_end_day(c: &mut Conn, id: i64, end: NaiveDate) -> anyhow::Result<()> {
    sqlx::query("UPDATE sprints SET end_day = $1 WHERE id = $2").bind(day(end)).bind(id).execute(&mut *c).await?;
    Ok(())
}

/// Ends a sprint: `end` is its last day.
pub async fn end(c: &mut Conn, id: i64, end: NaiveDate, now: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE sprints SET end_day = $1, ended_at = $2 WHERE id = $3 AND ended_at IS NULL")
        .bind(day(end))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// The team's sprint cadence, if it has one.
pub async fn cadence(c: &mut Conn, team_id: i64) -> anyhow::Result<Option<SprintCadenceRow>> {
    let r = sqlx::query("SELECT start_day, length_days FROM sprint_cadences WHERE team_id = $1")
        .bind(team_id)
        .fetch_optional(&mut *c)
        .await?;
    let Some(r) = r else { return Ok(None) };
    let length: i64 = r.try_get(1)?;
    Ok(Some(SprintCadenceRow {
        start_day: parse_day(&r.try_get::<String, _>(0)?)?,
        length_days: u32::try_from(length).with_context(|| format!("stored sprint length {length}"))?,
    }))
}

/// Sets (or replaces) the team's sprint cadence.
pub async fn set_cadence(c: &mut Conn, team_id: i64, row: SprintCadenceRow, now: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO sprint_cadences (team_id, start_day, length_days, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (team_id) DO UPDATE SET start_day = excluded.start_day, length_days = excluded.length_days, \
         updated_at = excluded.updated_at",
    )
    .bind(team_id)
    .bind(day(row.start_day))
    .bind(i64::from(row.length_days))
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Removes the team's sprint cadence; false when it had none.
pub async fn remove_cadence(c: &mut Conn, team_id: i64) -> anyhow::Result<bool> {
    let r = sqlx::query("DELETE FROM sprint_cadences WHERE team_id = $1").bind(team_id).execute(&mut *c).await?;
    Ok(r.rows_affected() > 0)
}

/// Sprint goals that name an erased member read the pseudonym.
pub async fn erase(c: &mut Conn, e: &crate::core::team::personal::Erasure) -> anyhow::Result<()> {
    let team = Some(format!("team_id = {}", e.team_id));
    super::personal::rewrite(c, "sprints", "id", &["goal"], team, |t| e.in_text(t)).await?;
    Ok(())
}
