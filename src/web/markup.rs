//! The web chat's rendering of message text: HTML-escaped, with `*bold*` and `` `code` ``
//! (the light markup the templates use, which Slack and Discord render natively).

/// Escape `text` for HTML, then turn paired `*…*` and `` `…` `` on a line into tags.
pub fn to_html(text: &str) -> String {
    text.lines()
        .map(|line| pairs(&escape(line), '`', "code", &|s| pairs(s, '*', "strong", &|s| s.to_string())))
        .collect::<Vec<_>>()
        .join("\n")
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
}
