//! Stand-up definitions. Their settings are one JSON document (`core::model::StandupSettings`).

pub mod blockers;
pub mod history;
pub mod opening;
pub mod personal;
pub mod rounds;

use super::{Conn, checked, ms};
use crate::core::model::StandupSettings;
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Standup {
    pub id: i64,
    pub team_id: i64,
    pub channel_id: i64,
    pub settings: StandupSettings,
    pub paused: bool,
}

impl Standup {
    pub fn name(&self) -> &str {
        &self.settings.name
    }

    /// The stand-up's own zone; a stored name that is no zone is an internal error.
    pub fn zone(&self) -> anyhow::Result<chrono_tz::Tz> {
        super::stored("stand-up zone", self.settings.tz.clone(), |v| v.parse().ok())
    }
}

const COLUMNS: &str = "id, team_id, channel_id, settings, paused";

fn from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Standup> {
    let settings: String = r.try_get(3)?;
    Ok(Standup {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        channel_id: r.try_get(2)?,
        settings: serde_json::from_str(&settings).context("stored stand-up settings")?,
        paused: r.try_get::<i64, _>(4)? != 0,
    })
}

/// Creates a stand-up; `None` when the team already has one with that name.
pub async fn create(
    c: &mut Conn,
    team_id: i64,
    channel_id: i64,
    s: &StandupSettings,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO standups (team_id, name, channel_id, settings, paused, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $6, $6) ON CONFLICT (team_id, name) DO NOTHING RETURNING id",
    )
    .bind(team_id)
    .bind(&s.name)
    .bind(channel_id)
    .bind(serde_json::to_string(s)?)
    .bind(created_by)
    .bind(ms(now))
    .fetch_optional(&mut *c)
    .await
    .context("creating a stand-up")?;
    row.map(|r| r.try_get(0).map_err(Into::into)).transpose()
}

pub async fn update(
    c: &mut Conn,
    id: i64,
    channel_id: i64,
    s: &StandupSettings,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE standups SET settings = $1, channel_id = $2, updated_at = $3 WHERE id = $4")
        .bind(serde_json::to_string(s)?)
        .bind(channel_id)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn set_paused(c: &mut Conn, id: i64, paused: bool) -> anyhow::Result<()> {
    sqlx::query("UPDATE standups SET paused = $1 WHERE id = $2")
        .bind(i64::from(paused))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM jobs WHERE kind = 'standup_open' AND subject_id = $1").bind(id).execute(&mut *c).await?;
    sqlx::query("DELETE FROM standups WHERE id = $1").bind(id).execute(&mut *c).await?;
    Ok(())
}

pub async fn by_name(c: &mut Conn, team_id: i64, name: &str) -> anyhow::Result<Option<Standup>> {
    let r = sqlx::query(checked(format!("SELECT {COLUMNS} FROM standups WHERE team_id = $1 AND name = $2")))
        .bind(team_id)
        .bind(name)
        .fetch_optional(&mut *c)
        .await?;
    r.as_ref().map(from_row).transpose()
}

pub async fn get(c: &mut Conn, id: i64) -> anyhow::Result<Option<Standup>> {
    let r = sqlx::query(checked(format!("SELECT {COLUMNS} FROM standups WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    r.as_ref().map(from_row).transpose()
}

/// The stand-ups of these ids that exist, by id.
pub async fn get_many(c: &mut Conn, ids: &[i64]) -> anyhow::Result<std::collections::HashMap<i64, Standup>> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(super::ID_CHUNK) {
        let sql = format!("SELECT {COLUMNS} FROM standups WHERE id IN ({})", super::id_list(chunk.iter().copied()));
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            let s = from_row(&r)?;
            found.insert(s.id, s);
        }
    }
    Ok(found)
}

pub async fn list(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<Standup>> {
    let rows = sqlx::query(checked(format!("SELECT {COLUMNS} FROM standups WHERE team_id = $1 ORDER BY name")))
        .bind(team_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}
