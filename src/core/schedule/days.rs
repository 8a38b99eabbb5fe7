//! Day matching: day-of-month and day-of-week sets including the L, W and # extensions.

use chrono::{Datelike, NaiveDate};

/// Parsed day-of-month field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DomSpec {
    /// Bit `d` set when day `d` (1-31) is listed.
    pub days: u32,
    /// `L`: the last day of the month.
    pub last: bool,
    /// `LW`: the last weekday (Mon-Fri) of the month.
    pub last_weekday: bool,
    /// Bit `n` set for `nW`: the weekday nearest day `n`, within the same month.
    pub nearest: u32,
}

/// Parsed day-of-week field; weekdays are numbered 0 (Sunday) to 6 (Saturday).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DowSpec {
    /// Bit `w` set when weekday `w` is listed.
    pub days: u8,
    /// `nth[w]` has bit `n` set for `w#n` (the n-th such weekday of the month, 1-5).
    pub nth: [u8; 7],
    /// Bit `w` set for `wL`: the last such weekday of the month.
    pub last: u8,
}

/// Number of days in `month` (1-12) of `year` (proleptic Gregorian).
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Weekday of `date`, 0 = Sunday.
fn weekday(date: NaiveDate) -> u32 {
    date.weekday().num_days_from_sunday()
}

/// Shift `day` to the nearest Monday-Friday without leaving a month of `len` days,
/// given the weekday `wd` (0 = Sunday) of `day`.
fn nearest_weekday(day: u32, wd: u32, len: u32) -> u32 {
    match wd {
        6 if day > 1 => day - 1,   // Saturday -> Friday
        6 => day + 2,              // Saturday the 1st -> Monday the 3rd
        0 if day < len => day + 1, // Sunday -> Monday
        0 => day - 2,              // Sunday the last -> Friday
        _ => day,
    }
}

impl DomSpec {
    /// True when `date` matches the day-of-month field.
    pub(crate) fn matches(&self, date: NaiveDate) -> bool {
        let day = date.day();
        if self.days & (1 << day) != 0 {
            return true;
        }
        let len = days_in_month(date.year(), date.month());
        // Weekday of day `n` of this month, derived from today's weekday.
        let wd_of = |n: u32| (weekday(date) + 35 + n - day) % 7;
        if self.last && day == len {
            return true;
        }
        if self.last_weekday && day == nearest_weekday(len, wd_of(len), len) {
            return true;
        }
        (1..=len.min(31)).filter(|n| self.nearest & (1 << n) != 0).any(|n| nearest_weekday(n, wd_of(n), len) == day)
    }
}

impl DowSpec {
    /// True when `date` matches the day-of-week field.
    pub(crate) fn matches(&self, date: NaiveDate) -> bool {
        let wd = weekday(date);
        let bit = 1u8 << wd;
        if self.days & bit != 0 {
            return true;
        }
        let day = date.day();
        // wd < 7, so the index is in bounds.
        let nth = (day - 1) / 7 + 1;
        if self.nth[wd as usize] & (1 << nth) != 0 {
            return true;
        }
        self.last & bit != 0 && day + 7 > days_in_month(date.year(), date.month())
    }
}
