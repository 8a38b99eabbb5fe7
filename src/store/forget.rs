//! Forgetting anonymous input. While a ritual that takes anonymous input is open, what
//! came in (the platform's stored payload, the line the web chat showed) and what was said
//! back to the person alone carry a tag; when it closes, everything tagged goes.

use super::Conn;

/// Delete every trace tagged `tag`: the events' stored payloads (the inbox rows), the
/// replies in the outbox, and the web chat's lines and images.
pub async fn forget(c: &mut Conn, tag: &str) -> anyhow::Result<()> {
    sqlx::query(
        "DELETE FROM webchat_images WHERE message_id IN (SELECT id FROM webchat_messages WHERE forget_tag = $1 \
         OR outbox_id IN (SELECT id FROM outbox WHERE forget_tag = $1))",
    )
    .bind(tag)
    .execute(&mut *c)
    .await?;
    sqlx::query(
        "DELETE FROM webchat_messages WHERE forget_tag = $1 OR outbox_id IN (SELECT id FROM outbox WHERE forget_tag = $1)",
    )
    .bind(tag)
    .execute(&mut *c)
    .await?;
    sqlx::query("DELETE FROM outbox WHERE forget_tag = $1").bind(tag).execute(&mut *c).await?;
    sqlx::query("DELETE FROM inbox WHERE forget_tag = $1").bind(tag).execute(&mut *c).await?;
    Ok(())
}

/// Delete the delivered edits of the message `key` (the original post stays): each held
/// the state of the moment, and when it changed.
pub async fn delivered_edits(c: &mut Conn, key: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM outbox WHERE update_key = $1 AND delivered_at IS NOT NULL")
        .bind(key)
        .execute(&mut *c)
        .await?;
    Ok(())
}
