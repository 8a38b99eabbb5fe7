//! Files sent to the fake Discord: the reading of `multipart/form-data` as serenity sends a
//! message with files (the `payload_json` part, one part per file), and the attachments
//! they become, their bytes kept for the tests.

use super::Inner;
use serde_json::{Value, json};

impl Inner {
    /// The files of this request become the message's attachments, their bytes kept by
    /// attachment id (`FakeDiscord::attachment_bytes`).
    pub(super) fn attach(&mut self, message: &mut Value, channel: &str, p: &Value) {
        for (i, (filename, content_type, bytes)) in std::mem::take(&mut self.uploads).into_iter().enumerate() {
            let description = p["attachments"][i]["description"].clone();
            let id = self.next_id();
            let url = format!("https://cdn.discordapp.test/attachments/{channel}/{id}/{filename}");
            let attachment = json!({"id": id, "filename": filename, "size": bytes.len(), "url": url,
                                    "proxy_url": url, "content_type": content_type, "description": description});
            if let Some(list) = message["attachments"].as_array_mut() {
                list.push(attachment);
            } else {
                message["attachments"] = json!([attachment]);
            }
            self.attachment_bytes.insert(id, bytes);
        }
    }
}

/// The parts of a `multipart/form-data` body: `payload_json` as JSON, and each file part as
/// `(file name, content type, bytes)`.
pub(super) fn parse(body: &[u8], boundary: &str) -> (Value, Vec<(String, String, Vec<u8>)>) {
    let delimiter = format!("--{boundary}");
    let mut payload = Value::Null;
    let mut files = Vec::new();
    for part in split(body, delimiter.as_bytes()).into_iter().skip(1) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(end) = find(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..end]).to_string();
        let content = part[end + 4..].strip_suffix(b"\r\n").unwrap_or(&part[end + 4..]);
        let field = |key: &str| {
            let start = head.find(&format!("{key}=\""))? + key.len() + 2;
            Some(head[start..start + head[start..].find('"')?].to_string())
        };
        let content_type = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_string()))
            .unwrap_or_default();
        match (field("name").as_deref(), field("filename")) {
            (Some("payload_json"), _) => payload = serde_json::from_slice(content).unwrap_or(Value::Null),
            (_, Some(filename)) => files.push((filename, content_type, content.to_vec())),
            _ => {}
        }
    }
    (payload, files)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find(body, delimiter) {
        parts.push(&body[..at]);
        body = &body[at + delimiter.len()..];
    }
    parts
}
