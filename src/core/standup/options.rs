//! The options of `standup create` and `standup edit`, parsed and checked.

use crate::core::UserError;
use crate::core::command::Args;
use crate::core::command::param::{check_tz, number_in, yes_no};
use crate::core::model::{Question, ReportFormat};
use crate::core::schedule::Schedule;
use crate::core::text::{check_length, check_name, parse_minutes};
use serde_json::json;

/// The most questions a stand-up may ask.
pub const MAX_QUESTIONS: usize = 10;
/// The most reminders per round.
pub const MAX_REMINDERS: i64 = 5;

/// Stand-up options as typed; `None` keeps the current (or default) value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StandupOptions {
    pub channel: Option<String>,
    pub schedule: Option<String>,
    pub tz: Option<String>,
    pub member_local_time: Option<bool>,
    pub questions: Option<Vec<Question>>,
    pub window_minutes: Option<i64>,
    pub report_format: Option<ReportFormat>,
    pub max_reminders: Option<i64>,
    pub remind_after_minutes: Option<i64>,
    pub escalate_after_days: Option<i64>,
    pub participants: Option<Vec<String>>,
}

impl StandupOptions {
    /// Take and check every stand-up option present in `a`.
    pub fn take(a: &mut Args) -> Result<StandupOptions, UserError> {
        let mut o = StandupOptions::default();
        if let Some(c) = a.take("channel") {
            o.channel = Some(check_name(&c)?);
        }
        if let Some(s) = a.take("schedule") {
            Schedule::parse(&s).map_err(|e| schedule_error(&s, &e))?;
            o.schedule = Some(s.trim().to_string());
        }
        if let Some(tz) = a.take("tz") {
            o.tz = Some(check_tz(&tz)?);
        }
        if let Some(v) = a.take("local") {
            o.member_local_time = Some(yes_no(&v, "local=yes")?);
        }
        if let Some(q) = a.take("questions") {
            o.questions = Some(parse_questions(&q)?);
        }
        if let Some(w) = a.take("window") {
            o.window_minutes = Some(parse_minutes(&w)?);
        }
        if let Some(f) = a.take("format") {
            o.report_format = Some(ReportFormat::parse(&f).ok_or_else(|| {
                UserError::new(
                    "error_bad_choice",
                    json!({ "value": f, "choices": "summary, thread", "usage": "format=summary" }),
                )
            })?);
        }
        if let Some(r) = a.take("reminders") {
            o.max_reminders = Some(number_in(&r, 0, MAX_REMINDERS)?);
        }
        if let Some(r) = a.take("remind_after") {
            o.remind_after_minutes = Some(parse_minutes(&r)?);
        }
        if let Some(d) = a.take("escalate_days") {
            o.escalate_after_days = Some(number_in(&d, 1, 30)?);
        }
        if let Some(m) = a.take("members") {
            let names: Vec<String> = m
                .split(',')
                .map(|n| n.trim().trim_start_matches('@').to_lowercase())
                .filter(|n| !n.is_empty())
                .collect();
            if names.is_empty() {
                return Err(UserError::new("error_usage", json!({ "usage": "members=alice,bob" })));
            }
            o.participants = Some(names);
        }
        Ok(o)
    }
}

/// A schedule error as a person reads it: what is wrong, and an example of right.
pub fn schedule_error(expr: &str, e: &crate::core::schedule::ScheduleError) -> UserError {
    use crate::core::schedule::Problem;
    let (min, max, found) = match e.problem {
        Problem::OutOfRange { min, max } => (Some(min), Some(max), None),
        Problem::FieldCount { found } => (None, None, Some(found)),
        _ => (None, None, None),
    };
    UserError::new(
        "error_bad_schedule",
        json!({
            "expr": expr,
            "code": e.code(),
            "field": e.field.map(|f| f.name()),
            "token": e.token,
            "detail": e.to_string(),
            "min": min,
            "max": max,
            "found": found,
        }),
    )
}

/// `What did you do?|What will you do?|blocker:Anything in your way?`
fn parse_questions(s: &str) -> Result<Vec<Question>, UserError> {
    check_length(s)?;
    let questions: Vec<Question> = s
        .split('|')
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| match q.strip_prefix("blocker:") {
            Some(rest) => Question { text: rest.trim().to_string(), blocker: true, key: None },
            None => Question { text: q.to_string(), blocker: false, key: None },
        })
        .collect();
    if questions.is_empty() || questions.len() > MAX_QUESTIONS || questions.iter().any(|q| q.text.chars().count() > 300)
    {
        return Err(UserError::new("error_bad_questions", json!({ "max": MAX_QUESTIONS })));
    }
    Ok(questions)
}
