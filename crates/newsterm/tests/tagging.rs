//! Tagging end to end: a published story comes back with its people,
//! places, quotes and topics; the tags are searchable fields and facets;
//! `newsterm tag` and `reindex --retag` work from the command line; a
//! server tags again, in the background, what an older tagger tagged.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use std::time::{Duration, Instant};

use common::{BIN, Server, get_json, health, http, newsterm, publish, stdout_of, wait_indexed};
use newsterm_api::{EntityFacets, SearchResponse};
use newsterm_story::Story;
use newsterm_story::tags::EntityType;

const STORY: &str = r#"---
headline: Ceasefire talks resume in Geneva
source: Example Wire
---
Foreign Minister Annalena Baerbock met Ukrainian officials in Berlin on Monday.

"We will not give up," Baerbock told reporters. The United Nations said 300,000 people had fled the fighting.
"#;

async fn search_total(url: &str, q: &str) -> u64 {
    common::search(url, q).await.total
}

#[tokio::test]
async fn published_stories_are_tagged_searchable_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let ack = publish(url, "text/markdown", STORY).await;
    let other = publish(
        url,
        "text/markdown",
        "---\nheadline: Baerbock visits Paris\n---\n\nAnnalena Baerbock arrived in Paris on Tuesday.\n",
    )
    .await;
    wait_indexed(url, other.seq).await;

    let story: Story = get_json(format!("{url}/api/stories/{}", ack.id)).await;
    let tags = &story.tags;
    assert!(tags.tagged);
    assert_eq!(tags.language, "en");
    let text: Vec<char> = story.tagging_text().chars().collect();
    // One person, with the title kept as her role and the surname-only
    // mention resolved to her.
    let people: Vec<_> = tags
        .entities
        .iter()
        .filter(|e| e.kind == EntityType::Person)
        .collect();
    assert!(people.len() >= 2, "{people:?}");
    assert!(
        people.iter().all(|p| p.canonical == "Annalena Baerbock"),
        "{people:?}"
    );
    assert!(
        people
            .iter()
            .any(|p| p.role.as_deref() == Some("Foreign Minister"))
    );
    for e in &tags.entities {
        let span: String = text[e.start..e.end].iter().collect();
        assert_eq!(span, e.text, "span of {e:?} does not point at its text");
    }
    let berlin = tags
        .entities
        .iter()
        .find(|e| e.canonical == "Berlin")
        .expect("Berlin tagged");
    assert_eq!(berlin.country.as_deref(), Some("DE"));
    assert!(berlin.lat.is_some() && berlin.lon.is_some());
    // The demonym counts as its country.
    assert!(tags.countries().contains(&"UA"), "{:?}", tags.countries());
    let quote = tags
        .quotes
        .iter()
        .find(|q| q.text.contains("We will not give up"))
        .expect("quote");
    assert_eq!(quote.speaker.as_deref(), Some("Annalena Baerbock"));
    assert!(tags.figures.iter().any(|f| f.value == 300_000.0));
    assert!(
        tags.topics
            .iter()
            .any(|t| t.code == "DIPLOMACY" || t.code == "CONFLICT"),
        "{:?}",
        tags.topics
    );

    // Search hits carry the story's top topic, as the wire does.
    let hits: SearchResponse = get_json(format!("{url}/api/search?q=ceasefire")).await;
    assert!(hits.hits[0].topic.is_some(), "{:?}", hits.hits[0]);

    // Tags are search fields.
    assert_eq!(search_total(url, "person:baerbock").await, 2);
    assert_eq!(search_total(url, "place:berlin").await, 1);
    assert_eq!(search_total(url, "country:ua").await, 1);
    assert_eq!(search_total(url, "org:\"united nations\"").await, 1);

    // Facets count each story once, and narrow by query.
    let facets: EntityFacets = get_json(format!("{url}/api/entities?type=person")).await;
    assert_eq!(facets.entities[0].name, "Annalena Baerbock");
    assert_eq!(facets.entities[0].count, 2);
    let places: EntityFacets = get_json(format!("{url}/api/entities?type=place&q=paris")).await;
    let names: Vec<&str> = places.entities.iter().map(|e| e.name.as_str()).collect();
    assert!(
        names.contains(&"Paris") && !names.contains(&"Berlin"),
        "{names:?}"
    );
    let resp = http()
        .get(format!("{url}/api/entities?type=colour"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    // ninjs output carries the tags.
    let ninjs: serde_json::Value =
        get_json(format!("{url}/api/stories/{}?format=ninjs", ack.id)).await;
    assert_eq!(ninjs["people"][0]["name"], "Annalena Baerbock");
    assert!(
        ninjs["places"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "Berlin"))
    );
}

#[test]
fn tag_command_reports_bad_lines_and_carries_on() {
    let mut child = Command::new(BIN)
        .arg("tag")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(
            b"{\"id\":\"a\",\"text\":\"Protesters gathered in Madrid on Sunday.\"}\nnot json\n",
        )
        .unwrap();
    stdin.write_all(&[0xff, 0xfe, b'\n']).unwrap();
    stdin
        .write_all(b"{\"id\":\"b\",\"text\":\"Shares fell 5 percent after the Federal Reserve raised rates.\"}\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], "a");
    assert!(
        lines[0]["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["canonical"] == "Madrid" && e["country"] == "ES")
    );
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("JSON"));
    assert_eq!(lines[2]["line"], 3);
    assert!(lines[2]["error"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(lines[3]["id"], "b");
    assert!(
        lines[3]["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "percent")
    );
}

/// Imports JSON `lines` with `newsterm import --no-tag`: stored untagged.
fn import_untagged(url: &str, dir: &std::path::Path, lines: &str) {
    let jsonl = dir.join("archive.jsonl");
    std::fs::write(&jsonl, lines).unwrap();
    let jsonl = jsonl.to_str().expect("utf-8 path");
    stdout_of(&newsterm(&["import", "--no-tag", "--server", url, jsonl]));
}

#[tokio::test]
async fn an_archive_loaded_untagged_is_tagged_by_reindex_retag() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data);
    import_untagged(
        &server.url,
        dir.path(),
        "{\"title\": \"Talks resume\", \"body\": \"Foreign Minister Annalena Baerbock met officials in Berlin.\"}\n",
    );
    wait_indexed(&server.url, 1).await;
    assert_eq!(
        search_total(&server.url, "person:baerbock").await,
        0,
        "imported untagged"
    );
    assert!(server.terminate().success());

    let data_arg = data.to_str().expect("utf-8 path");
    let out = stdout_of(&newsterm(&["reindex", "--retag", "--data", data_arg]));
    assert!(out.contains("re-tagged and reindexed 1 story"), "{out}");

    let server = Server::start(&data);
    wait_indexed(&server.url, 1).await;
    assert_eq!(
        search_total(&server.url, "person:\"annalena baerbock\"").await,
        1
    );
    assert_eq!(search_total(&server.url, "place:berlin").await, 1);
}

#[tokio::test]
async fn a_server_tags_again_in_the_background_what_an_older_tagger_tagged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data);
    // Stored without tags: what an older tagger (version 0) left behind.
    import_untagged(
        &server.url,
        dir.path(),
        "{\"title\": \"Talks resume\", \"body\": \"Foreign Minister Annalena Baerbock met officials in Berlin.\"}\n\
         {\"title\": \"Markets calm\", \"body\": \"Shares rose in Tokyo as Toyota reported higher profits.\"}\n",
    );
    wait_indexed(&server.url, 2).await;
    assert_eq!(search_total(&server.url, "place:berlin").await, 0);
    assert_eq!(health(&server.url).await.retag_pending, 0, "only at start");
    assert!(server.terminate().success());

    // The upgraded server starts at once and takes stories while it retags.
    let server = Server::start(&data);
    publish(&server.url, "text/markdown", STORY).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let h = health(&server.url).await;
        if h.retag_pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "retagging stuck: {h:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_indexed(&server.url, 3).await;
    assert_eq!(search_total(&server.url, "place:berlin").await, 2);
    assert_eq!(search_total(&server.url, "place:tokyo").await, 1);
    let facets: EntityFacets = get_json(format!("{}/api/entities?type=person", server.url)).await;
    assert!(
        facets
            .entities
            .iter()
            .any(|e| e.name == "Annalena Baerbock" && e.count == 2),
        "{facets:?}"
    );
}

/// The facet rows of one kind whose name contains `word`, with their counts.
async fn facet_rows(url: &str, kind: &str, word: &str) -> Vec<(String, u64)> {
    let facets: EntityFacets = get_json(format!("{url}/api/entities?type={kind}")).await;
    facets
        .entities
        .into_iter()
        .filter(|e| e.name.contains(word))
        .map(|e| (e.name, e.count))
        .collect()
}

#[tokio::test]
async fn one_real_thing_is_one_entity_across_stories_in_search_and_facets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data);
    let url = server.url.clone();
    publish(
        &url,
        "text/markdown",
        "---\nheadline: Biden meets Xi in Bali\n---\n\nPresident Joe Biden met Chinese leader Xi \
         Jinping on Monday. Biden said the talks were frank. Apple Inc. said profits rose, and \
         officials in the U.S. welcomed the talks.\n",
    )
    .await;
    // A flash that names him by surname alone, the company by its short name
    // and the country by another of its names.
    let flash = publish(
        &url,
        "text/markdown",
        "---\nheadline: Biden signs climate bill\n---\n\nMr. Biden signed the climate bill on \
         Tuesday, the White House said. Apple shares gained 3% as America cheered.\n",
    )
    .await;
    wait_indexed(&url, flash.seq).await;

    for q in [
        "person:biden",
        "person:\"Joe Biden\"",
        "org:apple",
        "place:\"United States\"",
    ] {
        assert_eq!(search_total(&url, q).await, 2, "{q}");
    }
    assert_eq!(
        facet_rows(&url, "person", "Biden").await,
        [("Joe Biden".to_string(), 2)]
    );
    assert_eq!(
        facet_rows(&url, "org", "Apple").await,
        [("Apple".to_string(), 2)]
    );
    assert_eq!(
        facet_rows(&url, "place", "United States").await,
        [("United States".to_string(), 2)]
    );
    assert!(facet_rows(&url, "place", "US").await.is_empty());

    // A restarted server still knows who "Biden" is.
    assert!(server.terminate().success());
    let server = Server::start(&data);
    let again = publish(
        &server.url,
        "text/markdown",
        "---\nheadline: Biden vetoes bill\n---\n\nMr. Biden vetoed the bill on Friday, the \
         White House said.\n",
    )
    .await;
    wait_indexed(&server.url, again.seq).await;
    assert_eq!(search_total(&server.url, "person:\"Joe Biden\"").await, 3);
}
