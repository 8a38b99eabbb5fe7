//! The stand-up report: who answered what, who is missing, who is away, which blockers.

use super::Status;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportAnswer {
    pub question: String,
    pub answer: String,
    pub blocker: bool,
}

/// One participant as the report shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonReport {
    pub member_id: i64,
    pub name: String,
    pub display_name: String,
    pub status: Status,
    pub late: bool,
    pub answers: Vec<ReportAnswer>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockerLine {
    pub id: i64,
    pub who: String,
    pub text: String,
}

/// Template data for `standup_report` (and the header of a threaded report).
pub fn report_data(
    standup: &str,
    day: NaiveDate,
    people: &[PersonReport],
    blockers: &[BlockerLine],
    mentions: &[String],
) -> Value {
    let names = |st: Status| -> Vec<&str> {
        people.iter().filter(|p| p.status == st).map(|p| p.display_name.as_str()).collect()
    };
    let answered: Vec<&PersonReport> = people.iter().filter(|p| p.status == Status::Answered).collect();
    let missing: Vec<&str> = people.iter().filter(|p| p.status.is_waiting()).map(|p| p.display_name.as_str()).collect();
    json!({
        "standup": standup,
        "day": day.format("%Y-%m-%d").to_string(),
        "answered": answered,
        "missing": missing,
        "away": names(Status::Away),
        "skipped": names(Status::Skipped),
        "holiday": names(Status::Holiday),
        "blockers": blockers,
        "mentions": mentions.join(" "),
        "n_answered": answered.len(),
        "n_total": people.len(),
        "n_late": answered.iter().filter(|p| p.late).count(),
    })
}

/// Template data for one person's thread reply (`standup_report_person`).
pub fn person_data(standup: &str, p: &PersonReport) -> Value {
    json!({ "standup": standup, "person": p })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, status: Status, blocker: Option<&str>) -> PersonReport {
        PersonReport {
            member_id: 1,
            name: name.to_lowercase(),
            display_name: name.to_string(),
            status,
            late: false,
            answers: blocker
                .map(|b| vec![ReportAnswer { question: "Blockers?".into(), answer: b.into(), blocker: true }])
                .unwrap_or_default(),
        }
    }

    #[test]
    fn the_report_sorts_people_into_answered_missing_and_away() {
        let people = [
            person("Ana", Status::Answered, Some("API keys")),
            person("Bo", Status::Asked, None),
            person("Cy", Status::Away, None),
            person("Di", Status::Holiday, None),
        ];
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let blockers = [BlockerLine { id: 4, who: "Ana".into(), text: "API keys".into() }];
        let v = report_data("daily", day, &people, &blockers, &["@po".into(), "@sm".into()]);
        assert_eq!(v["n_answered"], 1);
        assert_eq!(v["n_total"], 4);
        assert_eq!(v["missing"], json!(["Bo"]));
        assert_eq!(v["away"], json!(["Cy"]));
        assert_eq!(v["holiday"], json!(["Di"]));
        assert_eq!(v["mentions"], "@po @sm");
        assert_eq!(v["blockers"][0]["id"], 4);
    }
}
