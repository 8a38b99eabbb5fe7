//! History, stats, the weekly roll-up and exports of stand-up answers.

use crate::core::UserError;
use crate::core::model::Member;
use crate::core::standup::ExportFormat;
use crate::core::standup::stats::{Participation, member_stats};
use crate::core::standup::{self, Status};
use crate::service::{Ctx, Outcome, Service};
use crate::store::standup::history::Entry;
use crate::store::{self};
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::json;

/// The longest period one history, stats or export covers.
const MAX_DAYS: i64 = 366;

fn period(
    ctx: &Ctx<'_>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    default_days: i64,
) -> Outcome<(NaiveDate, NaiveDate)> {
    let today = standup::local_day(ctx.me.tz, ctx.now);
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - Duration::days(default_days - 1));
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(UserError::new(
            "error_bad_period",
            json!({ "from": from.to_string(), "to": to.to_string(), "max": MAX_DAYS }),
        )
        .into());
    }
    Ok((from, to))
}

/// `/tandem history [@member|team]`: a member's answers (yours by default) or the team's.
pub(super) async fn history(
    ctx: &mut Ctx<'_>,
    member: Option<String>,
    team: bool,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Outcome<()> {
    let (from, to) = period(ctx, from, to, 7)?;
    let member_id = match member.as_deref() {
        _ if team => None,
        None => Some(ctx.me.id),
        Some(name) => {
            let members = store::team::members(ctx.c, ctx.team.id).await?;
            let m = members.iter().find(|m| m.name == name);
            Some(m.ok_or_else(|| UserError::new("error_unknown_member", json!({ "name": name })))?.id)
        }
    };
    let mut entries = store::standup::history::entries(ctx.c, ctx.team.id, member_id, from, to).await?;
    hide_unreported(&mut entries, &ctx.me);
    ctx.reply("standup_history", json!({ "from": from.to_string(), "to": to.to_string(), "entries": entries }));
    Ok(())
}

fn participations(entries: &[Entry]) -> Vec<Participation> {
    entries
        .iter()
        .map(|e| Participation {
            member: e.member.clone(),
            day: e.day,
            status: Status::parse(&e.status).unwrap_or(Status::Asked),
            late: e.late,
            open: !e.reported,
        })
        .collect()
}

/// `/tandem stats`: participation rate and streaks per member.
pub(super) async fn stats(ctx: &mut Ctx<'_>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Outcome<()> {
    let (from, to) = period(ctx, from, to, 30)?;
    let entries = store::standup::history::entries(ctx.c, ctx.team.id, None, from, to).await?;
    let stats = member_stats(&participations(&entries));
    let (expected, answered) = stats.iter().fold((0, 0), |(e, a), s| (e + s.expected, a + s.answered));
    let team_rate = (answered * 100).checked_div(expected).unwrap_or(100);
    ctx.reply(
        "stats",
        json!({ "from": from.to_string(), "to": to.to_string(), "members": stats, "team_rate": team_rate }),
    );
    Ok(())
}

/// `/tandem rollup [week=…]`: each person's week, Monday to Sunday.
pub(super) async fn rollup(ctx: &mut Ctx<'_>, week: Option<NaiveDate>) -> Outcome<()> {
    let any_day = week.unwrap_or_else(|| standup::local_day(ctx.me.tz, ctx.now));
    let monday = any_day - Duration::days(i64::from(any_day.weekday().num_days_from_monday()));
    let sunday = monday + Duration::days(6);
    let mut entries = store::standup::history::entries(ctx.c, ctx.team.id, None, monday, sunday).await?;
    hide_unreported(&mut entries, &ctx.me);
    let stats = member_stats(&participations(&entries));
    let people: Vec<_> = stats
        .iter()
        .map(|s| {
            let days: Vec<_> = entries.iter().filter(|e| e.member == s.member && e.status == "answered").collect();
            json!({ "member": s.member, "stats": s, "days": days })
        })
        .collect();
    let blockers = super::blockers::blockers_data(ctx).await?;
    ctx.reply("rollup", json!({ "from": monday.to_string(), "to": sunday.to_string(), "people": people, "open_blockers": blockers["blockers"] }));
    Ok(())
}

/// `/tandem export csv|json`: a link to the download (the web chat session authorizes it).
pub(super) fn export_link(
    ctx: &mut Ctx<'_>,
    format: ExportFormat,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Outcome<()> {
    let (from, to) = period(ctx, from, to, 30)?;
    let url = format!(
        "{}/export/answers.{}?from={from}&to={to}",
        ctx.svc.options.base_url.trim_end_matches('/'),
        format.code()
    );
    ctx.reply("export_ready", json!({ "url": url, "from": from.to_string(), "to": to.to_string() }));
    Ok(())
}

/// Answers `viewer` may not read yet (their report is not out) are left out.
fn hide_unreported(entries: &mut [Entry], viewer: &Member) {
    for e in entries.iter_mut().filter(|e| !standup::may_read_answers(viewer, e.member_id, e.reported)) {
        e.answers.clear();
    }
}

impl Service {
    /// The answers of `viewer`'s team over a period that they may read, as CSV (one row
    /// per answer) or JSON.
    pub async fn export(
        &self,
        viewer: &Member,
        format: ExportFormat,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<String> {
        let mut conn = self.store.pool.acquire().await?;
        let mut entries = store::standup::history::entries(&mut conn, viewer.team_id, None, from, to).await?;
        hide_unreported(&mut entries, viewer);
        Ok(match format {
            ExportFormat::Json => serde_json::to_string_pretty(&entries)?,
            ExportFormat::Csv => to_csv(&entries),
        })
    }
}

/// One row per answer; a participant without answers gets one row with empty question.
pub fn to_csv(entries: &[Entry]) -> String {
    let mut out = String::from("day,standup,member,status,late,answered_at,question,answer\n");
    for e in entries {
        let head = [
            e.day.to_string(),
            crate::render::csv::cell(&e.standup),
            crate::render::csv::cell(&e.member),
            e.status.clone(),
            e.late.to_string(),
            e.answered_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ]
        .join(",");
        if e.answers.is_empty() {
            out.push_str(&format!("{head},,\n"));
        }
        for qa in &e.answers {
            out.push_str(&format!(
                "{head},{},{}\n",
                crate::render::csv::cell(&qa.question),
                crate::render::csv::cell(&qa.answer)
            ));
        }
    }
    out
}
