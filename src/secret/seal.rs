//! Secrets at rest: a stored secret (a Slack workspace's bot token) is sealed with
//! XChaCha20-Poly1305 under the configured key, `TANDEM_SECRET_KEY`.
//!
//! The stored form is `enc:v1:<key id>:<base64 of the 24-byte nonce, then the ciphertext>`.
//! The nonce is random for each sealing. The associated data names the row (its table,
//! column and key), so a sealed value copied into another row does not open there. The
//! key id, a hash of the key, tells which of the configured keys opens a value, so reads
//! keep working during a rotation (`TANDEM_SECRET_KEY_OLD`).

use super::Secret;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::fmt;

const PREFIX: &str = "enc:";
const V1: &str = "enc:v1:";
const NONCE_LEN: usize = 24;
/// Poly1305's tag, at the end of every ciphertext.
const TAG_LEN: usize = 16;

/// Why a secret could not be sealed or opened. No variant carries the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error(
        "TANDEM_SECRET_KEY is not set, and Tandem stores no secret in clear: set it to 32 random bytes in base64 \
         (`tandem secret generate` or `openssl rand -base64 32`)"
    )]
    NoKey,
    #[error(
        "a stored secret was sealed with key {0}, which is neither TANDEM_SECRET_KEY nor one of TANDEM_SECRET_KEY_OLD"
    )]
    UnknownKey(String),
    #[error("a stored secret did not open: it was altered, or it was copied from another row")]
    Refused,
    #[error("a stored secret is not in a form this version of Tandem reads (expected enc:v1:…)")]
    Malformed,
    #[error("{0} must be 32 bytes written in base64 (44 characters) or hex (64 characters)")]
    BadKey(&'static str),
}

/// One key: its id and its cipher. `Debug` shows the id only.
pub struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.id)
    }
}

impl Key {
    /// A key written as 32 bytes in base64 (standard or URL-safe, padded or not) or hex.
    /// `setting` names where it came from, for the error.
    pub fn parse(text: &str, setting: &'static str) -> Result<Key, SealError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].iter().find_map(|e| e.decode(text).ok())
        };
        match bytes {
            Some(b) => b.try_into().map(Key::from_bytes).map_err(|_| SealError::BadKey(setting)),
            None => Err(SealError::BadKey(setting)),
        }
    }

    fn from_bytes(bytes: [u8; 32]) -> Key {
        // The id is a hash of the key: it names the key in stored values without revealing it.
        let digest = Sha256::new().chain_update(b"tandem secret key id\0").chain_update(bytes).finalize();
        let id = hex::encode(&digest[..4]);
        Key { id, cipher: XChaCha20Poly1305::new(&bytes.into()) }
    }

    /// A new random key, in base64, as `tandem secret generate` prints it.
    pub fn generate() -> String {
        STANDARD.encode(rand::random::<[u8; 32]>())
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The configured keys: the current one seals, and it or any older one opens.
#[derive(Debug, Default)]
pub struct Keyring {
    current: Option<Key>,
    old: Vec<Key>,
}

impl Keyring {
    /// The keys from the configuration (`secret_key`, `secret_key_old`).
    pub fn from_config(current: Option<&Secret>, old: &[Secret]) -> Result<Keyring, SealError> {
        let current = current.map(|k| Key::parse(k.expose(), "TANDEM_SECRET_KEY")).transpose()?;
        let old = old.iter().map(|k| Key::parse(k.expose(), "TANDEM_SECRET_KEY_OLD")).collect::<Result<_, _>>()?;
        Ok(Keyring { current, old })
    }

    pub fn new(current: Option<Key>, old: Vec<Key>) -> Keyring {
        Keyring { current, old }
    }

    /// The id of the key that seals, when one is set.
    pub fn current_id(&self) -> Option<&str> {
        self.current.as_ref().map(Key::id)
    }

    /// Whether a value sealed with key `id` can be opened.
    pub fn knows(&self, id: &str) -> bool {
        self.key(id).is_some()
    }

    fn key(&self, id: &str) -> Option<&Key> {
        self.current.iter().chain(&self.old).find(|k| k.id == id)
    }

    /// `plain` sealed under the current key for the row named `row`.
    pub fn seal(&self, plain: &str, row: &str) -> Result<Secret, SealError> {
        let key = self.current.as_ref().ok_or(SealError::NoKey)?;
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload { msg: plain.as_bytes(), aad: row.as_bytes() };
        // Encryption fails only on a message longer than 256 GiB.
        let ciphertext = key.cipher.encrypt(&XNonce::from(nonce), payload).map_err(|_| SealError::Malformed)?;
        let mut body = nonce.to_vec();
        body.extend(ciphertext);
        Ok(Secret::new(format!("{V1}{}:{}", key.id, STANDARD.encode(body))))
    }

    /// A stored value opened for the row named `row`. A value with no `enc:` prefix was
    /// stored before secrets were sealed and is returned as it is.
    pub fn open(&self, stored: &str, row: &str) -> Result<Secret, SealError> {
        if !stored.starts_with(PREFIX) {
            return Ok(Secret::new(stored));
        }
        let (id, body) = stored.strip_prefix(V1).and_then(|rest| rest.split_once(':')).ok_or(SealError::Malformed)?;
        let key = self.key(id).ok_or_else(|| SealError::UnknownKey(id.to_string()))?;
        let body = STANDARD.decode(body).map_err(|_| SealError::Malformed)?;
        if body.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = body.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::Malformed)?;
        let payload = Payload { msg: ciphertext, aad: row.as_bytes() };
        let plain = key.cipher.decrypt(&XNonce::from(nonce), payload).map_err(|_| SealError::Refused)?;
        String::from_utf8(plain).map(Secret::new).map_err(|_| SealError::Refused)
    }
}

/// The id of the key a stored value was sealed with; `None` for a value in clear.
pub fn key_id_of(stored: &str) -> Option<&str> {
    stored.strip_prefix(V1).and_then(|rest| rest.split_once(':')).map(|(id, _)| id)
}

/// Whether a stored value is sealed (of any version).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const OTHER: &str = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    fn ring(current: &str) -> Keyring {
        Keyring::new(Some(Key::parse(current, "test").expect("key")), Vec::new())
    }

    #[test]
    fn a_sealed_token_opens_again_for_its_own_row_and_shows_nothing_of_itself() {
        let keys = ring(KEY);
        let sealed = keys.seal("xoxb-newco-token", "row 1").expect("sealed");
        let stored = sealed.expose();
        assert!(stored.starts_with(&format!("enc:v1:{}:", keys.current_id().expect("id"))), "{stored}");
        assert!(!stored.contains("xoxb") && !stored.contains(&STANDARD.encode("xoxb-newco-token")));
        assert_eq!(keys.open(stored, "row 1").expect("opens").expose(), "xoxb-newco-token");
    }

    #[test]
    fn sealing_twice_gives_two_different_values() {
        let keys = ring(KEY);
        let a = keys.seal("same", "row").expect("a");
        let b = keys.seal("same", "row").expect("b");
        assert_ne!(a.expose(), b.expose(), "a fresh nonce each time");
    }

    #[test]
    fn a_tampered_ciphertext_is_refused() {
        let keys = ring(KEY);
        let sealed = keys.seal("xoxb-newco-token", "row").expect("sealed");
        let (head, body) = sealed.expose().rsplit_once(':').expect("body");
        let mut bytes = STANDARD.decode(body).expect("base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("{head}:{}", STANDARD.encode(bytes));
        assert_eq!(keys.open(&tampered, "row"), Err(SealError::Refused));
        assert_eq!(keys.open(&format!("{head}:AAAA"), "row"), Err(SealError::Malformed));
    }

    #[test]
    fn a_token_moved_to_another_row_is_refused() {
        let keys = ring(KEY);
        let sealed = keys.seal("xoxb-newco-token", r#"["platform_teams","bot_token","slack","T1"]"#).expect("sealed");
        let moved = keys.open(sealed.expose(), r#"["platform_teams","bot_token","slack","T2"]"#);
        assert_eq!(moved, Err(SealError::Refused));
    }

    #[test]
    fn an_old_key_still_opens_what_it_sealed_and_an_unknown_one_is_named() {
        let old = ring(OTHER);
        let sealed = old.seal("xoxb-old", "row").expect("sealed");
        let old_id = old.current_id().expect("id").to_string();
        let rotating = Keyring::new(Key::parse(KEY, "new").ok(), vec![Key::parse(OTHER, "old").expect("old")]);
        assert_eq!(rotating.open(sealed.expose(), "row").expect("opens").expose(), "xoxb-old");
        assert_eq!(ring(KEY).open(sealed.expose(), "row"), Err(SealError::UnknownKey(old_id.clone())));
        assert_eq!(Keyring::default().open(sealed.expose(), "row"), Err(SealError::UnknownKey(old_id)));
    }

    #[test]
    fn without_a_key_nothing_is_sealed_and_values_in_clear_read_as_they_are() {
        let none = Keyring::default();
        assert_eq!(none.seal("xoxb-x", "row"), Err(SealError::NoKey));
        assert_eq!(none.open("xoxb-legacy", "row").expect("clear").expose(), "xoxb-legacy");
        assert!(SealError::NoKey.to_string().contains("TANDEM_SECRET_KEY"));
    }

    #[test]
    fn a_key_is_read_from_base64_or_hex_and_anything_else_is_refused_without_echoing_it() {
        let b64 = Key::parse(KEY, "k").expect("base64");
        let hex = Key::parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "k").expect("hex");
        assert_eq!(b64.id(), hex.id(), "the same 32 bytes are the same key");
        assert_eq!(Key::parse(&Key::generate(), "k").map(|k| k.id().len()), Ok(8));
        let short = Key::parse("c2hvcnQta2V5", "TANDEM_SECRET_KEY").expect_err("too short");
        assert_eq!(short, SealError::BadKey("TANDEM_SECRET_KEY"));
        assert!(!short.to_string().contains("c2hvcnQta2V5"));
        assert!(!format!("{b64:?}").contains(KEY));
    }

    #[test]
    fn the_key_id_of_a_stored_value_is_read_without_any_key() {
        let keys = ring(KEY);
        let sealed = keys.seal("x", "row").expect("sealed");
        assert_eq!(key_id_of(sealed.expose()), keys.current_id());
        assert_eq!(key_id_of("xoxb-clear"), None);
        assert!(is_sealed("enc:v2:whatever") && !is_sealed("xoxb-clear"));
    }
}
