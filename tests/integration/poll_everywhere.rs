//! Polls, written once in the drivers' vocabulary and run on the web chat, Slack and
//! Discord, on both databases, on the fake clock: a live poll whose votes are changed and
//! withdrawn by buttons in the channel, a reminder to the one who has not voted, a close by
//! deadline with its bar chart; a multi-choice limit; bad input refused with nothing
//! changed; an anonymous poll closed by its quorum, after which no table links a vote to
//! a person.

use crate::drivers::Platform;
use crate::retro_tables::rows_of_every_table;
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

on_every_platform!(
    a_live_poll_runs_to_its_deadline,
    web_chat: a_live_poll_runs_on_the_web_chat_on_sqlite, a_live_poll_runs_on_the_web_chat_on_postgres;
    slack: a_live_poll_runs_on_slack_on_sqlite, a_live_poll_runs_on_slack_on_postgres;
    discord: a_live_poll_runs_on_discord_on_sqlite, a_live_poll_runs_on_discord_on_postgres;
);

on_every_platform!(
    an_anonymous_poll_closes_by_quorum_unlinkable,
    web_chat: an_anonymous_poll_closes_by_quorum_on_the_web_chat_on_sqlite, an_anonymous_poll_closes_by_quorum_on_the_web_chat_on_postgres;
    slack: an_anonymous_poll_closes_by_quorum_on_slack_on_sqlite, an_anonymous_poll_closes_by_quorum_on_slack_on_postgres;
    discord: an_anonymous_poll_closes_by_quorum_on_discord_on_sqlite, an_anonymous_poll_closes_by_quorum_on_discord_on_postgres;
);

async fn everyone_says_hello(w: &impl Platform) {
    w.command("paula", "#team", "/tandem me").await;
    w.command("paula", "#team", "/tandem member add olivier role=po").await;
    for who in ["olivier", "ana", "kenji", "lea"] {
        w.command(who, "#team", "/tandem me").await;
    }
}

async fn a_live_poll_runs_to_its_deadline(w: impl Platform) {
    everyone_says_hello(&w).await;
    w.at(at("2026-12-01T09:00:00Z")).await;
    let before = w.channel_texts("#team").await.len();

    // Bad input: a clear refusal with an example, and nothing posted.
    let eleven = "a|b|c|d|e|f|g|h|i|j|k";
    w.command("ana", "#team", &format!(r#"/tandem poll "Too many?" options="{eleven}""#)).await;
    assert!(w.ephemeral_for("ana").await.contains("at most 10 options, not 11"), "{}", w.ephemeral_for("ana").await);
    w.command("ana", "#team", &format!(r#"/tandem poll "Long?" options="ok|{}""#, "x".repeat(56))).await;
    assert!(w.ephemeral_for("ana").await.contains("longer than 55 characters"));
    w.command("ana", "#team", r#"/tandem poll "Past?" options="a|b" close=2026-11-30T10:00"#).await;
    assert!(w.ephemeral_for("ana").await.contains("has passed"), "{}", w.ephemeral_for("ana").await);
    w.command("ana", "#team", r#"/tandem poll "Quorum?" options="a|b" quorum=150%"#).await;
    assert!(w.ephemeral_for("ana").await.contains("quorum=80%"), "{}", w.ephemeral_for("ana").await);
    assert_eq!(w.channel_texts("#team").await.len(), before, "bad input posts nothing");

    // A live poll, closing in 24 hours, reminding those of its audience who have not voted.
    let ask = r#"/tandem poll "Which day for the offsite?" options="Mon|Tue|Wed" close=24h remind=yes audience=@ana,@kenji,@lea,@olivier"#;
    w.command("ana", "#team", ask).await;
    assert!(w.ephemeral_for("ana").await.starts_with("Poll 1 is posted in #team"), "{}", w.ephemeral_for("ana").await);
    let posts = w.channel_texts("#team").await;
    assert_eq!(posts.len(), before + 1, "{posts:#?}");
    assert!(posts[before].contains("Poll 1: Which day for the offsite?") && posts[before].contains("0 voted"));

    // Kenji votes Mon, then changes to Tue; Olivier votes Mon, withdraws, votes Mon again.
    w.click_in("kenji", "#team", "poll_vote:1:0").await;
    assert_eq!(w.ephemeral_for("kenji").await, "Your vote in poll 1: Mon. Click it again to withdraw.");
    w.click_in("kenji", "#team", "poll_vote:1:1").await;
    assert!(w.ephemeral_for("kenji").await.contains("poll 1: Tue."), "a click on another option changes the vote");
    w.click_in("lea", "#team", "poll_vote:1:1").await;
    w.click_in("olivier", "#team", "poll_vote:1:0").await;
    w.click_in("olivier", "#team", "poll_vote:1:0").await;
    assert_eq!(w.ephemeral_for("olivier").await, "Your vote in poll 1 is withdrawn.");
    w.click_in("olivier", "#team", "poll_vote:1:0").await;
    let posts = w.channel_texts("#team").await;
    assert_eq!(posts.len(), before + 1, "the poll is edited in place: {posts:#?}");
    let live = &posts[before];
    assert!(live.contains("1. Mon  █████ 1 (33%)") && live.contains("2. Tue  ██████████ 2 (67%)"), "{live}");
    assert!(live.contains("3 voted"), "{live}");

    // Four hours before the close only Ana, who has not voted, is reminded.
    w.at(at("2026-12-02T05:01:00Z")).await;
    w.at(at("2026-12-02T08:30:00Z")).await;
    assert!(w.last_dm("ana").await.starts_with("Reminder: poll 1 in #team"), "{:?}", w.dm_texts("ana").await);
    for who in ["kenji", "lea", "olivier"] {
        let texts = w.dm_texts(who).await;
        assert!(!texts.iter().any(|t| t.starts_with("Reminder") || t.starts_with("Rappel")), "{who}: {texts:?}");
    }

    // The deadline: the poll closes, the result is posted with its chart.
    w.at(at("2026-12-02T09:00:30Z")).await;
    let posts = w.channel_texts("#team").await;
    assert_eq!(posts.len(), before + 2, "{posts:#?}");
    assert!(posts[before].contains("Closed · 3 voted"), "{}", posts[before]);
    assert!(posts[before + 1].contains("Poll 1 closed: Which day for the offsite?"), "{}", posts[before + 1]);
    assert!(posts[before + 1].contains("Tue wins with 2 votes"), "{}", posts[before + 1]);
    let images = w.channel_images("#team").await;
    assert_eq!(images.len(), 1, "one chart");
    assert!(images[0].0.contains("Mon: 1, Tue: 2, Wed: 0"), "{}", images[0].0);
    let (width, height, bars) = bars_of(&images[0].1);
    assert_eq!((width, height), (800, 480));
    assert_eq!(bars.len(), 2, "Mon and Tue have bars, Wed none: {bars:?}");
    assert!(
        bars[1] > bars[0] && (bars[1] as i64 - 2 * bars[0] as i64).abs() <= 2,
        "Tue's bar is twice Mon's: {bars:?}"
    );

    // A vote on the closed poll (the reminder's buttons) says it is closed.
    w.click("ana", "poll_vote:1:2").await;
    assert!(w.last_dm("ana").await.starts_with("Poll 1 is closed"), "{:?}", w.dm_texts("ana").await);

    // A multi-choice poll holds to its maximum; only its creator closes it.
    w.command("olivier", "#team", r#"/tandem poll "Snacks?" options="Tea|Coffee|Cake" max=2"#).await;
    w.click_in("kenji", "#team", "poll_vote:2:0").await;
    w.click_in("kenji", "#team", "poll_vote:2:2").await;
    assert!(w.ephemeral_for("kenji").await.contains("Tea, Cake (up to 2)"), "{}", w.ephemeral_for("kenji").await);
    w.click_in("kenji", "#team", "poll_vote:2:1").await;
    assert!(w.ephemeral_for("kenji").await.contains("at most 2 options"), "{}", w.ephemeral_for("kenji").await);
    w.command("kenji", "#team", "/tandem poll close 2").await;
    assert!(w.ephemeral_for("kenji").await.starts_with("Only the poll's creator"));
    w.command("olivier", "#team", "/tandem poll close 2").await;
    assert_eq!(w.ephemeral_for("olivier").await, "Poll 2 is closed: Snacks?");
    let posts = w.channel_texts("#team").await;
    assert!(
        posts.last().expect("result").contains("It's a tie between Tea and Cake, with 1 votes each."),
        "{posts:#?}"
    );
    w.command("olivier", "#team", "/tandem poll export 2 csv").await;
    let export = w.ephemeral_for("olivier").await;
    assert!(export.contains("Tea,1") && export.contains("kenji,Cake"), "{export}");
}

/// The chart's size, and the height in pixels of each bar from left to right (columns of
/// the bar colour, grouped).
fn bars_of(png: &[u8]) -> (u32, u32, Vec<u32>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let (w, h) = (info.width, info.height);
    let channels = info.line_size / w as usize;
    let bar = tandem::render::chart::BAR;
    let is_bar = |x: u32, y: u32| {
        let i = y as usize * info.line_size + x as usize * channels;
        (buf[i], buf[i + 1], buf[i + 2]) == (bar.0, bar.1, bar.2)
    };
    let heights: Vec<u32> = (0..w).map(|x| (0..h).filter(|y| is_bar(x, *y)).count() as u32).collect();
    let mut bars = Vec::new();
    let mut x = 0;
    while x < heights.len() {
        if heights[x] > 0 {
            let start = x;
            while x < heights.len() && heights[x] > 0 {
                x += 1;
            }
            bars.push(heights[(start + x) / 2]);
        }
        x += 1;
    }
    (w, h, bars)
}

async fn an_anonymous_poll_closes_by_quorum_unlinkable(w: impl Platform) {
    everyone_says_hello(&w).await;
    w.at(at("2026-12-01T09:00:00Z")).await;
    let ask = r#"/tandem poll "Ship on Friday?" options="Yes|No" anonymous=yes quorum=75% audience=@ana,@kenji,@lea,@olivier"#;
    w.command("olivier", "#team", ask).await;
    w.click_in("ana", "#team", "poll_vote:1:0").await;
    let live = w.channel_texts("#team").await.pop().expect("poll");
    assert!(live.contains("1 voted") && !live.contains("█"), "no breakdown below 3 votes: {live}");
    w.click_in("kenji", "#team", "poll_vote:1:1").await;
    w.click_in("kenji", "#team", "poll_vote:1:0").await;
    assert!(w.ephemeral_for("kenji").await.contains("poll 1: Yes."), "a changed anonymous vote");
    // Three of four: the quorum closes it.
    w.click_in("lea", "#team", "poll_vote:1:0").await;
    let posts = w.channel_texts("#team").await;
    let result = posts.last().expect("result");
    assert!(result.contains("Poll 1 closed: Ship on Friday?") && result.contains("Yes wins with 3 votes"), "{result}");
    assert_eq!(w.channel_images("#team").await.len(), 1, "the chart");

    let rows = rows_of_every_table(w.app()).await;
    for (table, row) in &rows {
        match table.as_str() {
            "polls" => assert!(row.contains("secret=NULL"), "the poll's secret is deleted: {row}"),
            "poll_votes" => panic!("an anonymous poll keeps totals, not votes: {row}"),
            "inbox" => assert!(!row.contains("poll_vote"), "the stored click is forgotten: {row}"),
            "outbox" => assert!(!row.contains("poll_voted"), "the answers to a voter are forgotten: {row}"),
            "webchat_messages" => assert!(!row.contains("Your vote"), "the answers to a voter are forgotten: {row}"),
            _ => {}
        }
    }
    assert!(rows.iter().any(|(t, r)| t == "polls" && r.contains("\"counts\":[3,0]")), "the totals are kept");
}
