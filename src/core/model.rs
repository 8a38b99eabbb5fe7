//! The plain types the domain works with: roles, members, stand-up settings.

use super::Locale;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Pm,
    Po,
    ScrumMaster,
    Developer,
    Stakeholder,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pm" | "product-manager" => Some(Role::Pm),
            "po" | "product-owner" => Some(Role::Po),
            "sm" | "scrum-master" | "scrum_master" | "lead" => Some(Role::ScrumMaster),
            "dev" | "developer" => Some(Role::Developer),
            "stakeholder" => Some(Role::Stakeholder),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Pm => "pm",
            Role::Po => "po",
            Role::ScrumMaster => "scrum_master",
            Role::Developer => "developer",
            Role::Stakeholder => "stakeholder",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub team_id: i64,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub tz: chrono_tz::Tz,
    pub locale: Locale,
    pub quiet_hours: Option<QuietHours>,
}

/// Hours in a member's own time zone when Tandem sends them no reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// True when `t` falls inside the quiet hours; they may wrap midnight (22:00-07:00).
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end { t >= self.start && t < self.end } else { t >= self.start || t < self.end }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// One message with everyone's answers.
    Summary,
    /// A short header message and one thread reply per person.
    Thread,
}

impl ReportFormat {
    pub fn parse(s: &str) -> Option<ReportFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "summary" | "resume" | "résumé" => Some(ReportFormat::Summary),
            "thread" | "fil" => Some(ReportFormat::Thread),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReportFormat::Summary => "summary",
            ReportFormat::Thread => "thread",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The question as the team wrote it (for a default question: in the team's language).
    pub text: String,
    /// Answers to this question open blockers.
    pub blocker: bool,
    /// For a default question, its label key: each member reads it in their own language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Everything that defines a stand-up, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandupSettings {
    pub name: String,
    pub channel: String,
    pub schedule: String,
    pub tz: String,
    /// Fire at the schedule's wall time in each member's own zone.
    pub member_local_time: bool,
    pub questions: Vec<Question>,
    pub window_minutes: i64,
    pub report_format: ReportFormat,
    pub max_reminders: i64,
    pub remind_after_minutes: i64,
    pub escalate_after_days: i64,
    /// Member names; empty means every member of the team but stakeholders.
    pub participants: Vec<String>,
}

/// Why a member is not expected to answer on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Absence {
    Away,
    Skipped,
    Holiday,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOffKind {
    Away,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeOff {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: TimeOffKind,
}

/// Whether a member is expected on `day` (their local date).
pub fn absence_on(day: NaiveDate, holidays: &[NaiveDate], time_off: &[TimeOff]) -> Option<Absence> {
    if let Some(t) = time_off.iter().find(|t| t.from <= day && day <= t.to) {
        return Some(match t.kind {
            TimeOffKind::Away => Absence::Away,
            TimeOffKind::Skip => Absence::Skipped,
        });
    }
    holidays.contains(&day).then_some(Absence::Holiday)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    #[test]
    fn quiet_hours_that_wrap_midnight_cover_the_night_only() {
        let q = QuietHours { start: t(22, 0), end: t(7, 0) };
        assert!(q.contains(t(23, 30)));
        assert!(q.contains(t(6, 59)));
        assert!(!q.contains(t(7, 0)));
        assert!(!q.contains(t(12, 0)));
    }

    #[test]
    fn time_off_wins_over_a_holiday_and_a_skip_is_told_apart_from_away() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 24).expect("valid date");
        let off = vec![TimeOff { from: d, to: d, kind: TimeOffKind::Skip }];
        assert_eq!(absence_on(d, &[d], &off), Some(Absence::Skipped));
        assert_eq!(absence_on(d, &[d], &[]), Some(Absence::Holiday));
        assert_eq!(absence_on(d.succ_opt().expect("next day"), &[d], &off), None);
    }
}
