//! `tandem schedule preview`: "when will my stand-up run?"

use std::process::Command;

fn tandem(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tandem")).args(args).output().expect("run tandem")
}

#[test]
fn preview_prints_the_next_fires_in_utc_across_a_dst_gap() {
    let out = tandem(&[
        "schedule",
        "preview",
        "30 2 * * *",
        "--tz",
        "Europe/Paris",
        "--from",
        "2026-03-27T12:00:00Z",
        "-n",
        "3",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2026-03-28T01:30:00Z\n2026-03-29T01:00:00Z\n2026-03-30T00:30:00Z\n"
    );
}

#[test]
fn preview_refuses_a_bad_expression_or_zone_with_an_example() {
    let out = tandem(&["schedule", "preview", "30 25 * * *", "--tz", "Europe/Paris"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("in the hour field, 25 is outside 0-23") && err.contains("Example: \"30 9 * * MON-FRI\""),
        "{err}"
    );

    let out = tandem(&["schedule", "preview", "30 9 * * *", "--tz", "Europe/Pariss"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("e.g. Europe/Paris"));

    let out = tandem(&["schedule", "preview", "0 0 30 2 *", "--tz", "UTC"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("never fires"));
}

#[test]
fn team_create_makes_a_team_whose_admin_can_sign_in_and_refuses_a_duplicate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(args)
            .env("TANDEM_DATABASE_URL", &url)
            .env("TANDEM_CONFIG", "/dev/null")
            .output()
            .expect("run")
    };
    let out = run(&["team", "create", "acme", "--tz", "Europe/Paris", "--admin", "paula"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Created team acme with paula (PM)"));
    let again = run(&["team", "create", "acme", "--admin", "paula"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad = run(&["team", "create", "beta", "--tz", "Paris", "--admin", "x"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("e.g. Europe/Paris"));
}

#[test]
fn preview_of_no_fire_prints_nothing_and_an_empty_schedule_is_named_as_such() {
    let out = tandem(&["schedule", "preview", "30 9 * * *", "--tz", "Europe/Paris", "-n", "0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = tandem(&["schedule", "preview", "", "--tz", "Europe/Paris"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a valid schedule: it is empty.") && !err.contains("the  field"), "{err}");
}

/// Start `tandem serve` with `env`, and return its log up to the line saying it is up.
fn log_until_up(env: &[(&str, &str)]) -> String {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("tandem.db").display());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tandem"));
    cmd.arg("serve")
        .env("TANDEM_DATABASE_URL", &url)
        .env("TANDEM_LISTEN", "127.0.0.1:0")
        .env("TANDEM_DEMO", "0")
        .env("TANDEM_CONFIG", "/dev/null")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start tandem");
    let mut log = String::new();
    // The log goes to stderr.
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    while let Some(Ok(line)) = lines.next() {
        log.push_str(&line);
        log.push('\n');
        if line.contains("Tandem is up") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    log
}

#[test]
fn a_slack_only_deployment_does_not_send_people_to_an_empty_web_chat_and_its_log_has_no_colour_codes() {
    let log = log_until_up(&[
        ("SLACK_BOT_TOKEN", "xoxb-test"),
        ("SLACK_SIGNING_SECRET", "secret"),
        ("TANDEM_SLACK_API_URL", "http://127.0.0.1:9/api"),
    ]);
    assert!(log.contains("Tandem is up on Slack: type /tandem help there"), "{log}");
    assert!(!log.contains("/chat"), "{log}");
    assert!(!log.contains('\u{1b}'), "a log read by a program has no ANSI colours: {log:?}");
}
