//! What history and exports let a person read: a teammate's answers once the report is
//! out, and cells a spreadsheet will not run.

use crate::drivers::web_chat::Person;
use crate::helpers::{Db, TestApp};

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().expect("instant")
}

async fn csv_of(p: &Person, t: &TestApp) -> String {
    let url = format!("{}/export/answers.csv?from=2026-11-23&to=2026-11-23", t.base);
    p.client.get(url).send().await.expect("export").text().await.expect("body")
}

on_both_databases!(
    a_teammates_answers_are_read_once_the_report_is_out_and_by_managers_before,
    answers_before_report_on_sqlite,
    answers_before_report_on_postgres
);

async fn a_teammates_answers_are_read_once_the_report_is_out_and_by_managers_before(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana, kenji) = (t.person("olivier").await, t.person("ana").await, t.person("kenji").await);
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * *" members=ana,kenji"#).await;
    t.at(at("2026-11-23T08:30:00Z")).await;
    for line in ["Shipped the secret login page", "Billing", "none"] {
        ana.say("dm", line).await;
    }
    t.tick().await;
    // The round is open: Kenji, a developer, reads neither Ana's answers nor their export.
    kenji.say("dm", "/tandem history @ana from=2026-11-23").await;
    t.tick().await;
    assert!(!kenji.last_bot("dm").await.contains("secret login"), "{}", kenji.last_bot("dm").await);
    assert!(!csv_of(&kenji, &t).await.contains("secret login"));
    // Ana reads her own, the PO reads everyone's.
    ana.say("dm", "/tandem history from=2026-11-23").await;
    olivier.say("dm", "/tandem history @ana from=2026-11-23").await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.contains("secret login"));
    assert!(olivier.last_bot("dm").await.contains("secret login"));
    assert!(csv_of(&olivier, &t).await.contains("secret login"));
    // The report is out at the deadline: now the team reads them.
    t.at(at("2026-11-23T10:30:00Z")).await;
    kenji.say("dm", "/tandem history @ana from=2026-11-23").await;
    t.tick().await;
    assert!(kenji.last_bot("dm").await.contains("secret login"), "{}", kenji.last_bot("dm").await);
    assert!(csv_of(&kenji, &t).await.contains("secret login"));
}

on_both_databases!(
    an_answer_written_as_a_spreadsheet_formula_is_exported_as_text,
    csv_formulas_on_sqlite,
    csv_formulas_on_postgres
);

async fn an_answer_written_as_a_spreadsheet_formula_is_exported_as_text(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana) = (t.person("olivier").await, t.person("ana").await);
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * *" members=ana"#).await;
    t.at(at("2026-11-23T08:30:00Z")).await;
    for line in [r#"=HYPERLINK("http://evil.example","click")"#, "+1+1", "none"] {
        ana.say("dm", line).await;
    }
    t.tick().await;
    let csv = csv_of(&olivier, &t).await;
    assert!(csv.contains(r#""'=HYPERLINK(""http://evil.example"",""click"")""#), "{csv}");
    assert!(csv.contains(",'+1+1\n"), "{csv}");
    assert!(!csv.lines().any(|l| l.split(',').any(|cell| cell.starts_with('=') || cell.starts_with('+'))), "{csv}");
}
