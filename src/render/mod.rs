//! Templates → text. Every text a person reads comes from `prompts/<locale>/`, embedded
//! in the binary so that nothing depends on the working directory.
//!
//! A message template is `prompts/<locale>/<capability>/<name>.txt` (Tera), or
//! `prompts/<locale>/<name>.txt` for the few every capability shares (the grammar's
//! refusals, the apology); it is named by its file name alone, which is unique. Short
//! labels (buttons, command descriptions, default questions, web chat chrome) are
//! `labels.toml`.

pub mod chart;
pub mod csv;

use crate::core::{Locale, Message};
use anyhow::{Context, anyhow};
use include_dir::{Dir, include_dir};
use std::collections::{BTreeMap, HashMap};

/// The prefix of the templates that refuse something.
const REFUSAL_PREFIX: &str = "error";

static PROMPTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/prompts");

#[derive(Debug)]
pub struct Renderer {
    tera: HashMap<Locale, tera::Tera>,
    labels: HashMap<Locale, BTreeMap<String, String>>,
}

impl Renderer {
    /// Loads and compiles every locale's templates; fails on any template error.
    pub fn load() -> anyhow::Result<Renderer> {
        let mut tera = HashMap::new();
        let mut labels = HashMap::new();
        for locale in Locale::ALL {
            let dir = PROMPTS.get_dir(locale.code()).ok_or_else(|| anyhow!("prompts/{locale} is missing"))?;
            let mut t = tera::Tera::default();
            t.autoescape_on(vec![]);
            let mut raw: Vec<(String, String)> = Vec::new();
            let folders = std::iter::once(dir).chain(dir.dirs());
            for f in folders.flat_map(|d| d.files()) {
                let path = f.path();
                if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                    continue;
                }
                let name =
                    path.file_stem().and_then(|s| s.to_str()).ok_or_else(|| anyhow!("bad template name {path:?}"))?;
                if raw.iter().any(|(n, _)| n == name) {
                    return Err(anyhow!("two templates are named {name} in prompts/{locale}"));
                }
                let body = f.contents_utf8().ok_or_else(|| anyhow!("{path:?} is not UTF-8"))?;
                raw.push((name.to_string(), body.to_string()));
            }
            t.add_raw_templates(raw).with_context(|| format!("compiling prompts/{locale}"))?;
            tera.insert(locale, t);
            let file = dir
                .get_file(format!("{}/labels.toml", locale.code()))
                .ok_or_else(|| anyhow!("prompts/{locale}/labels.toml is missing"))?;
            let text = file.contents_utf8().ok_or_else(|| anyhow!("labels.toml is not UTF-8"))?;
            labels
                .insert(locale, toml::from_str(text).with_context(|| format!("reading prompts/{locale}/labels.toml"))?);
        }
        Ok(Renderer { tera, labels })
    }

    /// Renders template `name` with `data` in `locale`.
    pub fn render(&self, locale: Locale, name: &str, data: &serde_json::Value) -> anyhow::Result<String> {
        let t = self.tera.get(&locale).ok_or_else(|| anyhow!("no templates for {locale}"))?;
        let ctx = tera::Context::from_serialize(data).with_context(|| format!("data for {name}"))?;
        let text = t.render(name, &ctx).with_context(|| format!("rendering {locale}/{name}"))?;
        Ok(text.trim().to_string())
    }

    /// A usage line in `locale`: its placeholders (`NAME`, `#CHANNEL`, `BLOCKER_ID`) are
    /// words of the reader's language, from the `placeholder_*` labels.
    pub fn usage(&self, locale: Locale, usage: &str) -> String {
        let mut out = String::with_capacity(usage.len());
        let mut word = String::new();
        for c in usage.chars().chain(std::iter::once('\0')) {
            if c.is_ascii_uppercase() || (c == '_' && !word.is_empty()) {
                word.push(c);
                continue;
            }
            if !word.is_empty() {
                let key = format!("placeholder_{}", word.to_ascii_lowercase());
                let label = self.label(locale, &key);
                out.push_str(if label == key || word.len() < 3 { &word } else { &label });
                word.clear();
            }
            if c != '\0' {
                out.push(c);
            }
        }
        out
    }

    /// Renders a message's body. A refusal (an `error_` template) whose data carries the
    /// command's usage shows it, when the template does not already.
    pub fn message(&self, m: &Message) -> anyhow::Result<String> {
        // Only a message with a usage line is copied, to put the reader's placeholders in it.
        let localized = m.data.get("usage").and_then(|u| u.as_str()).map(|u| {
            let mut data = m.data.clone();
            data["usage"] = self.usage(m.locale, u).into();
            data
        });
        let data = localized.as_ref().unwrap_or(&m.data);
        let text = self.render(m.locale, &m.template, data)?;
        match data.get("usage").and_then(|u| u.as_str()) {
            Some(usage) if m.template.starts_with(REFUSAL_PREFIX) && !text.contains(usage) => {
                Ok(format!("{text}\n{} {usage}", self.label(m.locale, "usage")))
            }
            _ => Ok(text),
        }
    }

    /// A short label; a missing one shows its key so the gap is visible, never a panic.
    pub fn label(&self, locale: Locale, key: &str) -> String {
        self.labels.get(&locale).and_then(|l| l.get(key)).cloned().unwrap_or_else(|| key.to_string())
    }

    /// Template names and label keys of one locale, for the tidy test.
    pub fn inventory(&self, locale: Locale) -> (Vec<String>, Vec<String>) {
        let mut names: Vec<String> =
            self.tera.get(&locale).map(|t| t.get_template_names().map(String::from).collect()).unwrap_or_default();
        names.sort();
        let keys = self.labels.get(&locale).map(|l| l.keys().cloned().collect()).unwrap_or_default();
        (names, keys)
    }
}
