//! Verifying Events API requests: `X-Slack-Signature` is `v0=` + hex HMAC-SHA256 of
//! `v0:{timestamp}:{body}` under the signing secret, and the timestamp must be within
//! five minutes of now.
//!
//! slack-morphism's `SlackEventSignatureVerifier` checks the timestamp against the
//! system clock, which the fake clock of the tests cannot move; this is the same check
//! with `now` as an argument, on the same `hmac`/`sha2`/`subtle` crates.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a request's timestamp may be from now, either way.
pub const WINDOW_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    MissingHeaders,
    StaleTimestamp,
    BadSignature,
}

/// Check a request's signature headers against `body` at `now_unix` (seconds).
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), Refusal> {
    let (Some(ts), Some(sig)) = (timestamp, signature) else {
        return Err(Refusal::MissingHeaders);
    };
    let at: i64 = ts.trim().parse().map_err(|_| Refusal::StaleTimestamp)?;
    // `abs_diff`: a timestamp like i64::MIN must not overflow the subtraction (found by fuzzing).
    if now_unix.abs_diff(at) > WINDOW_SECONDS.unsigned_abs() {
        return Err(Refusal::StaleTimestamp);
    }
    let expected = sign(secret, ts, body);
    if expected.as_bytes().ct_eq(sig.trim().as_bytes()).into() { Ok(()) } else { Err(Refusal::BadSignature) }
}

/// The signature Slack would send for `body` at `timestamp`.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn a_timestamp_at_the_edge_of_the_integers_is_stale_not_a_crash() {
        // Regression: found by the `signatures` fuzz target (an overflow in `now - at`).
        let min = i64::MIN.to_string();
        assert_eq!(verify("s", Some(&min), Some("v0=00"), b"", 1_767_240_000), Err(Refusal::StaleTimestamp));
        assert_eq!(verify("s", Some("1"), Some("v0=00"), b"", i64::MIN), Err(Refusal::StaleTimestamp));
    }

    fn vector() -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/slack/signing.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).expect("fixture")
    }

    #[test]
    fn slacks_documented_example_verifies() {
        let v = vector();
        let s = |k: &str| v[k].as_str().expect(k).to_string();
        let ts: i64 = s("timestamp").parse().expect("ts");
        assert_eq!(sign(&s("signing_secret"), &s("timestamp"), s("body").as_bytes()), s("expected_signature"));
        let ok = verify(
            &s("signing_secret"),
            Some(&s("timestamp")),
            Some(&s("expected_signature")),
            s("body").as_bytes(),
            ts + 10,
        );
        assert_eq!(ok, Ok(()));
    }

    #[test]
    fn tampering_staleness_and_missing_headers_are_refused() {
        let v = vector();
        let s = |k: &str| v[k].as_str().expect(k).to_string();
        let (secret, ts, sig, body) = (s("signing_secret"), s("timestamp"), s("expected_signature"), s("body"));
        let now: i64 = ts.parse().expect("ts");
        let tampered = format!("{}x", &body[..body.len() - 1]);
        assert_eq!(verify(&secret, Some(&ts), Some(&sig), tampered.as_bytes(), now), Err(Refusal::BadSignature));
        let later = (now + 1).to_string();
        assert_eq!(verify(&secret, Some(&later), Some(&sig), body.as_bytes(), now), Err(Refusal::BadSignature));
        assert_eq!(verify(&secret, Some(&ts), Some(&sig), body.as_bytes(), now + 301), Err(Refusal::StaleTimestamp));
        assert_eq!(verify(&secret, Some(&ts), Some(&sig), body.as_bytes(), now - 301), Err(Refusal::StaleTimestamp));
        assert_eq!(verify(&secret, None, Some(&sig), body.as_bytes(), now), Err(Refusal::MissingHeaders));
        assert_eq!(verify(&secret, Some(&ts), None, body.as_bytes(), now), Err(Refusal::MissingHeaders));
        assert_eq!(verify("another-secret", Some(&ts), Some(&sig), body.as_bytes(), now), Err(Refusal::BadSignature));
    }
}
