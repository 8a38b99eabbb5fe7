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

/// Template file names under `dir` and its capability folders, as `folder/name.txt`.
fn names(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("prompts dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).expect("capability prompts") {
                out.insert(format!("{name}/{}", inner.expect("entry").file_name().to_string_lossy()));
            }
        } else {
            out.insert(name);
        }
    }
    out
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
    let templates: BTreeSet<String> = names(&root().join("prompts/en"))
        .iter()
        .map(|n| n.rsplit('/').next().unwrap_or(n).trim_end_matches(".txt").to_string())
        .collect();
    let labels: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("prompts/en/labels.toml")).expect("labels")).expect("toml");
    let mut missing = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        for piece in text.split('"').skip(1).step_by(2) {
            let is_name = piece.chars().all(|c| c.is_ascii_lowercase() || c == '_') && piece.contains('_');
            let template_like = ["error_", "standup_dm_", "standup_report"].iter().any(|p| piece.starts_with(p));
            let label_like = ["button_", "question_", "web_"].iter().any(|p| piece.starts_with(p));
            if is_name && template_like && !templates.contains(piece) {
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
fn every_command_has_a_description_in_both_languages_a_help_line_and_a_discord_subcommand() {
    let r = tandem::render::Renderer::load().expect("templates");
    let discord = serde_json::to_value(tandem::discord::commands::definitions(&r)).expect("schema").to_string();
    let mut words = BTreeSet::new();
    for (cap, meta) in tandem::service::registry::commands() {
        assert!(words.insert(meta.words.join(" ")), "{:?} is registered twice", meta.words);
        for locale in tandem::core::Locale::ALL {
            let key = meta.label_key();
            assert_ne!(r.label(locale, &key), key, "{locale} lacks {key} ({})", cap.name());
            let help = r.render(locale, "help", &tandem::service::help_data(&r, locale)).expect("help");
            let usage = r.usage(locale, &meta.usage());
            assert!(help.contains(&usage), "help in {locale} lacks {usage}");
            for p in meta.params {
                assert_ne!(r.label(locale, &p.label_key()), p.label_key(), "{locale} lacks {}", p.label_key());
            }
        }
        let leaf = meta.words.last().expect("words");
        assert!(discord.contains(&format!("\"name\":\"{leaf}\"")), "/tandem has no {leaf}");
    }
    assert!(words.len() >= 20, "the registry was walked");
}

#[test]
fn every_template_a_capability_names_is_in_its_folder_in_both_languages() {
    for cap in tandem::service::registry::CAPABILITIES {
        assert!(!cap.templates().is_empty(), "{} names no template", cap.name());
        for t in cap.templates() {
            for locale in ["en", "fr"] {
                let path = root().join(format!("prompts/{locale}/{}/{t}.txt", cap.name()));
                assert!(path.exists(), "{} names {t}, missing at {}", cap.name(), path.display());
            }
        }
    }
}

#[test]
fn every_job_kind_and_button_belongs_to_one_capability() {
    let mut kinds = BTreeSet::new();
    for kind in tandem::service::registry::job_kinds() {
        assert!(kinds.insert(kind.name()), "job kind {} is registered twice", kind.name());
    }
    assert!(kinds.len() >= 4, "the stand-up's jobs are registered");
    let mut prefixes = BTreeSet::new();
    for cap in tandem::service::registry::CAPABILITIES {
        for p in cap.buttons().iter().chain(cap.forms()) {
            assert!(prefixes.insert(*p), "the prefix {p} is claimed twice");
        }
        for p in cap.form_buttons() {
            assert!(cap.buttons().contains(p), "{} opens a form from {p}, not one of its buttons", cap.name());
        }
    }
}

/// The folders a capability owns: `src/core/<cap>/`, `src/service/<cap>/`, `src/store/<cap>*`.
fn owned_by(cap: &str, file: &Path) -> bool {
    let rel = file.strip_prefix(root()).unwrap_or(file).to_string_lossy().into_owned();
    rel.starts_with(&format!("src/core/{cap}/"))
        || rel.starts_with(&format!("src/service/{cap}/"))
        || rel.starts_with(&format!("src/store/{cap}"))
}

#[test]
fn no_command_job_button_or_template_is_named_outside_its_capability() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut found = Vec::new();
    for cap in tandem::service::registry::CAPABILITIES {
        let mut names: Vec<String> = cap.templates().iter().map(|t| format!("\"{t}\"")).collect();
        names.extend(cap.jobs().iter().map(|k| format!("\"{}\"", k.name())));
        names.extend(cap.buttons().iter().chain(cap.forms()).map(|p| format!("\"{p}:")));
        for (_, meta) in tandem::service::registry::commands().filter(|(c, _)| c.name() == cap.name()) {
            names.push(format!("&{:?}", meta.words).replace(", ", ","));
        }
        for f in files.iter().filter(|f| !owned_by(cap.name(), f)) {
            let text = std::fs::read_to_string(f).expect("read").replace(", ", ",");
            // A unit test may drive any command; the code above it may not name one.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for n in &names {
                if text.contains(n.as_str()) {
                    found.push(format!(
                        "{} names {n} of {}",
                        f.strip_prefix(root()).unwrap_or(f).display(),
                        cap.name()
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn nothing_in_the_project_reads_the_shared_folder_beside_it() {
    // The needles are built in pieces so that this file does not match itself.
    let needles = [concat!("..", "/shared"), concat!("\"shared", "/fixtures")];
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 20, "the source tree was found");
    files.push(root().join(".ci/run"));
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        for (n, line) in text.lines().enumerate() {
            for needle in needles {
                if line.contains(needle) {
                    found.push(format!("{}:{}: {needle}", f.strip_prefix(root()).unwrap_or(f).display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "a clone has no shared folder; read from tests/fixtures/:\n{}", found.join("\n"));
}

#[test]
fn the_outbox_names_no_chat_platform_and_the_adapters_do_not_import_the_web_chat() {
    let rules: [(&str, &[&str]); 3] = [
        ("src/outbox", &["crate::slack", "crate::discord", "crate::webchat"]),
        ("src/slack", &["crate::webchat", "crate::discord"]),
        ("src/discord", &["crate::webchat", "crate::slack"]),
    ];
    let mut found = Vec::new();
    for (dir, forbidden) in rules {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        assert!(!files.is_empty(), "{dir} was found");
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            for word in forbidden.iter().filter(|w| text.contains(**w)) {
                found.push(format!("{} uses {word}", f.strip_prefix(root()).unwrap_or(&f).display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_readme_lists_every_command_with_every_option() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let table: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `/tandem")).collect();
    let mut missing = Vec::new();
    for (_, meta) in tandem::service::registry::commands() {
        let words = meta.words.join(" ");
        let leaf = meta.words.last().copied().unwrap_or_default();
        // A row names the command in full, or as `· leaf` after its group's first command.
        let rows: Vec<&&str> = table
            .iter()
            .filter(|l| {
                l.contains(&format!("/tandem {words}"))
                    || l.contains(&format!("`{words}"))
                    || (meta.words.len() > 1 && l.contains(meta.words[0]) && l.contains(&format!("· `{leaf}")))
            })
            .collect();
        if rows.is_empty() {
            missing.push(format!("/tandem {words}"));
        }
        for p in meta.params.iter().filter(|p| !p.positional) {
            if !rows.iter().any(|l| l.contains(&format!("{}=", p.name))) {
                missing.push(format!("/tandem {words} {}=", p.name));
            }
        }
    }
    assert!(missing.is_empty(), "README's command table lacks:\n{}", missing.join("\n"));
}

/// `text` without what a browser does not show as words: styles, scripts, tags and
/// template expressions.
fn visible_words(text: &str) -> String {
    let mut out = text.to_string();
    for (open, close) in [("<style", "</style>"), ("<script", "</script>"), ("{#", "#}"), ("{{", "}}"), ("{%", "%}")] {
        while let Some(a) = out.find(open) {
            let b = out[a..].find(close).map_or(out.len(), |b| a + b + close.len());
            out.replace_range(a..b, " ");
        }
    }
    let mut plain = String::new();
    let mut in_tag = false;
    for c in out.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain
}

#[test]
fn the_web_chat_html_has_no_words_of_its_own_and_french_help_has_no_english_placeholders() {
    for page in ["src/webchat/page.html", "src/webchat/messages.html"] {
        let html = std::fs::read_to_string(root().join(page)).expect("page");
        let words = visible_words(&html);
        let leftover: Vec<&str> = words.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).collect();
        assert!(leftover.is_empty(), "{page} shows words that are not labels: {leftover:?}");
    }
    let r = tandem::render::Renderer::load().expect("templates");
    let help = r.render(tandem::core::Locale::Fr, "help", &tandem::service::help_data(&r, tandem::core::Locale::Fr));
    let help = help.expect("help");
    for english in ["NAME", "CHANNEL", "BLOCKER_ID"] {
        assert!(!help.split(|c: char| !c.is_ascii_uppercase() && c != '_').any(|w| w == english), "{english}: {help}");
    }
    assert!(help.contains("/tandem standup show NOM"), "{help}");
}
