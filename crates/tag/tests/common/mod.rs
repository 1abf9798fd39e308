//! What the tagger's tests share: one loaded tagger, and the bundled news.
#![allow(dead_code)]

use std::io::Read;
use std::sync::OnceLock;

use newsterm_tag::{Entity, EntityType, Tagger};

/// A story of one paragraph, as a publisher sends it.
pub fn story(headline: &str, body: &str) -> newsterm_story::StoryContent {
    newsterm_story::StoryDraft {
        headline: Some(headline.into()),
        body: vec![newsterm_story::Block::Paragraph(body.into())],
        ..newsterm_story::StoryDraft::default()
    }
    .validate(time::OffsetDateTime::now_utc())
    .expect("a valid story")
}

pub fn tagger() -> &'static Tagger {
    static TAGGER: OnceLock<Tagger> = OnceLock::new();
    TAGGER.get_or_init(|| Tagger::load().expect("shipped data loads"))
}

/// The 377 bundled Wikinews articles as (id, headline + blank line + body).
pub fn articles() -> Vec<(String, String)> {
    static ARTICLES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    ARTICLES
        .get_or_init(|| {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../newsterm/data/wikinews_articles.jsonl.gz"
            );
            let file = std::fs::File::open(path).expect("bundled articles");
            let mut text = String::new();
            flate2::read::GzDecoder::new(file)
                .read_to_string(&mut text)
                .expect("gzip");
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).expect("json line");
                    let id = v["id"].as_str().unwrap_or_default().to_string();
                    let title = v["title"].as_str().unwrap_or_default();
                    let body = v["body"].as_str().unwrap_or_default();
                    (id, format!("{title}\n\n{body}"))
                })
                .collect()
        })
        .clone()
}

/// The bundled article whose headline begins with `headline`.
pub fn article(headline: &str) -> String {
    articles()
        .into_iter()
        .map(|(_, text)| text)
        .find(|text| text.starts_with(headline))
        .unwrap_or_else(|| panic!("no bundled article headed {headline:?}"))
}

/// The types `name` was given in `text` (every mention).
pub fn types_of(text: &str, name: &str) -> Vec<EntityType> {
    tagger()
        .tag(text)
        .entities
        .iter()
        .filter(|e| e.text == name)
        .map(|e| e.kind)
        .collect()
}

/// The canonical names of the entities of `kind` in `text`, in order, one
/// per mention.
pub fn canonical_names(text: &str, kind: EntityType) -> Vec<String> {
    tagger()
        .tag(text)
        .entities
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.canonical)
        .collect()
}

/// Asserts that `name` is found in `text` and is an organisation wherever it is.
pub fn assert_org(text: &str, name: &str) {
    assert_typed_in_every_mention(text, name, EntityType::Org, 1);
}

/// Asserts that `name` is mentioned at least `mentions` times in `text` and is
/// of type `kind` in every mention.
pub fn assert_typed_in_every_mention(text: &str, name: &str, kind: EntityType, mentions: usize) {
    let types = types_of(text, name);
    assert!(
        types.len() >= mentions,
        "{name:?} found {} times in {text:?}, fewer than {mentions}: {:?}",
        types.len(),
        tagger().tag(text).entities
    );
    assert!(
        types.iter().all(|t| *t == kind),
        "{name:?} typed {types:?} in {text:?}: {:?}",
        tagger().tag(text).entities
    );
}

/// Asserts that `text` names someone `lone` alone at least `mentions` times,
/// and means the person it names in full as `full` every time.
pub fn assert_lone_name_is(text: &str, lone: &str, full: &str, mentions: usize) {
    let tags = tagger().tag(text);
    let lone_mentions: Vec<_> = tags.entities.iter().filter(|e| e.text == lone).collect();
    assert!(
        lone_mentions.len() >= mentions,
        "{lone:?} named fewer than {mentions} times: {:?}",
        tags.entities
    );
    for e in lone_mentions {
        assert_eq!(
            (e.kind, e.canonical.as_str()),
            (EntityType::Person, full),
            "{e:?}"
        );
    }
}

/// Asserts that no entity of `text`'s tags is a person `named` says of
/// its written text.
pub fn assert_no_person_written(text: &str, named: impl Fn(&str) -> bool) {
    assert_no_entity(text, |e| e.kind == EntityType::Person && named(&e.text));
}

/// Asserts that no entity of `text`'s tags is an organisation `named` says
/// of its written text.
pub fn assert_no_org_written(text: &str, named: impl Fn(&str) -> bool) {
    assert_no_entity(text, |e| e.kind == EntityType::Org && named(&e.text));
}

/// Asserts that no entity of `text`'s tags is one `found` picks out.
pub fn assert_no_entity(text: &str, found: impl Fn(&Entity) -> bool) {
    let tags = tagger().tag(text);
    let found: Vec<&Entity> = tags.entities.iter().filter(|e| found(e)).collect();
    assert!(found.is_empty(), "{text:?}: {found:?}");
}
