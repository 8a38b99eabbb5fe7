//! A member's own page (Slack's App Home): their next stand-ups, their open blockers with
//! a button to resolve each, and their stand-ups this week.

use crate::core::Message;
use crate::core::standup::action::Action;
use crate::core::standup::{self, Status};
use crate::service::Service;
use crate::store;
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::json;

impl Service {
    /// The home page of `member_id` at `now`, in their language and zone.
    pub async fn home(&self, member_id: i64, now: DateTime<Utc>) -> anyhow::Result<Message> {
        let mut c = self.store.pool.acquire().await?;
        let me = store::team::member(&mut c, member_id).await?;
        let team = store::team::members(&mut c, me.team_id).await?;
        let mut next = Vec::new();
        for s in store::standup::list(&mut c, me.team_id).await? {
            let mine = standup::participants(&s.settings, &team).is_ok_and(|ps| ps.iter().any(|m| m.id == me.id));
            if s.paused || !mine {
                continue;
            }
            if let Some(at) = super::settings::next_fires(&s, &me, now, 1)?.first() {
                let when = at.with_timezone(&me.tz).format("%Y-%m-%d %H:%M").to_string();
                next.push(json!({ "name": s.settings.name, "at": when }));
            }
        }
        let blockers = store::standup::blockers::open_blockers(&mut c, me.team_id, Some(me.id)).await?;
        let today = standup::local_day(me.tz, now);
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let mut week = Vec::new();
        for (r, p, answered) in store::standup::rounds::member_period(&mut c, me.team_id, me.id, monday, today).await? {
            let status = match p.status {
                Status::Answered if p.late => "late",
                s => s.code(),
            };
            week.push(json!({ "standup": r.standup_name, "day": r.day.to_string(), "status": status, "answered": answered, "total": r.questions.len() }));
        }
        let data = json!({
            "name": me.display_name,
            "next": next,
            "blockers": blockers.iter().map(|b| json!({ "id": b.id, "text": b.body, "days": (now - b.opened_at).num_days() })).collect::<Vec<_>>(),
            "week": week,
        });
        let mut m = Message::new("standup_home", data, me.locale);
        for b in &blockers {
            m = m.with_button("button_resolve", Action::Resolve { blocker_id: b.id }.encode());
        }
        Ok(m)
    }
}
