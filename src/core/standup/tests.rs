use super::*;
use crate::core::Locale;
use crate::core::model::QuietHours;
use chrono::NaiveTime;

fn member(tz: &str, quiet: Option<(u32, u32)>) -> Member {
    Member {
        id: 1,
        team_id: 1,
        name: "ana".into(),
        display_name: "Ana".into(),
        role: Role::Developer,
        tz: tz.parse().expect("zone"),
        locale: Locale::En,
        quiet_hours: quiet.map(|(a, b)| QuietHours {
            start: NaiveTime::from_hms_opt(a, 0, 0).expect("time"),
            end: NaiveTime::from_hms_opt(b, 0, 0).expect("time"),
        }),
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

#[test]
fn a_reminder_due_in_quiet_hours_waits_for_their_end() {
    // 23:00 in Tokyo is 14:00Z; quiet until 07:00 Tokyo = 22:00Z.
    let m = member("Asia/Tokyo", Some((22, 7)));
    let r = reminder(utc("2026-11-23T14:00:00Z"), &m, utc("2026-11-24T02:00:00Z"));
    assert_eq!(r, Reminder::Defer(utc("2026-11-23T22:00:00Z")));
}

#[test]
fn a_reminder_is_dropped_when_quiet_hours_outlast_the_deadline() {
    let m = member("Asia/Tokyo", Some((22, 7)));
    assert_eq!(reminder(utc("2026-11-23T14:00:00Z"), &m, utc("2026-11-23T16:00:00Z")), Reminder::Drop);
    assert_eq!(
        reminder(utc("2026-11-23T08:00:00Z"), &member("UTC", None), utc("2026-11-23T10:00:00Z")),
        Reminder::Send
    );
}

#[test]
fn the_fire_on_a_day_follows_the_member_zone() {
    let s = Schedule::parse("30 9 * * MON-FRI").expect("schedule");
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    assert_eq!(fire_on_day(&s, "Asia/Tokyo".parse().expect("zone"), day), Some(utc("2026-11-23T00:30:00Z")));
    assert_eq!(fire_on_day(&s, "America/New_York".parse().expect("zone"), day), Some(utc("2026-11-23T14:30:00Z")));
    let sunday = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    assert_eq!(fire_on_day(&s, chrono_tz::UTC, sunday), None);
}

#[test]
fn a_reminder_after_the_deadline_is_refused_at_creation() {
    let o = StandupOptions {
        channel: Some("team".into()),
        schedule: Some("@daily".into()),
        window_minutes: Some(30),
        remind_after_minutes: Some(45),
        ..Default::default()
    };
    let e = new_settings("daily", &o, "UTC", vec![]).expect_err("refused");
    assert_eq!(e.template, "error_reminder_after_deadline");
}

#[test]
fn a_quiet_end_inside_the_repeated_hour_is_taken_on_its_second_pass() {
    // Paris falls back on 2026-10-25 at 03:00 CEST → 02:00 CET. Quiet 22:00-02:30; at
    // 01:15Z it is 02:15 CET (second pass): 02:30 is still ahead, at 01:30Z.
    let m = member("Europe/Paris", None);
    let m = Member {
        quiet_hours: Some(QuietHours {
            start: NaiveTime::from_hms_opt(22, 0, 0).expect("time"),
            end: NaiveTime::from_hms_opt(2, 30, 0).expect("time"),
        }),
        ..m
    };
    let r = reminder(utc("2026-10-25T01:15:00Z"), &m, utc("2026-10-25T06:00:00Z"));
    assert_eq!(r, Reminder::Defer(utc("2026-10-25T01:30:00Z")));
}

#[test]
fn a_deadline_on_another_day_for_the_reader_shows_its_date() {
    let now: chrono::DateTime<chrono::Utc> = "2026-12-01T09:30:00Z".parse().expect("instant");
    let deadline: chrono::DateTime<chrono::Utc> = "2026-12-01T21:45:00Z".parse().expect("instant");
    // At 10:30 in Paris (18:30 in Tokyo), 21:45 UTC is 22:45 in Paris the same day, but
    // 06:45 the next morning in Tokyo.
    assert_eq!(crate::core::text::moment(deadline, chrono_tz::Europe::Paris, now), "22:45");
    assert_eq!(crate::core::text::moment(deadline, chrono_tz::Asia::Tokyo, now), "2026-12-02 06:45");
}
