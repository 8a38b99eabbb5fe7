//! Action items: agreed in a retro (or on their own), owned, due, followed until done.

use super::{Conn, from_ms, ms};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: i64,
    pub team_id: i64,
    pub run_id: Option<i64>,
    pub theme_number: Option<i64>,
    pub body: String,
    pub owner_id: Option<i64>,
    pub due: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "SELECT id, team_id, run_id, theme_number, body, owner_id, due_day, done_at, created_at FROM retro_actions";

fn from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Action> {
    let due: Option<String> = r.try_get(6)?;
    Ok(Action {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        run_id: r.try_get(2)?,
        theme_number: r.try_get(3)?,
        body: r.try_get(4)?,
        owner_id: r.try_get(5)?,
        due: due.map(|d| crate::store::parse_day(&d)).transpose()?,
        done_at: r.try_get::<Option<i64>, _>(7)?.map(from_ms),
        created_at: from_ms(r.try_get(8)?),
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn add(
    c: &mut Conn,
    team_id: i64,
    run_id: Option<i64>,
    theme: Option<i64>,
    body: &str,
    owner: Option<i64>,
    due: Option<NaiveDate>,
    created_by: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let r = sqlx::query(
        "INSERT INTO retro_actions (team_id, run_id, theme_number, body, owner_id, due_day, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(team_id)
    .bind(run_id)
    .bind(theme)
    .bind(body)
    .bind(owner)
    .bind(due.map(crate::store::day))
    .bind(created_by)
    .bind(ms(now))
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get(0)?)
}

pub async fn get(c: &mut Conn, team_id: i64, id: i64) -> anyhow::Result<Option<Action>> {
    let sql = crate::store::checked(format!("{COLUMNS} WHERE team_id = $1 AND id = $2"));
    let r = sqlx::query(sql).bind(team_id).bind(id).fetch_optional(&mut *c).await?;
    r.as_ref().map(from_row).transpose()
}

/// The team's actions, oldest first: every one, or only those still open.
pub async fn of_team(c: &mut Conn, team_id: i64, open_only: bool) -> anyhow::Result<Vec<Action>> {
    let filter = if open_only { " AND done_at IS NULL" } else { "" };
    let sql = crate::store::checked(format!("{COLUMNS} WHERE team_id = $1{filter} ORDER BY id"));
    let rows = sqlx::query(sql).bind(team_id).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// The actions agreed in the runs of one retro before run `before`, oldest first.
pub async fn of_retro_before(c: &mut Conn, retro_id: i64, before: i64) -> anyhow::Result<Vec<Action>> {
    let sql = crate::store::checked(format!(
        "{COLUMNS} WHERE run_id IN (SELECT id FROM retro_runs WHERE retro_id = $1 AND id < $2) ORDER BY id"
    ));
    let rows = sqlx::query(sql).bind(retro_id).bind(before).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

pub async fn of_run(c: &mut Conn, run_id: i64) -> anyhow::Result<Vec<Action>> {
    let sql = crate::store::checked(format!("{COLUMNS} WHERE run_id = $1 ORDER BY id"));
    let rows = sqlx::query(sql).bind(run_id).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// Open actions owned by `member_id`.
pub async fn open_of_member(c: &mut Conn, member_id: i64) -> anyhow::Result<Vec<Action>> {
    let sql = crate::store::checked(format!("{COLUMNS} WHERE owner_id = $1 AND done_at IS NULL ORDER BY id"));
    let rows = sqlx::query(sql).bind(member_id).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// Open actions owned by any of these members, oldest first.
pub async fn open_of_members(c: &mut Conn, member_ids: &[i64]) -> anyhow::Result<Vec<Action>> {
    let mut found = Vec::new();
    for chunk in member_ids.chunks(crate::store::ID_CHUNK) {
        let ids = crate::store::id_list(chunk.iter().copied());
        let sql = crate::store::checked(format!("{COLUMNS} WHERE owner_id IN ({ids}) AND done_at IS NULL ORDER BY id"));
        for r in sqlx::query(sql).fetch_all(&mut *c).await? {
            found.push(from_row(&r)?);
        }
    }
    Ok(found)
}

/// Mark done; false when it was already.
pub async fn done(c: &mut Conn, id: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE retro_actions SET done_at = $1 WHERE id = $2 AND done_at IS NULL")
        .bind(ms(now))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn edit(c: &mut Conn, a: &Action) -> anyhow::Result<()> {
    sqlx::query("UPDATE retro_actions SET body = $1, owner_id = $2, due_day = $3 WHERE id = $4")
        .bind(&a.body)
        .bind(a.owner_id)
        .bind(a.due.map(crate::store::day))
        .bind(a.id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Remember the key of the latest note about an action in its owner's DM.
pub async fn set_note_key(c: &mut Conn, id: i64, key: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE retro_actions SET note_key = $1 WHERE id = $2").bind(key).bind(id).execute(&mut *c).await?;
    Ok(())
}

pub async fn note_key(c: &mut Conn, id: i64) -> anyhow::Result<Option<String>> {
    let r = sqlx::query("SELECT note_key FROM retro_actions WHERE id = $1").bind(id).fetch_one(&mut *c).await?;
    Ok(r.try_get(0)?)
}
