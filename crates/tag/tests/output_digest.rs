//! The tagger's whole output, pinned: every bundled Wikinews article tagged as
//! a bulk import tags it (its JSON line read by the import reader, the content
//! tagged with one shared `KnownPeople`, in file order), and every document of
//! the entity gold sets (`shared/data/ner`) tagged as `newsterm eval-tags` tags
//! it, must give exactly the tags recorded in `output_digest.tsv`: a 64-bit
//! FNV-1a hash of each document's tags as JSON (entities, places, quotes,
//! figures, topics with their scores, highlights), one line a document.
//!
//! A change meant to make tagging faster must leave this test green. A change
//! meant to change what is tagged (a new model, new rules, a new `VERSION`)
//! records the new output on purpose:
//!
//! ```sh
//! NEWSTERM_RECORD_TAGS=1 cargo test -p newsterm-tag --test output_digest
//! ```
//!
//! which rewrites `crates/tag/tests/output_digest.tsv` (commit it with the
//! change); without the variable the test compares and, on a difference, names
//! the documents whose tags changed.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::BufReader;
use std::path::PathBuf;

use newsterm_story::StoryContent;
use newsterm_tag::{KnownPeople, VERSION, eval};

fn digest_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/output_digest.tsv")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The bundled articles' contents, as a bulk import reads them.
fn bundled() -> Vec<StoryContent> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../newsterm/data/wikinews_articles.jsonl.gz"
    );
    let mut lines = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(path).expect("bundled articles")),
        &mut lines,
    )
    .expect("gzip");
    lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            newsterm_story::jsonl::parse_line(line, time::OffsetDateTime::UNIX_EPOCH)
                .expect("bundled lines are stories")
                .content
        })
        .collect()
}

/// Each document's name and the digest of its tags, in a stable order.
fn digests() -> Vec<(String, u64)> {
    let tagger = common::tagger();
    let mut out = Vec::new();
    let people = KnownPeople::default();
    for (n, content) in bundled().iter().enumerate() {
        let tags = tagger.tag_content_known(content, &people);
        let json = serde_json::to_string(&tags).expect("tags serialize");
        out.push((format!("wikinews:{}", n + 1), fnv1a(json.as_bytes())));
    }
    for file in ["gum_wikinews_ner.jsonl", "meantime_nerc.jsonl"] {
        let path = newsterm_story::test_data::shared_data()
            .join("ner")
            .join(file);
        let gold = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for doc in eval::read_gold(BufReader::new(gold)).expect("gold lines") {
            let json = serde_json::to_string(&tagger.tag(&doc.text)).expect("tags serialize");
            out.push((format!("{file}:{}", doc.id), fnv1a(json.as_bytes())));
        }
    }
    out
}

fn render(digests: &[(String, u64)]) -> String {
    let mut s = format!("# newsterm-tag output digests, tagger version {VERSION}\n");
    for (name, h) in digests {
        let _ = writeln!(s, "{name}\t{h:016x}");
    }
    s
}

#[test]
fn every_bundled_and_gold_document_is_tagged_exactly_as_recorded() {
    let now = digests();
    if std::env::var_os("NEWSTERM_RECORD_TAGS").is_some() {
        std::fs::write(digest_file(), render(&now)).expect("write the digest file");
        return;
    }
    let recorded = std::fs::read_to_string(digest_file()).expect(
        "tests/output_digest.tsv: record it with NEWSTERM_RECORD_TAGS=1 cargo test -p newsterm-tag --test output_digest",
    );
    let header = recorded.lines().next().unwrap_or_default();
    assert!(
        header.ends_with(&format!("tagger version {VERSION}")),
        "the digests were recorded for another tagger version ({header:?}, now {VERSION}): \
         once the new output is right, record it with \
         NEWSTERM_RECORD_TAGS=1 cargo test -p newsterm-tag --test output_digest"
    );
    let expected: BTreeMap<&str, &str> = recorded
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let mut changed = Vec::new();
    for (name, h) in &now {
        if expected.get(name.as_str()) != Some(&format!("{h:016x}").as_str()) {
            changed.push(name.as_str());
        }
    }
    assert_eq!(
        expected.len(),
        now.len(),
        "the recorded digests cover {} documents, the tagger now tagged {}",
        expected.len(),
        now.len()
    );
    assert!(
        changed.is_empty(),
        "the tags of {} of {} documents changed, first {:?}; if that is meant \
         (a new model or rules, with a new VERSION), record the new output with \
         NEWSTERM_RECORD_TAGS=1 cargo test -p newsterm-tag --test output_digest",
        changed.len(),
        now.len(),
        &changed[..changed.len().min(10)]
    );
}

#[test]
fn a_story_tagged_again_gets_the_same_tags() {
    // Each tagging builds its maps with fresh random hash keys, so tags that
    // depended on a map's order would differ between the two passes.
    let tagger = common::tagger();
    let contents = bundled();
    let differ: Vec<usize> = contents
        .iter()
        .enumerate()
        .filter(|(_, c)| tagger.tag_content(c) != tagger.tag_content(c))
        .map(|(n, _)| n + 1)
        .collect();
    assert!(
        differ.is_empty(),
        "bundled articles tagged differently twice: {differ:?}"
    );
}
