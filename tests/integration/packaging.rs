//! The packaging files operators install: checked by their own tools where this machine
//! has them.

use std::process::Command;

const UNIT: &str = include_str!("../../deploy/systemd/tandem.service");

#[test]
fn the_systemd_unit_is_hardened_and_systemd_accepts_it() {
    let directives: Vec<&str> = UNIT.lines().filter(|l| !l.starts_with('#') && l.contains('=')).collect();
    for wanted in [
        "DynamicUser=yes",
        "StateDirectory=tandem",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=",
        "ExecStart=/usr/local/bin/tandem serve",
        "KillSignal=SIGTERM",
    ] {
        assert!(directives.contains(&wanted), "the unit sets {wanted}");
    }
    // The database sits in the state directory, the one place it may write.
    assert!(directives.contains(&"Environment=TANDEM_DATABASE_URL=sqlite:///var/lib/tandem/tandem.db"));
    let Ok(analyze) = which("systemd-analyze") else {
        eprintln!("systemd-analyze is not on this machine: the unit was checked by its directives only");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let unit = dir.path().join("tandem.service");
    std::fs::write(&unit, UNIT.replace("/usr/local/bin/tandem", env!("CARGO_BIN_EXE_tandem"))).expect("write");
    let out = Command::new(analyze).arg("verify").arg(&unit).output().expect("systemd-analyze");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && !said.contains("tandem.service:"), "systemd-analyze verify: {said}");
}

fn which(tool: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or(())
}
