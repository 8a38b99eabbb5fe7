//! The image a message may carry (a poll's bar chart): PNG bytes, a file name and alt text,
//! written into the outbox as base64 inside the effect's JSON.

use super::EffectError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest image: Discord takes attachments up to 10 MiB from any bot.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// `chart.png`: letters, digits, `-`, `_`, ending in `.png` (Discord's embed points at
    /// `attachment://<name>`).
    pub name: String,
    /// What a screen reader says, or what shows when the image cannot.
    pub alt: String,
    #[serde(serialize_with = "to_base64", deserialize_with = "from_base64")]
    pub png: Vec<u8>,
}

/// The first bytes of every PNG file.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

impl Image {
    pub fn png(name: impl Into<String>, alt: impl Into<String>, png: Vec<u8>) -> Self {
        Image { name: name.into(), alt: alt.into(), png }
    }

    pub(super) fn check(&self) -> Result<(), EffectError> {
        let stem = self.name.strip_suffix(".png").unwrap_or_default();
        if stem.is_empty() || !stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(EffectError::Image(format!("name {:?} is not like chart.png", self.name)));
        }
        if !self.png.starts_with(PNG_SIGNATURE) {
            return Err(EffectError::Image(format!("{} is not a PNG", self.name)));
        }
        if self.png.len() > MAX_IMAGE_BYTES {
            return Err(EffectError::Image(format!("{} has {} bytes, more than allowed", self.name, self.png.len())));
        }
        Ok(())
    }
}

fn to_base64<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}

fn from_base64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    STANDARD.decode(text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_survives_the_outbox_json_byte_for_byte() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(0u8..=255);
        let image = Image::png("chart.png", "Votes per option", png);
        let json = serde_json::to_string(&image).expect("json");
        assert!(json.contains("\"png\":\"iVBORw0KGgo"), "{json}");
        assert_eq!(serde_json::from_str::<Image>(&json).expect("back"), image);
        assert!(image.check().is_ok());
        assert!(Image::png("../x.png", "", PNG_SIGNATURE.to_vec()).check().is_err());
        assert!(Image::png("x.png", "", b"GIF89a".to_vec()).check().is_err());
    }
}
