//! Planning poker's stories and votes.

use super::{Conn, from_ms, ms};
use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::Row;

/// Where a story stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Waiting for its turn in a queue.
    Queued,
    Voting,
    Revealed,
    Accepted,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Voting => "voting",
            State::Revealed => "revealed",
            State::Accepted => "accepted",
        }
    }

    fn parse(s: &str) -> Option<State> {
        [State::Queued, State::Voting, State::Revealed, State::Accepted].into_iter().find(|v| v.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub id: i64,
    pub team_id: i64,
    pub channel_id: i64,
    pub queue_id: i64,
    pub position: i64,
    pub title: String,
    pub link: Option<String>,
    pub deck: Vec<String>,
    pub voters: Vec<i64>,
    pub facilitator_id: i64,
    pub state: State,
    pub round: i64,
    pub close_minutes: Option<i64>,
    pub deadline: Option<DateTime<Utc>>,
    pub estimate: Option<String>,
    pub sprint_number: Option<i64>,
}

/// A new story, not yet in `poker_stories`.
#[derive(Debug, Clone)]
pub struct NewStory<'a> {
    pub team_id: i64,
    pub channel_id: i64,
    pub title: &'a str,
    pub link: Option<&'a str>,
    pub deck: &'a [String],
    pub voters: &'a [i64],
    pub facilitator_id: i64,
    pub close_minutes: Option<i64>,
    pub sprint_number: Option<i64>,
}

const COLUMNS: &str = "SELECT id, team_id, channel_id, queue_id, position, title, link, deck, voters, facilitator_id, state, \
                       round, close_minutes, deadline, estimate, sprint_number FROM poker_stories";

fn from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<Story> {
    let deck: String = r.try_get(7)?;
    let voters: String = r.try_get(8)?;
    Ok(Story {
        id: r.try_get(0)?,
        team_id: r.try_get(1)?,
        channel_id: r.try_get(2)?,
        queue_id: r.try_get(3)?,
        position: r.try_get(4)?,
        title: r.try_get(5)?,
        link: r.try_get(6)?,
        deck: serde_json::from_str(&deck).context("stored deck")?,
        voters: serde_json::from_str(&voters).context("stored voters")?,
        facilitator_id: r.try_get(9)?,
        state: super::stored("story state", r.try_get(10)?, State::parse)?,
        round: r.try_get(11)?,
        close_minutes: r.try_get(12)?,
        deadline: r.try_get::<Option<i64>, _>(13)?.map(from_ms),
        estimate: r.try_get(14)?,
        sprint_number: r.try_get(15)?,
    })
}

/// Add a story in `state`, `position` in its queue (0 for the first, whose id is the queue's).
pub async fn add(
    c: &mut Conn,
    s: &NewStory<'_>,
    queue: Option<(i64, i64)>,
    state: State,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let (queue_id, position) = queue.unwrap_or((0, 0));
    let r = sqlx::query(
        "INSERT INTO poker_stories (team_id, channel_id, queue_id, position, title, link, deck, voters, facilitator_id, state, close_minutes, sprint_number, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(s.team_id)
    .bind(s.channel_id)
    .bind(queue_id)
    .bind(position)
    .bind(s.title)
    .bind(s.link)
    .bind(serde_json::to_string(s.deck)?)
    .bind(serde_json::to_string(s.voters)?)
    .bind(s.facilitator_id)
    .bind(state.code())
    .bind(s.close_minutes)
    .bind(s.sprint_number)
    .bind(ms(now))
    .fetch_one(&mut *c)
    .await?;
    let id: i64 = r.try_get(0)?;
    if queue.is_none() {
        sqlx::query("UPDATE poker_stories SET queue_id = $1 WHERE id = $1").bind(id).execute(&mut *c).await?;
    }
    Ok(id)
}

/// The story, its row locked until the transaction ends: votes and reveals of one story
/// are applied one at a time.
pub async fn locked(c: &mut Conn, team_id: i64, id: i64) -> anyhow::Result<Option<Story>> {
    sqlx::query("UPDATE poker_stories SET id = id WHERE id = $1 AND team_id = $2")
        .bind(id)
        .bind(team_id)
        .execute(&mut *c)
        .await?;
    let sql = super::checked(format!("{COLUMNS} WHERE id = $1 AND team_id = $2"));
    let r = sqlx::query(sql).bind(id).bind(team_id).fetch_optional(&mut *c).await?;
    r.as_ref().map(from_row).transpose()
}

/// The story `id`, whatever its team (a job's subject).
pub async fn get(c: &mut Conn, id: i64) -> anyhow::Result<Option<Story>> {
    let sql = super::checked(format!("{COLUMNS} WHERE id = $1"));
    let r = sqlx::query(sql).bind(id).fetch_optional(&mut *c).await?;
    r.as_ref().map(from_row).transpose()
}

/// The team's stories being voted on or revealed, oldest first.
pub async fn open(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<Story>> {
    let sql = super::checked(format!("{COLUMNS} WHERE team_id = $1 AND state IN ('voting', 'revealed') ORDER BY id"));
    let rows = sqlx::query(sql).bind(team_id).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// The team's last stories, newest first.
pub async fn recent(c: &mut Conn, team_id: i64, limit: i64) -> anyhow::Result<Vec<Story>> {
    let sql = super::checked(format!("{COLUMNS} WHERE team_id = $1 ORDER BY id DESC LIMIT $2"));
    let rows = sqlx::query(sql).bind(team_id).bind(limit).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// The next story waiting in a queue.
pub async fn next_queued(c: &mut Conn, queue_id: i64) -> anyhow::Result<Option<Story>> {
    let sql = super::checked(format!("{COLUMNS} WHERE queue_id = $1 AND state = 'queued' ORDER BY position LIMIT 1"));
    let r = sqlx::query(sql).bind(queue_id).fetch_optional(&mut *c).await?;
    r.as_ref().map(from_row).transpose()
}

/// Move a story to `state`, in `round` (a re-vote's is the next), until `deadline`.
pub async fn set_state(
    c: &mut Conn,
    id: i64,
    state: State,
    round: i64,
    deadline: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE poker_stories SET state = $1, round = $2, deadline = $3 WHERE id = $4")
        .bind(state.code())
        .bind(round)
        .bind(deadline.map(ms))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Keep the estimate with the story, and the sprint it was agreed in.
pub async fn accept(
    c: &mut Conn,
    id: i64,
    estimate: &str,
    sprint: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE poker_stories SET state = 'accepted', estimate = $1, accepted_at = $2, deadline = NULL, \
         sprint_number = COALESCE($4, sprint_number) WHERE id = $3",
    )
    .bind(estimate)
    .bind(ms(now))
    .bind(id)
    .bind(sprint)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Record (or change) a vote in the story's current round.
pub async fn vote(c: &mut Conn, s: &Story, member_id: i64, card: usize, reason: Option<&str>) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO poker_votes (story_id, round, member_id, card, reason) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (story_id, round, member_id) DO UPDATE SET card = excluded.card, \
         reason = CASE WHEN excluded.card = poker_votes.card THEN COALESCE(excluded.reason, poker_votes.reason) ELSE excluded.reason END",
    )
    .bind(s.id)
    .bind(s.round)
    .bind(member_id)
    .bind(card as i64)
    .bind(reason)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The votes of the story's current round: (member, card, reason), in member order.
pub async fn votes(c: &mut Conn, s: &Story) -> anyhow::Result<Vec<(i64, usize, Option<String>)>> {
    let rows = sqlx::query(
        "SELECT member_id, card, reason FROM poker_votes WHERE story_id = $1 AND round = $2 ORDER BY member_id",
    )
    .bind(s.id)
    .bind(s.round)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? as usize, r.try_get(2)?))).collect()
}

/// A member's poker votes: the story, the round, the card and the reason they gave.
pub async fn personal_data(c: &mut Conn, member_id: i64) -> anyhow::Result<serde_json::Value> {
    let rows = sqlx::query(
        "SELECT s.title, s.deck, v.round, v.card, v.reason FROM poker_votes v JOIN poker_stories s ON s.id = v.story_id \
         WHERE v.member_id = $1 ORDER BY s.id, v.round",
    )
    .bind(member_id)
    .fetch_all(&mut *c)
    .await?;
    let mut votes = Vec::new();
    for r in rows {
        let deck: Vec<String> = serde_json::from_str(&r.try_get::<String, _>(1)?).context("stored deck")?;
        let card = deck.get(r.try_get::<i64, _>(3)? as usize).cloned().unwrap_or_default();
        votes.push(serde_json::json!({
            "story": r.try_get::<String, _>(0)?,
            "round": r.try_get::<i64, _>(2)?,
            "card": card,
            "reason": r.try_get::<Option<String>, _>(4)?,
        }));
    }
    Ok(if votes.is_empty() { serde_json::Value::Null } else { serde_json::json!({ "votes": votes }) })
}

/// A member's votes go and they leave the voters of every story; titles, links,
/// estimates and others' reasons naming them read the pseudonym.
pub async fn erase(c: &mut Conn, e: &crate::core::team::personal::Erasure) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM poker_votes WHERE member_id = $1").bind(e.member_id).execute(&mut *c).await?;
    let team = Some(format!("team_id = {}", e.team_id));
    let without = |t: &str| match serde_json::from_str::<Vec<i64>>(t) {
        Ok(ids) => serde_json::to_string(&ids.into_iter().filter(|id| *id != e.member_id).collect::<Vec<_>>())
            .unwrap_or_else(|_| t.to_string()),
        Err(_) => t.to_string(),
    };
    super::personal::rewrite(c, "poker_stories", "id", &["voters"], team.clone(), without).await?;
    super::personal::rewrite(c, "poker_stories", "id", &["title", "link", "estimate"], team, |t| e.in_text(t)).await?;
    // Others' reasons that name them (votes have no id of their own).
    let stories = format!("story_id IN (SELECT id FROM poker_stories WHERE team_id = {})", e.team_id);
    let select =
        format!("SELECT story_id, round, member_id, reason FROM poker_votes WHERE {stories} AND reason IS NOT NULL");
    for r in sqlx::query(sqlx::AssertSqlSafe(select)).fetch_all(&mut *c).await? {
        let reason: String = r.try_get(3)?;
        let new = e.in_text(&reason);
        if new != reason {
            sqlx::query("UPDATE poker_votes SET reason = $1 WHERE story_id = $2 AND round = $3 AND member_id = $4")
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
