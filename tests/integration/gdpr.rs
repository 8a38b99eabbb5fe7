//! Personal data (GDPR), written once in the drivers' vocabulary and run on the web chat,
//! Slack and Discord, on both databases: a member's export holds their answers, named
//! cards and votes and nobody else's, and no anonymous input; a developer may neither
//! export another nor erase; an erase is previewed, then confirmed, after which no table
//! holds their name or platform ids, what the team keeps reads the pseudonym, and
//! anonymous input is exactly as it was. Retention deletes old answers and messages.

use crate::drivers::Platform;
use crate::retro_tables::rows_of_every_table;
use chrono::{DateTime, Utc};
use serde_json::Value;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

const STANDUP: &str = r#"/tandem standup create daily channel=#standup schedule="0 9 * * MON-FRI" tz=Europe/Paris window=2h members=ana,kenji"#;

/// Kenji's platform user ids: on Slack (`U0KENJI`) and on Discord (`PEOPLE[3]`).
const KENJI_IDS: [&str; 2] = ["u0kenji", "1300000000000000303"];

on_every_platform!(
    a_member_gets_their_data_and_is_erased_for_good,
    web_chat: a_member_gets_their_data_and_is_erased_on_the_web_chat_on_sqlite, a_member_gets_their_data_and_is_erased_on_the_web_chat_on_postgres;
    slack: a_member_gets_their_data_and_is_erased_on_slack_on_sqlite, a_member_gets_their_data_and_is_erased_on_slack_on_postgres;
    discord: a_member_gets_their_data_and_is_erased_on_discord_on_sqlite, a_member_gets_their_data_and_is_erased_on_discord_on_postgres;
);

/// The JSON document of an export: the parts of the answers that hold it, joined.
fn document(answers: &[String], whose: &str) -> (Value, String) {
    let header = format!("Personal data of @{whose}");
    let parts: Vec<&String> = answers.iter().filter(|a| a.starts_with(&header)).collect();
    let inside = |a: &str| {
        let lines: Vec<&str> = a.lines().skip(1).filter(|l| !l.trim_start().starts_with("```")).collect();
        lines.join("\n")
    };
    let text = parts.iter().map(|a| inside(a)).collect::<Vec<_>>().join("\n");
    let doc = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {parts:#?}"));
    (doc, text)
}

/// The texts at `pointer` (`/standup/answers`) under `field` in a document.
fn texts(doc: &Value, pointer: &str, field: &str) -> Vec<String> {
    let items = doc.pointer(pointer).and_then(Value::as_array).cloned().unwrap_or_default();
    items.iter().filter_map(|i| i[field].as_str().map(String::from)).collect()
}

async fn a_member_gets_their_data_and_is_erased_for_good(w: impl Platform) {
    for who in ["paula", "ana", "kenji", "lea"] {
        w.command(who, "#standup", "/tandem me").await;
    }
    // A stand-up Kenji and Ana answer; Ana's answer names Kenji; the report is posted.
    w.command("paula", "#standup", STANDUP).await;
    w.at(at("2026-11-23T08:00:00Z")).await;
    for answer in ["Fixed the flaky test", "Reviewing the billing page", "Waiting for the staging database"] {
        w.say_in_dm("kenji", answer).await;
    }
    for answer in ["Shipped the login page", "Pairing with Kenji", "none"] {
        w.say_in_dm("ana", answer).await;
    }
    w.at(at("2026-11-23T10:00:00Z")).await;
    let report = w.channel_texts("#standup").await.join("\n");
    assert!(report.contains("Kenji") && report.contains("Fixed the flaky test"), "{report}");

    // A named retro: a card each, Kenji's vote, an action he owns, closed with its summary.
    w.command("paula", "#team", "/tandem retro create named channel=#team anonymous=no participants=ana,kenji").await;
    w.command("paula", "#team", "/tandem retro run named").await;
    w.say_in_dm("kenji", "1 Review in pairs").await;
    w.say_in_dm("ana", "1 Ship on Tuesdays").await;
    w.command("paula", "#team", "/tandem retro advance named").await;
    w.command("paula", "#team", "/tandem retro advance named").await;
    w.command("kenji", "dm", "/tandem retro vote 1").await;
    w.command("paula", "#team", "/tandem retro advance named").await;
    w.command("paula", "#team", r#"/tandem action add "Fix the CI" owner=@kenji"#).await;
    w.command("paula", "#team", "/tandem retro advance named").await;
    w.command("paula", "#team", "/tandem retro export named").await;
    let summary = w.ephemeral_for("paula").await;
    assert!(summary.contains("Review in pairs (Kenji)") && summary.contains("Fix the CI — Kenji"), "{summary}");

    // An anonymous retro, left open, and two polls: named, then anonymous.
    w.command("paula", "#team", "/tandem retro create anon channel=#team participants=ana,kenji").await;
    w.command("paula", "#team", "/tandem retro run anon").await;
    w.say_in_dm("kenji", "1 A secret wish").await;
    w.say_in_dm("ana", "1 Another wish").await;
    w.command("ana", "#team", r#"/tandem poll "Lunch on Friday?" options="Pizza|Sushi""#).await;
    w.click_in("kenji", "#team", "poll_vote:1:1").await;
    w.click_in("ana", "#team", "poll_vote:1:0").await;
    w.command("ana", "#team", r#"/tandem poll "Secret ballot?" options="Yes|No" anonymous=yes"#).await;
    w.click_in("kenji", "#team", "poll_vote:2:0").await;
    let poker = r#"/tandem poker start stories="LOGIN-1 Login page" voters=@ana,@kenji channel=#team"#;
    w.command("paula", "#team", poker).await;
    w.command("kenji", "#team", r#"/tandem poker vote 8 reason="Needs a new API""#).await;
    w.command("ana", "#team", r#"/tandem poker vote 5 reason="Same as Kenji""#).await;

    // Kenji's own export: his answers, blocker, named card and vote, his action, his poll
    // vote; nobody else's, and none of his anonymous input.
    w.command("kenji", "dm", "/tandem me export").await;
    let (doc, answer) = document(&w.private_answers("kenji").await, "kenji");
    assert_eq!(doc["team"]["profile"]["name"], "kenji", "{doc:#}");
    let answers = texts(&doc, "/standup/answers", "answer");
    assert!(answers.contains(&"Fixed the flaky test".into()) && answers.len() == 3, "{answers:?}");
    assert_eq!(texts(&doc, "/standup/blockers", "blocker"), ["Waiting for the staging database"]);
    assert_eq!(texts(&doc, "/retro/cards", "text"), ["Review in pairs"]);
    assert_eq!(texts(&doc, "/retro/actions_owned", "action"), ["Fix the CI"]);
    assert_eq!(doc.pointer("/retro/votes/0/votes"), Some(&Value::from(1)), "{doc:#}");
    assert_eq!(texts(&doc, "/poll/votes", "option"), ["Sushi"]);
    assert_eq!(texts(&doc, "/poker/votes", "card"), ["8"]);
    assert_eq!(texts(&doc, "/poker/votes", "reason"), ["Needs a new API"]);
    for foreign in ["Shipped the login page", "Ship on Tuesdays", "Pizza", "A secret wish", "Secret ballot?"] {
        assert!(!answer.contains(foreign), "{foreign:?} is not Kenji's to export: {answer}");
    }

    // A manager exports it too; a developer may not, and is told so in her language.
    w.command("paula", "#team", "/tandem member export @kenji").await;
    let (doc, _) = document(&w.private_answers("paula").await, "kenji");
    assert_eq!(texts(&doc, "/standup/blockers", "blocker"), ["Waiting for the staging database"]);
    w.command("lea", "#team", "/tandem member export @kenji").await;
    assert!(w.ephemeral_for("lea").await.starts_with("Seul le PM, le PO ou le scrum master"));

    // A developer's erase is refused, in her language, and changes nothing.
    w.command("lea", "#team", "/tandem member erase @kenji confirm=yes").await;
    let refusal = w.ephemeral_for("lea").await;
    assert!(refusal.starts_with("Seul le PM, le PO ou le scrum master"), "{refusal}");

    // The first call says what will go, and erases nothing yet.
    w.command("paula", "#team", "/tandem member erase @kenji").await;
    let preview = w.ephemeral_for("paula").await;
    assert!(preview.contains("This erases the personal data of Kenji (@kenji)"), "{preview}");
    assert!(preview.contains("standup.answers 3") && preview.contains("confirm=yes"), "{preview}");
    w.command("paula", "#team", "/tandem member list").await;
    assert!(w.ephemeral_for("paula").await.contains("kenji"), "a refusal or a preview erases nothing");

    let anonymous = |rows: &[(String, String)]| -> Vec<String> {
        rows.iter()
            .filter(|(t, r)| (t == "retro_cards" || t == "poll_votes") && !r.contains("=m:"))
            .map(|(t, r)| format!("{t}: {r}"))
            .collect()
    };
    let naming_kenji = |rows: &[(String, String)]| -> Vec<(String, String)> {
        let names = |r: &str| {
            let r = r.to_lowercase();
            r.contains("kenji") || KENJI_IDS.iter().any(|id| r.contains(id))
        };
        rows.iter().filter(|(_, r)| names(r)).cloned().collect()
    };
    let all = rows_of_every_table(w.app()).await;
    assert!(naming_kenji(&all).len() > 10, "the database names Kenji in many places before the erase");
    let before = anonymous(&all);
    assert_eq!(before.len(), 3, "two anonymous cards, one anonymous vote: {before:#?}");

    // Confirmed: erased; the answer names only the pseudonym.
    w.command("paula", "#team", "/tandem member erase @kenji confirm=yes").await;
    let erased = w.ephemeral_for("paula").await;
    assert!(erased.starts_with("Erased. The member is now Former member 1 (@former-member-1)"), "{erased}");

    // No table holds his name or platform ids; anonymous input is as it was.
    let rows = rows_of_every_table(w.app()).await;
    let found = naming_kenji(&rows);
    assert!(found.is_empty(), "still naming Kenji: {found:#?}");
    assert_eq!(anonymous(&rows), before, "anonymous input is unchanged");
    let kept = |table: &str, text: &str| rows.iter().any(|(t, r)| t == table && r.contains(text));
    assert!(kept("answers", "Pairing with Former member 1"), "another's answer reads the pseudonym");
    assert!(!kept("answers", "Fixed the flaky test"), "his answers are gone");
    assert!(kept("outbox", "Former member 1"), "the stored report reads the pseudonym");
    assert!(kept("member_erasures", "pseudonym=Former member 1"), "the erasure is recorded");
    assert!(kept("poker_votes", "Same as Former member 1"), "another's reason reads the pseudonym");
    assert!(!kept("outbox", "member_export"), "the exports of his data go, the manager's too");

    // The report already posted is edited on the platform to read the pseudonym.
    let report = w.channel_texts("#standup").await.join("\n");
    assert!(report.contains("Former member 1") && !report.to_lowercase().contains("kenji"), "{report}");
    assert!(report.contains("Fixed the flaky test"), "the report keeps what was said: {report}");

    // What the team keeps reads the pseudonym; the member list no longer holds him.
    w.command("paula", "#team", "/tandem retro export named").await;
    let summary = w.ephemeral_for("paula").await;
    assert!(summary.contains("Review in pairs (Former member 1)"), "{summary}");
    assert!(summary.contains("Fix the CI — Former member 1"), "{summary}");
    w.command("paula", "#team", "/tandem member list").await;
    let list = w.ephemeral_for("paula").await;
    assert!(!list.contains("Former member") && list.contains("ana"), "{list}");
}

on_both_databases!(
    old_answers_and_messages_go_after_the_retention_period_and_recent_ones_stay,
    retention_on_sqlite,
    retention_on_postgres
);

async fn old_answers_and_messages_go_after_the_retention_period_and_recent_ones_stay(db: crate::helpers::Db) {
    use crate::drivers::web_chat::WebChat;
    let w = WebChat::start(db).await;
    w.command("paula", "#standup", STANDUP).await;
    w.at(at("2026-11-23T08:00:00Z")).await;
    w.say_in_dm("kenji", "An answer from November").await;
    w.at(at("2027-01-25T07:00:00Z")).await;
    w.at(at("2027-01-25T08:00:00Z")).await;
    w.say_in_dm("kenji", "An answer from January").await;
    let history = "/tandem history @kenji from=2026-11-23 to=2027-01-25";

    // Three months later, by default, everything stays.
    w.at(at("2027-03-01T08:00:00Z")).await;
    w.app().app.housekeep().await.expect("housekeeping");
    w.command("paula", "dm", history).await;
    assert!(w.ephemeral_for("paula").await.contains("An answer from November"), "kept by default");

    // With a retention of 3 months: November's answers and messages go, January's stay.
    let t = w.app();
    let config = tandem::config::Config {
        database_url: tandem::secret::Secret::new(&t.db_url),
        demo: false,
        retention_months: Some(3),
        ..tandem::config::Config::default()
    };
    let app = tandem::app::App::build(&config, std::sync::Arc::new(t.clock.clone())).await.expect("starts");
    app.housekeep().await.expect("housekeeping");
    w.command("paula", "dm", history).await;
    let shown = w.ephemeral_for("paula").await;
    assert!(!shown.contains("An answer from November") && shown.contains("An answer from January"), "{shown}");
    let dms = w.dm_texts("kenji").await.join("\n");
    assert!(dms.contains("2027-01-25") || dms.contains("Time for daily"), "January's DMs stay: {dms}");
    // Kenji's own lines: November's is gone, January's stays.
    let rows = rows_of_every_table(t).await;
    let line =
        |text: &str| rows.iter().any(|(table, r)| table == "webchat_messages" && r.contains(&format!("body={text} ")));
    assert!(!line("An answer from November") && line("An answer from January"), "{rows:#?}");
}

on_both_databases!(
    an_erase_of_someone_unknown_is_refused_clearly_and_changes_nothing,
    erase_of_an_unknown_member_on_sqlite,
    erase_of_an_unknown_member_on_postgres
);

async fn an_erase_of_someone_unknown_is_refused_clearly_and_changes_nothing(db: crate::helpers::Db) {
    use crate::drivers::web_chat::WebChat;
    let w = WebChat::start(db).await;
    w.command("paula", "#team", "/tandem member erase @nobody confirm=yes").await;
    let unknown = w.ephemeral_for("paula").await;
    assert!(unknown.contains("There is no member named `nobody`"), "{unknown}");
    assert!(unknown.contains("/tandem member erase @ana [confirm=yes]"), "with the usage: {unknown}");
    w.command("paula", "#team", "/tandem member erase").await;
    assert!(w.ephemeral_for("paula").await.contains("/tandem member erase @ana"), "a missing member shows the usage");
    w.command("paula", "#team", "/tandem member erase @paula confirm=yes").await;
    assert!(w.ephemeral_for("paula").await.starts_with("You cannot erase yourself"));
    let rows = rows_of_every_table(w.app()).await;
    assert!(!rows.iter().any(|(t, _)| t == "member_erasures"), "nobody is erased");
    w.command("paula", "#team", "/tandem member list").await;
    let list = w.ephemeral_for("paula").await;
    assert!(["paula", "olivier", "ana", "kenji", "lea"].iter().all(|n| list.contains(n)), "{list}");
}

on_both_databases!(
    a_manager_confirms_an_erase_by_the_button_of_its_preview,
    erase_by_the_button_on_sqlite,
    erase_by_the_button_on_postgres
);

async fn a_manager_confirms_an_erase_by_the_button_of_its_preview(db: crate::helpers::Db) {
    use crate::drivers::web_chat::WebChat;
    let w = WebChat::start(db).await;
    let kenji = w.app().member_id("kenji").await;
    w.command("kenji", "dm", "/tandem away 2026-12-24..2026-12-31").await;
    w.command("paula", "dm", "/tandem member erase @kenji").await;
    assert!(w.ephemeral_for("paula").await.contains("This erases the personal data of Kenji (@kenji)"));
    w.click("paula", "member_erase:").await;
    let erased = w.last_dm("paula").await;
    assert!(erased.starts_with("Erased. The member is now Former member 1"), "{:?}", w.dm_texts("paula").await);
    let rows = rows_of_every_table(w.app()).await;
    assert!(!rows.iter().any(|(_, r)| r.to_lowercase().contains("kenji")), "{rows:#?}");
    assert!(!rows.iter().any(|(t, _)| t == "time_off"), "his time off is gone");
    let audit: Vec<&String> = rows.iter().filter(|(t, _)| t == "member_erasures").map(|(_, r)| r).collect();
    let paula = w.app().member_id("paula").await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].contains(&format!("erased_by={paula} ")), "who erased, by id: {}", audit[0]);

    // He cannot sign in to the web chat any more.
    let browser = crate::drivers::web_chat::browser(&w.app().base);
    let login = crate::drivers::web_chat::sign_in(&browser, &w.app().base, kenji).await;
    assert_eq!(login.status(), reqwest::StatusCode::BAD_REQUEST, "an erased member signs nobody in");

    // A second erasure takes the next number, in the team's language.
    {
        let mut c = w.app().app.svc.store.pool.acquire().await.expect("conn");
        let (team, fr) = (w.app().team_id, tandem::core::Locale::Fr);
        tandem::store::team::set_team_defaults(&mut c, team, "Europe/Paris", fr).await.expect("French team");
    }
    w.command("paula", "dm", "/tandem member erase @lea confirm=yes").await;
    assert!(w.ephemeral_for("paula").await.contains("Ancien membre 2 (@ancien-membre-2)"));
}

on_both_databases!(
    after_an_erase_the_stand_ups_that_listed_the_member_still_run_for_the_others,
    stand_ups_run_after_an_erase_on_sqlite,
    stand_ups_run_after_an_erase_on_postgres
);

async fn after_an_erase_the_stand_ups_that_listed_the_member_still_run_for_the_others(db: crate::helpers::Db) {
    use crate::drivers::web_chat::WebChat;
    let w = WebChat::start(db).await;
    w.command("paula", "#standup", STANDUP).await;
    let local = r#"/tandem standup create local channel=#standup schedule="0 9 * * MON-FRI" tz=Europe/Paris window=2h members=ana,kenji local=yes"#;
    w.command("paula", "#standup", local).await;
    // Listed in a stand-up at each member's own time, he can still be erased.
    w.command("paula", "#team", "/tandem member erase @kenji confirm=yes").await;
    let erased = w.ephemeral_for("paula").await;
    assert!(erased.starts_with("Erased. The member is now Former member 1"), "{erased}");
    let rows = rows_of_every_table(w.app()).await;
    let settings: Vec<&String> = rows.iter().filter(|(t, _)| t == "standups").map(|(_, r)| r).collect();
    assert!(settings.iter().all(|r| r.contains(r#"["ana"]"#) && !r.contains("former-member")), "{settings:#?}");
    // The next day's round opens for the others.
    w.at(at("2026-11-23T08:00:00Z")).await;
    let dms = w.dm_texts("ana").await.join("\n");
    assert!(dms.contains("Time for daily (2026-11-23)"), "the stand-up asks Ana: {dms}");
}

on_both_databases!(
    a_member_is_erased_once_and_a_second_erase_writes_nothing,
    erased_once_on_sqlite,
    erased_once_on_postgres
);

async fn a_member_is_erased_once_and_a_second_erase_writes_nothing(db: crate::helpers::Db) {
    use crate::drivers::web_chat::WebChat;
    use tandem::core::team::personal::Erasure;
    let w = WebChat::start(db).await;
    let (kenji, paula) = (w.app().member_id("kenji").await, w.app().member_id("paula").await);
    w.command("paula", "#team", "/tandem member erase @kenji confirm=yes").await;
    assert!(w.ephemeral_for("paula").await.starts_with("Erased. The member is now Former member 1"));
    // A second erase of the same row (a race, a stale click) finds it erased.
    let mut c = w.app().app.svc.store.pool.acquire().await.expect("conn");
    let again = Erasure::new(kenji, w.app().team_id, "kenji", "Kenji", "Former member 2");
    let now = at("2026-11-24T08:00:00Z");
    let erased = tandem::store::team::erase_member(&mut c, &again, paula, now).await.expect("no failure");
    assert!(!erased, "already erased: nothing written");
    let insert =
        "INSERT INTO member_erasures (team_id, member_id, pseudonym, erased_by, erased_at) VALUES ($1, $2, 'x', $3, 0)";
    let twice = sqlx::query(insert).bind(w.app().team_id).bind(kenji).bind(paula).execute(&mut *c).await;
    assert!(twice.is_err(), "one audit row per member");
    drop(c);
    let rows = rows_of_every_table(w.app()).await;
    let audit: Vec<&String> = rows.iter().filter(|(t, _)| t == "member_erasures").map(|(_, r)| r).collect();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(!rows.iter().any(|(_, r)| r.contains("Former member 2")), "the first pseudonym stays");
}

on_both_databases!(
    an_erase_leaves_another_teams_events_and_jobs_alone,
    other_teams_untouched_on_sqlite,
    other_teams_untouched_on_postgres
);

async fn an_erase_leaves_another_teams_events_and_jobs_alone(db: crate::helpers::Db) {
    use crate::drivers::web_chat::WebChat;
    let w = WebChat::start(db).await;
    let other = r#"{"team_id":"T0OTHER","event":{"user":"U0OTHER","text":"kenji from the other team"}}"#;
    {
        let mut c = w.app().app.svc.store.pool.acquire().await.expect("conn");
        let insert = "INSERT INTO inbox (platform, event_id, payload, received_at, next_attempt_at, done_at) \
                      VALUES ('slack', 'Ev0OTHER', $1, 0, 0, 0)";
        sqlx::query(insert).bind(other).execute(&mut *c).await.expect("another team's event");
        let job =
            "INSERT INTO jobs (kind, subject_id, member_id, due_at, last_error) VALUES ('x', 1, 0, 0, 'kenji failed')";
        sqlx::query(job).execute(&mut *c).await.expect("a job of no team");
    }
    w.command("paula", "#team", "/tandem member erase @kenji confirm=yes").await;
    assert!(w.ephemeral_for("paula").await.starts_with("Erased."));
    let rows = rows_of_every_table(w.app()).await;
    let kept = |table: &str, text: &str| rows.iter().any(|(t, r)| t == table && r.contains(text));
    assert!(kept("inbox", "kenji from the other team"), "another team's event is not this erase's");
    assert!(kept("jobs", "kenji failed"), "a job of another team is not this erase's");
}
