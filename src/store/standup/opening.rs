//! Rounds opened many at once (the stand-ups due in one claim): each read or write here
//! covers every round of the claim in one statement a few hundred rows.

use super::rounds::{COLUMNS, NewRound, P_COLUMNS, Participant, Round, from_row, participant_from_row};
use crate::core::standup::Status;
use crate::store::{Conn, ID_CHUNK, checked, day, id_list, is_postgres, ms, parse_day, value_rows};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// The rounds that exist for these (stand-up, day) pairs.
pub async fn by_days(c: &mut Conn, keys: &[(i64, NaiveDate)]) -> anyhow::Result<HashMap<(i64, NaiveDate), Round>> {
    let wanted: HashSet<(i64, NaiveDate)> = keys.iter().copied().collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(ID_CHUNK) {
        let days: HashSet<String> = chunk.iter().map(|(_, d)| format!("'{}'", day(*d))).collect();
        let days = days.into_iter().collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT {COLUMNS} FROM rounds WHERE standup_id IN ({}) AND day IN ({days})",
            id_list(chunk.iter().map(|(id, _)| *id))
        );
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            let round = from_row(&r)?;
            if wanted.contains(&(round.standup_id, round.day)) {
                found.insert((round.standup_id, round.day), round);
            }
        }
    }
    Ok(found)
}

/// Create the rounds; the ids of those created, by (stand-up, day). A pair missing from
/// the answer had its round already (made by another replica at this very moment).
pub async fn create_many(c: &mut Conn, rounds: &[NewRound<'_>]) -> anyhow::Result<HashMap<(i64, NaiveDate), i64>> {
    let mut created = HashMap::with_capacity(rounds.len());
    for chunk in rounds.chunks(ID_CHUNK / 3) {
        let rows = value_rows(c, chunk.len(), 9);
        let sql = format!(
            "INSERT INTO rounds (standup_id, standup_name, team_id, channel_id, day, questions, opened_at, deadline_at, fired_late) \
             VALUES {rows} ON CONFLICT (standup_id, day) DO NOTHING RETURNING id, standup_id, day"
        );
        let mut q = sqlx::query(checked(sql));
        for r in chunk {
            q = q
                .bind(r.standup_id)
                .bind(r.standup_name.to_string())
                .bind(r.team_id)
                .bind(r.channel_id)
                .bind(day(r.day))
                .bind(serde_json::to_string(r.questions)?)
                .bind(ms(r.opened_at))
                .bind(ms(r.deadline_at))
                .bind(i64::from(r.fired_late));
        }
        for row in q.fetch_all(&mut *c).await.context("creating rounds")? {
            created.insert((row.try_get(1)?, parse_day(&row.try_get::<String, _>(2)?)?), row.try_get(0)?);
        }
    }
    Ok(created)
}

/// Add participants (round, member, status, when asked); one already there stays as it is.
pub async fn add_participants(c: &mut Conn, rows: &[(i64, i64, Status, Option<DateTime<Utc>>)]) -> anyhow::Result<()> {
    // 4 parameters a row: as many parameters a statement as `ID_CHUNK` rows of 3.
    for chunk in rows.chunks(ID_CHUNK * 3 / 4) {
        let values = value_rows(c, chunk.len(), 4);
        let sql = format!(
            "INSERT INTO round_participants (round_id, member_id, status, asked_at) VALUES {values} \
             ON CONFLICT (round_id, member_id) DO NOTHING"
        );
        let mut q = sqlx::query(checked(sql));
        for (round_id, member_id, status, asked_at) in chunk {
            q = q.bind(*round_id).bind(*member_id).bind(status.code()).bind(asked_at.map(ms));
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// `rounds::lock` for many rounds: their row locks, taken in id order, until the
/// transaction ends.
pub async fn lock_many(c: &mut Conn, ids: &[i64]) -> anyhow::Result<()> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    for chunk in ids.chunks(ID_CHUNK) {
        let ids = id_list(chunk.iter().copied());
        let sql = if is_postgres(c) {
            format!("SELECT id FROM rounds WHERE id IN ({ids}) ORDER BY id FOR UPDATE")
        } else {
            format!("UPDATE rounds SET reported_at = reported_at WHERE id IN ({ids})")
        };
        sqlx::query(checked(sql)).execute(&mut *c).await?;
    }
    Ok(())
}

pub async fn get_many(c: &mut Conn, ids: &[i64]) -> anyhow::Result<HashMap<i64, Round>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!("SELECT {COLUMNS} FROM rounds WHERE id IN ({})", id_list(chunk.iter().copied()));
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            let round = from_row(&r)?;
            found.insert(round.id, round);
        }
    }
    Ok(found)
}

/// Every participant of these rounds.
pub async fn participants_of(c: &mut Conn, round_ids: &[i64]) -> anyhow::Result<Vec<Participant>> {
    let mut found = Vec::new();
    for chunk in round_ids.chunks(ID_CHUNK) {
        let sql = format!(
            "SELECT {P_COLUMNS} FROM round_participants WHERE round_id IN ({})",
            id_list(chunk.iter().copied())
        );
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            found.push(participant_from_row(&r)?);
        }
    }
    Ok(found)
}

/// The participants of these (round, member) pairs that exist.
pub async fn participants_among(c: &mut Conn, pairs: &[(i64, i64)]) -> anyhow::Result<Vec<Participant>> {
    let mut found = Vec::new();
    for chunk in pairs.chunks(ID_CHUNK) {
        let sql = format!("SELECT {P_COLUMNS} FROM round_participants WHERE {}", pairs_in(chunk));
        for r in sqlx::query(checked(sql)).fetch_all(&mut *c).await? {
            found.push(participant_from_row(&r)?);
        }
    }
    Ok(found)
}

/// These (round, member) participants were asked at `now`.
pub async fn mark_asked(c: &mut Conn, pairs: &[(i64, i64)], now: DateTime<Utc>) -> anyhow::Result<()> {
    for chunk in pairs.chunks(ID_CHUNK) {
        let sql = format!("UPDATE round_participants SET status = $1, asked_at = $2 WHERE {}", pairs_in(chunk));
        sqlx::query(checked(sql)).bind(Status::Asked.code()).bind(ms(now)).execute(&mut *c).await?;
    }
    Ok(())
}

/// Those of these rounds where someone still owes an answer.
pub async fn waiting(c: &mut Conn, round_ids: &[i64]) -> anyhow::Result<HashSet<i64>> {
    let [pending, asked] = Status::WAITING.map(Status::code);
    let mut found = HashSet::new();
    for chunk in round_ids.chunks(ID_CHUNK) {
        let sql = format!(
            "SELECT DISTINCT round_id FROM round_participants WHERE round_id IN ({}) AND status IN ($1, $2)",
            id_list(chunk.iter().copied())
        );
        for r in sqlx::query(checked(sql)).bind(pending).bind(asked).fetch_all(&mut *c).await? {
            found.insert(r.try_get(0)?);
        }
    }
    Ok(found)
}

/// The condition "(round_id, member_id) is one of `pairs`", integers formatted here. The
/// rounds listed first let both databases read the primary key rather than every row.
fn pairs_in(pairs: &[(i64, i64)]) -> String {
    let rows = pairs.iter().map(|(a, b)| format!("({a}, {b})")).collect::<Vec<_>>().join(", ");
    let rounds = id_list(pairs.iter().map(|(round, _)| *round));
    format!("round_id IN ({rounds}) AND (round_id, member_id) IN (VALUES {rows})")
}
