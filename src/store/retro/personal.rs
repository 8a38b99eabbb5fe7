//! A member's retro data: the cards, votes and ratings they gave in named retros and the
//! actions they own. Anonymous input is keyed by a hash, not by them: it is neither
//! exported nor erased, and stays as it is unless its text names them.

use crate::core::anonymous::author_key;
use crate::core::team::personal::Erasure;
use crate::store::personal::rewrite;
use crate::store::{Conn, from_ms};
use serde_json::{Value, json};
use sqlx::Row;

/// Their named cards, votes and ratings, and the actions they own.
pub async fn personal_data(c: &mut Conn, member_id: i64) -> anyhow::Result<Value> {
    let key = author_key(None, member_id);
    let cards = sqlx::query(
        "SELECT r.retro_name, r.opened_at, c.number, c.body FROM retro_cards c JOIN retro_runs r ON r.id = c.run_id \
         WHERE c.author = $1 ORDER BY r.opened_at, c.number",
    )
    .bind(&key)
    .fetch_all(&mut *c)
    .await?;
    let cards: Vec<Value> = cards
        .iter()
        .map(|r| {
            Ok(json!({
                "retro": r.try_get::<String, _>(0)?,
                "opened_at": from_ms(r.try_get(1)?).to_rfc3339(),
                "card": r.try_get::<i64, _>(2)?,
                "text": r.try_get::<String, _>(3)?,
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    let votes = sqlx::query(
        "SELECT r.retro_name, t.title, v.dots FROM retro_votes v JOIN retro_runs r ON r.id = v.run_id \
         LEFT JOIN retro_themes t ON t.run_id = v.run_id AND t.number = v.theme_number WHERE v.voter = $1 \
         ORDER BY r.opened_at, v.theme_number",
    )
    .bind(&key)
    .fetch_all(&mut *c)
    .await?;
    let votes: Vec<Value> = votes
        .iter()
        .map(|r| {
            Ok(json!({
                "retro": r.try_get::<String, _>(0)?,
                "theme": r.try_get::<Option<String>, _>(1)?,
                "votes": r.try_get::<i64, _>(2)?,
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    let ratings = sqlx::query(
        "SELECT r.retro_name, g.question_index, g.score FROM retro_ratings g JOIN retro_runs r ON r.id = g.run_id \
         WHERE g.rater = $1 ORDER BY r.opened_at, g.question_index",
    )
    .bind(&key)
    .fetch_all(&mut *c)
    .await?;
    let ratings: Vec<Value> = ratings
        .iter()
        .map(|r| {
            Ok(json!({
                "retro": r.try_get::<String, _>(0)?,
                "question": r.try_get::<i64, _>(1)? + 1,
                "score": r.try_get::<i64, _>(2)?,
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    let actions = sqlx::query("SELECT body, due_day, done_at FROM retro_actions WHERE owner_id = $1 ORDER BY id")
        .bind(member_id)
        .fetch_all(&mut *c)
        .await?;
    let actions: Vec<Value> = actions
        .iter()
        .map(|r| {
            let done: Option<i64> = r.try_get(2)?;
            Ok(json!({
                "action": r.try_get::<String, _>(0)?,
                "due": r.try_get::<Option<String>, _>(1)?,
                "done_at": done.map(|t| from_ms(t).to_rfc3339()),
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    if cards.is_empty() && votes.is_empty() && ratings.is_empty() && actions.is_empty() {
        return Ok(Value::Null);
    }
    Ok(json!({ "cards": cards, "votes": votes, "ratings": ratings, "actions_owned": actions }))
}

/// Their named cards, votes and ratings and their places in runs go; the actions they
/// own stay with the team, under the pseudonym (their member row is it now); every kept
/// text of the team's retros that names them reads the pseudonym.
pub async fn erase(c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
    let key = author_key(None, e.member_id);
    for sql in [
        "DELETE FROM retro_cards WHERE author = $1",
        "DELETE FROM retro_votes WHERE voter = $1",
        "DELETE FROM retro_ratings WHERE rater = $1",
    ] {
        sqlx::query(sql).bind(&key).execute(&mut *c).await?;
    }
    sqlx::query("DELETE FROM retro_participants WHERE member_id = $1").bind(e.member_id).execute(&mut *c).await?;
    let team = format!("team_id = {}", e.team_id);
    let runs = format!("run_id IN (SELECT id FROM retro_runs WHERE {team})");
    rewrite(c, "retros", "id", &["settings"], Some(team.clone()), |t| e.in_settings(t)).await?;
    rewrite(c, "retro_runs", "id", &["settings"], Some(team.clone()), |t| e.in_settings(t)).await?;
    rewrite(c, "retro_runs", "id", &["summary"], Some(team.clone()), |t| e.in_text(t)).await?;
    rewrite(c, "retro_actions", "id", &["body"], Some(team), |t| e.in_text(t)).await?;
    rewrite(c, "retro_themes", "id", &["title"], Some(runs.clone()), |t| e.in_text(t)).await?;
    rewrite(c, "retro_cards", "id", &["body"], Some(runs), |t| e.in_text(t)).await?;
    Ok(())
}
