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
