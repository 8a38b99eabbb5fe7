//! Keys for anonymous input: who wrote, rated or voted, as stored — the member id when the
//! ritual is named, an HMAC of it under the ritual's secret when it is anonymous. Once the
//! secret is deleted (at close) nothing can tell whose a key was. Retros and polls share it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// `m:<member id>` without a secret; the hex HMAC-SHA256 of the member id under `secret`.
pub fn author_key(secret: Option<&str>, member_id: i64) -> String {
    match secret {
        None => format!("m:{member_id}"),
        Some(secret) => {
            let mut mac =
                <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
            mac.update(member_id.to_string().as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
    }
}

/// The member a named key names (`m:12` → 12); none for a keyed hash.
pub fn named_author(key: &str) -> Option<i64> {
    key.strip_prefix("m:").and_then(|id| id.parse().ok())
}

/// A fresh random secret for one anonymous ritual.
pub fn new_secret(random: [u8; 32]) -> String {
    hex::encode(random)
}
