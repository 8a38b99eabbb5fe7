//! Stand-up rounds, their participants and their answers.

use crate::core::model::Question;
use crate::core::standup::Status;
use crate::store::{Conn, checked, day, from_ms, ms, parse_day};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub id: i64,
    pub standup_id: i64,
    pub standup_name: String,
    pub team_id: i64,
    pub channel_id: i64,
    pub day: NaiveDate,
    pub questions: Vec<Question>,
    pub opened_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    pub fired_late: bool,
    pub reported_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    pub standup_id: i64,
    pub standup_name: &'a str,
    pub team_id: i64,
    pub channel_id: i64,
    pub day: NaiveDate,
    pub questions: &'a [Question],
    pub opened_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    pub fired_late: bool,
}

pub(super) const COLUMNS: &str = "id, standup_id, standup_name, team_id, channel_id, day, questions, opened_at, deadline_at, fired_late, reported_at";

pub(super) fn from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Round> {
    Ok(Round {
        id: r.try_get(0)?,
        standup_id: r.try_get(1)?,
        standup_name: r.try_get(2)?,
        team_id: r.try_get(3)?,
        channel_id: r.try_get(4)?,
        day: parse_day(&r.try_get::<String, _>(5)?)?,
        questions: serde_json::from_str(&r.try_get::<String, _>(6)?).context("stored questions")?,
        opened_at: from_ms(r.try_get(7)?),
        deadline_at: from_ms(r.try_get(8)?),
        fired_late: r.try_get::<i64, _>(9)? != 0,
        reported_at: r.try_get::<Option<i64>, _>(10)?.map(from_ms),
    })
}

pub async fn get(c: &mut Conn, id: i64) -> anyhow::Result<Round> {
    let r = sqlx::query(checked(format!("SELECT {COLUMNS} FROM rounds WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *c)
        .await
        .with_context(|| format!("loading round {id}"))?;
    from_row(&r)
}

/// Rounds of a team with a day in `from..=to`, oldest first.
pub async fn in_period(c: &mut Conn, team_id: i64, from: NaiveDate, to: NaiveDate) -> anyhow::Result<Vec<Round>> {
    let rows = sqlx::query(checked(format!(
        "SELECT {COLUMNS} FROM rounds WHERE team_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, id"
    )))
    .bind(team_id)
    .bind(day(from))
    .bind(day(to))
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Take the round's row lock until the transaction ends (on Postgres; SQLite has one
/// writer). Every change to a round's participants starts here, so an answer and the
/// report at the deadline never interleave.
pub async fn lock(c: &mut Conn, id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE rounds SET reported_at = reported_at WHERE id = $1").bind(id).execute(&mut *c).await?;
    Ok(())
}

/// `lock` and `get` in one statement.
pub async fn lock_and_get(c: &mut Conn, id: i64) -> anyhow::Result<Round> {
    let r =
        sqlx::query(checked(format!("UPDATE rounds SET reported_at = reported_at WHERE id = $1 RETURNING {COLUMNS}")))
            .bind(id)
            .fetch_one(&mut *c)
            .await
            .with_context(|| format!("locking round {id}"))?;
    from_row(&r)
}

pub async fn mark_reported(c: &mut Conn, id: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE rounds SET reported_at = $1 WHERE id = $2 AND reported_at IS NULL")
        .bind(ms(now))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn extend_deadline(c: &mut Conn, id: i64, deadline: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE rounds SET deadline_at = $1 WHERE id = $2 AND deadline_at < $1")
        .bind(ms(deadline))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub round_id: i64,
    pub member_id: i64,
    pub status: Status,
    pub asked_at: Option<DateTime<Utc>>,
    pub next_question: usize,
    pub answered_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub reminders_sent: i64,
}

pub(super) const P_COLUMNS: &str =
    "round_id, member_id, status, asked_at, next_question, answered_at, late, reminders_sent";

pub(super) fn participant_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Participant> {
    Ok(Participant {
        round_id: r.try_get(0)?,
        member_id: r.try_get(1)?,
        status: Status::parse(&r.try_get::<String, _>(2)?).context("stored participant status")?,
        asked_at: r.try_get::<Option<i64>, _>(3)?.map(from_ms),
        next_question: usize::try_from(r.try_get::<i64, _>(4)?).unwrap_or(0),
        answered_at: r.try_get::<Option<i64>, _>(5)?.map(from_ms),
        late: r.try_get::<i64, _>(6)? != 0,
        reminders_sent: r.try_get(7)?,
    })
}

pub async fn participants(c: &mut Conn, round_id: i64) -> anyhow::Result<Vec<Participant>> {
    let rows = sqlx::query(checked(format!(
        "SELECT {P_COLUMNS} FROM round_participants WHERE round_id = $1 ORDER BY member_id"
    )))
    .bind(round_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(participant_from_row).collect()
}

/// Whether anyone in the round still owes an answer: at most one row comes back, however
/// large the team.
pub async fn anyone_waiting(c: &mut Conn, round_id: i64) -> anyhow::Result<bool> {
    let [pending, asked] = Status::WAITING.map(Status::code);
    let r = sqlx::query("SELECT 1 FROM round_participants WHERE round_id = $1 AND status IN ($2, $3) LIMIT 1")
        .bind(round_id)
        .bind(pending)
        .bind(asked)
        .fetch_optional(&mut *c)
        .await?;
    Ok(r.is_some())
}

pub async fn participant(c: &mut Conn, round_id: i64, member_id: i64) -> anyhow::Result<Option<Participant>> {
    let r = sqlx::query(checked(format!(
        "SELECT {P_COLUMNS} FROM round_participants WHERE round_id = $1 AND member_id = $2"
    )))
    .bind(round_id)
    .bind(member_id)
    .fetch_optional(&mut *c)
    .await?;
    r.as_ref().map(participant_from_row).transpose()
}

/// The member's most recent round still waiting for their answers, if any.
pub async fn open_for_member(c: &mut Conn, member_id: i64) -> anyhow::Result<Option<Participant>> {
    let r = sqlx::query(checked(format!(
        "SELECT {P_COLUMNS} FROM round_participants WHERE member_id = $1 AND status = 'asked' ORDER BY round_id DESC LIMIT 1"
    )))
    .bind(member_id)
    .fetch_optional(&mut *c)
    .await?;
    r.as_ref().map(participant_from_row).transpose()
}

/// The member's most recent round they were asked in (answered or not), if any.
pub async fn latest_for_member(c: &mut Conn, member_id: i64) -> anyhow::Result<Option<Participant>> {
    let r = sqlx::query(checked(format!(
        "SELECT {P_COLUMNS} FROM round_participants WHERE member_id = $1 AND status IN ('asked', 'answered') ORDER BY round_id DESC LIMIT 1"
    )))
    .bind(member_id)
    .fetch_optional(&mut *c)
    .await?;
    r.as_ref().map(participant_from_row).transpose()
}

pub async fn save_participant(c: &mut Conn, p: &Participant) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE round_participants SET status = $1, asked_at = $2, next_question = $3, answered_at = $4, late = $5, reminders_sent = $6 \
         WHERE round_id = $7 AND member_id = $8",
    )
    .bind(p.status.code())
    .bind(p.asked_at.map(ms))
    .bind(i64::try_from(p.next_question).unwrap_or(0))
    .bind(p.answered_at.map(ms))
    .bind(i64::from(p.late))
    .bind(p.reminders_sent)
    .bind(p.round_id)
    .bind(p.member_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn save_answer(
    c: &mut Conn,
    round_id: i64,
    member_id: i64,
    index: usize,
    question: &str,
    body: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO answers (round_id, member_id, question_index, question, body, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (round_id, member_id, question_index) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(round_id)
    .bind(member_id)
    .bind(i64::try_from(index).unwrap_or(0))
    .bind(question)
    .bind(body)
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A member's answers in a round, by question index.
pub async fn answers(c: &mut Conn, round_id: i64, member_id: i64) -> anyhow::Result<Vec<(usize, String)>> {
    let rows = sqlx::query(
        "SELECT question_index, body FROM answers WHERE round_id = $1 AND member_id = $2 ORDER BY question_index",
    )
    .bind(round_id)
    .bind(member_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok((usize::try_from(r.try_get::<i64, _>(0)?).unwrap_or(0), r.try_get(1)?))).collect()
}

/// Every answer of a round, by member, in question order: one query for a whole report.
pub async fn answers_of_round(c: &mut Conn, round_id: i64) -> anyhow::Result<HashMap<i64, Vec<(usize, String)>>> {
    let rows =
        sqlx::query("SELECT member_id, question_index, body FROM answers WHERE round_id = $1 ORDER BY question_index")
            .bind(round_id)
            .fetch_all(&mut *c)
            .await?;
    let mut by_member: HashMap<i64, Vec<(usize, String)>> = HashMap::new();
    for r in &rows {
        let index = usize::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0);
        by_member.entry(r.try_get(0)?).or_default().push((index, r.try_get(2)?));
    }
    Ok(by_member)
}

/// A member's place in each of the team's rounds from `from` to `to`, with how many of
/// their answers each holds: two queries, whatever the number of rounds.
pub async fn member_period(
    c: &mut Conn,
    team_id: i64,
    member_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Vec<(Round, Participant, usize)>> {
    let rounds = in_period(c, team_id, from, to).await?;
    let rows = sqlx::query(checked(format!(
        "SELECT {P_COLUMNS}, (SELECT COUNT(*) FROM answers a WHERE a.round_id = p.round_id AND a.member_id = p.member_id) \
         FROM round_participants p JOIN rounds r ON r.id = p.round_id \
         WHERE p.member_id = $1 AND r.team_id = $2 AND r.day >= $3 AND r.day <= $4"
    )))
    .bind(member_id)
    .bind(team_id)
    .bind(day(from))
    .bind(day(to))
    .fetch_all(&mut *c)
    .await?;
    let mut mine: HashMap<i64, (Participant, usize)> = HashMap::new();
    for r in &rows {
        let p = participant_from_row(r)?;
        let answered = usize::try_from(r.try_get::<i64, _>(8)?).unwrap_or(0);
        mine.insert(p.round_id, (p, answered));
    }
    Ok(rounds.into_iter().filter_map(|r| mine.remove(&r.id).map(|(p, n)| (r, p, n))).collect())
}
