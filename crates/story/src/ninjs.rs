//! IPTC ninjs 2.x (2.0, 2.1, 2.2): the JSON form integrators exchange.
//!
//! Input is validated against the IPTC schema of its version — taken
//! from `standard.schema`, `$schema` (`…ninjs-schema_2.1.json`) or
//! `standard.version`, else 2.2 — before anything is read; ninjs 1.x and
//! 3.x are refused. Output is ninjs 2.2 and names that version in
//! `standard`. The schemas ship inside the crate, so nothing is fetched.
//!
//! | story | ninjs |
//! |---|---|
//! | id | `uri` = `urn:newsterm:story:<ULID>` (`urn:newsterm:draft` when the story has no id yet) |
//! | revision | `version` (a string) |
//! | headline | `headlines[]` with role `main` (input: else one without a role, else the first) |
//! | bullets | `descriptions[]` with role `highlight`, in order |
//! | caption | `descriptions[]` with role `caption` |
//! | credit | `descriptions[]` with role `credit` (input also `creditline`) |
//! | body | `bodies[]` with role `main`, content type `text/html`: `<p>` paragraphs and `<h2>` subheads |
//! | byline | `by` |
//! | dateline | `located` |
//! | source | `infosources[]` `{name, role: "source"}` (input: else the first named infosource, else `copyrightholder`) |
//! | url | `renditions[]` `{name: "web", href, contenttype: "text/html"}` |
//! | language | `language` |
//! | priority | `urgency`: flash 1, urgent 2, normal 5 (input: 1 flash, 2–3 urgent, else normal) |
//! | published | `firstcreated` (input: else `versioncreated`) |
//! | updated | `versioncreated`, written only when the story has an update time |
//! | keywords | `subjects[]` `{name, rel: "keyword"}` (ninjs 2.x has no keywords property) |
//! | event | `events[]` `{uri: "urn:newsterm:event:<ULID>", literal: "<ULID>", rel: "reports"}` (written, never read) |
//! | correction note | `descriptions[]` with role `correction` (written, never read) |
//! | withdrawal | `pubstatus: "canceled"` and `descriptions[]` with role `withdrawal` holding the reason (written, never read) |
//!
//! The event goes to ninjs's own `events` property, "something which
//! happens in a planned or unplanned manner", and not to `subjects` (what
//! a story is about in a vocabulary such as Media Topics, which an event
//! made up by newsterm is not) nor to `associations` (whole embedded
//! news objects, such as a picture). Its URI is stable: the same event
//! id appears on every story grouped into it, so an integrator can group
//! by it without knowing newsterm's API.
//!
//! On input, `versioncreated` becomes `updated` only when `firstcreated`
//! is present too (otherwise it is the publication time), so a story
//! written here reads back with exactly its own times. Of several bodies
//! the one with HTML markup is preferred (it keeps paragraphs), then role
//! `main`. HTML keeps paragraphs, headings (as subheads), line breaks,
//! divisions and list items and drops other tags; `text/plain` splits
//! paragraphs at blank lines; a body without a content type is sniffed.
//! Line breaks inside one-line fields read as spaces.
//!
//! newsterm's tags are written, never read: people, organisations and
//! places go to `people`, `organisations` and `places` (`rel:
//! "mentioned"`; places with a GeoNames URI and a GeoJSON point), topics to
//! `subjects` (`rel: "about"`; IPTC Media Topics with their concept URI,
//! newsterm's mnemonic codes as `literal: "newsterm:CODE"`).

use std::collections::HashSet;
use std::sync::LazyLock;

use jsonschema::{Registry, ValidationError, Validator};
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};
use time::OffsetDateTime;

use crate::error::StoryError;
use crate::form::{ParsedStory, StoryView};
use crate::lifecycle::RevisionKind;
use crate::model::{Block, Priority, StoryDraft, StoryId, format_time};
use crate::tags::{EntityType, Tags};
use crate::text::truncate;
use crate::{html, plaintext};

/// Reads a ninjs 2.x document. `now` fills `published` when it has no time.
pub fn parse(text: &str, now: OffsetDateTime) -> Result<ParsedStory, StoryError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| StoryError::Malformed {
        format: "JSON",
        message: e.to_string(),
        line: Some(e.line()),
        column: Some(e.column()),
    })?;
    validate(&value, declared_version(&value)?)?;
    let doc: Document = serde_json::from_value(value).map_err(|e| StoryError::Malformed {
        format: "ninjs",
        message: e.to_string(),
        line: None,
        column: None,
    })?;
    let id = doc
        .uri
        .strip_prefix(URI_PREFIX)
        .and_then(|ulid| ulid.parse::<StoryId>().ok());
    let revision = doc.version.as_deref().and_then(|v| v.trim().parse().ok());
    Ok(ParsedStory {
        content: doc.into_draft().validate(now)?,
        id,
        revision,
    })
}

/// Writes a story as a ninjs 2.2 document (pretty-printed JSON) that
/// [`parse`] reads back to the same content, id and revision.
pub fn render<'a>(story: impl Into<StoryView<'a>>) -> String {
    let view = story.into();
    let doc = Document::of(view);
    serde_json::to_string_pretty(&doc).expect("a ninjs document of strings always serializes")
}

const URI_PREFIX: &str = "urn:newsterm:story:";
/// The `uri` of a story that has no id yet (ninjs requires a `uri`).
const DRAFT_URI: &str = "urn:newsterm:draft";
const SCHEMA_URL_2_2: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json";
const GEOJSON_URI: &str = "https://geojson.org/schema/GeoJSON.json";
const GEOJSON_SCHEMA: &str = include_str!("../schemas/GeoJSON-schema.json");
/// Schema errors listed in one answer; the rest are counted.
const MAX_SCHEMA_ERRORS: usize = 10;

/// The ninjs versions newsterm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V2_0,
    V2_1,
    V2_2,
}

impl Version {
    fn as_str(self) -> &'static str {
        match self {
            Version::V2_0 => "2.0",
            Version::V2_1 => "2.1",
            Version::V2_2 => "2.2",
        }
    }

    /// The validator for this version, built on first use and kept.
    fn validator(self) -> &'static Result<Validator, BundledSchemaError> {
        type Built = LazyLock<Result<Validator, BundledSchemaError>>;
        static V2_0: Built =
            LazyLock::new(|| build_validator(include_str!("../schemas/ninjs-schema_2.0.json")));
        static V2_1: Built =
            LazyLock::new(|| build_validator(include_str!("../schemas/ninjs-schema_2.1.json")));
        static V2_2: Built =
            LazyLock::new(|| build_validator(include_str!("../schemas/ninjs-schema_2.2.json")));
        match self {
            Version::V2_0 => &V2_0,
            Version::V2_1 => &V2_1,
            Version::V2_2 => &V2_2,
        }
    }
}

/// Why a schema compiled into newsterm did not load: a defect of the
/// build, reported with every ninjs document it then cannot check.
#[derive(Debug, thiserror::Error)]
enum BundledSchemaError {
    #[error("it is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("its GeoJSON reference did not resolve: {0}")]
    Registry(String),
    #[error("it does not compile: {0}")]
    Compile(String),
}

fn build_validator(schema: &str) -> Result<Validator, BundledSchemaError> {
    let schema: Value = serde_json::from_str(schema)?;
    let geojson: Value = serde_json::from_str(GEOJSON_SCHEMA)?;
    let registry = Registry::new()
        .add(GEOJSON_URI, geojson)
        .and_then(|r| r.prepare())
        .map_err(|e| BundledSchemaError::Registry(e.to_string()))?;
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        // `format` is an annotation in ninjs (as in JSON Schema 2020-12),
        // and the IPTC test suite expects e.g. `"uri": "002-schema"` to pass.
        .should_validate_formats(false)
        .build(&schema)
        .map_err(|e| BundledSchemaError::Compile(e.to_string()))
}

/// The version a document declares, 2.2 when it declares none.
fn declared_version(doc: &Value) -> Result<Version, StoryError> {
    let standard = doc.get("standard");
    let from_schema_url = [doc.get("$schema"), standard.and_then(|s| s.get("schema"))]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find_map(|url| {
            let rest = &url[url.find("ninjs-schema_")? + "ninjs-schema_".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            Some(rest[..end].trim_end_matches('.'))
        });
    let from_standard = || {
        let standard = standard?;
        let name = standard.get("name").and_then(Value::as_str);
        if name.is_some_and(|n| !n.eq_ignore_ascii_case("ninjs")) {
            return None;
        }
        standard.get("version").and_then(Value::as_str)
    };
    let Some(declared) = from_schema_url.or_else(from_standard) else {
        return Ok(Version::V2_2);
    };
    let mut numbers = declared
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<u32>().ok());
    let major = numbers.next().flatten();
    let minor = numbers.next().flatten().unwrap_or(0);
    match (major, minor) {
        (None, _) => Ok(Version::V2_2),
        (Some(2), 0) => Ok(Version::V2_0),
        (Some(2), 1) => Ok(Version::V2_1),
        (Some(2), _) => Ok(Version::V2_2),
        (Some(_), _) => Err(StoryError::UnknownFormat(format!(
            "ninjs {}: newsterm reads ninjs 2.x only (2.0, 2.1, 2.2)",
            truncate(declared, 20)
        ))),
    }
}

/// Checks a document against the schema of `version`.
fn validate(doc: &Value, version: Version) -> Result<(), StoryError> {
    let schema_error = |errors| StoryError::Schema {
        version: version.as_str().to_string(),
        errors,
    };
    let validator = version
        .validator()
        .as_ref()
        .map_err(|e| schema_error(vec![format!("the built-in schema did not load: {e}")]))?;
    let mut errors = Vec::new();
    // One fault can break both a `$ref` and the schema around it: each
    // message is counted once.
    let mut seen = HashSet::new();
    for e in validator.iter_errors(doc) {
        let described = describe(&e);
        if seen.insert(described.clone()) && errors.len() < MAX_SCHEMA_ERRORS {
            errors.push(described);
        }
    }
    let total = seen.len();
    if total > MAX_SCHEMA_ERRORS {
        errors.push(format!("and {} more", total - MAX_SCHEMA_ERRORS));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(schema_error(errors))
    }
}

/// `<instance path>: <message>`, the message cut short because it quotes
/// the offending value, which may be a whole body.
fn describe(e: &ValidationError<'_>) -> String {
    let path = e.instance_path().to_string();
    let path = if path.is_empty() { "/" } else { path.as_str() };
    format!("{path}: {}", truncate(&e.to_string(), 200))
}

/// The subset of a ninjs document newsterm reads and writes. Other
/// properties are checked by the schema and then ignored.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Document {
    uri: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    standard: Option<Standard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    /// Written, never read: a withdrawal is an act on newsterm's wire.
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pubstatus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    firstcreated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    versioncreated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    urgency: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    headlines: Vec<Text>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    descriptions: Vec<Text>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    bodies: Vec<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    located: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    infosources: Vec<Party>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copyrightholder: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    renditions: Vec<Rendition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subjects: Vec<Subject>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    people: Vec<Mention>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    organisations: Vec<Mention>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    places: Vec<Mention>,
    /// Written, never read: the event is newsterm's own grouping.
    #[serde(skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    events: Vec<Subject>,
}

/// A person, organisation or place newsterm found in the story: a
/// [`Subject`] with, for a place, its point. Read input ignores these:
/// tags are newsterm's own, never a publisher's.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Mention {
    #[serde(flatten)]
    about: Subject,
    #[serde(skip_serializing_if = "Option::is_none")]
    geojson: Option<serde_json::Value>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Standard {
    name: Option<String>,
    version: Option<String>,
    schema: Option<String>,
}

/// A headline, description or body.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Text {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contenttype: Option<String>,
    value: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Party {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Rendition {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contenttype: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Subject {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    literal: Option<String>,
}

/// Topics as ninjs subjects: IPTC Media Topics with their concept URI,
/// newsterm's mnemonic codes as literals.
fn topic_subjects(tags: &Tags) -> impl Iterator<Item = Subject> + '_ {
    tags.topics
        .iter()
        .map(|t| match t.code.strip_prefix("medtop:") {
            Some(n) => Subject {
                name: Some(t.label.clone()),
                rel: Some(REL_ABOUT.to_string()),
                uri: Some(format!("http://cv.iptc.org/newscodes/mediatopic/{n}")),
                literal: None,
            },
            None => Subject {
                name: Some(t.label.clone()),
                rel: Some(REL_ABOUT.to_string()),
                uri: None,
                literal: Some(format!("newsterm:{}", t.code)),
            },
        })
}

/// Distinct entities of one kind, with GeoNames URIs and GeoJSON points
/// for places.
fn mentions(tags: Option<&Tags>, kind: EntityType) -> Vec<Mention> {
    let Some(tags) = tags else {
        return Vec::new();
    };
    let mut out: Vec<Mention> = Vec::new();
    for e in tags.entities.iter().filter(|e| e.kind == kind) {
        if out
            .iter()
            .any(|m| m.about.name.as_deref() == Some(e.canonical.as_str()))
        {
            continue;
        }
        let geojson = match (e.lat, e.lon) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
                Some(serde_json::json!({"type": "Point", "coordinates": [lon, lat]}))
            }
            _ => None,
        };
        out.push(Mention {
            about: Subject {
                name: Some(e.canonical.clone()),
                rel: Some(REL_MENTIONED.to_string()),
                uri: e
                    .geonames_id
                    .map(|id| format!("https://sws.geonames.org/{id}/")),
                literal: e.role.clone(),
            },
            geojson,
        });
    }
    out
}

const REL_ABOUT: &str = "about";
const REL_REPORTS: &str = "reports";
const EVENT_URI_PREFIX: &str = "urn:newsterm:event:";
const ROLE_CORRECTION: &str = "correction";
const ROLE_WITHDRAWAL: &str = "withdrawal";
const REL_MENTIONED: &str = "mentioned";
const ROLE_MAIN: &str = "main";
const ROLE_HIGHLIGHT: &str = "highlight";
const ROLE_CAPTION: &str = "caption";
const ROLE_CREDIT: &str = "credit";
const ROLE_SOURCE: &str = "source";
const REL_KEYWORD: &str = "keyword";
const WEB_RENDITION: &str = "web";
const HTML: &str = "text/html";

impl Text {
    fn new(role: &str, contenttype: Option<&str>, value: String) -> Text {
        Text {
            role: Some(role.to_string()),
            contenttype: contenttype.map(str::to_string),
            value,
        }
    }

    fn has_role(&self, role: &str) -> bool {
        self.role
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(role))
    }

    fn kind(&self) -> TextKind {
        match self.contenttype.as_deref().map(str::to_ascii_lowercase) {
            // text/html, application/xhtml+xml, and names such as body_xhtml.
            Some(ct) if ct.contains("html") => TextKind::Html,
            Some(ct) if ct.starts_with("text/plain") => TextKind::Plain,
            Some(_) => TextKind::Other,
            None if html::looks_like_html(&self.value) => TextKind::Html,
            None => TextKind::Plain,
        }
    }

    /// The value as one line of plain text.
    fn one_line(&self) -> String {
        let declared_html = self
            .contenttype
            .as_deref()
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
        if declared_html {
            html::text(&self.value)
        } else {
            plaintext::join_lines(&self.value)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Html,
    Plain,
    /// Markup newsterm does not read, such as NITF XML.
    Other,
}

impl Document {
    fn of(view: StoryView<'_>) -> Document {
        let c = view.content;
        let mut descriptions: Vec<Text> = c
            .bullets
            .iter()
            .map(|b| Text::new(ROLE_HIGHLIGHT, None, b.clone()))
            .collect();
        descriptions.extend(
            c.caption
                .iter()
                .map(|t| Text::new(ROLE_CAPTION, None, t.clone())),
        );
        descriptions.extend(
            c.credit
                .iter()
                .map(|t| Text::new(ROLE_CREDIT, None, t.clone())),
        );
        let lifecycle_role = match view.kind {
            RevisionKind::Update => None,
            RevisionKind::Correction => Some(ROLE_CORRECTION),
            RevisionKind::Withdrawal => Some(ROLE_WITHDRAWAL),
        };
        if let (Some(role), Some(note)) = (lifecycle_role, view.note) {
            descriptions.push(Text::new(role, None, note.to_string()));
        }
        let bodies = if c.body.is_empty() {
            Vec::new()
        } else {
            vec![Text::new(ROLE_MAIN, Some(HTML), body_html(&c.body))]
        };
        Document {
            uri: match view.id {
                Some(id) => format!("{URI_PREFIX}{id}"),
                None => DRAFT_URI.to_string(),
            },
            kind: Some("text".to_string()),
            standard: Some(Standard {
                name: Some("ninjs".to_string()),
                version: Some(Version::V2_2.as_str().to_string()),
                schema: Some(SCHEMA_URL_2_2.to_string()),
            }),
            version: view.revision.map(|r| r.to_string()),
            pubstatus: (view.kind == RevisionKind::Withdrawal).then(|| "canceled".to_string()),
            firstcreated: Some(format_time(c.published)),
            versioncreated: c.updated.map(format_time),
            urgency: Some(Number::from(c.priority.iptc_urgency())),
            language: Some(c.language.clone()),
            headlines: vec![Text::new(ROLE_MAIN, None, c.headline.clone())],
            descriptions,
            bodies,
            by: c.byline.clone(),
            located: c.dateline.clone(),
            infosources: c
                .source
                .iter()
                .map(|s| Party {
                    name: Some(s.clone()),
                    role: Some(ROLE_SOURCE.to_string()),
                })
                .collect(),
            copyrightholder: None,
            renditions: c
                .url
                .iter()
                .map(|u| Rendition {
                    name: WEB_RENDITION.to_string(),
                    href: Some(u.clone()),
                    contenttype: Some(HTML.to_string()),
                })
                .collect(),
            subjects: c
                .keywords
                .iter()
                .map(|k| Subject {
                    name: Some(k.clone()),
                    rel: Some(REL_KEYWORD.to_string()),
                    ..Subject::default()
                })
                .chain(view.tags.into_iter().flat_map(topic_subjects))
                .collect(),
            people: mentions(view.tags, EntityType::Person),
            organisations: mentions(view.tags, EntityType::Org),
            places: mentions(view.tags, EntityType::Loc),
            events: view
                .event
                .iter()
                .map(|e| Subject {
                    name: None,
                    rel: Some(REL_REPORTS.to_string()),
                    uri: Some(format!("{EVENT_URI_PREFIX}{e}")),
                    literal: Some(e.to_string()),
                })
                .collect(),
        }
    }

    fn into_draft(self) -> StoryDraft {
        let headline = self
            .headlines
            .iter()
            .find(|h| h.has_role(ROLE_MAIN))
            .or_else(|| self.headlines.iter().find(|h| h.role.is_none()))
            .or_else(|| self.headlines.first())
            .map(Text::one_line);
        let description = |roles: &[&str]| {
            self.descriptions
                .iter()
                .find(|d| roles.iter().any(|r| d.has_role(r)))
                .map(Text::one_line)
        };
        let source = self
            .infosources
            .iter()
            .find(|p| {
                p.role
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(ROLE_SOURCE))
            })
            .and_then(|p| p.name.clone())
            .or_else(|| self.infosources.iter().find_map(|p| p.name.clone()))
            .or_else(|| self.copyrightholder.clone());
        let url = self
            .renditions
            .iter()
            .find(|r| r.name == WEB_RENDITION && r.href.is_some())
            .or_else(|| {
                self.renditions.iter().find(|r| {
                    r.href.is_some()
                        && r.contenttype
                            .as_deref()
                            .is_some_and(|ct| ct.eq_ignore_ascii_case(HTML))
                })
            })
            .and_then(|r| r.href.clone());
        // versioncreated is the publication time when it is the only time.
        let (published, updated) = match self.firstcreated {
            Some(first) => (Some(first), self.versioncreated),
            None => (self.versioncreated, None),
        };
        StoryDraft {
            headline,
            bullets: self
                .descriptions
                .iter()
                .filter(|d| d.has_role(ROLE_HIGHLIGHT))
                .map(Text::one_line)
                .collect(),
            caption: description(&[ROLE_CAPTION]),
            credit: description(&[ROLE_CREDIT, "creditline"]),
            body: read_body(&self.bodies),
            byline: self.by.as_deref().map(plaintext::join_lines),
            dateline: self.located.as_deref().map(plaintext::join_lines),
            source: source.as_deref().map(plaintext::join_lines),
            url,
            language: self.language,
            priority: self
                .urgency
                .as_ref()
                .and_then(Number::as_f64)
                .map(Priority::from_iptc_urgency),
            published,
            updated,
            keywords: self
                .subjects
                .into_iter()
                .filter(|s| {
                    s.rel
                        .as_deref()
                        .is_some_and(|r| r.eq_ignore_ascii_case(REL_KEYWORD))
                })
                .filter_map(|s| s.name)
                .collect(),
        }
    }
}

fn body_html(body: &[Block]) -> String {
    let mut out = String::new();
    for block in body {
        if !out.is_empty() {
            out.push('\n');
        }
        let (open, close) = match block {
            Block::Paragraph(_) => ("<p>", "</p>"),
            Block::Subhead(_) => ("<h2>", "</h2>"),
        };
        out.push_str(open);
        out.push_str(&html::escape(block.text()));
        out.push_str(close);
    }
    out
}

/// The blocks of the body that keeps the most structure: HTML before
/// plain text, then role `main`, then document order.
fn read_body(bodies: &[Text]) -> Vec<Block> {
    let mut best: Option<(u8, &Text, TextKind)> = None;
    for body in bodies {
        let kind = body.kind();
        let score = match kind {
            TextKind::Html => 2,
            TextKind::Plain => 0,
            TextKind::Other => continue,
        } + u8::from(body.has_role(ROLE_MAIN));
        if best.is_none_or(|(s, ..)| score > s) {
            best = Some((score, body, kind));
        }
    }
    match best {
        Some((_, body, TextKind::Html)) => html::blocks(&body.value),
        Some((_, body, _)) => plaintext::paragraphs(&body.value)
            .into_iter()
            .map(Block::Paragraph)
            .collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::fixtures::{full_content, minimal, now};
    use crate::model::parse_time;
    use crate::test_data::shared_data;

    #[test]
    fn round_trip_keeps_every_field_and_output_is_valid_2_2() {
        let content = full_content();
        let view = StoryView {
            content: &content,
            id: Some(StoryId::new()),
            revision: Some(3),
            tags: None,
            ..StoryView::from(&content)
        };
        let json = render(view);
        let value: Value = serde_json::from_str(&json).unwrap();
        validate(&value, Version::V2_2).unwrap_or_else(|e| panic!("{e}\n{json}"));
        assert_eq!(value["standard"]["version"], "2.2");
        assert_eq!(
            value["uri"],
            format!("urn:newsterm:story:{}", view.id.unwrap())
        );
        let back = parse(&json, now()).unwrap_or_else(|e| panic!("{e}\n{json}"));
        assert_eq!(back.content, content, "{json}");
        assert_eq!(back.id, view.id);
        assert_eq!(back.revision, Some(3));
    }

    #[test]
    fn tags_are_written_as_people_organisations_places_and_subjects() {
        use crate::tags::{Entity, Topic};
        let content = full_content();
        let entity = |kind, name: &str, geo: Option<(f64, f64, u32)>| Entity {
            lat: geo.map(|g| g.0),
            lon: geo.map(|g| g.1),
            geonames_id: geo.map(|g| g.2),
            ..Entity::mention(kind, 0, 1, name)
        };
        let tags = Tags {
            language: "en".into(),
            tagged: true,
            entities: vec![
                entity(EntityType::Person, "Ana Rojas", None),
                entity(EntityType::Org, "Red Cross", None),
                entity(
                    EntityType::Loc,
                    "Antofagasta",
                    Some((-23.65, -70.4, 3899539)),
                ),
            ],
            topics: vec![
                Topic {
                    code: "medtop:06000000".into(),
                    label: "environment".into(),
                    score: 0.7,
                },
                Topic {
                    code: "DISASTER".into(),
                    label: "Disasters".into(),
                    score: 0.9,
                },
            ],
            ..Tags::default()
        };
        let view = StoryView {
            content: &content,
            id: Some(StoryId::new()),
            revision: Some(1),
            tags: Some(&tags),
            ..StoryView::from(&content)
        };
        let json = render(view);
        let value: Value = serde_json::from_str(&json).unwrap();
        validate(&value, Version::V2_2).unwrap_or_else(|e| panic!("{e}\n{json}"));
        assert_eq!(value["people"][0]["name"], "Ana Rojas");
        assert_eq!(value["organisations"][0]["name"], "Red Cross");
        assert_eq!(
            value["places"][0]["uri"],
            "https://sws.geonames.org/3899539/"
        );
        assert_eq!(value["places"][0]["geojson"]["coordinates"][0], -70.4);
        let subjects = value["subjects"].as_array().unwrap();
        assert!(
            subjects
                .iter()
                .any(|s| s["uri"] == "http://cv.iptc.org/newscodes/mediatopic/06000000")
        );
        assert!(subjects.iter().any(|s| s["literal"] == "newsterm:DISASTER"));
        // Reading it back takes the content, not newsterm's own tags.
        assert_eq!(parse(&json, now()).unwrap().content, content);
    }

    #[test]
    fn event_correction_and_withdrawal_are_written_as_ninjs_says() {
        use crate::lifecycle::EventId;
        let content = full_content();
        let event = EventId::new_at(now());
        let view = |kind, note| StoryView {
            event: Some(event),
            kind,
            note,
            ..StoryView::from(&content)
        };
        let corrected = render(view(
            RevisionKind::Correction,
            Some("An earlier version misspelled the town."),
        ));
        let value: Value = serde_json::from_str(&corrected).unwrap();
        validate(&value, Version::V2_2).unwrap_or_else(|e| panic!("{e}\n{corrected}"));
        assert_eq!(
            value["events"][0]["uri"],
            format!("urn:newsterm:event:{event}")
        );
        assert_eq!(value["events"][0]["literal"], event.to_string());
        assert!(value.get("pubstatus").is_none());
        let notes: Vec<&Value> = value["descriptions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["role"] == "correction")
            .collect();
        assert_eq!(notes[0]["value"], "An earlier version misspelled the town.");
        let withdrawn = render(view(RevisionKind::Withdrawal, Some("Legal reasons")));
        let value: Value = serde_json::from_str(&withdrawn).unwrap();
        validate(&value, Version::V2_2).unwrap_or_else(|e| panic!("{e}\n{withdrawn}"));
        assert_eq!(value["pubstatus"], "canceled");
        assert!(
            value["descriptions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["role"] == "withdrawal" && d["value"] == "Legal reasons")
        );
        // Notes and events are newsterm's, not content: reading back gives the content.
        assert_eq!(parse(&withdrawn, now()).unwrap().content, content);
    }

    #[test]
    fn round_trip_of_minimal_story_keeps_missing_update_time() {
        let content = minimal();
        let json = render(&content);
        let value: Value = serde_json::from_str(&json).unwrap();
        validate(&value, Version::V2_2).unwrap();
        assert!(value.get("versioncreated").is_none(), "{json}");
        assert_eq!(value["urgency"], 1);
        let back = parse(&json, now()).unwrap();
        assert_eq!(back.content, content);
        assert_eq!((back.id, back.revision), (None, None));
    }

    fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no JSON files in {}", dir.display());
        files
    }

    #[test]
    fn iptc_test_suite_passes_for_every_2x_version() {
        let suite = shared_data().join("iptc/ninjs/test_suite");
        for version in [Version::V2_0, Version::V2_1, Version::V2_2] {
            let dir = suite.join(version.as_str());
            for (case, should_pass) in [("should_pass", true), ("should_fail", false)] {
                for file in json_files(&dir.join(case)) {
                    let text = fs::read_to_string(&file).unwrap();
                    let value: Value = serde_json::from_str(&text).unwrap();
                    let result = validate(&value, version);
                    assert_eq!(
                        result.is_ok(),
                        should_pass,
                        "{} against {}: {result:?}",
                        file.display(),
                        version.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn real_examples_parse_into_stories() {
        let examples = shared_data().join("iptc/ninjs/examples");
        let mut parsed = 0;
        for dir in ["2.1", "userguide/2.2"] {
            for file in json_files(&examples.join(dir)) {
                let text = fs::read_to_string(&file).unwrap();
                let value: Value = serde_json::from_str(&text).unwrap();
                let headlines = value["headlines"].as_array().cloned().unwrap_or_default();
                let result = parse(&text, now());
                if headlines.is_empty() {
                    let err = result.expect_err("a document without headlines is no story");
                    assert!(err.to_string().contains("headline"), "{err}");
                    continue;
                }
                let story = result.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                let c = &story.content;
                let written: Vec<&str> = headlines
                    .iter()
                    .filter_map(|h| h["value"].as_str())
                    .map(str::trim)
                    .collect();
                assert!(written.contains(&c.headline.as_str()), "{}", file.display());
                let has_text_body = value["bodies"].as_array().is_some_and(|b| {
                    b.iter()
                        .any(|b| b["value"].as_str().is_some_and(|v| !v.trim().is_empty()))
                });
                assert_eq!(!c.body.is_empty(), has_text_body, "{}", file.display());
                parsed += 1;
            }
        }
        assert!(parsed >= 15, "only {parsed} examples parsed");
    }

    #[test]
    fn html_body_keeps_paragraph_structure() {
        let file =
            shared_data().join("iptc/ninjs/examples/userguide/2.2/004_simple_text_article.json");
        let story = parse(&fs::read_to_string(file).unwrap(), now()).unwrap();
        let c = &story.content;
        assert_eq!(c.body.len(), 4, "{:?}", c.body);
        assert!(c.body[0].text().starts_with("GROSSETO, Italy (AP)"));
        assert_eq!(
            c.byline.as_deref(),
            Some("Paulo Santalucia and Frances d'Emilio")
        );
        // The only time is versioncreated: it is the publication time.
        assert_eq!(c.published, parse_time("2013-07-09T10:37:00Z").unwrap());
        assert_eq!(c.updated, None);
    }

    #[test]
    fn extension_properties_fail_the_base_schema() {
        let file =
            shared_data().join("iptc/ninjs/examples/2.1/schema-extension/extension-example.json");
        let err = parse(&fs::read_to_string(file).unwrap(), now()).unwrap_err();
        assert!(
            matches!(&err, StoryError::Schema { version, .. } if version == "2.1"),
            "{err:?}"
        );
        assert!(err.to_string().contains("foofoo"), "{err}");
    }

    #[test]
    fn foreign_fields_map_with_fallbacks() {
        let text = r#"{
            "uri": "http://agency.example/item/1",
            "version": "4",
            "firstcreated": "2019-11-15T13:39:59Z",
            "versioncreated": "2019-11-15T14:39:44+01:00",
            "urgency": 3,
            "language": "nb-NO",
            "copyrightholder": "NTB",
            "headlines": [{"role": "short", "value": "Short"}, {"value": "Full\n headline"}],
            "descriptions": [
                {"role": "creditline", "value": "ASSOCIATED PRESS"},
                {"role": "caption", "contenttype": "text/html", "value": "<p>A &amp; B</p>"},
                {"role": "highlight", "value": "One"},
                {"role": "highlight", "value": "Two"}
            ],
            "bodies": [
                {"role": "main", "contenttype": "text/plain", "value": "Plain one\nwraps.\n\nPlain two."},
                {"role": "nitf", "contenttype": "application/xml", "value": "<nitf/>"}
            ],
            "renditions": [{"name": "article", "href": "https://agency.example/1", "contenttype": "text/html"}],
            "subjects": [{"name": "Politics", "rel": "about"}, {"name": "vote", "rel": "keyword"}]
        }"#;
        let story = parse(text, now()).unwrap();
        let c = &story.content;
        assert_eq!(c.headline, "Full headline");
        assert_eq!(c.credit.as_deref(), Some("ASSOCIATED PRESS"));
        assert_eq!(c.caption.as_deref(), Some("A & B"));
        assert_eq!(c.bullets, ["One", "Two"]);
        assert_eq!(
            c.body,
            vec![
                Block::Paragraph("Plain one wraps.".into()),
                Block::Paragraph("Plain two.".into())
            ]
        );
        assert_eq!(c.source.as_deref(), Some("NTB"));
        assert_eq!(c.url.as_deref(), Some("https://agency.example/1"));
        assert_eq!(c.priority, Priority::Urgent);
        assert_eq!(c.language, "nb-no");
        assert_eq!(c.keywords, ["vote"]);
        assert_eq!(c.updated, Some(parse_time("2019-11-15T13:39:44Z").unwrap()));
        // A foreign uri is not a newsterm id; its version is still reported.
        assert_eq!((story.id, story.revision), (None, Some(4)));
    }

    #[test]
    fn body_without_content_type_is_sniffed() {
        let doc = |body: &str| {
            serde_json::json!({"uri": "urn:x", "headlines": [{"value": "H"}], "bodies": [{"value": body}]})
                .to_string()
        };
        let html = parse(&doc("<p>One</p><h3>Sub</h3><p>Two</p>"), now()).unwrap();
        assert_eq!(
            html.content.body,
            vec![
                Block::Paragraph("One".into()),
                Block::Subhead("Sub".into()),
                Block::Paragraph("Two".into())
            ]
        );
        let plain = parse(&doc("1 < 2 is true\n\nSecond"), now()).unwrap();
        assert_eq!(
            plain.content.body,
            vec![
                Block::Paragraph("1 < 2 is true".into()),
                Block::Paragraph("Second".into())
            ]
        );
    }

    #[test]
    fn version_3_is_refused_clearly() {
        for doc in [
            r#"{"uri": "urn:x", "standard": {"name": "ninjs", "version": "3.0"}}"#,
            r#"{"uri": "urn:x", "standard": {"schema": "https://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"}}"#,
        ] {
            let err = parse(doc, now()).unwrap_err();
            assert_eq!(err.code(), "unknown_format", "{err}");
            assert!(err.to_string().contains("2.x"), "{err}");
        }
    }

    #[test]
    fn declared_versions_are_honoured() {
        let version = |doc: Value| declared_version(&doc).unwrap();
        assert_eq!(version(serde_json::json!({"uri": "x"})), Version::V2_2);
        assert_eq!(
            version(serde_json::json!({"standard": {"name": "ninjs", "version": "2.0-dev"}})),
            Version::V2_0
        );
        assert_eq!(
            version(
                serde_json::json!({"standard": {"schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"}})
            ),
            Version::V2_1
        );
        // Another standard's version number says nothing about ninjs.
        assert_eq!(
            version(serde_json::json!({"standard": {"name": "TTNINJS", "version": "3.0"}})),
            Version::V2_2
        );
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = parse("{\n  \"uri\": \"x\",\n  \"headlines\": [}\n", now()).unwrap_err();
        let StoryError::Malformed { line, column, .. } = err else {
            panic!("expected Malformed, got {err:?}");
        };
        assert_eq!((line, column), (Some(3), Some(17)));
    }

    #[test]
    fn schema_failures_name_the_path() {
        let err = parse(
            r#"{"uri": "urn:x", "headlines": [{"role": "main"}], "urgency": "high", "extra": 1}"#,
            now(),
        )
        .unwrap_err();
        let StoryError::Schema { version, errors } = &err else {
            panic!("expected Schema, got {err:?}");
        };
        assert_eq!(version, "2.2");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("/headlines/0:") && e.contains("value")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.starts_with("/urgency:")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("extra")), "{errors:?}");
    }

    #[test]
    fn schema_errors_are_capped() {
        let headlines: Vec<Value> = (0..25)
            .map(|_| serde_json::json!({"role": "main"}))
            .collect();
        let doc = serde_json::json!({"uri": "urn:x", "headlines": headlines}).to_string();
        let StoryError::Schema { errors, .. } = parse(&doc, now()).unwrap_err() else {
            panic!("expected Schema");
        };
        assert_eq!(errors.len(), MAX_SCHEMA_ERRORS + 1);
        let last = errors.last().map(String::as_str).unwrap_or("");
        assert!(
            last.starts_with("and ") && last.ends_with(" more"),
            "{errors:?}"
        );
    }

    #[test]
    fn missing_headline_is_named() {
        let err = parse(r#"{"uri": "urn:x", "bodies": [{"value": "Text"}]}"#, now()).unwrap_err();
        assert!(
            matches!(&err, StoryError::Invalid(e) if e.iter().any(|f| f.field == "headline")),
            "{err}"
        );
    }
}
