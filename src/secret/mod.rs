//! Secrets: a wrapper that keeps them (tokens, database passwords) out of logs and `Debug`
//! prints, sealing for the ones Tandem stores (`seal`), and the one choice of TLS crypto
//! provider.

pub mod seal;

use std::fmt;

/// A secret string. `Debug` and `Display` print only its length.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; call this only where it is handed to the library that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret([{} bytes redacted])", self.0.len())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A database URL with its password hidden, for log lines: `postgres://tandem:***@db/tandem`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

/// Pick rustls' crypto provider once: with two compiled in (the Slack and Discord clients
/// each bring one), rustls refuses to guess.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let s = Secret::new("xoxb-very-secret");
        assert_eq!(format!("{s:?}"), "Secret([16 bytes redacted])");
        assert!(!format!("{s}").contains("very"));
    }

    #[test]
    fn a_database_password_is_hidden_in_log_lines() {
        assert_eq!(
            redact_url("postgres://tandem:hunter2@localhost:5432/tandem"),
            "postgres://tandem:***@localhost:5432/tandem"
        );
        assert_eq!(redact_url("sqlite://tandem.db"), "sqlite://tandem.db");
    }
}
