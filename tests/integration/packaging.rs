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

#[test]
fn the_helm_chart_runs_replicas_on_a_postgres_from_a_secret_with_probes_and_a_disruption_budget() {
    let chart = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/helm/tandem");
    let read = |f: &str| std::fs::read_to_string(chart.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let deployment = read("templates/deployment.yaml");
    for wanted in [
        "replicas: {{ .Values.replicas }}",
        "secretKeyRef:",
        "path: /readyz",
        "path: /healthz",
        "fieldPath: metadata.name",
        "secretRef:",
    ] {
        assert!(deployment.contains(wanted), "the deployment has {wanted}");
    }
    // Each replica is named by its pod: a second one under a name in use would refuse to start.
    let instance = deployment.find("name: TANDEM_INSTANCE").expect("TANDEM_INSTANCE is set");
    assert!(deployment[instance..].trim_start_matches("name: TANDEM_INSTANCE").trim_start().starts_with("valueFrom:"));
    assert!(read("templates/pdb.yaml").contains("kind: PodDisruptionBudget"));
    let values = read("values.yaml");
    for key in ["replicas:", "secretName:", "platformSecret:", "minAvailable:"] {
        assert!(values.lines().any(|l| l.trim_start().starts_with(key)), "values.yaml sets {key}");
    }
    let Ok(helm) = which("helm") else {
        eprintln!("helm is not on this machine: the chart was checked by its text only, not by helm lint");
        return;
    };
    let lint = Command::new(&helm).arg("lint").arg(&chart).output().expect("helm lint");
    assert!(lint.status.success(), "helm lint: {}", String::from_utf8_lossy(&lint.stdout));
    let rendered = Command::new(&helm).args(["template", "t"]).arg(&chart).output().expect("helm template");
    let yaml = String::from_utf8_lossy(&rendered.stdout);
    assert!(rendered.status.success() && yaml.contains("kind: Deployment") && yaml.contains("/readyz"), "{yaml}");
}

fn which(tool: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or(())
}
