//! Ed25519 request signatures on `POST /discord/interactions`: the signed message is
//! `X-Signature-Timestamp` followed by the raw body. Discord sends deliberately bad
//! signatures now and then and removes an endpoint that accepts one.

use ed25519_dalek::{Signature, VerifyingKey};

/// How far the signed timestamp may be from our clock, in seconds.
pub const MAX_SKEW_SECS: i64 = 5 * 60;

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    MissingHeaders,
    StaleTimestamp,
    BadSignature,
}

/// The application's public key from its hex form; `None` if it is not one.
pub fn public_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Check a request: signature over `timestamp || body`, and a timestamp within
/// `MAX_SKEW_SECS` of `now` (a replayed request stays out).
pub fn verify(
    key: &VerifyingKey,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), Refusal> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(Refusal::MissingHeaders);
    };
    let sig: [u8; 64] =
        hex::decode(signature.trim()).ok().and_then(|b| b.try_into().ok()).ok_or(Refusal::BadSignature)?;
    let mut message = Vec::with_capacity(timestamp.len() + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(body);
    key.verify_strict(&message, &Signature::from_bytes(&sig)).map_err(|_| Refusal::BadSignature)?;
    let at: i64 = timestamp.trim().parse().map_err(|_| Refusal::BadSignature)?;
    // `abs_diff`: a signed timestamp like i64::MIN must not overflow the subtraction.
    if now.abs_diff(at) > MAX_SKEW_SECS.unsigned_abs() {
        return Err(Refusal::StaleTimestamp);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/discord/ed25519_vectors.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("test fixtures")).expect("json")
    }

    #[test]
    fn every_shared_vector_gets_the_expected_answer() {
        let v = vectors();
        let key = public_key(v["public_key_hex"].as_str().expect("key")).expect("a valid key");
        let mut checked = 0;
        for case in v["valid"].as_array().into_iter().chain(v["invalid"].as_array()).flatten() {
            let ts = case["timestamp"].as_str().expect("timestamp");
            let now: i64 = ts.parse().expect("number");
            let got =
                verify(&key, Some(ts), case["signature"].as_str(), case["body"].as_str().unwrap_or("").as_bytes(), now);
            assert_eq!(got.is_ok(), case["valid"].as_bool().expect("valid"), "{}", case["name"]);
            checked += 1;
        }
        assert!(checked >= 8, "only {checked} vectors");
    }

    #[test]
    fn a_valid_signature_too_old_or_without_headers_is_refused() {
        let v = vectors();
        let key = public_key(v["public_key_hex"].as_str().expect("key")).expect("key");
        let case = &v["valid"][0];
        let ts = case["timestamp"].as_str().expect("ts");
        let body = case["body"].as_str().expect("body").as_bytes();
        let at: i64 = ts.parse().expect("number");
        let sig = case["signature"].as_str();
        assert_eq!(verify(&key, Some(ts), sig, body, at + MAX_SKEW_SECS + 1), Err(Refusal::StaleTimestamp));
        assert_eq!(verify(&key, Some(ts), sig, body, at - MAX_SKEW_SECS), Ok(()));
        assert_eq!(verify(&key, None, sig, body, at), Err(Refusal::MissingHeaders));
        assert_eq!(verify(&key, Some(ts), None, body, at), Err(Refusal::MissingHeaders));
        assert!(public_key("zz").is_none());
    }
}
