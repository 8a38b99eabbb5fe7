//! Blockers: the open list and resolving one.

use super::jobs;
use super::report::refresh_report;
use super::{Ctx, Outcome};
use crate::core::UserError;
use crate::core::policy::{Act, may};
use crate::store::{self};
use serde_json::json;

/// The team's open blockers, for `/tandem blockers`.
pub(super) async fn blockers_data(ctx: &mut Ctx<'_>) -> Outcome<serde_json::Value> {
    let members = store::team::members(ctx.c, ctx.team.id).await?;
    let list: Vec<_> = store::standup::blockers::open_blockers(ctx.c, ctx.team.id, None)
        .await?
        .into_iter()
        .map(|b| {
            let who = members.iter().find(|m| m.id == b.member_id).map(|m| m.display_name.clone()).unwrap_or_default();
            json!({ "id": b.id, "who": who, "text": b.body, "days": (ctx.now - b.opened_at).num_days(), "escalated": b.escalated_at.is_some() })
        })
        .collect();
    Ok(json!({ "blockers": list }))
}

/// Resolve a blocker: its owner, or the PO, PM or scrum master.
pub(super) async fn resolve(ctx: &mut Ctx<'_>, blocker_id: i64) -> Outcome<()> {
    let b = store::standup::blockers::blocker(ctx.c, blocker_id).await?.filter(|b| b.team_id == ctx.team.id);
    let Some(b) = b else { return Err(UserError::new("error_unknown_blocker", json!({ "id": blocker_id })).into()) };
    let allowed = b.member_id == ctx.me.id || may(ctx.me.role, Act::ResolveOthersBlockers);
    if !allowed {
        return Err(UserError::new("error_not_allowed", json!({ "what": format!("#{blocker_id}") })).into());
    }
    if !store::standup::blockers::resolve_blocker(ctx.c, b.id, ctx.me.id, ctx.now).await? {
        return Err(UserError::new("error_blocker_already_resolved", json!({ "id": blocker_id })).into());
    }
    store::jobs::cancel(ctx.c, jobs::ESCALATE, b.id, None).await?;
    ctx.reply("blocker_resolved", json!({ "id": b.id, "text": b.body }));
    let round = store::standup::rounds::get(ctx.c, b.round_id).await?;
    if round.reported_at.is_some() {
        let mut out = Vec::new();
        refresh_report(ctx.c, &ctx.svc.renderer, &round, None, &mut out).await?;
        ctx.out.extend(out);
    }
    Ok(())
}
