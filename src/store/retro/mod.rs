//! Retros and their runs. Settings are one JSON document (`core::retro::RetroSettings`);
//! a run keeps a copy, so a retro edited mid-run does not change the run.

pub mod actions;
pub mod cards;
pub mod personal;

use super::{Conn, from_ms, ms};
use crate::core::retro::{Phase, RetroSettings};
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Retro {
    pub id: i64,
    pub team_id: i64,
    pub channel_id: i64,
    pub settings: RetroSettings,
    pub created_by: Option<i64>,
}

impl Retro {
    /// The retro's own zone; a stored name that is no zone is an internal error.
    pub fn zone(&self) -> anyhow::Result<chrono_tz::Tz> {
        super::stored("retro zone", self.settings.tz.clone(), |v| v.parse().ok())
    }
}

/// One retro held once.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub id: i64,
    pub retro_id: i64,
    pub retro_name: String,
    pub team_id: i64,
    pub channel_id: i64,
    pub sprint_number: Option<i64>,
    pub settings: RetroSettings,
    /// The HMAC key of an anonymous run; `None` for a named run and once closed.
    pub secret: Option<crate::secret::Secret>,
    pub facilitator_id: Option<i64>,
    pub phase: Phase,
    pub phase_deadline: DateTime<Utc>,
    pub opened_at: DateTime<Utc>,
    /// Counted at close, when the keys that told them apart are gone.
    pub contributors: i64,
    pub voters: i64,
    pub closed: bool,
}

impl Run {
    pub fn anonymous(&self) -> bool {
        self.settings.anonymous
    }

    /// The key a member's cards, ratings and votes are stored under.
    pub fn author_key(&self, member_id: i64) -> String {
        let secret = self.secret.as_ref().map(crate::secret::Secret::expose);
        crate::core::retro::author_key(if self.anonymous() { secret } else { None }, member_id)
    }

    /// The tag of what is deleted when an anonymous run closes.
    pub fn forget_tag(&self) -> Option<String> {
        self.anonymous().then(|| format!("retro:{}", self.id))
    }
}

fn retro_from(r: &sqlx::any::AnyRow) -> anyhow::Result<Retro> {
    let settings: String = r.try_get(3)?;
    Ok(Retro {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        channel_id: r.try_get(2)?,
        settings: serde_json::from_str(&settings).context("stored retro settings")?,
        created_by: r.try_get(4)?,
    })
}

const RETRO: &str = "SELECT id, team_id, channel_id, settings, created_by FROM retros";

pub async fn create(
    c: &mut Conn,
    team_id: i64,
    channel_id: i64,
    s: &RetroSettings,
    created_by: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO retros (team_id, name, channel_id, settings, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (team_id, name) DO NOTHING RETURNING id",
    )
    .bind(team_id)
    .bind(&s.name)
    .bind(channel_id)
    .bind(serde_json::to_string(s)?)
    .bind(created_by)
    .bind(ms(now))
    .fetch_optional(&mut *c)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

pub async fn update(
    c: &mut Conn,
    id: i64,
    channel_id: i64,
    s: &RetroSettings,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE retros SET channel_id = $1, settings = $2, updated_at = $3 WHERE id = $4")
        .bind(channel_id)
        .bind(serde_json::to_string(s)?)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM retros WHERE id = $1").bind(id).execute(&mut *c).await?;
    Ok(())
}

pub async fn by_name(c: &mut Conn, team_id: i64, name: &str) -> anyhow::Result<Option<Retro>> {
    let sql = super::checked(format!("{RETRO} WHERE team_id = $1 AND name = $2"));
    let r = sqlx::query(sql).bind(team_id).bind(name).fetch_optional(&mut *c).await?;
    r.as_ref().map(retro_from).transpose()
}

pub async fn get(c: &mut Conn, id: i64) -> anyhow::Result<Option<Retro>> {
    let sql = super::checked(format!("{RETRO} WHERE id = $1"));
    let r = sqlx::query(sql).bind(id).fetch_optional(&mut *c).await?;
    r.as_ref().map(retro_from).transpose()
}

pub async fn list(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<Retro>> {
    let sql = super::checked(format!("{RETRO} WHERE team_id = $1 ORDER BY name"));
    let rows = sqlx::query(sql).bind(team_id).fetch_all(&mut *c).await?;
    rows.iter().map(retro_from).collect()
}

const RUN: &str = "SELECT id, retro_id, retro_name, team_id, channel_id, sprint_number, settings, secret, facilitator_id, \
                   phase, phase_deadline, opened_at, contributors, voters, closed_at FROM retro_runs";

fn run_from(r: &sqlx::any::AnyRow) -> anyhow::Result<Run> {
    let settings: String = r.try_get(6)?;
    Ok(Run {
        id: r.try_get(0)?,
        retro_id: r.try_get(1)?,
        retro_name: r.try_get(2)?,
        team_id: r.try_get(3)?,
        channel_id: r.try_get(4)?,
        sprint_number: r.try_get(5)?,
        settings: serde_json::from_str(&settings).context("stored run settings")?,
        secret: r.try_get::<Option<String>, _>(7)?.map(crate::secret::Secret::new),
        facilitator_id: r.try_get(8)?,
        phase: super::stored("retro phase", r.try_get(9)?, Phase::parse)?,
        phase_deadline: from_ms(r.try_get(10)?),
        opened_at: from_ms(r.try_get(11)?),
        contributors: r.try_get(12)?,
        voters: r.try_get(13)?,
        closed: r.try_get::<Option<i64>, _>(14)?.is_some(),
    })
}

/// A new run, in its collect phase until `deadline`; `None` when the retro has one open
/// already (a command and the schedule racing).
#[allow(clippy::too_many_arguments)]
pub async fn open_run(
    c: &mut Conn,
    retro: &Retro,
    sprint_number: Option<i64>,
    secret: Option<&str>,
    facilitator_id: Option<i64>,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let r = sqlx::query(
        "INSERT INTO retro_runs (retro_id, retro_name, team_id, channel_id, sprint_number, settings, secret, facilitator_id, phase, phase_deadline, opened_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'collect', $9, $10) ON CONFLICT (retro_id) WHERE closed_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(retro.id)
    .bind(&retro.settings.name)
    .bind(retro.team_id)
    .bind(retro.channel_id)
    .bind(sprint_number)
    .bind(serde_json::to_string(&retro.settings)?)
    .bind(secret)
    .bind(facilitator_id)
    .bind(ms(deadline))
    .bind(ms(now))
    .fetch_optional(&mut *c)
    .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

/// The run, its row locked until the transaction ends: cards, votes and phase changes of
/// one run are then applied one at a time (on Postgres; SQLite has one writer anyway).
pub async fn locked_run(c: &mut Conn, id: i64) -> anyhow::Result<Run> {
    sqlx::query("UPDATE retro_runs SET id = id WHERE id = $1").bind(id).execute(&mut *c).await?;
    run(c, id).await
}

pub async fn run(c: &mut Conn, id: i64) -> anyhow::Result<Run> {
    let sql = super::checked(format!("{RUN} WHERE id = $1"));
    run_from(&sqlx::query(sql).bind(id).fetch_one(&mut *c).await?)
}

/// The team's runs not closed yet, oldest first.
pub async fn open_runs(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<Run>> {
    let sql = super::checked(format!("{RUN} WHERE team_id = $1 AND closed_at IS NULL ORDER BY id"));
    let rows = sqlx::query(sql).bind(team_id).fetch_all(&mut *c).await?;
    rows.iter().map(run_from).collect()
}

/// A retro's runs, newest first.
pub async fn runs_of(c: &mut Conn, retro_id: i64, limit: i64) -> anyhow::Result<Vec<Run>> {
    let sql = super::checked(format!("{RUN} WHERE retro_id = $1 ORDER BY id DESC LIMIT $2"));
    let rows = sqlx::query(sql).bind(retro_id).bind(limit).fetch_all(&mut *c).await?;
    rows.iter().map(run_from).collect()
}

/// Move a run to `phase`, until `deadline`; false when it was not in `from` (someone
/// else advanced it first).
pub async fn set_phase(
    c: &mut Conn,
    id: i64,
    from: Phase,
    phase: Phase,
    deadline: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE retro_runs SET phase = $1, phase_deadline = $2 WHERE id = $3 AND phase = $4")
        .bind(phase.code())
        .bind(ms(deadline))
        .bind(id)
        .bind(from.code())
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Close a run: the counts and the summary stay, the secret goes, and so does whatever
/// still told one participant's input from another's (see `cards::unlink`).
pub async fn close(
    c: &mut Conn,
    id: i64,
    (contributors, voters): (i64, i64),
    summary: &serde_json::Value,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE retro_runs SET closed_at = $1, secret = NULL, contributors = $2, voters = $3, summary = $4 WHERE id = $5",
    )
    .bind(ms(now))
    .bind(contributors)
    .bind(voters)
    .bind(summary.to_string())
    .bind(id)
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE retro_participants SET prompt_cursor = 0 WHERE run_id = $1").bind(id).execute(&mut *c).await?;
    Ok(())
}

/// A closed run's summary, as kept.
pub async fn summary(c: &mut Conn, id: i64) -> anyhow::Result<Option<serde_json::Value>> {
    let r = sqlx::query("SELECT summary FROM retro_runs WHERE id = $1").bind(id).fetch_one(&mut *c).await?;
    let s: Option<String> = r.try_get(0)?;
    Ok(s.map(|s| serde_json::from_str(&s)).transpose()?)
}

pub async fn add_participant(c: &mut Conn, run_id: i64, member_id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO retro_participants (run_id, member_id, asked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(run_id)
    .bind(member_id)
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn participants(c: &mut Conn, run_id: i64) -> anyhow::Result<Vec<i64>> {
    let rows = sqlx::query("SELECT member_id FROM retro_participants WHERE run_id = $1 ORDER BY member_id")
        .bind(run_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The open run collecting this member's cards that asked them last, with when it asked
/// and the prompt their plain lines go to.
pub async fn collecting_for(c: &mut Conn, member_id: i64) -> anyhow::Result<Option<(i64, DateTime<Utc>, usize)>> {
    let r = sqlx::query(
        "SELECT p.run_id, p.asked_at, p.prompt_cursor FROM retro_participants p JOIN retro_runs r ON r.id = p.run_id \
         WHERE p.member_id = $1 AND r.phase = 'collect' ORDER BY p.asked_at DESC, p.run_id DESC LIMIT 1",
    )
    .bind(member_id)
    .fetch_optional(&mut *c)
    .await?;
    r.map(|r| Ok((r.try_get(0)?, from_ms(r.try_get(1)?), r.try_get::<i64, _>(2)? as usize))).transpose()
}

pub async fn set_cursor(c: &mut Conn, run_id: i64, member_id: i64, cursor: usize) -> anyhow::Result<()> {
    sqlx::query("UPDATE retro_participants SET prompt_cursor = $1 WHERE run_id = $2 AND member_id = $3")
        .bind(cursor as i64)
        .bind(run_id)
        .bind(member_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
