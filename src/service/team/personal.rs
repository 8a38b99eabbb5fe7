//! Personal data (GDPR): a member's export, assembled from every capability's part, and
//! their erasure — asked once, confirmed, then every capability erases its part, the
//! shared tables follow and the member becomes their pseudonym, with an audit row.

use super::ERASE_BUTTON;
use crate::core::model::Member;
use crate::core::policy::{Act, may};
use crate::core::team::personal::{Erasure, pseudonym};
use crate::core::{ButtonStyle, Effect, Message, UserError};
use crate::service::registry;
use crate::service::{Ctx, Outcome};
use crate::store::{self, Conn};
use serde_json::{Map, Value, json};

/// The longest part of an export one message carries: a card (Discord's embed) shows
/// 4,096 characters, Slack's notification text 3,000.
const PART_CHARS: usize = 2_800;

/// What the team capability itself holds: the profile, platform identities, time off and
/// what the web chat keeps.
pub(super) async fn team_part(c: &mut Conn, m: &Member) -> anyhow::Result<Value> {
    let identities: Vec<Value> = store::personal::identities(c, m.id)
        .await?
        .into_iter()
        .map(|(platform, user, dm)| json!({ "platform": platform, "user_id": user, "dm_channel": dm }))
        .collect();
    let time_off: Vec<Value> = store::team::time_off(c, m.id)
        .await?
        .iter()
        .map(|t| json!({ "from": t.from.to_string(), "to": t.to.to_string() }))
        .collect();
    let quiet = m.quiet_hours.map(|q| format!("{}-{}", q.start.format("%H:%M"), q.end.format("%H:%M")));
    Ok(json!({
        "profile": {
            "name": m.name,
            "display_name": m.display_name,
            "role": m.role.code(),
            "zone": m.tz.name(),
            "locale": m.locale.code(),
            "quiet_hours": quiet,
        },
        "platform_identities": identities,
        "time_off": time_off,
        "webchat": store::personal::webchat_data(c, m.id).await?,
    }))
}

/// The member a manager names, in this team.
async fn find(ctx: &mut Ctx<'_>, name: &str) -> Outcome<Member> {
    let members = store::team::members(ctx.c, ctx.team.id).await?;
    let found = members.into_iter().find(|m| m.name == name);
    Ok(found.ok_or_else(|| UserError::new("error_unknown_member", json!({ "name": name })))?)
}

/// `me export`, `member export @ana`: the whole document, to the person asking alone, in
/// parts a chat message can hold.
pub(super) async fn export(ctx: &mut Ctx<'_>, name: Option<String>) -> Outcome<()> {
    let member = match name {
        None => ctx.me.clone(),
        Some(name) => find(ctx, &name).await?,
    };
    let mut doc = Map::new();
    doc.insert("exported_at".into(), json!(ctx.now.to_rfc3339()));
    doc.extend(registry::personal_data(ctx.c, &member).await?);
    let text = serde_json::to_string_pretty(&Value::Object(doc))?;
    let parts = split(&text, PART_CHARS);
    for (i, part) in parts.iter().enumerate() {
        let data = json!({ "name": member.name, "part": i + 1, "parts": parts.len(), "text": part });
        let message = Message::new("member_export", data, ctx.me.locale).as_card();
        ctx.reply_message(message);
    }
    Ok(())
}

/// `text` in parts of at most `max` characters, cut between lines.
fn split(text: &str, max: usize) -> Vec<String> {
    let mut parts = vec![String::new()];
    for line in text.lines() {
        let last = parts.last_mut().expect("one part at least");
        if !last.is_empty() && last.chars().count() + line.chars().count() + 1 > max {
            parts.push(String::new());
        }
        let last = parts.last_mut().expect("one part at least");
        if !last.is_empty() {
            last.push('\n');
        }
        last.push_str(line);
    }
    parts
}

/// `member erase @ana`: without `confirm=yes`, what would go, with a button that confirms.
pub(super) async fn erase_command(ctx: &mut Ctx<'_>, name: &str, confirm: bool) -> Outcome<()> {
    let member = find(ctx, name).await?;
    if confirm {
        return erase(ctx, member).await;
    }
    if member.id == ctx.me.id {
        return Err(UserError::plain("error_member_erase_self").into());
    }
    let held = registry::personal_data(ctx.c, &member).await?;
    let mut counts = Vec::new();
    for (cap, part) in &held {
        for (what, items) in part.as_object().into_iter().flatten() {
            if let Some(n) = items.as_array().map(Vec::len).filter(|n| *n > 0) {
                counts.push(json!({ "what": format!("{cap}.{what}"), "count": n }));
            }
        }
    }
    let data = json!({ "name": member.name, "display": member.display_name, "held": counts });
    let message = Message::new("member_erase_preview", data, ctx.me.locale).with_styled_button(
        "button_member_erase",
        format!("{ERASE_BUTTON}:{}", member.id),
        ButtonStyle::Danger,
    );
    ctx.reply_message(message);
    Ok(())
}

/// The confirming click: the member, by id, erased (a manager's click only).
pub(super) async fn erase_click(ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
    if !may(ctx.me.role, Act::ManagePersonalData) {
        return Err(UserError::new("error_not_allowed", json!({})).into());
    }
    let id: i64 = action.rsplit(':').next().and_then(|v| v.parse().ok()).unwrap_or_default();
    let members = store::team::members(ctx.c, ctx.team.id).await?;
    match members.into_iter().find(|m| m.id == id) {
        Some(member) => erase(ctx, member).await,
        None => Err(UserError::plain("error_stale_button").into()),
    }
}

/// Erase: every capability its part (the team's own part is the shared tables), then the
/// member becomes the team's next pseudonym, with the audit row; rituals re-plan without
/// them. The answer names only the pseudonym.
async fn erase(ctx: &mut Ctx<'_>, member: Member) -> Outcome<()> {
    if member.id == ctx.me.id {
        return Err(UserError::plain("error_member_erase_self").into());
    }
    if store::team::is_erased(ctx.c, member.id).await? {
        return Err(UserError::plain("error_member_already_erased").into());
    }
    let number = store::team::erasures(ctx.c, ctx.team.id).await? + 1;
    let words = ctx.svc.renderer.label(ctx.team.locale, "member_pseudonym");
    let mut e = Erasure::new(member.id, ctx.team.id, &member.name, &member.display_name, &pseudonym(&words, number));
    for (_, user, dm) in store::personal::identities(ctx.c, member.id).await? {
        e.platform_ids.push(user);
        e.platform_ids.extend(dm);
    }
    // Messages already posted that name them (a report, a board) are edited on every
    // platform to read the pseudonym, from their stored content once rewritten.
    let naming: Vec<String> = store::personal::latest_keyed(ctx.c, ctx.team.id)
        .await?
        .into_iter()
        .filter(|(_, effect)| serde_json::to_string(effect).is_ok_and(|text| e.mentioned_in(&text)))
        .map(|(key, _)| key)
        .collect();
    registry::erase(ctx.c, &e).await?;
    for (key, effect) in store::personal::latest_keyed(ctx.c, ctx.team.id).await? {
        if let (true, Effect::Post { message, .. } | Effect::Update { message, .. }) = (naming.contains(&key), effect) {
            ctx.out.push(Effect::Update { key, message });
        }
    }
    if !store::team::erase_member(ctx.c, &e, ctx.me.id, ctx.now).await? {
        // Erased meanwhile: this erase's rewriting rolls back with the refusal.
        return Err(UserError::plain("error_member_already_erased").into());
    }
    registry::replan(ctx.c, ctx.team.id, ctx.now, true).await?;
    ctx.reply("member_erased", json!({ "pseudonym": e.pseudonym, "pseudonym_name": e.pseudonym_name }));
    Ok(())
}

/// The team's part of an erasure: the tables every capability shares.
pub(super) async fn erase_shared(c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
    let workspaces: Vec<String> =
        store::platform::workspace_of_team(c, e.team_id).await?.into_iter().map(|(_, w)| w.external_id).collect();
    store::personal::erase(c, e, &workspaces, "member_export").await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_export_is_cut_between_lines_and_nothing_is_lost() {
        let text = (0..100).map(|i| format!("  \"line {i}\": true,")).collect::<Vec<_>>().join("\n");
        let parts = super::split(&text, 200);
        assert!(parts.len() > 5 && parts.iter().all(|p| p.chars().count() <= 200), "{parts:?}");
        assert_eq!(parts.join("\n"), text);
        assert_eq!(super::split("{}", 200), vec!["{}".to_string()]);
    }
}
