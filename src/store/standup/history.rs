//! Answers over a period, for history, stats and export.

use crate::store::{Conn, day, from_ms, parse_day};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;

/// One participant in one round, with their answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub round_id: i64,
    pub standup: String,
    pub day: NaiveDate,
    pub member_id: i64,
    pub member: String,
    pub status: String,
    pub late: bool,
    pub answered_at: Option<DateTime<Utc>>,
    /// The round's report is out (so a missing answer is final).
    pub reported: bool,
    pub answers: Vec<QA>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QA {
    pub question: String,
    pub answer: String,
}

/// Every participation of the team in `from..=to` (one member's with `member_id`), oldest first.
pub async fn entries(
    c: &mut Conn,
    team_id: i64,
    member_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT r.id, r.standup_name, r.day, p.member_id, m.name, p.status, p.late, p.answered_at, r.reported_at \
         FROM round_participants p JOIN rounds r ON r.id = p.round_id JOIN members m ON m.id = p.member_id \
         WHERE r.team_id = $1 AND r.day >= $2 AND r.day <= $3 AND ($4 = 0 OR p.member_id = $4) \
         ORDER BY r.day, r.standup_name, m.name",
    )
    .bind(team_id)
    .bind(day(from))
    .bind(day(to))
    .bind(member_id.unwrap_or(0))
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Entry {
            round_id: r.try_get(0)?,
            standup: r.try_get(1)?,
            day: parse_day(&r.try_get::<String, _>(2)?)?,
            member_id: r.try_get(3)?,
            member: r.try_get(4)?,
            status: r.try_get(5)?,
            late: r.try_get::<i64, _>(6)? != 0,
            answered_at: r.try_get::<Option<i64>, _>(7)?.map(from_ms),
            reported: r.try_get::<Option<i64>, _>(8)?.is_some(),
            answers: Vec::new(),
        });
    }
    for e in &mut out {
        let rows = sqlx::query(
            "SELECT question, body FROM answers WHERE round_id = $1 AND member_id = $2 ORDER BY question_index",
        )
        .bind(e.round_id)
        .bind(e.member_id)
        .fetch_all(&mut *c)
        .await?;
        e.answers = rows
            .iter()
            .map(|r| Ok(QA { question: r.try_get(0)?, answer: r.try_get(1)? }))
            .collect::<anyhow::Result<_>>()?;
    }
    Ok(out)
}
