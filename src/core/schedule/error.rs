//! Parse errors for cron expressions: which field, which token, and what is wrong.

use std::fmt;

/// One of the five cron fields, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

impl Field {
    /// All fields in expression order.
    pub const ALL: [Field; 5] = [Field::Minute, Field::Hour, Field::DayOfMonth, Field::Month, Field::DayOfWeek];

    /// Human-readable name, e.g. `"day-of-month"`.
    pub fn name(&self) -> &'static str {
        match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::DayOfMonth => "day-of-month",
            Field::Month => "month",
            Field::DayOfWeek => "day-of-week",
        }
    }

    /// Inclusive range of numbers the field accepts (day-of-week allows 7 for Sunday).
    pub fn range(&self) -> (u32, u32) {
        match self {
            Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::DayOfMonth => (1, 31),
            Field::Month => (1, 12),
            Field::DayOfWeek => (0, 7),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with the offending token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The expression does not have exactly five fields.
    FieldCount { found: usize },
    /// A value that should be a number is not one.
    NotANumber,
    /// A number outside the field's range (or a `#n` outside 1-5).
    OutOfRange { min: u32, max: u32 },
    /// A range whose start is after its end, or that is malformed (`1-`, `1-2-3`).
    BadRange,
    /// A step that is not a whole number from 1 to the field's maximum.
    BadStep,
    /// A name that is not a month (JAN-DEC) or weekday (SUN-SAT) name.
    UnknownName,
    /// An `@macro` that is not supported (including `@reboot`).
    UnknownMacro,
    /// An extension (`L`, `W`, `#`) in a field that does not take it.
    Misplaced,
    /// An empty expression, or an empty item in a list (`1,,2`).
    Empty,
}

impl Problem {
    /// Stable snake_case identifier, suitable as a localization key.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::FieldCount { .. } => "field_count",
            Problem::NotANumber => "not_a_number",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::BadRange => "bad_range",
            Problem::BadStep => "bad_step",
            Problem::UnknownName => "unknown_name",
            Problem::UnknownMacro => "unknown_macro",
            Problem::Misplaced => "misplaced",
            Problem::Empty => "empty",
        }
    }
}

/// Why a cron expression was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleError {
    /// The field the problem is in; `None` for whole-expression problems.
    pub field: Option<Field>,
    /// The offending text (a value, an item, or the whole expression).
    pub token: String,
    pub problem: Problem,
}

impl ScheduleError {
    pub(crate) fn new(field: Option<Field>, token: &str, problem: Problem) -> Self {
        ScheduleError { field, token: token.to_string(), problem }
    }

    /// Stable snake_case identifier of the problem, e.g. `"out_of_range"`.
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = self.field {
            write!(f, "{} field: ", field.name())?;
        }
        let t = &self.token;
        match self.problem {
            Problem::FieldCount { found } => {
                write!(f, "expected 5 fields (minute hour day-of-month month day-of-week) but found {found}")
            }
            Problem::NotANumber => write!(f, "\"{t}\" is not a number"),
            Problem::OutOfRange { min, max } => {
                write!(f, "\"{t}\" is out of range {min}-{max}")
            }
            Problem::BadRange => write!(f, "\"{t}\" is not a valid range"),
            Problem::BadStep => write!(f, "\"{t}\" has an invalid step"),
            Problem::UnknownName => write!(f, "\"{t}\" is not a known name"),
            Problem::UnknownMacro => write!(f, "\"{t}\" is not a supported macro"),
            Problem::Misplaced => write!(f, "\"{t}\" is not allowed in this field"),
            Problem::Empty if self.field.is_some() => write!(f, "\"{t}\" has an empty item"),
            Problem::Empty => write!(f, "the schedule is empty"),
        }
    }
}

impl std::error::Error for ScheduleError {}
