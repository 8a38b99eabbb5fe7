//! The architecture's rules, checked on the source tree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_core_imports_no_platform_database_web_or_template_crate_and_reads_no_clock() {
    let mut files = Vec::new();
    rust_files(&root().join("src/core"), &mut files);
    assert!(files.len() > 10, "src/core was found");
    let crates = ["sqlx", "axum", "tera", "serenity", "slack_morphism", "tokio", "reqwest", "hyper", "include_dir"];
    let mut forbidden: Vec<String> = crates.iter().flat_map(|c| [format!("{c}::"), format!("use {c}")]).collect();
    forbidden.extend(
        ["Utc::now", "Local::now", "SystemTime", "Instant::now", "std::env", "std::fs", "std::net", "spawn("]
            .map(String::from),
    );
    let mut found = Vec::new();
    // Unit tests under src/core may read fixture files; the domain code may not.
    let domain = files.iter().filter(|f| !f.components().any(|c| c.as_os_str() == "tests") && !f.ends_with("tests.rs"));
    for f in domain {
        let text = std::fs::read_to_string(f).expect("read");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in &forbidden {
                if code.contains(word.as_str()) {
                    found.push(format!("{}:{}: {word}", f.strip_prefix(root()).unwrap_or(f).display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "src/core must stay pure:\n{}", found.join("\n"));
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("prompts dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn english_and_french_have_the_same_templates_and_labels() {
    let en = names(&root().join("prompts/en"));
    let fr = names(&root().join("prompts/fr"));
    assert!(en.len() > 40);
    let only_en: Vec<_> = en.difference(&fr).collect();
    let only_fr: Vec<_> = fr.difference(&en).collect();
    assert!(only_en.is_empty() && only_fr.is_empty(), "only in en: {only_en:?}; only in fr: {only_fr:?}");
    let r = tandem::render::Renderer::load().expect("templates compile");
    let (en_t, en_l) = r.inventory(tandem::core::Locale::En);
    let (fr_t, fr_l) = r.inventory(tandem::core::Locale::Fr);
    assert_eq!(en_t, fr_t);
    assert_eq!(en_l, fr_l, "labels.toml keys differ");
}

#[test]
fn every_template_the_code_names_exists() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let templates = names(&root().join("prompts/en"));
    let labels: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("prompts/en/labels.toml")).expect("labels")).expect("toml");
    let mut missing = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        for piece in text.split('"').skip(1).step_by(2) {
            let is_name = piece.chars().all(|c| c.is_ascii_lowercase() || c == '_') && piece.contains('_');
            let template_like = ["error_", "standup_dm_", "standup_report"].iter().any(|p| piece.starts_with(p));
            let label_like = ["button_", "question_", "web_"].iter().any(|p| piece.starts_with(p));
            if is_name && template_like && !templates.contains(&format!("{piece}.txt")) {
                missing.push(format!("{}: template {piece}", f.display()));
            }
            if is_name && label_like && !labels.contains_key(piece) {
                missing.push(format!("{}: label {piece}", f.display()));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_command_has_a_description_in_both_languages() {
    let r = tandem::render::Renderer::load().expect("templates");
    for spec in tandem::core::command::REGISTRY {
        for locale in tandem::core::Locale::ALL {
            let key = spec.label_key();
            assert_ne!(r.label(locale, &key), key, "{locale} lacks {key}");
        }
    }
}
