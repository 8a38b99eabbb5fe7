//! A stand-up round from open to report: DMs, answers, skips, reminders, blockers.

use super::{Ctx, Outcome};
use crate::core::command::action::Action;
use crate::core::model::{Member, Role, absence_on};
use crate::core::schedule::Schedule;
use crate::core::standup::report::{BlockerLine, PersonReport, ReportAnswer, person_data, report_data};
use crate::core::standup::{self, Status};
use crate::core::text::{check_length, is_blocker};
use crate::core::{Effect, Form, FormField, Message, Target, UserError};
use crate::render::Renderer;
use crate::store::jobs::JobKind;
use crate::store::rounds::{NewRound, Participant, Round};
use crate::store::standups::Standup;
use crate::store::{self, Conn};

/// A question in `locale`: default questions follow each reader's language.
fn question_text(r: &Renderer, q: &crate::core::model::Question, locale: crate::core::Locale) -> String {
    match &q.key {
        Some(key) => r.label(locale, key),
        None => q.text.clone(),
    }
}
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Plan a stand-up's next fires. `replace` moves existing jobs (after an edit); without
/// it only missing jobs are added, so an overdue fire survives a restart and runs late.
pub(super) async fn sync_jobs(c: &mut Conn, s: &Standup, now: DateTime<Utc>, replace: bool) -> anyhow::Result<()> {
    if replace || s.paused {
        store::jobs::cancel(c, JobKind::StandupOpen, s.id, None).await?;
    }
    if s.paused {
        return Ok(());
    }
    let sched =
        Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("stored schedule of {}: {e}", s.id))?;
    let plan: Vec<(i64, chrono_tz::Tz)> = if s.settings.member_local_time {
        let team = store::teams::members(c, s.team_id).await?;
        let people = standup::participants(&s.settings, &team).map_err(|e| anyhow::anyhow!("participants: {e}"))?;
        people.iter().map(|m| (m.id, m.tz)).collect()
    } else {
        vec![(0, s.settings.tz.parse().unwrap_or(chrono_tz::UTC))]
    };
    for (member_id, tz) in plan {
        if !replace && store::jobs::due_at(c, JobKind::StandupOpen, s.id, member_id).await?.is_some() {
            continue;
        }
        if let Some(next) = sched.next_after(tz, now) {
            store::jobs::schedule(c, JobKind::StandupOpen, s.id, member_id, next).await?;
        }
    }
    Ok(())
}

/// `standup run`: open today's round now for everyone. False if today's round exists.
pub(super) async fn open_now(ctx: &mut Ctx<'_>, s: &Standup) -> Outcome<bool> {
    let mut out = Vec::new();
    let opened = open_round(ctx.c, &ctx.svc.renderer, s, ctx.now, ctx.now, None, false, &mut out).await?;
    ctx.out.extend(out);
    Ok(opened)
}

/// Open the round of the day of `due`. With `member`, only that member is asked now
/// (the stand-up fires in each member's zone); otherwise everyone is.
#[allow(clippy::too_many_arguments)] // reason: one call per trigger (job, command), each naming every input
pub(super) async fn open_round(
    c: &mut Conn,
    r: &Renderer,
    s: &Standup,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    member: Option<&Member>,
    late: bool,
    out: &mut Vec<Effect>,
) -> anyhow::Result<bool> {
    let team_tz: chrono_tz::Tz = s.settings.tz.parse().unwrap_or(chrono_tz::UTC);
    let day = standup::local_day(member.map_or(team_tz, |m| m.tz), due);
    let team = store::teams::members(c, s.team_id).await?;
    let people: Vec<Member> = standup::participants(&s.settings, &team)
        .map_err(|e| anyhow::anyhow!("participants: {e}"))?
        .into_iter()
        .cloned()
        .collect();
    let holidays = store::teams::holidays(c, s.team_id).await?;
    let window = Duration::minutes(s.settings.window_minutes);
    let round = match store::rounds::by_day(c, s.id, day).await? {
        Some(r) => {
            if member.is_none() {
                return Ok(false);
            }
            r
        }
        None => {
            let deadline = match member {
                None => now.max(due) + window,
                Some(_) => {
                    let sched = Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("{e}"))?;
                    let last =
                        people.iter().filter_map(|m| standup::fire_on_day(&sched, m.tz, day)).max().unwrap_or(due);
                    last.max(now) + window
                }
            };
            let new = NewRound {
                standup_id: s.id,
                standup_name: &s.settings.name,
                team_id: s.team_id,
                channel_id: s.channel_id,
                day,
                questions: &s.settings.questions,
                opened_at: now,
                deadline_at: deadline,
                fired_late: late,
            };
            let Some(id) = store::rounds::create(c, &new).await? else { return Ok(false) };
            for m in &people {
                let off = store::teams::time_off(c, m.id).await?;
                let status = match absence_on(day, &holidays, &off) {
                    Some(a) => Status::from(a),
                    None => Status::Pending,
                };
                store::rounds::add_participant(c, id, m.id, status).await?;
            }
            store::jobs::schedule(c, JobKind::StandupDeadline, id, 0, deadline).await?;
            store::rounds::get(c, id).await?
        }
    };
    let to_ask: Vec<&Member> = people.iter().filter(|m| member.is_none_or(|only| only.id == m.id)).collect();
    for m in to_ask {
        let Some(mut p) = store::rounds::participant(c, round.id, m.id).await? else { continue };
        if p.status != Status::Pending {
            continue;
        }
        p.status = Status::Asked;
        p.asked_at = Some(now);
        store::rounds::save_participant(c, &p).await?;
        out.push(open_dm(c, r, &round, s, m, late).await?);
        if s.settings.max_reminders > 0 {
            let at = now + Duration::minutes(s.settings.remind_after_minutes);
            if at < round.deadline_at {
                store::jobs::schedule(c, JobKind::StandupRemind, round.id, m.id, at).await?;
            }
        }
    }
    maybe_report(c, r, round.id, now, out).await?;
    Ok(true)
}

async fn open_dm(
    c: &mut Conn,
    r: &Renderer,
    round: &Round,
    s: &Standup,
    m: &Member,
    late: bool,
) -> anyhow::Result<Effect> {
    let blockers = store::rounds::open_blockers(c, s.team_id, Some(m.id)).await?;
    let first = round.questions.first().map(|q| question_text(r, q, m.locale)).unwrap_or_default();
    let data = json!({
        "standup": s.settings.name,
        "day": round.day.to_string(),
        "late": late,
        "question": first,
        "n": 1,
        "total": round.questions.len(),
        "deadline": round.deadline_at.with_timezone(&m.tz).format("%H:%M").to_string(),
        "blockers": blockers.iter().map(|b| json!({ "id": b.id, "text": b.body })).collect::<Vec<_>>(),
    });
    let mut msg = Message::new("standup_dm_open", data, m.locale)
        .with_button("button_answer_form", Action::OpenForm { round_id: round.id }.encode())
        .with_button("button_skip", Action::Skip { round_id: round.id }.encode());
    for b in &blockers {
        msg = msg.with_button("button_resolve", Action::Resolve { blocker_id: b.id }.encode());
    }
    Ok(Effect::post(Target::Dm { member_id: m.id }, msg))
}

/// A line typed in the DM: the answer to the next question of the open round.
pub(super) async fn take_text(ctx: &mut Ctx<'_>, text: &str) -> Outcome<()> {
    check_length(text)?;
    let Some(mut p) = store::rounds::open_for_member(ctx.c, ctx.me.id).await? else {
        return Err(UserError::plain("dm_nothing_to_answer").into());
    };
    let round = store::rounds::get(ctx.c, p.round_id).await?;
    let Some(q) = round.questions.get(p.next_question) else {
        return Err(UserError::plain("dm_nothing_to_answer").into());
    };
    let asked = question_text(&ctx.svc.renderer, q, ctx.me.locale);
    store::rounds::save_answer(ctx.c, round.id, ctx.me.id, p.next_question, &asked, text.trim(), ctx.now).await?;
    p.next_question += 1;
    if let Some(next) = round.questions.get(p.next_question) {
        store::rounds::save_participant(ctx.c, &p).await?;
        let next = question_text(&ctx.svc.renderer, next, ctx.me.locale);
        let data = json!({ "question": next, "n": p.next_question + 1, "total": round.questions.len() });
        ctx.out.push(Effect::post(
            Target::Dm { member_id: ctx.me.id },
            Message::new("standup_dm_question", data, ctx.me.locale),
        ));
        return Ok(());
    }
    complete(ctx, &round, p).await
}

/// Every answer is in: mark answered (late after the deadline), open blockers, thank,
/// and report when the round is complete (or update the report already posted).
async fn complete(ctx: &mut Ctx<'_>, round: &Round, mut p: Participant) -> Outcome<()> {
    let first_time = p.status != Status::Answered;
    p.status = Status::Answered;
    p.answered_at = Some(ctx.now);
    p.late = p.late || (first_time && (ctx.now > round.deadline_at || round.reported_at.is_some()));
    store::rounds::save_participant(ctx.c, &p).await?;
    store::jobs::cancel(ctx.c, JobKind::StandupRemind, round.id, Some(ctx.me.id)).await?;
    let answers = store::rounds::answers(ctx.c, round.id, ctx.me.id).await?;
    let existing = store::rounds::blockers_of_round(ctx.c, round.id).await?;
    let escalate_days = match store::standups::get(ctx.c, round.standup_id).await? {
        Some(s) => s.settings.escalate_after_days,
        None => standup::DEFAULT_ESCALATE_AFTER_DAYS,
    };
    for (i, body) in &answers {
        let is_blocker_question = round.questions.get(*i).is_some_and(|q| q.blocker);
        let known = existing.iter().any(|b| b.member_id == ctx.me.id && &b.body == body);
        if is_blocker_question && is_blocker(body) && !known {
            let id = store::rounds::open_blocker(ctx.c, round, ctx.me.id, body, ctx.now).await?;
            store::jobs::schedule(ctx.c, JobKind::BlockerEscalate, id, 0, ctx.now + Duration::days(escalate_days))
                .await?;
        }
    }
    let qa: Vec<_> = answers
        .iter()
        .map(|(i, a)| {
            let q = round.questions.get(*i).map(|q| question_text(&ctx.svc.renderer, q, ctx.me.locale));
            json!({ "question": q.unwrap_or_default(), "answer": a })
        })
        .collect();
    let data = json!({ "standup": round.standup_name, "answers": qa, "late": p.late, "edited": !first_time });
    let mut msg = Message::new("standup_dm_thanks", data, ctx.me.locale);
    if round.reported_at.is_none() {
        msg = msg.with_button("button_edit", Action::OpenForm { round_id: round.id }.encode());
    }
    ctx.out.push(Effect::post(Target::Dm { member_id: ctx.me.id }, msg));
    let mut out = Vec::new();
    if round.reported_at.is_some() {
        refresh_report(ctx.c, &ctx.svc.renderer, round, Some(ctx.me.id), &mut out).await?;
    } else {
        maybe_report(ctx.c, &ctx.svc.renderer, round.id, ctx.now, &mut out).await?;
    }
    ctx.out.extend(out);
    Ok(())
}

pub(super) async fn click(ctx: &mut Ctx<'_>, a: Action) -> Outcome<()> {
    match a {
        Action::OpenForm { round_id } => open_form(ctx, round_id).await,
        Action::Skip { round_id } => {
            let Some(p) = store::rounds::participant(ctx.c, round_id, ctx.me.id).await? else {
                return Err(UserError::plain("error_stale_button").into());
            };
            skip_participant(ctx, p).await?;
            let day = store::rounds::get(ctx.c, round_id).await?.day;
            ctx.reply("skip_done", json!({ "day": day.to_string() }));
            Ok(())
        }
        Action::Resolve { blocker_id } => resolve(ctx, blocker_id).await,
    }
}

/// `/tandem answer`: the form for the latest round they were asked in.
pub(super) async fn open_form_for_latest(ctx: &mut Ctx<'_>) -> Outcome<()> {
    match store::rounds::latest_for_member(ctx.c, ctx.me.id).await? {
        Some(p) => open_form(ctx, p.round_id).await,
        None => Err(UserError::plain("dm_nothing_to_answer").into()),
    }
}

async fn open_form(ctx: &mut Ctx<'_>, round_id: i64) -> Outcome<()> {
    let Some(p) = store::rounds::participant(ctx.c, round_id, ctx.me.id).await? else {
        return Err(UserError::plain("error_stale_button").into());
    };
    let round = store::rounds::get(ctx.c, round_id).await?;
    check_editable(&round, &p)?;
    let answers = store::rounds::answers(ctx.c, round_id, ctx.me.id).await?;
    let fields = round
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| FormField {
            label: question_text(&ctx.svc.renderer, q, ctx.me.locale),
            value: answers.iter().find(|(j, _)| *j == i).map(|(_, a)| a.clone()).unwrap_or_default(),
        })
        .collect();
    let mut msg = Message::new(
        "standup_form",
        json!({ "standup": round.standup_name, "day": round.day.to_string() }),
        ctx.me.locale,
    );
    msg.form = Some(Form { submit: format!("answers:{round_id}"), fields });
    ctx.reply_message(msg);
    Ok(())
}

/// Answers may change until the report is posted; a first answer is accepted late.
fn check_editable(round: &Round, p: &Participant) -> Outcome<()> {
    if round.reported_at.is_some() && p.status == Status::Answered {
        return Err(UserError::new(
            "error_round_closed",
            json!({ "standup": round.standup_name, "day": round.day.to_string() }),
        )
        .into());
    }
    if matches!(p.status, Status::Pending) {
        return Err(UserError::plain("dm_nothing_to_answer").into());
    }
    Ok(())
}

/// The answer form came back: every answer at once.
pub(super) async fn take_form(ctx: &mut Ctx<'_>, submit: &str, values: &[String]) -> Outcome<()> {
    let round_id = submit.strip_prefix("answers:").and_then(|id| id.parse::<i64>().ok());
    let Some(round_id) = round_id else { return Err(UserError::plain("error_stale_button").into()) };
    let Some(p) = store::rounds::participant(ctx.c, round_id, ctx.me.id).await? else {
        return Err(UserError::plain("error_stale_button").into());
    };
    let round = store::rounds::get(ctx.c, round_id).await?;
    check_editable(&round, &p)?;
    if values.len() != round.questions.len() || values.iter().any(|v| v.trim().is_empty()) {
        return Err(UserError::new("error_form_incomplete", json!({ "total": round.questions.len() })).into());
    }
    for v in values {
        check_length(v)?;
    }
    for (i, (q, v)) in round.questions.iter().zip(values).enumerate() {
        let asked = question_text(&ctx.svc.renderer, q, ctx.me.locale);
        store::rounds::save_answer(ctx.c, round_id, ctx.me.id, i, &asked, v.trim(), ctx.now).await?;
    }
    let mut p = p;
    p.next_question = round.questions.len();
    complete(ctx, &round, p).await
}

/// `/tandem skip [standup]`: no DM and no reminder today; open rounds of today say "skipped".
pub(super) async fn skip_today(ctx: &mut Ctx<'_>, standup_name: Option<&str>) -> Outcome<()> {
    let today = standup::local_day(ctx.me.tz, ctx.now);
    if let Some(name) = standup_name {
        if store::standups::by_name(ctx.c, ctx.team.id, name).await?.is_none() {
            return Err(UserError::new("error_unknown_standup", json!({ "name": name })).into());
        }
    } else {
        let t = crate::core::model::TimeOff { from: today, to: today, kind: crate::core::model::TimeOffKind::Skip };
        store::teams::add_time_off(ctx.c, ctx.me.id, &t, ctx.now).await?;
    }
    let n = excuse_open_rounds(ctx, Status::Skipped, standup_name).await?;
    if standup_name.is_some() && n == 0 {
        return Err(UserError::new("error_nothing_to_skip", json!({ "name": standup_name })).into());
    }
    ctx.reply("skip_done", json!({ "day": today.to_string() }));
    Ok(())
}

/// Mark today's rounds that still wait for this member as `status`; returns how many.
pub(super) async fn excuse_open_rounds(
    ctx: &mut Ctx<'_>,
    status: Status,
    standup_name: Option<&str>,
) -> Outcome<usize> {
    let today = standup::local_day(ctx.me.tz, ctx.now);
    let rounds = store::rounds::in_period(ctx.c, ctx.team.id, today, today).await?;
    let mut n = 0;
    for r in rounds.iter().filter(|r| standup_name.is_none_or(|s| s == r.standup_name)) {
        if let Some(p) = store::rounds::participant(ctx.c, r.id, ctx.me.id).await?
            && p.status.is_waiting()
        {
            set_excused(ctx, p, status).await?;
            n += 1;
        }
    }
    Ok(n)
}

async fn skip_participant(ctx: &mut Ctx<'_>, p: Participant) -> Outcome<()> {
    if !p.status.is_waiting() {
        return Err(UserError::plain("error_nothing_to_skip").into());
    }
    set_excused(ctx, p, Status::Skipped).await
}

async fn set_excused(ctx: &mut Ctx<'_>, mut p: Participant, status: Status) -> Outcome<()> {
    p.status = status;
    store::rounds::save_participant(ctx.c, &p).await?;
    store::jobs::cancel(ctx.c, JobKind::StandupRemind, p.round_id, Some(p.member_id)).await?;
    let round = store::rounds::get(ctx.c, p.round_id).await?;
    let mut out = Vec::new();
    if round.reported_at.is_some() {
        refresh_report(ctx.c, &ctx.svc.renderer, &round, None, &mut out).await?;
    } else {
        maybe_report(ctx.c, &ctx.svc.renderer, round.id, ctx.now, &mut out).await?;
    }
    ctx.out.extend(out);
    Ok(())
}

/// Post the report if nobody is still expected.
pub(super) async fn maybe_report(
    c: &mut Conn,
    r: &Renderer,
    round_id: i64,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    let ps = store::rounds::participants(c, round_id).await?;
    if ps.iter().all(|p| !p.status.is_waiting()) {
        post_report(c, r, round_id, now, out).await?;
    }
    Ok(())
}

/// Post the round's report once (at the deadline, or when everyone is done).
pub(super) async fn post_report(
    c: &mut Conn,
    r: &Renderer,
    round_id: i64,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    if !store::rounds::mark_reported(c, round_id, now).await? {
        return Ok(());
    }
    store::jobs::cancel(c, JobKind::StandupDeadline, round_id, None).await?;
    let round = store::rounds::get(c, round_id).await?;
    let (data, people, locale) = report_parts(c, r, &round).await?;
    let key = format!("report:{}", round.id);
    let target = Target::Channel { channel_id: round.channel_id };
    let format = match store::standups::get(c, round.standup_id).await? {
        Some(s) => s.settings.report_format,
        None => crate::core::model::ReportFormat::Summary,
    };
    match format {
        crate::core::model::ReportFormat::Summary => {
            out.push(Effect::post_keyed(target, Message::new("standup_report", data, locale), key));
        }
        crate::core::model::ReportFormat::Thread => {
            out.push(Effect::post_keyed(
                target.clone(),
                Message::new("standup_report_header", data, locale),
                key.clone(),
            ));
            for p in people.iter().filter(|p| p.status == Status::Answered) {
                let mut m = Message::new("standup_report_person", person_data(&round.standup_name, p), locale);
                m.thread_of = Some(key.clone());
                out.push(Effect::post_keyed(target.clone(), m, format!("{key}:{}", p.member_id)));
            }
        }
    }
    Ok(())
}

/// The report is out and something changed (a late answer, a skip): edit it in place;
/// in thread format, a late answer also gets its own reply.
async fn refresh_report(
    c: &mut Conn,
    r: &Renderer,
    round: &Round,
    late_member: Option<i64>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    let (data, people, locale) = report_parts(c, r, round).await?;
    let key = format!("report:{}", round.id);
    let format = match store::standups::get(c, round.standup_id).await? {
        Some(s) => s.settings.report_format,
        None => crate::core::model::ReportFormat::Summary,
    };
    let template = match format {
        crate::core::model::ReportFormat::Summary => "standup_report",
        crate::core::model::ReportFormat::Thread => "standup_report_header",
    };
    out.push(Effect::Update { key: key.clone(), message: Message::new(template, data, locale) });
    if let (crate::core::model::ReportFormat::Thread, Some(id)) = (format, late_member)
        && let Some(p) = people.iter().find(|p| p.member_id == id)
    {
        let mut m = Message::new("standup_report_person", person_data(&round.standup_name, p), locale);
        m.thread_of = Some(key.clone());
        let target = Target::Channel { channel_id: round.channel_id };
        out.push(Effect::post_keyed(target, m, format!("{key}:{id}")));
    }
    Ok(())
}

async fn report_parts(
    c: &mut Conn,
    r: &Renderer,
    round: &Round,
) -> anyhow::Result<(serde_json::Value, Vec<PersonReport>, crate::core::Locale)> {
    let team = store::teams::team(c, round.team_id).await?;
    let members = store::teams::members(c, round.team_id).await?;
    let mut people = Vec::new();
    for p in store::rounds::participants(c, round.id).await? {
        let Some(m) = members.iter().find(|m| m.id == p.member_id) else { continue };
        let answers =
            if p.status == Status::Answered { store::rounds::answers(c, round.id, m.id).await? } else { Vec::new() };
        people.push(PersonReport {
            member_id: m.id,
            name: m.name.clone(),
            display_name: m.display_name.clone(),
            status: p.status,
            late: p.late,
            answers: answers
                .into_iter()
                .map(|(i, a)| {
                    let q = round.questions.get(i);
                    ReportAnswer {
                        question: q.map(|q| question_text(r, q, team.locale)).unwrap_or_default(),
                        blocker: q.is_some_and(|q| q.blocker) && is_blocker(&a),
                        answer: a,
                    }
                })
                .collect(),
        });
    }
    people.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    let blockers: Vec<BlockerLine> = store::rounds::blockers_of_round(c, round.id)
        .await?
        .into_iter()
        .filter(|b| b.resolved_at.is_none())
        .map(|b| BlockerLine {
            id: b.id,
            who: members.iter().find(|m| m.id == b.member_id).map(|m| m.display_name.clone()).unwrap_or_default(),
            text: b.body,
        })
        .collect();
    let mentions: Vec<String> = if blockers.is_empty() {
        Vec::new()
    } else {
        members
            .iter()
            .filter(|m| matches!(m.role, Role::Po | Role::ScrumMaster))
            .map(|m| format!("@{}", m.name))
            .collect()
    };
    let data = report_data(&round.standup_name, round.day, &people, &blockers, &mentions);
    Ok((data, people, team.locale))
}

/// The team's open blockers, for `/tandem blockers`.
pub(super) async fn blockers_data(ctx: &mut Ctx<'_>) -> Outcome<serde_json::Value> {
    let members = store::teams::members(ctx.c, ctx.team.id).await?;
    let list: Vec<_> = store::rounds::open_blockers(ctx.c, ctx.team.id, None)
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
    let b = store::rounds::blocker(ctx.c, blocker_id).await?.filter(|b| b.team_id == ctx.team.id);
    let Some(b) = b else { return Err(UserError::new("error_unknown_blocker", json!({ "id": blocker_id })).into()) };
    let allowed = b.member_id == ctx.me.id || matches!(ctx.me.role, Role::Pm | Role::Po | Role::ScrumMaster);
    if !allowed {
        return Err(UserError::new("error_not_allowed", json!({ "what": format!("#{blocker_id}") })).into());
    }
    if !store::rounds::resolve_blocker(ctx.c, b.id, ctx.me.id, ctx.now).await? {
        return Err(UserError::new("error_blocker_already_resolved", json!({ "id": blocker_id })).into());
    }
    store::jobs::cancel(ctx.c, JobKind::BlockerEscalate, b.id, None).await?;
    ctx.reply("blocker_resolved", json!({ "id": b.id, "text": b.body }));
    let round = store::rounds::get(ctx.c, b.round_id).await?;
    if round.reported_at.is_some() {
        let mut out = Vec::new();
        refresh_report(ctx.c, &ctx.svc.renderer, &round, None, &mut out).await?;
        ctx.out.extend(out);
    }
    Ok(())
}
