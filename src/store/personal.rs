//! Personal data in the tables every capability shares: a member's platform identities,
//! web chat sessions and messages, the outbox and the inbox. Their export reads them;
//! their erasure deletes what was theirs and rewrites what names them (`Erasure`), and
//! `rewrite` is the same rewriting for a capability's own text columns.

use super::{Conn, from_ms, ms};
use crate::core::team::personal::Erasure;
use crate::core::{Effect, Target};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::Row;

/// Rewrite the text columns `cols` of every row of `table` (keyed by `key`, limited to
/// `filter`, e.g. `team_id = 3`, when given) with `f`; rows `f` leaves alone are not written.
/// Names are code's own, never a person's input.
pub async fn rewrite(
    c: &mut Conn,
    table: &'static str,
    key: &'static str,
    cols: &[&'static str],
    filter: Option<String>,
    f: impl Fn(&str) -> String,
) -> anyhow::Result<u64> {
    let filter = filter.map(|w| format!(" WHERE {w}")).unwrap_or_default();
    let select = format!("SELECT {key}, {} FROM {table}{filter}", cols.join(", "));
    let rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch_all(&mut *c).await?;
    let sets: Vec<String> = cols.iter().enumerate().map(|(i, col)| format!("{col} = ${}", i + 1)).collect();
    let update = format!("UPDATE {table} SET {} WHERE {key} = ${}", sets.join(", "), cols.len() + 1);
    let mut changed = 0;
    for r in rows {
        let id: i64 = r.try_get(0)?;
        let before: Vec<Option<String>> = (1..=cols.len()).map(|i| r.try_get(i)).collect::<Result<_, _>>()?;
        let after: Vec<Option<String>> = before.iter().map(|v| v.as_deref().map(&f)).collect();
        if after == before {
            continue;
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(update.clone()));
        for v in after {
            q = q.bind(v);
        }
        q.bind(id).execute(&mut *c).await?;
        changed += 1;
    }
    Ok(changed)
}

/// The member's identities on chat platforms: (platform, user id, DM channel).
pub async fn identities(c: &mut Conn, member_id: i64) -> anyhow::Result<Vec<(String, String, Option<String>)>> {
    let rows = sqlx::query(
        "SELECT platform, external_id, dm_channel FROM platform_members WHERE member_id = $1 ORDER BY platform",
    )
    .bind(member_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

/// What the web chat holds about a member: their sessions (when they began and were
/// last used) and the lines they wrote, except anonymous input (tagged, forgotten at the
/// ritual's close; an export read by a manager must not tell whose it was).
pub async fn webchat_data(c: &mut Conn, member_id: i64) -> anyhow::Result<Value> {
    let sessions =
        sqlx::query("SELECT created_at, last_used_at FROM webchat_sessions WHERE member_id = $1 ORDER BY created_at")
            .bind(member_id)
            .fetch_all(&mut *c)
            .await?;
    let sessions: Vec<Value> = sessions
        .iter()
        .map(|r| {
            let at = |i: usize| r.try_get::<i64, _>(i).map(|t| from_ms(t).to_rfc3339());
            Ok(json!({ "signed_in_at": at(0)?, "last_used_at": at(1)? }))
        })
        .collect::<anyhow::Result<_>>()?;
    let lines = sqlx::query(
        "SELECT created_at, body FROM webchat_messages WHERE author_member = $1 AND forget_tag IS NULL ORDER BY id",
    )
    .bind(member_id)
    .fetch_all(&mut *c)
    .await?;
    let lines: Vec<Value> = lines
        .iter()
        .map(|r| Ok(json!({ "at": from_ms(r.try_get(0)?).to_rfc3339(), "text": r.try_get::<String, _>(1)? })))
        .collect::<anyhow::Result<_>>()?;
    Ok(json!({ "sessions": sessions, "messages_written": lines }))
}

/// Erase what the shared tables hold about a member: their identities and sessions go;
/// web chat messages in their DM, only for them or by them go; outbox items addressed to
/// them go; stored platform events naming them go once handled, and are rewritten while
/// waiting; everything else of the team that names them is rewritten.
/// `export_template` is the template of a manager's export of someone's data: the erased
/// member's exports go too.
pub async fn erase(c: &mut Conn, e: &Erasure, workspaces: &[String], export_template: &str) -> anyhow::Result<()> {
    let m = e.member_id;
    sqlx::query("DELETE FROM platform_members WHERE member_id = $1").bind(m).execute(&mut *c).await?;
    sqlx::query("DELETE FROM webchat_sessions WHERE member_id = $1").bind(m).execute(&mut *c).await?;
    for id in &e.platform_ids {
        sqlx::query("UPDATE platform_teams SET installed_by = NULL WHERE installed_by = $1")
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    let theirs = "(conv_kind = 'dm' AND conv_id = $1) OR visible_to = $1 OR author_member = $1";
    let images =
        format!("DELETE FROM webchat_images WHERE message_id IN (SELECT id FROM webchat_messages WHERE {theirs})");
    sqlx::query(sqlx::AssertSqlSafe(images)).bind(m).execute(&mut *c).await?;
    let unthread = format!(
        "UPDATE webchat_messages SET thread_of = NULL WHERE thread_of IN (SELECT id FROM webchat_messages WHERE {theirs})"
    );
    sqlx::query(sqlx::AssertSqlSafe(unthread)).bind(m).execute(&mut *c).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM webchat_messages WHERE {theirs}")))
        .bind(m)
        .execute(&mut *c)
        .await?;
    let team = Some(format!("team_id = {}", e.team_id));
    rewrite(c, "webchat_messages", "id", &["body", "extra"], team.clone(), |t| e.in_text(t)).await?;
    rewrite(c, "webchat_images", "message_id", &["alt"], team.clone(), |t| e.in_text(t)).await?;
    erase_outbox(c, e, export_template).await?;
    rewrite(c, "outbox", "id", &["effect", "last_error"], team, |t| e.in_text(t)).await?;
    erase_inbox(c, e, workspaces).await?;
    // A failure's message may quote a name: only the jobs of this team's members are read
    // (jobs name no team; another team's are not this erase's to touch).
    let members = Some(format!("member_id IN (SELECT id FROM members WHERE team_id = {})", e.team_id));
    rewrite(c, "jobs", "id", &["last_error"], members, |t| e.in_text(t)).await?;
    Ok(())
}

/// Outbox items addressed to the member (their DMs, answers only they see) and the exports
/// of their data a manager was shown go, with the later edits of those messages and the
/// record of where the platform keeps them.
async fn erase_outbox(c: &mut Conn, e: &Erasure, export_template: &str) -> anyhow::Result<()> {
    let rows =
        sqlx::query("SELECT id, effect FROM outbox WHERE team_id = $1").bind(e.team_id).fetch_all(&mut *c).await?;
    let mut keys = Vec::new();
    for r in rows {
        let effect: Value = serde_json::from_str(&r.try_get::<String, _>(1)?).unwrap_or(Value::Null);
        let target = &effect["target"];
        let to_them = matches!(target["kind"].as_str(), Some("dm" | "ephemeral"))
            && target["member_id"].as_i64() == Some(e.member_id);
        // A manager's export of their data is theirs too, whoever it was shown to.
        let message = &effect["message"];
        let their_export =
            message["template"] == export_template && message["data"]["name"].as_str() == Some(e.name.as_str());
        if to_them || their_export {
            let id: i64 = r.try_get(0)?;
            keys.extend(effect["key"].as_str().map(String::from));
            sqlx::query("DELETE FROM webchat_messages WHERE outbox_id = $1").bind(id).execute(&mut *c).await?;
            sqlx::query("DELETE FROM outbox WHERE id = $1").bind(id).execute(&mut *c).await?;
        }
    }
    for key in keys {
        sqlx::query("DELETE FROM outbox WHERE team_id = $1 AND update_key = $2")
            .bind(e.team_id)
            .bind(&key)
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM delivered_messages WHERE msg_key = $1").bind(&key).execute(&mut *c).await?;
    }
    Ok(())
}

/// Stored platform events that carry one of the member's platform ids, or their name in an
/// event of their team (of its workspace, or carrying a teammate's id), go once handled
/// (those naming them only by name in a DM are rewritten); one still waiting (the erase
/// command itself answers through its payload) is rewritten. Other teams' events are left
/// alone, even where a word of theirs reads like the name.
async fn erase_inbox(c: &mut Conn, e: &Erasure, workspaces: &[String]) -> anyhow::Result<()> {
    // An event of the team: in one of its workspaces, or carrying a teammate's id (a DM).
    let teammates: Vec<String> = sqlx::query(
        "SELECT p.external_id, p.dm_channel FROM platform_members p JOIN members m ON m.id = p.member_id \
         WHERE m.team_id = $1",
    )
    .bind(e.team_id)
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|r| Ok([r.try_get::<Option<String>, _>(0)?, r.try_get(1)?]))
    .collect::<anyhow::Result<Vec<_>>>()?
    .into_iter()
    .flatten()
    .flatten()
    .collect();
    let rows = sqlx::query("SELECT id, payload, done_at FROM inbox").fetch_all(&mut *c).await?;
    let by_id = |p: &str| e.platform_ids.iter().any(|id| p.contains(id.as_str()));
    let in_workspace = |p: &str| workspaces.iter().any(|w| p.contains(w.as_str()));
    for r in rows {
        let payload: String = r.try_get(1)?;
        let of_team = in_workspace(&payload) || teammates.iter().any(|id| payload.contains(id.as_str()));
        if !(by_id(&payload) || of_team && e.mentioned_in(&payload)) {
            continue;
        }
        let id: i64 = r.try_get(0)?;
        let done = r.try_get::<Option<i64>, _>(2)?.is_some();
        if done && (by_id(&payload) || in_workspace(&payload)) {
            sqlx::query("DELETE FROM inbox WHERE id = $1").bind(id).execute(&mut *c).await?;
        } else {
            sqlx::query("UPDATE inbox SET payload = $1, last_error = NULL WHERE id = $2")
                .bind(e.in_text(&payload))
                .bind(id)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// The latest content of each keyed message of the team (a post with a key, or its latest
/// update), in outbox order: what a platform shows under that key now. Deleted messages
/// and answers only one person sees are left out: nothing can edit them.
pub async fn latest_keyed(c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<(String, Effect)>> {
    let rows = sqlx::query("SELECT effect FROM outbox WHERE team_id = $1 ORDER BY id")
        .bind(team_id)
        .fetch_all(&mut *c)
        .await?;
    let mut latest: Vec<(String, Effect)> = Vec::new();
    for r in rows {
        let Ok(effect) = serde_json::from_str::<Effect>(&r.try_get::<String, _>(0)?) else { continue };
        let key = match &effect {
            Effect::Post { key: Some(key), target, .. } if !matches!(target, Target::Ephemeral { .. }) => key.clone(),
            Effect::Update { key, .. } | Effect::Delete { key } => key.clone(),
            Effect::Post { .. } => continue,
        };
        latest.retain(|(k, _)| *k != key);
        if !matches!(effect, Effect::Delete { .. }) {
            latest.push((key, effect));
        }
    }
    Ok(latest)
}

/// Retention: web chat messages older than `before` go, with their images.
pub async fn prune_webchat_messages(c: &mut Conn, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let old = "SELECT id FROM webchat_messages WHERE created_at < $1";
    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM webchat_images WHERE message_id IN ({old})")))
        .bind(ms(before))
        .execute(&mut *c)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE webchat_messages SET thread_of = NULL WHERE thread_of IN ({old})"
    )))
    .bind(ms(before))
    .execute(&mut *c)
    .await?;
    let r = sqlx::query("DELETE FROM webchat_messages WHERE created_at < $1").bind(ms(before)).execute(&mut *c).await?;
    Ok(r.rows_affected())
}
