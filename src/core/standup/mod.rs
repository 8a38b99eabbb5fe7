//! Stand-ups: settings, who is asked, reminders, the report, stats — decisions only.

pub mod action;
pub mod commands;
pub mod options;
pub mod report;
pub mod stats;

pub use commands::{COMMANDS, ExportFormat, StandupCommand};
pub use options::StandupOptions;

use super::UserError;
use super::model::{Member, Question, ReportFormat, Role, StandupSettings};
use super::schedule::Schedule;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;

/// Where a participant stands in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Fires later, in the member's own zone.
    Pending,
    /// Asked; no complete answer yet.
    Asked,
    Answered,
    Skipped,
    Away,
    Holiday,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Asked => "asked",
            Status::Answered => "answered",
            Status::Skipped => "skipped",
            Status::Away => "away",
            Status::Holiday => "holiday",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Pending, Status::Asked, Status::Answered, Status::Skipped, Status::Away, Status::Holiday]
            .into_iter()
            .find(|x| x.code() == s)
    }

    /// The statuses of those who still owe an answer.
    pub const WAITING: [Status; 2] = [Status::Pending, Status::Asked];

    /// Still owes an answer.
    pub fn is_waiting(self) -> bool {
        Status::WAITING.contains(&self)
    }
}

impl From<super::model::Absence> for Status {
    fn from(a: super::model::Absence) -> Status {
        match a {
            super::model::Absence::Away => Status::Away,
            super::model::Absence::Skipped => Status::Skipped,
            super::model::Absence::Holiday => Status::Holiday,
        }
    }
}

/// Defaults a stand-up gets when created without them.
pub const DEFAULT_WINDOW_MINUTES: i64 = 120;
pub const DEFAULT_MAX_REMINDERS: i64 = 1;
pub const DEFAULT_ESCALATE_AFTER_DAYS: i64 = 2;

/// New settings from `standup create` options. `default_questions` are already in the
/// team's language.
pub fn new_settings(
    name: &str,
    o: &StandupOptions,
    team_tz: &str,
    default_questions: Vec<Question>,
) -> Result<StandupSettings, UserError> {
    let usage = "/tandem standup create daily channel=#team schedule=\"30 9 * * MON-FRI\"";
    let channel = o
        .channel
        .clone()
        .ok_or_else(|| UserError::new("error_missing_option", json!({ "option": "channel", "usage": usage })))?;
    let schedule = o
        .schedule
        .clone()
        .ok_or_else(|| UserError::new("error_missing_option", json!({ "option": "schedule", "usage": usage })))?;
    let window = o.window_minutes.unwrap_or(DEFAULT_WINDOW_MINUTES);
    let s = StandupSettings {
        name: name.to_string(),
        channel,
        schedule,
        tz: o.tz.clone().unwrap_or_else(|| team_tz.to_string()),
        member_local_time: o.member_local_time.unwrap_or(false),
        questions: o.questions.clone().unwrap_or(default_questions),
        window_minutes: window,
        report_format: o.report_format.unwrap_or(ReportFormat::Summary),
        max_reminders: o.max_reminders.unwrap_or(DEFAULT_MAX_REMINDERS),
        remind_after_minutes: o.remind_after_minutes.unwrap_or(window / 2),
        escalate_after_days: o.escalate_after_days.unwrap_or(DEFAULT_ESCALATE_AFTER_DAYS),
        participants: o.participants.clone().unwrap_or_default(),
    };
    check_window(&s)?;
    Ok(s)
}

/// Settings after `standup edit`: only the options given change.
pub fn edited_settings(cur: &StandupSettings, o: &StandupOptions) -> Result<StandupSettings, UserError> {
    let mut s = cur.clone();
    if let Some(v) = &o.channel {
        s.channel = v.clone()
    }
    if let Some(v) = &o.schedule {
        s.schedule = v.clone()
    }
    if let Some(v) = &o.tz {
        s.tz = v.clone()
    }
    if let Some(v) = o.member_local_time {
        s.member_local_time = v
    }
    if let Some(v) = &o.questions {
        s.questions = v.clone()
    }
    if let Some(v) = o.window_minutes {
        s.window_minutes = v
    }
    if let Some(v) = o.report_format {
        s.report_format = v
    }
    if let Some(v) = o.max_reminders {
        s.max_reminders = v
    }
    if let Some(v) = o.remind_after_minutes {
        s.remind_after_minutes = v
    }
    if let Some(v) = o.escalate_after_days {
        s.escalate_after_days = v
    }
    if let Some(v) = &o.participants {
        s.participants = v.clone()
    }
    check_window(&s)?;
    Ok(s)
}

fn check_window(s: &StandupSettings) -> Result<(), UserError> {
    if s.remind_after_minutes >= s.window_minutes && s.max_reminders > 0 {
        return Err(UserError::new(
            "error_reminder_after_deadline",
            json!({ "remind_after": s.remind_after_minutes, "window": s.window_minutes }),
        ));
    }
    Ok(())
}

/// The members a stand-up asks: the named ones, or everyone but stakeholders.
pub fn participants<'a>(s: &StandupSettings, team: &'a [Member]) -> Result<Vec<&'a Member>, UserError> {
    if s.participants.is_empty() {
        return Ok(team.iter().filter(|m| m.role != Role::Stakeholder).collect());
    }
    s.participants
        .iter()
        .map(|name| {
            team.iter()
                .find(|m| &m.name == name)
                .ok_or_else(|| UserError::new("error_unknown_member", json!({ "name": name })))
        })
        .collect()
}

/// Whether `viewer` may read the answers `author_id` gave in a round: everyone the report
/// reaches once it is posted; before that, only their author and those who run the
/// rituals (a teammate's answers are not read ahead of the report).
pub fn may_read_answers(viewer: &Member, author_id: i64, reported: bool) -> bool {
    reported || viewer.id == author_id || super::policy::may(viewer.role, super::policy::Act::ReadAnswersBeforeReport)
}

/// The local date of `t` in `tz`.
pub fn local_day(tz: chrono_tz::Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The first fire of `schedule` on local `day` in `tz`, if it fires that day.
pub fn fire_on_day(schedule: &Schedule, tz: chrono_tz::Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    let start = tz
        .from_local_datetime(&midnight)
        .earliest()
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight).with_timezone(&tz));
    let t = schedule.next_after(tz, start.with_timezone(&Utc) - Duration::milliseconds(1))?;
    (local_day(tz, t) == day).then_some(t)
}

/// What to do with a reminder that is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    Send,
    /// The member is in quiet hours; try again then.
    Defer(DateTime<Utc>),
    /// Quiet hours last past the deadline: no reminder this round.
    Drop,
}

pub fn reminder(now: DateTime<Utc>, member: &Member, deadline: DateTime<Utc>) -> Reminder {
    if now >= deadline {
        return Reminder::Drop;
    }
    let Some(quiet) = member.quiet_hours else { return Reminder::Send };
    let local = now.with_timezone(&member.tz);
    if !quiet.contains(local.time()) {
        return Reminder::Send;
    }
    let mut day = local.date_naive();
    if quiet.start > quiet.end && local.time() >= quiet.start {
        day = day.succ_opt().unwrap_or(day);
    }
    // In a repeated hour the first pass of the end may already be behind us; take the
    // first pass still ahead.
    let ends = member.tz.from_local_datetime(&day.and_time(quiet.end));
    let end = [ends.earliest(), ends.latest()].into_iter().flatten().map(|t| t.with_timezone(&Utc)).find(|t| *t > now);
    match end {
        Some(end) if end < deadline => Reminder::Defer(end),
        _ => Reminder::Drop,
    }
}

#[cfg(test)]
mod command_tests;
#[cfg(test)]
mod tests;
