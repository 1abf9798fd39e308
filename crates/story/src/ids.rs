//! What every id that wraps a ULID shares: its text forms. Below the
//! model and the lifecycle, which both mint such ids.

/// Text forms of an id that wraps a ULID: its 26 characters in
/// `Display`, `FromStr` (an error naming the bad text) and serde; and
/// its 128 bits as a number.
macro_rules! ulid_text {
    ($id:ident) => {
        impl std::fmt::Display for $id {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $id {
            type Err = $crate::error::StoryError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                ulid::Ulid::from_string(s.trim())
                    .map($id)
                    .map_err(|_| $crate::error::StoryError::InvalidId(s.chars().take(64).collect()))
            }
        }

        // Every 128 bits are a ULID, so both ways are total; the number
        // sorts as the ids do (time first), which an index keeps as a
        // sort key.
        impl From<$id> for u128 {
            fn from(id: $id) -> u128 {
                id.0.into()
            }
        }

        impl From<u128> for $id {
            fn from(bits: u128) -> $id {
                $id(ulid::Ulid::from(bits))
            }
        }

        impl serde::Serialize for $id {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $id {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use ulid_text;
