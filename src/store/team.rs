//! Teams, members, channels, holidays and time off.

use super::{Conn, checked, day, ms, parse_day};
use crate::core::Locale;
use crate::core::model::{Member, QuietHours, Role, TimeOff, TimeOffKind};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub locale: Locale,
    pub tz: chrono_tz::Tz,
}

/// Creates a team; fails if the name is taken.
pub async fn create_team(
    c: &mut Conn,
    name: &str,
    locale: Locale,
    tz: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    create_team_if_new(c, name, locale, tz, now)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a team named {name} exists already"))
}

/// Creates a team unless one has that name; `None` when it existed (another replica won).
pub async fn create_team_if_new(
    c: &mut Conn,
    name: &str,
    locale: Locale,
    tz: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO teams (name, locale, tz, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(locale.code())
    .bind(tz)
    .bind(ms(now))
    .fetch_optional(&mut *c)
    .await
    .context("creating a team")?;
    row.map(|r| r.try_get(0).map_err(Into::into)).transpose()
}

pub async fn count_teams(c: &mut Conn) -> anyhow::Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM teams").fetch_one(&mut *c).await?.try_get(0)?)
}

fn team_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Team> {
    team_at(r, 0)
}

/// A team read from the row's columns `at..at + 4` (id, name, locale, tz).
fn team_at(r: &sqlx::any::AnyRow, at: usize) -> anyhow::Result<Team> {
    Ok(Team {
        id: r.try_get(at)?,
        name: r.try_get(at + 1)?,
        locale: super::stored("team locale", r.try_get(at + 2)?, Locale::parse)?,
        tz: super::stored("team zone", r.try_get(at + 3)?, |v| v.parse().ok())?,
    })
}

pub async fn team(c: &mut Conn, id: i64) -> anyhow::Result<Team> {
    let r = sqlx::query("SELECT id, name, locale, tz FROM teams WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *c)
        .await
        .with_context(|| format!("loading team {id}"))?;
    team_from_row(&r)
}

pub async fn teams(c: &mut Conn) -> anyhow::Result<Vec<Team>> {
    let rows = sqlx::query("SELECT id, name, locale, tz FROM teams ORDER BY id").fetch_all(&mut *c).await?;
    rows.iter().map(team_from_row).collect()
}

/// A new member, as typed by whoever adds them.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    pub name: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub tz: &'a str,
    pub locale: Locale,
}

pub async fn add_member(c: &mut Conn, team_id: i64, m: &NewMember<'_>, now: DateTime<Utc>) -> anyhow::Result<i64> {
    let row = sqlx::query(
        "INSERT INTO members (team_id, name, display_name, role, tz, locale, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(team_id)
    .bind(m.name)
    .bind(m.display_name)
    .bind(m.role.code())
    .bind(m.tz)
    .bind(m.locale.code())
    .bind(ms(now))
    .fetch_one(&mut *c)
    .await
    .context("adding a member")?;
    Ok(row.try_get(0)?)
}

pub(super) const MEMBER_COLUMNS: &str = "id, team_id, name, display_name, role, tz, locale, quiet_start, quiet_end";

pub(super) fn member_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Member> {
    let quiet = match (r.try_get::<Option<String>, _>(7)?, r.try_get::<Option<String>, _>(8)?) {
        (Some(a), Some(b)) => Some(QuietHours {
            start: NaiveTime::parse_from_str(&a, "%H:%M").context("stored quiet start")?,
            end: NaiveTime::parse_from_str(&b, "%H:%M").context("stored quiet end")?,
        }),
        _ => None,
    };
    Ok(Member {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        name: r.try_get(2)?,
        display_name: r.try_get(3)?,
        role: super::stored("member role", r.try_get(4)?, Role::parse)?,
        tz: super::stored("member zone", r.try_get(5)?, |v| v.parse().ok())?,
        locale: super::stored("member locale", r.try_get(6)?, Locale::parse)?,
        quiet_hours: quiet,
    })
}

pub async fn member(c: &mut Conn, id: i64) -> anyhow::Result<Member> {
    let r = sqlx::query(checked(format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *c)
        .await
        .with_context(|| format!("loading member {id}"))?;
    member_from_row(&r)
}

/// A member and their team, in one read.
pub async fn member_and_team(c: &mut Conn, id: i64) -> anyhow::Result<(Member, Team)> {
    let columns = MEMBER_COLUMNS.split(", ").map(|col| format!("m.{col}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {columns}, t.id, t.name, t.locale, t.tz FROM members m JOIN teams t ON t.id = m.team_id WHERE m.id = $1"
    );
    let r = sqlx::query(checked(sql))
        .bind(id)
        .fetch_one(&mut *c)
        .await
        .with_context(|| format!("loading member {id} and their team"))?;
    Ok((member_from_row(&r)?, team_at(&r, MEMBER_COLUMNS.split(", ").count())?))
}

/// `member_and_team` of many members, `ID_CHUNK` a read. A member whose stored row does
/// not parse is left out: read alone, it says what is wrong.
pub async fn members_and_teams(c: &mut Conn, ids: &[i64]) -> anyhow::Result<HashMap<i64, (Member, Team)>> {
    let columns = MEMBER_COLUMNS.split(", ").map(|col| format!("m.{col}")).collect::<Vec<_>>().join(", ");
    let at = MEMBER_COLUMNS.split(", ").count();
    let mut out = HashMap::new();
    for chunk in ids.chunks(super::ID_CHUNK) {
        let sql = format!(
            "SELECT {columns}, t.id, t.name, t.locale, t.tz FROM members m JOIN teams t ON t.id = m.team_id \
             WHERE m.id IN ({})",
            super::id_list(chunk.iter().copied())
        );
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            if let (Ok(m), Ok(t)) = (member_from_row(&r), team_at(&r, at)) {
                out.insert(m.id, (m, t));
            }
        }
    }
    Ok(out)
}

pub async fn members(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<Member>> {
    let rows = sqlx::query(checked(format!(
        "SELECT {MEMBER_COLUMNS} FROM members WHERE team_id = $1 AND erased_at IS NULL ORDER BY name"
    )))
    .bind(team_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(member_from_row).collect()
}

pub async fn update_member_prefs(c: &mut Conn, m: &Member) -> anyhow::Result<()> {
    let fmt = |t: NaiveTime| t.format("%H:%M").to_string();
    sqlx::query(
        "UPDATE members SET tz = $1, locale = $2, quiet_start = $3, quiet_end = $4, prefs_chosen = 1 WHERE id = $5",
    )
    .bind(m.tz.name())
    .bind(m.locale.code())
    .bind(m.quiet_hours.map(|q| fmt(q.start)))
    .bind(m.quiet_hours.map(|q| fmt(q.end)))
    .bind(m.id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The member's zone and language were chosen (by them, or for them by a manager).
pub async fn mark_prefs_chosen(c: &mut Conn, member_id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE members SET prefs_chosen = 1 WHERE id = $1").bind(member_id).execute(&mut *c).await?;
    Ok(())
}

/// A zone and language from the member's chat client, taken unless they chose their
/// own (`/tandem me`); true when something changed.
pub async fn adopt_client_prefs(
    c: &mut Conn,
    member_id: i64,
    tz: Option<&str>,
    locale: Locale,
) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "UPDATE members SET tz = COALESCE($1, tz), locale = $2 \
         WHERE id = $3 AND prefs_chosen = 0 AND (locale <> $2 OR tz <> COALESCE($1, tz))",
    )
    .bind(tz)
    .bind(locale.code())
    .bind(member_id)
    .execute(&mut *c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The channel's id, creating it on first use.
pub async fn channel_id(c: &mut Conn, team_id: i64, name: &str) -> anyhow::Result<i64> {
    sqlx::query("INSERT INTO channels (team_id, name) VALUES ($1, $2) ON CONFLICT (team_id, name) DO NOTHING")
        .bind(team_id)
        .bind(name)
        .execute(&mut *c)
        .await?;
    let r = sqlx::query("SELECT id FROM channels WHERE team_id = $1 AND name = $2")
        .bind(team_id)
        .bind(name)
        .fetch_one(&mut *c)
        .await?;
    Ok(r.try_get(0)?)
}

pub async fn channel_name(c: &mut Conn, id: i64) -> anyhow::Result<Option<String>> {
    let r = sqlx::query("SELECT name FROM channels WHERE id = $1").bind(id).fetch_optional(&mut *c).await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: i64,
    pub team_id: i64,
    pub name: String,
}

pub async fn channels(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<Channel>> {
    let rows = sqlx::query("SELECT id, team_id, name FROM channels WHERE team_id = $1 ORDER BY name")
        .bind(team_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok(Channel { id: r.try_get(0)?, team_id: r.try_get(1)?, name: r.try_get(2)? })).collect()
}

pub async fn add_holiday(c: &mut Conn, team_id: i64, d: NaiveDate) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO holidays (team_id, day) VALUES ($1, $2) ON CONFLICT (team_id, day) DO NOTHING")
        .bind(team_id)
        .bind(day(d))
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Removes a holiday; false when there was none that day.
pub async fn remove_holiday(c: &mut Conn, team_id: i64, d: NaiveDate) -> anyhow::Result<bool> {
    let r = sqlx::query("DELETE FROM holidays WHERE team_id = $1 AND day = $2")
        .bind(team_id)
        .bind(day(d))
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn holidays(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<NaiveDate>> {
    let rows = sqlx::query("SELECT day FROM holidays WHERE team_id = $1 ORDER BY day")
        .bind(team_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| parse_day(&r.try_get::<String, _>(0)?)).collect()
}

pub async fn add_time_off(c: &mut Conn, member_id: i64, t: &TimeOff, now: DateTime<Utc>) -> anyhow::Result<()> {
    let kind = match t.kind {
        TimeOffKind::Away => "away",
        TimeOffKind::Skip => "skip",
    };
    sqlx::query("INSERT INTO time_off (member_id, from_day, to_day, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(member_id)
        .bind(day(t.from))
        .bind(day(t.to))
        .bind(kind)
        .bind(ms(now))
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn time_off(c: &mut Conn, member_id: i64) -> anyhow::Result<Vec<TimeOff>> {
    let rows = sqlx::query("SELECT from_day, to_day, kind FROM time_off WHERE member_id = $1 ORDER BY from_day")
        .bind(member_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| time_off_from_row(r, 0)).collect()
}

pub(super) fn time_off_from_row(r: &sqlx::any::AnyRow, at: usize) -> anyhow::Result<TimeOff> {
    Ok(TimeOff {
        from: parse_day(&r.try_get::<String, _>(at)?)?,
        to: parse_day(&r.try_get::<String, _>(at + 1)?)?,
        kind: if r.try_get::<String, _>(at + 2)? == "skip" { TimeOffKind::Skip } else { TimeOffKind::Away },
    })
}

/// A team's own zone and language (new members and default questions follow them).
pub async fn set_team_defaults(c: &mut Conn, team_id: i64, tz: &str, locale: Locale) -> anyhow::Result<()> {
    sqlx::query("UPDATE teams SET tz = $1, locale = $2 WHERE id = $3")
        .bind(tz)
        .bind(locale.code())
        .bind(team_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Whether the member was erased (their row is their pseudonym now).
pub async fn is_erased(c: &mut Conn, member_id: i64) -> anyhow::Result<bool> {
    let r = sqlx::query("SELECT erased_at FROM members WHERE id = $1").bind(member_id).fetch_optional(&mut *c).await?;
    Ok(r.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()?.flatten().is_some())
}

/// How many of the team's members were erased so far: the next pseudonym's number is one more.
pub async fn erasures(c: &mut Conn, team_id: i64) -> anyhow::Result<i64> {
    let r =
        sqlx::query("SELECT COUNT(*) FROM member_erasures WHERE team_id = $1").bind(team_id).fetch_one(&mut *c).await?;
    Ok(r.try_get(0)?)
}

/// The member becomes their pseudonym: no name, preference or time off of theirs is left,
/// and no list of members holds them any more. The audit row names ids and the pseudonym.
/// False, and nothing written, when they were erased already (a second click, a race).
pub async fn erase_member(
    c: &mut Conn,
    e: &crate::core::team::personal::Erasure,
    erased_by: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let team = team(c, e.team_id).await?;
    let renamed = sqlx::query(
        "UPDATE members SET name = $1, display_name = $2, tz = $3, locale = $4, quiet_start = NULL, quiet_end = NULL, \
         prefs_chosen = 0, erased_at = $5 WHERE id = $6 AND erased_at IS NULL",
    )
    .bind(&e.pseudonym_name)
    .bind(&e.pseudonym)
    .bind(team.tz.name())
    .bind(team.locale.code())
    .bind(ms(now))
    .bind(e.member_id)
    .execute(&mut *c)
    .await
    .context("renaming an erased member")?;
    if renamed.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM time_off WHERE member_id = $1").bind(e.member_id).execute(&mut *c).await?;
    sqlx::query(
        "INSERT INTO member_erasures (team_id, member_id, pseudonym, erased_by, erased_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(e.team_id)
    .bind(e.member_id)
    .bind(&e.pseudonym)
    .bind(erased_by)
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(true)
}
