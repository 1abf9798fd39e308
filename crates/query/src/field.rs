//! The fields a query can name, and how each one matches.

use std::fmt;

/// A searchable part of a story. `published` is not here: dates are
/// queried with [`crate::Query::DateRange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The default for words without a field: headline, bullets and body.
    Text,
    /// The headline alone.
    Headline,
    /// The bullet highlights under the headline.
    Bullets,
    /// Paragraphs and subheads.
    Body,
    /// Who wrote it.
    Byline,
    /// The dateline, and places found by tagging.
    Place,
    /// People named in the story, found by tagging.
    Person,
    /// Organisations named in the story, found by tagging.
    Org,
    /// Publisher keywords, and keywords found by tagging.
    Keyword,
    /// The publisher or feed the story came from.
    Source,
    /// Language tag (`lang:` or `language:`).
    Lang,
    /// FLASH, URGENT or ROUTINE (`priority:` or `pri:`).
    Priority,
    /// The story id.
    Id,
    /// IPTC media topics found by tagging (code or name).
    Topic,
    /// Countries of the places found by tagging.
    Country,
    /// The event a story was grouped into (`event:<id>`).
    Event,
}

/// How a field's values are compared with a query's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Values are analyzed into tokens; words and phrases match tokens.
    Text,
    /// A value is one normalized keyword ([`crate::normalize_keyword`]);
    /// a query value must equal it whole (or be a prefix of it, with `*`).
    Keyword,
}

impl Field {
    /// Every field, [`Field::Text`] first.
    pub const ALL: [Field; 16] = [
        Field::Text,
        Field::Headline,
        Field::Bullets,
        Field::Body,
        Field::Byline,
        Field::Place,
        Field::Person,
        Field::Org,
        Field::Keyword,
        Field::Source,
        Field::Lang,
        Field::Priority,
        Field::Id,
        Field::Topic,
        Field::Country,
        Field::Event,
    ];

    /// The stored fields [`Field::Text`] searches.
    pub const TEXT_PARTS: [Field; 3] = [Field::Headline, Field::Bullets, Field::Body];

    /// The stored fields a search of this field reads: the
    /// [`Field::TEXT_PARTS`] for [`Field::Text`], else the field itself.
    ///
    /// ```
    /// use newsterm_query::Field;
    /// assert_eq!(Field::Text.parts(), Field::TEXT_PARTS);
    /// assert_eq!(Field::Person.parts(), [Field::Person]);
    /// ```
    pub fn parts(&self) -> &[Field] {
        if *self == Field::Text {
            &Self::TEXT_PARTS
        } else {
            std::slice::from_ref(self)
        }
    }

    /// The name used in queries (`headline` for `headline:`).
    pub fn name(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Headline => "headline",
            Field::Bullets => "bullets",
            Field::Body => "body",
            Field::Byline => "byline",
            Field::Place => "place",
            Field::Person => "person",
            Field::Org => "org",
            Field::Keyword => "keyword",
            Field::Source => "source",
            Field::Lang => "lang",
            Field::Priority => "priority",
            Field::Id => "id",
            Field::Topic => "topic",
            Field::Country => "country",
            Field::Event => "event",
        }
    }

    /// The field a query name stands for; names are case-insensitive and
    /// `language` is an alias of `lang`.
    pub fn from_name(name: &str) -> Option<Field> {
        let name = name.to_ascii_lowercase();
        if name == "language" {
            return Some(Field::Lang);
        }
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the field holds analyzed text or whole keyword values.
    pub fn kind(self) -> FieldKind {
        match self {
            Field::Source
            | Field::Lang
            | Field::Priority
            | Field::Id
            | Field::Topic
            | Field::Country
            | Field::Event => FieldKind::Keyword,
            _ => FieldKind::Text,
        }
    }

    /// True when a value of this field is compared whole.
    pub fn is_keyword(self) -> bool {
        self.kind() == FieldKind::Keyword
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves_back_to_its_field() {
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
        assert_eq!(Field::from_name("Language"), Some(Field::Lang));
        assert_eq!(Field::from_name("plase"), None);
    }
}
