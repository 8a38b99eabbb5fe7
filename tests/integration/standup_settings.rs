//! Creating, listing, editing, pausing and deleting stand-ups; away, holidays, history, stats, export.

use crate::helpers::{Db, TestApp};

on_both_databases!(a_stand_up_is_listed_edited_paused_and_deleted, lifecycle_on_sqlite, lifecycle_on_postgres);

async fn a_stand_up_is_listed_edited_paused_and_deleted(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    let ana = t.person("ana").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" members=ana"#).await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI""#).await;
    t.tick().await;
    assert!(olivier.last_bot(&team).await.contains("already a stand-up named *daily*"));

    olivier
        .say(
            &team,
            r#"/tandem standup edit daily schedule="0 10 * * MON-FRI" questions="Done?|blocker:Stuck?" window=90m"#,
        )
        .await;
    t.tick().await;
    let updated = olivier.last_bot(&team).await;
    assert!(
        updated.contains("`0 10 * * MON-FRI`")
            && updated.contains("2. Stuck? (blockers)")
            && updated.contains("Answer window: 90 min"),
        "{updated}"
    );

    // Paused: no DM at the scheduled time; resumed: the next one fires.
    olivier.say(&team, "/tandem standup pause daily").await;
    t.at("2026-11-23T09:00:00Z".parse().expect("instant")).await;
    assert!(ana.bot_lines("dm").await.is_empty());
    olivier.say(&team, "/tandem standup resume daily").await;
    t.at("2026-11-24T09:00:00Z".parse().expect("instant")).await;
    assert_eq!(ana.last_bot("dm").await.lines().last(), Some("1/2 Done?"));

    olivier.say(&team, "/tandem standup list").await;
    t.tick().await;
    assert!(
        olivier
            .last_bot(&team)
            .await
            .contains("• *daily* → #team · `0 10 * * MON-FRI` Europe/Paris · next 2026-11-25 10:00 CET")
    );
    olivier.say(&team, "/tandem standup delete daily").await;
    olivier.say(&team, "/tandem standup list").await;
    t.at("2026-11-25T09:00:00Z".parse().expect("instant")).await;
    let lines = olivier.bot_lines(&team).await;
    assert!(lines.iter().any(|l| l.starts_with("No stand-up yet")), "{lines:#?}");
    assert_eq!(
        ana.bot_lines("dm").await.iter().filter(|l| l.contains("Time for")).count(),
        1,
        "a deleted stand-up does not fire"
    );
}

on_both_databases!(a_team_holiday_means_no_dm_and_the_report_says_holiday, holiday_on_sqlite, holiday_on_postgres);

async fn a_team_holiday_means_no_dm_and_the_report_says_holiday(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana) = (t.person("olivier").await, t.person("ana").await);
    olivier
        .say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" members=ana,lea"#)
        .await;
    olivier.say(&team, "/tandem holiday add 2026-11-23").await;
    t.at("2026-11-23T08:30:00Z".parse().expect("instant")).await;
    assert!(ana.bot_lines("dm").await.is_empty());
    let report = olivier.last_bot(&team).await;
    assert!(
        report.starts_with("📋") && report.contains("0/2 answered") && report.contains("On holiday: Ana, Léa"),
        "{report}"
    );
}

on_both_databases!(history_stats_and_export_show_what_was_answered, history_on_sqlite, history_on_postgres);

async fn history_stats_and_export_show_what_was_answered(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana) = (t.person("olivier").await, t.person("ana").await);
    olivier
        .say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" members=ana,kenji"#)
        .await;
    for day in ["23", "24", "25"] {
        t.at(format!("2026-11-{day}T08:30:00Z").parse().expect("instant")).await;
        if day != "24" {
            for line in [format!("Work of the {day}th"), "More, \"quoted\"".to_string(), "none".to_string()] {
                ana.say("dm", &line).await;
            }
        }
    }
    t.at("2026-11-25T12:00:00Z".parse().expect("instant")).await;
    ana.say("dm", "/tandem history").await;
    olivier.say(&team, "/tandem stats from=2026-11-23 to=2026-11-25").await;
    olivier.say(&team, "/tandem rollup week=2026-11-25").await;
    olivier.say(&team, "/tandem export csv from=2026-11-23 to=2026-11-25").await;
    t.tick().await;
    let lines = olivier.bot_lines(&team).await;
    let rollup = lines.iter().find(|l| l.starts_with("Week of")).expect("roll-up");
    assert!(
        rollup.starts_with("Week of 2026-11-23 to 2026-11-29") && rollup.contains("*ana* — answered 2/3"),
        "{rollup}"
    );
    assert!(rollup.contains("2026-11-25: Work of the 25th /") && rollup.contains("*kenji* — answered 0/3"), "{rollup}");
    let history = ana.last_bot("dm").await;
    assert!(history.contains("Work of the 23th") && history.contains("Work of the 25th"), "{history}");
    let stats = olivier.bot_lines(&team).await;
    let stats = stats.iter().find(|l| l.starts_with("Participation")).expect("stats");
    assert!(
        stats.contains("ana: 66% (2/3") && stats.contains("streak 1 (best 1)") && stats.contains("kenji: 0% (0/3"),
        "{stats}"
    );
    let link = olivier.last_bot(&team).await;
    assert!(link.contains("http://tandem.test/export/answers.csv?from=2026-11-23&to=2026-11-25"), "{link}");

    let csv = olivier
        .client
        .get(format!("{}/export/answers.csv?from=2026-11-23&to=2026-11-25", t.base))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("day,standup,member,status,late,answered_at,question,answer"));
    assert!(csv.contains(",\"More, \"\"quoted\"\"\"\n"), "CSV quoting: {csv}");
    assert_eq!(csv.lines().filter(|l| l.contains(",ana,answered,")).count(), 6);
    let json: serde_json::Value = olivier
        .client
        .get(format!("{}/export/answers.json?from=2026-11-23&to=2026-11-25", t.base))
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("json");
    assert_eq!(json.as_array().expect("array").len(), 6, "two members, three days");
    let anonymous =
        reqwest::get(format!("{}/export/answers.json?from=2026-11-23&to=2026-11-25", t.base)).await.expect("export");
    assert_eq!(anonymous.status(), 401, "exports need a session");
}

on_both_databases!(a_manager_adds_a_member_who_can_then_take_part, member_add_on_sqlite, member_add_on_postgres);

async fn a_manager_adds_a_member_who_can_then_take_part(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem member add sam role=developer display="Sam Okafor" tz=Africa/Lagos locale=fr"#).await;
    olivier.say(&team, "/tandem member add sam").await;
    olivier.say(&team, "/tandem member list").await;
    t.tick().await;
    let lines = olivier.bot_lines(&team).await;
    assert!(lines[0].starts_with("Added Sam Okafor (@sam): developer, Africa/Lagos, fr"), "{lines:#?}");
    assert!(lines[1].contains("already a member named @sam"));
    assert!(lines[2].contains("• Sam Okafor (@sam) — developer, Africa/Lagos, fr"));
    olivier
        .say(&team, r#"/tandem standup create daily channel=team schedule="0 9 * * *" tz=Africa/Lagos members=sam"#)
        .await;
    t.at("2026-11-23T08:00:00Z".parse().expect("instant")).await;
    let sam = t.person("sam").await;
    assert!(
        sam.last_bot("dm").await.contains("1/3 Qu'avez-vous fait"),
        "Sam reads French: {}",
        sam.last_bot("dm").await
    );
}

on_both_databases!(
    a_new_member_is_asked_at_their_own_time_by_a_local_time_stand_up,
    newcomer_on_sqlite,
    newcomer_on_postgres
);

async fn a_new_member_is_asked_at_their_own_time_by_a_local_time_stand_up(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    t.clock.set("2026-11-22T12:00:00Z".parse().expect("instant"));
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="0 9 * * MON-FRI" local=yes"#).await;
    olivier.say(&team, "/tandem member add ravi tz=Asia/Kolkata").await;
    // 09:00 in Kolkata is 03:30Z.
    t.at("2026-11-23T03:30:00Z".parse().expect("instant")).await;
    let ravi = t.person("ravi").await;
    assert!(ravi.last_bot("dm").await.contains("1/3"), "the newcomer is asked at 09:00 in their zone");
    assert!(t.person("lea").await.bot_lines("dm").await.is_empty(), "Paris is not at 09:00 yet");
}
