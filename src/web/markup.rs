//! The web chat's rendering of message text: HTML-escaped, with `*bold*` and `` `code` ``
//! (the light markup the templates use, which Slack and Discord render natively).

/// Escape `text` for HTML, then turn paired `*…*` and `` `…` `` on a line into tags.
pub fn to_html(text: &str) -> String {
    text.lines().map(|line| pairs(&escape(line), '`', "code", &emphasis)).collect::<Vec<_>>().join("\n")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Wrap text between paired `delim`s in `<tag>`; an unpaired last delimiter stays as is.
/// Text outside the pairs goes through `outside`.
fn pairs(line: &str, delim: char, tag: &str, outside: &dyn Fn(&str) -> String) -> String {
    let parts: Vec<&str> = line.split(delim).collect();
    let paired = (parts.len() - 1) / 2 * 2;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let inside = i % 2 == 1 && i <= paired;
        if i > 0 {
            if i <= paired {
                out.push_str(&if inside { format!("<{tag}>") } else { format!("</{tag}>") });
            } else {
                out.push(delim);
            }
        }
        out.push_str(&if inside { part.to_string() } else { outside(part) });
    }
    out
}

/// `*bold*` as `<strong>`: a `*` opens only before a letter and after a space (or the
/// line's start or punctuation), and closes only after a letter and before a space (or the
/// end or punctuation), so the asterisks of `30 9 * * MON-FRI` stay as typed.
fn emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let boundary = |c: Option<&char>| c.is_none_or(|c| c.is_whitespace() || (c.is_ascii_punctuation() && *c != '*'));
    let solid = |c: Option<&char>| c.is_some_and(|c| !c.is_whitespace() && *c != '*');
    let mut tags: Vec<Option<&str>> = vec![None; chars.len()];
    let mut open: Option<usize> = None;
    for i in (0..chars.len()).filter(|i| chars[*i] == '*') {
        let (before, after) = (if i == 0 { None } else { chars.get(i - 1) }, chars.get(i + 1));
        match open {
            Some(o) if solid(before) && boundary(after) => {
                tags[o] = Some("<strong>");
                tags[i] = Some("</strong>");
                open = None;
            }
            None if boundary(before) && solid(after) => open = Some(i),
            _ => {}
        }
    }
    chars.iter().zip(tags).map(|(c, tag)| tag.map_or_else(|| c.to_string(), str::to_string)).collect()
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn bold_and_code_render_and_html_is_escaped() {
        assert_eq!(to_html("Time for *daily* <now>"), "Time for <strong>daily</strong> &lt;now&gt;");
        assert_eq!(to_html("Try `/tandem help` *now*"), "Try <code>/tandem help</code> <strong>now</strong>");
        assert_eq!(to_html("`a*b*c`"), "<code>a*b*c</code>");
        assert_eq!(to_html("3 * 4 = 12"), "3 * 4 = 12");
        assert_eq!(to_html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    #[test]
    fn the_asterisks_of_a_cron_expression_render_as_typed() {
        for text in [
            r#"Example: /tandem standup create daily channel=#team schedule="30 9 * * MON-FRI" tz=Europe/Paris"#,
            r#"schedule="61 * * * *""#,
            "*/15 * * * *",
        ] {
            let html = to_html(text);
            assert!(!html.contains("strong"), "{text} → {html}");
            assert_eq!(html.matches('*').count(), text.matches('*').count(), "{html}");
        }
        assert_eq!(to_html("*ana* — answered 2/3"), "<strong>ana</strong> — answered 2/3");
        assert_eq!(to_html("Time for *daily*."), "Time for <strong>daily</strong>.");
    }
}
