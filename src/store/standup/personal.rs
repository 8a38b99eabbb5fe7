//! A member's stand-up data: their answers and blockers, exported, erased, and answers
//! past the retention period deleted.

use crate::core::team::personal::Erasure;
use crate::store::personal::rewrite;
use crate::store::{Conn, from_ms, ms};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::Row;

/// Their answers (stand-up, day, question, answer) and the blockers they raised.
pub async fn personal_data(c: &mut Conn, member_id: i64) -> anyhow::Result<Value> {
    let rows = sqlx::query(
        "SELECT r.standup_name, r.day, a.question, a.body, a.updated_at FROM answers a JOIN rounds r ON r.id = a.round_id \
         WHERE a.member_id = $1 ORDER BY r.day, r.standup_name, a.question_index",
    )
    .bind(member_id)
    .fetch_all(&mut *c)
    .await?;
    let answers: Vec<Value> = rows
        .iter()
        .map(|r| {
            Ok(json!({
                "standup": r.try_get::<String, _>(0)?,
                "day": r.try_get::<String, _>(1)?,
                "question": r.try_get::<String, _>(2)?,
                "answer": r.try_get::<String, _>(3)?,
                "answered_at": from_ms(r.try_get(4)?).to_rfc3339(),
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    let rows = sqlx::query("SELECT body, opened_at, resolved_at FROM blockers WHERE member_id = $1 ORDER BY id")
        .bind(member_id)
        .fetch_all(&mut *c)
        .await?;
    let blockers: Vec<Value> = rows
        .iter()
        .map(|r| {
            let resolved: Option<i64> = r.try_get(2)?;
            Ok(json!({
                "blocker": r.try_get::<String, _>(0)?,
                "opened_at": from_ms(r.try_get(1)?).to_rfc3339(),
                "resolved_at": resolved.map(|t| from_ms(t).to_rfc3339()),
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    if answers.is_empty() && blockers.is_empty() {
        return Ok(Value::Null);
    }
    Ok(json!({ "answers": answers, "blockers": blockers }))
}

/// Their answers, blockers and places in rounds go; what others wrote and the stand-ups'
/// settings name them by the pseudonym.
pub async fn erase(c: &mut Conn, e: &Erasure, escalate_kind: &str) -> anyhow::Result<()> {
    let m = e.member_id;
    sqlx::query("DELETE FROM jobs WHERE kind = $1 AND subject_id IN (SELECT id FROM blockers WHERE member_id = $2)")
        .bind(escalate_kind)
        .bind(m)
        .execute(&mut *c)
        .await?;
    for sql in [
        "DELETE FROM answers WHERE member_id = $1",
        "DELETE FROM blockers WHERE member_id = $1",
        "DELETE FROM round_participants WHERE member_id = $1",
        "UPDATE blockers SET resolved_by = NULL WHERE resolved_by = $1",
    ] {
        sqlx::query(sql).bind(m).execute(&mut *c).await?;
    }
    let team = format!("team_id = {}", e.team_id);
    let rounds = format!("round_id IN (SELECT id FROM rounds WHERE {team})");
    rewrite(c, "standups", "id", &["settings"], Some(team.clone()), |t| e.in_settings(t)).await?;
    rewrite(c, "blockers", "id", &["body"], Some(team), |t| e.in_text(t)).await?;
    answers_rewrite(c, &rounds, e).await
}

/// Others' answers that name them (answers have no id of their own: keyed by round,
/// member and question).
async fn answers_rewrite(c: &mut Conn, rounds: &str, e: &Erasure) -> anyhow::Result<()> {
    let select = format!("SELECT round_id, member_id, question_index, body FROM answers WHERE {rounds}");
    for r in sqlx::query(sqlx::AssertSqlSafe(select)).fetch_all(&mut *c).await? {
        let body: String = r.try_get(3)?;
        let new = e.in_text(&body);
        if new != body {
            sqlx::query("UPDATE answers SET body = $1 WHERE round_id = $2 AND member_id = $3 AND question_index = $4")
                .bind(new)
                .bind(r.try_get::<i64, _>(0)?)
                .bind(r.try_get::<i64, _>(1)?)
                .bind(r.try_get::<i64, _>(2)?)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// Retention: answers to rounds opened before `before` go, and blockers resolved before
/// it (their text is an answer). Open blockers stay: someone still follows them.
pub async fn prune(c: &mut Conn, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let r = sqlx::query("DELETE FROM answers WHERE round_id IN (SELECT id FROM rounds WHERE opened_at < $1)")
        .bind(ms(before))
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM blockers WHERE resolved_at IS NOT NULL AND resolved_at < $1")
        .bind(ms(before))
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected())
}
