//! A run's cards, themes, health ratings and votes, each under its author's key.

use super::Conn;
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub number: i64,
    pub prompt_index: usize,
    pub body: String,
    pub author: String,
    pub theme_number: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub number: i64,
    pub title: String,
}

/// Add a card; its number is the run's next.
pub async fn add(c: &mut Conn, run_id: i64, prompt_index: usize, body: &str, author: &str) -> anyhow::Result<i64> {
    let r = sqlx::query(
        "INSERT INTO retro_cards (run_id, number, prompt_index, body, author) \
         VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM retro_cards WHERE run_id = $1), $2, $3, $4) RETURNING number",
    )
    .bind(run_id)
    .bind(prompt_index as i64)
    .bind(body)
    .bind(author)
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get(0)?)
}

pub async fn list(c: &mut Conn, run_id: i64) -> anyhow::Result<Vec<Card>> {
    let rows = sqlx::query(
        "SELECT number, prompt_index, body, author, theme_number FROM retro_cards WHERE run_id = $1 ORDER BY number",
    )
    .bind(run_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Card {
                number: r.try_get(0)?,
                prompt_index: r.try_get::<i64, _>(1)? as usize,
                body: r.try_get(2)?,
                author: r.try_get(3)?,
                theme_number: r.try_get(4)?,
            })
        })
        .collect()
}

/// Change an author's own card; false when it is not theirs or does not exist.
pub async fn edit(c: &mut Conn, run_id: i64, number: i64, author: &str, body: &str) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE retro_cards SET body = $1 WHERE run_id = $2 AND number = $3 AND author = $4")
        .bind(body)
        .bind(run_id)
        .bind(number)
        .bind(author)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(c: &mut Conn, run_id: i64, number: i64, author: &str) -> anyhow::Result<bool> {
    let r = sqlx::query("DELETE FROM retro_cards WHERE run_id = $1 AND number = $2 AND author = $3")
        .bind(run_id)
        .bind(number)
        .bind(author)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// How many distinct authors wrote cards or ratings.
pub async fn contributors(c: &mut Conn, run_id: i64) -> anyhow::Result<i64> {
    let r = sqlx::query(
        "SELECT COUNT(*) FROM (SELECT author FROM retro_cards WHERE run_id = $1 UNION SELECT rater FROM retro_ratings WHERE run_id = $1) a",
    )
    .bind(run_id)
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get(0)?)
}

/// True when this author has written a card or a rating.
pub async fn has_contributed(c: &mut Conn, run_id: i64, author: &str) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM retro_cards WHERE run_id = $1 AND author = $2) + (SELECT COUNT(*) FROM retro_ratings WHERE run_id = $1 AND rater = $2)",
    )
    .bind(run_id)
    .bind(author)
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get::<i64, _>(0)? > 0)
}

pub async fn themes(c: &mut Conn, run_id: i64) -> anyhow::Result<Vec<Theme>> {
    let rows = sqlx::query("SELECT number, title FROM retro_themes WHERE run_id = $1 ORDER BY number")
        .bind(run_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok(Theme { number: r.try_get(0)?, title: r.try_get(1)? })).collect()
}

/// The theme titled `title` (case aside), made when new; its number.
pub async fn theme_titled(c: &mut Conn, run_id: i64, title: &str) -> anyhow::Result<i64> {
    if let Some(t) = themes(c, run_id).await?.into_iter().find(|t| t.title.eq_ignore_ascii_case(title)) {
        return Ok(t.number);
    }
    let r = sqlx::query(
        "INSERT INTO retro_themes (run_id, number, title) \
         VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM retro_themes WHERE run_id = $1), $2) RETURNING number",
    )
    .bind(run_id)
    .bind(title)
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get(0)?)
}

pub async fn rename_theme(c: &mut Conn, run_id: i64, number: i64, title: &str) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE retro_themes SET title = $1 WHERE run_id = $2 AND number = $3")
        .bind(title)
        .bind(run_id)
        .bind(number)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Put cards in a theme (`None`: out of any); themes left empty go.
pub async fn set_theme(c: &mut Conn, run_id: i64, cards: &[i64], theme: Option<i64>) -> anyhow::Result<()> {
    for n in cards {
        sqlx::query("UPDATE retro_cards SET theme_number = $1 WHERE run_id = $2 AND number = $3")
            .bind(theme)
            .bind(run_id)
            .bind(n)
            .execute(&mut *c)
            .await?;
    }
    sqlx::query(
        "DELETE FROM retro_themes WHERE run_id = $1 AND number NOT IN (SELECT theme_number FROM retro_cards WHERE run_id = $1 AND theme_number IS NOT NULL)",
    )
    .bind(run_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn rate(c: &mut Conn, run_id: i64, question: usize, rater: &str, score: i64) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO retro_ratings (run_id, question_index, rater, score) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (run_id, question_index, rater) DO UPDATE SET score = excluded.score",
    )
    .bind(run_id)
    .bind(question as i64)
    .bind(rater)
    .bind(score)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Every score given to question `question` of run `run_id`.
pub async fn scores(c: &mut Conn, run_id: i64, question: usize) -> anyhow::Result<Vec<i64>> {
    let rows = sqlx::query("SELECT score FROM retro_ratings WHERE run_id = $1 AND question_index = $2 ORDER BY score")
        .bind(run_id)
        .bind(question as i64)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// A voter's dots, by theme number.
pub async fn votes_of(c: &mut Conn, run_id: i64, voter: &str) -> anyhow::Result<BTreeMap<i64, i64>> {
    let rows = sqlx::query("SELECT theme_number, dots FROM retro_votes WHERE run_id = $1 AND voter = $2")
        .bind(run_id)
        .bind(voter)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// Replace a voter's dots.
pub async fn set_votes(c: &mut Conn, run_id: i64, voter: &str, dots: &BTreeMap<i64, i64>) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM retro_votes WHERE run_id = $1 AND voter = $2")
        .bind(run_id)
        .bind(voter)
        .execute(&mut *c)
        .await?;
    for (theme, n) in dots.iter().filter(|(_, n)| **n > 0) {
        sqlx::query("INSERT INTO retro_votes (run_id, theme_number, voter, dots) VALUES ($1, $2, $3, $4)")
            .bind(run_id)
            .bind(theme)
            .bind(voter)
            .bind(n)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Dots per theme number, and how many voted.
pub async fn tally(c: &mut Conn, run_id: i64) -> anyhow::Result<(Vec<(i64, i64)>, i64)> {
    let rows = sqlx::query(
        "SELECT theme_number, CAST(SUM(dots) AS BIGINT) FROM retro_votes WHERE run_id = $1 GROUP BY theme_number",
    )
    .bind(run_id)
    .fetch_all(&mut *c)
    .await?;
    let dots = rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<anyhow::Result<Vec<_>>>()?;
    let r = sqlx::query("SELECT COUNT(DISTINCT voter) FROM retro_votes WHERE run_id = $1")
        .bind(run_id)
        .fetch_one(&mut *c)
        .await?;
    Ok((dots, r.try_get(0)?))
}

/// After an anonymous run closes nothing may tell one person's input from another's: the
/// cards lose their author key, each rating gets a key of its own, and the votes become one
/// total per theme.
pub async fn unlink(c: &mut Conn, run_id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE retro_cards SET author = '' WHERE run_id = $1").bind(run_id).execute(&mut *c).await?;
    let rows = sqlx::query("SELECT question_index, rater FROM retro_ratings WHERE run_id = $1")
        .bind(run_id)
        .fetch_all(&mut *c)
        .await?;
    for (n, r) in rows.iter().enumerate() {
        let (question, rater): (i64, String) = (r.try_get(0)?, r.try_get(1)?);
        sqlx::query("UPDATE retro_ratings SET rater = $1 WHERE run_id = $2 AND question_index = $3 AND rater = $4")
            .bind(format!("rating-{n}"))
            .bind(run_id)
            .bind(question)
            .bind(rater)
            .execute(&mut *c)
            .await?;
    }
    let (dots, _) = tally(c, run_id).await?;
    sqlx::query("DELETE FROM retro_votes WHERE run_id = $1").bind(run_id).execute(&mut *c).await?;
    for (theme, n) in dots {
        sqlx::query("INSERT INTO retro_votes (run_id, theme_number, voter, dots) VALUES ($1, $2, '', $3)")
            .bind(run_id)
            .bind(theme)
            .bind(n)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}
