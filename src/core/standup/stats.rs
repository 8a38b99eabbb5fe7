//! Participation rate and answer streaks over a period.

use super::Status;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// One participation, as history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Participation {
    pub member: String,
    pub day: NaiveDate,
    pub status: Status,
    pub late: bool,
    /// The round is still open: a missing answer may yet come, so it does not count.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberStats {
    pub member: String,
    /// Rounds they were expected in (not away, skipped or on holiday).
    pub expected: usize,
    pub answered: usize,
    pub late: usize,
    pub missed: usize,
    pub excused: usize,
    /// Answered out of expected, in whole percent; 100 when nothing was expected.
    pub rate_percent: usize,
    /// Answered rounds in a row, counting back from the latest; excused rounds do not break it.
    pub current_streak: usize,
    pub best_streak: usize,
}

/// Stats per member, sorted by name. `entries` must be in day order.
pub fn member_stats(entries: &[Participation]) -> Vec<MemberStats> {
    let mut by_member: BTreeMap<&str, Vec<&Participation>> = BTreeMap::new();
    for e in entries {
        by_member.entry(e.member.as_str()).or_default().push(e);
    }
    by_member
        .into_iter()
        .map(|(member, es)| {
            let mut s = MemberStats {
                member: member.to_string(),
                expected: 0,
                answered: 0,
                late: 0,
                missed: 0,
                excused: 0,
                rate_percent: 100,
                current_streak: 0,
                best_streak: 0,
            };
            for e in es {
                match e.status {
                    Status::Answered => {
                        s.expected += 1;
                        s.answered += 1;
                        s.late += usize::from(e.late);
                        s.current_streak += 1;
                        s.best_streak = s.best_streak.max(s.current_streak);
                    }
                    Status::Asked | Status::Pending if e.open => {}
                    Status::Asked | Status::Pending => {
                        s.expected += 1;
                        s.missed += 1;
                        s.current_streak = 0;
                    }
                    Status::Away | Status::Skipped | Status::Holiday => s.excused += 1,
                }
            }
            s.rate_percent = (s.answered * 100).checked_div(s.expected).unwrap_or(100);
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(member: &str, d: u32, status: Status) -> Participation {
        Participation {
            member: member.into(),
            day: NaiveDate::from_ymd_opt(2026, 11, d).expect("date"),
            status,
            late: false,
            open: false,
        }
    }

    #[test]
    fn an_absence_does_not_break_a_streak_but_a_miss_does() {
        let es = [
            p("ana", 16, Status::Answered),
            p("ana", 17, Status::Asked),
            p("ana", 18, Status::Answered),
            p("ana", 19, Status::Away),
            p("ana", 20, Status::Answered),
        ];
        let s = &member_stats(&es)[0];
        assert_eq!((s.expected, s.answered, s.missed, s.excused), (4, 3, 1, 1));
        assert_eq!(s.rate_percent, 75);
        assert_eq!((s.current_streak, s.best_streak), (2, 2));
    }

    #[test]
    fn todays_round_still_open_does_not_count_a_missing_answer_yet() {
        let es = [p("ana", 16, Status::Answered), Participation { open: true, ..p("ana", 17, Status::Asked) }];
        let s = &member_stats(&es)[0];
        assert_eq!((s.expected, s.missed, s.rate_percent, s.current_streak), (1, 0, 100, 1));
    }
}
