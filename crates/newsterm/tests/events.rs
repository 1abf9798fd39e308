//! The same event from many sources, end to end on a real server: copies
//! folded, stories grouped into events, TOP by event and live, a
//! withdrawal reaching every reader, READ counting readers.

mod common;

use std::time::{Duration, Instant};

use common::{Server, get_json, get_text, http, publish, run, wait_indexed};
use futures_util::StreamExt;
use newsterm_api::{EventInfo, Headline, PublishAck, ReadReport, SearchResponse, TopEntry};
use newsterm_story::Story;

const FIRE: [&str; 4] = [
    "Firefighters battled a blaze at the Grand Hotel in Porto on Tuesday night, forcing the evacuation of some 300 guests.",
    "The fire started in a kitchen on the ground floor shortly after 10 pm and spread to the upper floors, the civil protection agency said.",
    "Two guests were taken to hospital with smoke inhalation; no deaths were reported.",
    "The hotel, built in 1880, was renovated in 2015 and reopened to the public last spring.",
];

fn story(headline: &str, source: &str, published: &str, body: &[&str]) -> String {
    format!(
        "---\nheadline: \"{headline}\"\nsource: {source}\npublished: {published}\n---\n\n{}\n",
        body.join("\n\n")
    )
}

async fn md(url: &str, text: String) -> PublishAck {
    publish(url, "text/markdown", text).await
}

async fn story_of(url: &str, ack: &PublishAck) -> Story {
    get_json(format!("{url}/api/stories/{}", ack.id)).await
}

/// Unrelated stories first, so that which words are rare means something.
async fn warm_up(url: &str) {
    let others = [
        (
            "Central bank holds interest rates steady",
            "The central bank kept its main interest rate unchanged on Wednesday, citing slowing inflation and weak growth.",
        ),
        (
            "Election campaign opens in Lisbon",
            "Parties opened their campaigns in Lisbon ahead of the general election, with the economy and housing dominating debate.",
        ),
        (
            "Storm closes schools across the north",
            "Heavy rain and strong winds closed schools and cut power to thousands of homes across the north of the country.",
        ),
        (
            "Tech firm reports record profits",
            "The software company reported record quarterly profits as demand for its cloud services grew faster than expected.",
        ),
    ];
    for (i, (h, b)) in others.iter().enumerate() {
        md(
            url,
            story(h, "Other Wire", &format!("2024-05-01T1{i}:00:00Z"), &[b]),
        )
        .await;
    }
}

/// Three outlets carrying one story, a next-day follow-up and an
/// unrelated story from the same city; the acks in that order.
async fn porto(url: &str) -> Vec<PublishAck> {
    vec![
        md(url, story("Fire forces evacuation of Porto hotel", "Coastal Wire", "2024-05-01T21:30:00Z", &FIRE)).await,
        md(url, story("Hundreds evacuated as blaze hits historic Porto hotel", "Northern Post", "2024-05-01T21:50:00Z", &[FIRE[1], FIRE[0], FIRE[2]])).await,
        md(url, story("Porto hotel fire: 300 guests evacuated", "Iberia Daily", "2024-05-01T22:10:00Z", &[FIRE[0], FIRE[1], FIRE[2], FIRE[3], "(Reporting by Ana Lima)"])).await,
        md(url, story(
            "Porto hotel fire: inquiry into kitchen blaze opens",
            "Northern Post",
            "2024-05-02T17:30:00Z",
            &[
                "Investigators began examining the kitchen of the Grand Hotel in Porto on Wednesday, a day after a fire forced hundreds of guests into the street.",
                "The civil protection agency said the blaze appeared to have started near a gas cooker; the two guests treated for smoke inhalation have left hospital.",
                "The hotel will stay closed for at least a month while damage to the upper floors is assessed.",
            ],
        ))
        .await,
        md(url, story(
            "Porto metro extends night service for festival",
            "Coastal Wire",
            "2024-05-02T11:30:00Z",
            &[
                "The Porto metro will run trains all night during the city's June festival, the operator said on Wednesday.",
                "Extra services will link the centre with the riverside, where hundreds of thousands of visitors are expected.",
            ],
        ))
        .await,
    ]
}

#[tokio::test]
async fn three_sources_make_one_event_one_top_row_and_one_folded_headline() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    warm_up(url).await;
    let acks = porto(url).await;
    let stories = futures_util::future::join_all(acks.iter().map(|a| story_of(url, a))).await;
    let event = stories[0]
        .mark
        .event
        .expect("every story carries its event");
    for s in &stories[1..3] {
        assert_eq!(s.mark.event, Some(event), "{}", s.content.headline);
        assert_eq!(
            s.mark.duplicate_of,
            Some(acks[0].id),
            "a copy is linked to the first"
        );
    }
    assert_eq!(
        stories[3].mark.event,
        Some(event),
        "the next-day follow-up joins"
    );
    assert_eq!(
        stories[3].mark.duplicate_of, None,
        "a follow-up is not a copy"
    );
    assert_ne!(
        stories[4].mark.event,
        Some(event),
        "sharing a city is not sharing an event"
    );

    // TOP: one row for the event, carried by three sources.
    let top: Vec<TopEntry> = get_json(format!("{url}/api/top")).await;
    let rows: Vec<&TopEntry> = top.iter().filter(|r| r.event == event).collect();
    assert_eq!(rows.len(), 1, "{top:#?}");
    assert_eq!(
        rows[0].sources,
        ["Coastal Wire", "Northern Post", "Iberia Daily"]
    );
    assert_eq!(rows[0].stories, 4);
    // N: the copies fold into the first story's row.
    let heads: Vec<Headline> = get_json(format!("{url}/api/headlines")).await;
    let first = heads
        .iter()
        .find(|h| h.id == acks[0].id)
        .expect("the first story's row");
    assert_eq!(first.carried_by, ["Northern Post", "Iberia Daily"]);
    assert!(
        heads
            .iter()
            .all(|h| h.id != acks[1].id && h.id != acks[2].id)
    );
    let all: Vec<Headline> = get_json(format!("{url}/api/headlines?fold=false")).await;
    assert!(
        all.iter().any(|h| h.id == acks[1].id),
        "unfolded on request"
    );
    // A filtered list folds the same way: the follow-up and the first
    // story, which carries the copies; a row too many for the limit takes
    // its copies with it; unfolded, every match.
    let about_event = |more: &str| format!("{url}/api/headlines?q=event:{event}{more}");
    let filtered: Vec<Headline> = get_json(about_event("")).await;
    let ids: Vec<_> = filtered.iter().map(|h| h.id).collect();
    assert_eq!(ids, [acks[3].id, acks[0].id], "{filtered:#?}");
    assert_eq!(filtered[1].carried_by, ["Northern Post", "Iberia Daily"]);
    let one: Vec<Headline> = get_json(about_event("&limit=1")).await;
    assert_eq!(one.len(), 1);
    assert_eq!((one[0].id, one[0].carried_by.len()), (acks[3].id, 0));
    let unfolded: Vec<Headline> = get_json(about_event("&fold=false")).await;
    let mut ids: Vec<_> = unfolded.iter().map(|h| h.id).collect();
    ids.sort();
    let mut expected: Vec<_> = acks[..4].iter().map(|a| a.id).collect();
    expected.sort();
    assert_eq!(ids, expected);

    // The event in search, ninjs and its own page.
    wait_indexed(url, acks.last().unwrap().seq).await;
    let found: SearchResponse =
        get_json(format!("{url}/api/search?q=event:{event}&limit=50")).await;
    assert_eq!(found.total, 4);
    let ninjs: serde_json::Value =
        get_json(format!("{url}/api/stories/{}?format=ninjs", acks[1].id)).await;
    assert_eq!(
        ninjs["events"][0]["uri"],
        format!("urn:newsterm:event:{event}")
    );
    // Feeds fold the copies too: a search feed lists the original and the
    // follow-up, not the copies; the top feed has one item for the event.
    let items = |feed: serde_json::Value| -> Vec<String> {
        let items = feed["items"].as_array().cloned().unwrap_or_default();
        items.iter().map(|i| i.to_string()).collect()
    };
    let about = |items: &[String], acks: &[PublishAck]| {
        items
            .iter()
            .filter(|i| acks.iter().any(|a| i.contains(&a.id.to_string())))
            .count()
    };
    let searched = items(get_json(format!("{url}/feeds/search.json?q=event:{event}")).await);
    assert_eq!(about(&searched, &acks[1..3]), 0, "{searched:#?}");
    assert_eq!(about(&searched, &[acks[0].clone(), acks[3].clone()]), 2);
    let top_feed = items(get_json(format!("{url}/feeds/top.json")).await);
    assert_eq!(about(&top_feed, &acks[..4]), 1, "{top_feed:#?}");
    let info: EventInfo = get_json(format!("{url}/api/events/{event}")).await;
    assert_eq!(info.sources.len(), 3);
    assert_eq!(info.label, "Fire forces evacuation of Porto hotel");
    assert_eq!(info.stories.len(), 4);
    assert_eq!(info.first, stories[0].content.published);
    assert_eq!(info.last, stories[3].content.published);
    assert!(
        info.places
            .iter()
            .any(|p| p.name == "Porto" && p.count == 4),
        "{info:#?}"
    );
    // Its first hour had the three outlets' copies; the hour up to the
    // newest story on the wire, the follow-up.
    assert_eq!(
        info.velocity,
        newsterm_api::Velocity {
            last_hour: 1,
            first_hour: 3
        }
    );

    // The same source sending the same story again stores nothing.
    let again = http()
        .post(format!("{url}/api/stories"))
        .header("content-type", "text/markdown")
        .body(story(
            "Fire forces evacuation of Porto hotel",
            "Coastal Wire",
            "2024-05-01T21:30:00Z",
            &FIRE,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    let ack: PublishAck = again.json().await.unwrap();
    assert!(ack.repeat);
    assert_eq!((ack.id, ack.seq), (acks[0].id, acks[0].seq));
}

/// Reads server-sent events until one named `event` whose data
/// `accept`s, within a bounded time.
/// A TOP stream (`/api/stream?top=1`): the list at once and at each
/// change.
async fn top_stream(
    url: &str,
) -> impl futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Unpin {
    http()
        .get(format!("{url}/api/stream?top=1"))
        .send()
        .await
        .unwrap()
        .bytes_stream()
}

async fn next_event(
    body: &mut (impl futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Unpin),
    buffer: &mut String,
    event: &str,
    accept: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let name = frame.lines().find_map(|l| l.strip_prefix("event: "));
            let data = frame.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(n), Some(d)) = (name, data)
                && n == event
                && accept(d)
            {
                return d.to_string();
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no `{event}` event came");
        match tokio::time::timeout(left, body.next()).await {
            Ok(Some(Ok(chunk))) => buffer.push_str(&String::from_utf8_lossy(&chunk)),
            other => panic!("stream ended waiting for `{event}`: {other:?}"),
        }
    }
}

#[tokio::test]
async fn top_changes_live_and_a_withdrawal_reaches_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    warm_up(url).await;
    let acks = porto(url).await;
    let mut top = top_stream(url).await;
    let mut top_buf = String::new();
    let first = next_event(&mut top, &mut top_buf, "top", |_| true).await;
    let first: Vec<TopEntry> = serde_json::from_str(&first).unwrap();
    assert!(!first.is_empty());
    // A second reader on TOP: the streams share one ranking, and each
    // still gets every list.
    let (mut other, mut other_buf) = (top_stream(url).await, String::new());
    let others_first = next_event(&mut other, &mut other_buf, "top", |_| true).await;
    assert_eq!(
        serde_json::from_str::<Vec<TopEntry>>(&others_first).unwrap(),
        first
    );
    let wire = http()
        .get(format!("{url}/api/stream"))
        .send()
        .await
        .unwrap();
    let mut wire = wire.bytes_stream();
    let mut wire_buf = String::new();
    let ws_url = format!("{}/api/ws", url.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(&ws_url)
        .await
        .expect("websocket");

    // A flash lands: TOP changes on the stream without being asked.
    let flash = md(
        url,
        "---\nheadline: \"Volcano erupts near Reykjavik airport\"\nsource: Arctic Wire\npriority: flash\npublished: 2024-05-02T18:00:00Z\n---\n\nLava reached the airport perimeter road on Thursday evening.\n".into(),
    )
    .await;
    let changed = next_event(&mut top, &mut top_buf, "top", |d| {
        d.contains(&flash.id.to_string())
    })
    .await;
    let changed: Vec<TopEntry> = serde_json::from_str(&changed).unwrap();
    assert_eq!(changed[0].latest.id, flash.id, "a fresh flash leads TOP");
    let others_changed = next_event(&mut other, &mut other_buf, "top", |d| {
        d.contains(&flash.id.to_string())
    })
    .await;
    assert_eq!(
        serde_json::from_str::<Vec<TopEntry>>(&others_changed).unwrap(),
        changed
    );
    // A reader opening TOP now starts from the list with the flash.
    let (mut late, mut late_buf) = (top_stream(url).await, String::new());
    let lates_first = next_event(&mut late, &mut late_buf, "top", |_| true).await;
    let lates_first: Vec<TopEntry> = serde_json::from_str(&lates_first).unwrap();
    assert_eq!(lates_first[0].latest.id, flash.id, "{lates_first:#?}");

    // Withdraw the first Porto copy's original: subscribers are told at
    // once, search, TOP and feeds drop it, its history keeps it.
    let killed = http()
        .post(format!("{url}/api/stories/{}/withdraw", flash.id))
        .json(&serde_json::json!({"reason": "The eruption report was false"}))
        .send()
        .await
        .unwrap();
    assert_eq!(killed.status(), 200);
    let notice = next_event(&mut wire, &mut wire_buf, "withdrawn", |_| true).await;
    let notice: Headline = serde_json::from_str(&notice).unwrap();
    assert_eq!(notice.id, flash.id);
    assert_eq!(
        notice.mark.note.as_deref(),
        Some("The eruption report was false")
    );
    // A WebSocket subscriber is told too, as its own kind of event.
    let deadline = Instant::now() + Duration::from_secs(30);
    let ws_notice = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = tokio::time::timeout(left, ws.next())
            .await
            .expect("no withdrawal on the websocket")
            .expect("websocket ended")
            .expect("websocket error");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            if v["event"] != "story" {
                break v;
            }
        }
    };
    assert_eq!(ws_notice["event"], "withdrawn");
    assert_eq!(ws_notice["data"]["id"], flash.id.to_string());
    next_event(&mut top, &mut top_buf, "top", |d| {
        !d.contains(&flash.id.to_string())
    })
    .await;
    let top_now: Vec<TopEntry> = get_json(format!("{url}/api/top")).await;
    assert!(top_now.iter().all(|r| r.latest.id != flash.id));
    wait_indexed(url, killed_seq(url, &flash).await).await;
    let found: SearchResponse = get_json(format!("{url}/api/search?q=volcano")).await;
    assert_eq!(found.total, 0, "a withdrawn story leaves search");
    let feed = get_text(format!("{url}/feeds/top.atom")).await;
    assert!(
        !feed.contains("<title type=\"text\">Volcano erupts"),
        "{feed}"
    );
    assert!(
        feed.contains(&format!("urn:newsterm:story:{}", flash.id)),
        "a deleted entry names it: {feed}"
    );
    let history: Vec<newsterm_api::RevisionInfo> =
        get_json(format!("{url}/api/stories/{}/revisions", flash.id)).await;
    assert_eq!(history.len(), 2);
    let again = http()
        .put(format!("{url}/api/stories/{}", flash.id))
        .header("content-type", "text/markdown")
        .body("---\nheadline: \"Back from the dead\"\n---\n\nNo.\n")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "a withdrawn story takes no revision");
    assert!(!acks.is_empty());
}

async fn killed_seq(url: &str, ack: &PublishAck) -> u64 {
    story_of(url, ack).await.seq
}

#[tokio::test]
async fn read_counts_each_reader_once_per_story() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    warm_up(url).await;
    let acks = porto(url).await;
    let open = |id: newsterm_story::StoryId, reader: &'static str| {
        http()
            .get(format!("{url}/api/stories/{id}"))
            .header("x-newsterm-reader", reader)
            .send()
    };
    for _ in 0..3 {
        open(acks[0].id, "reader-one").await.unwrap();
    }
    open(acks[0].id, "reader-two").await.unwrap();
    open(acks[4].id, "reader-two").await.unwrap();
    let read: ReadReport = get_json(format!("{url}/api/read?window=hour")).await;
    let counts: Vec<(newsterm_story::StoryId, u64)> = read
        .stories
        .iter()
        .map(|s| (s.story.id, s.readers))
        .collect();
    assert_eq!(counts, vec![(acks[0].id, 2), (acks[4].id, 1)]);
    let body = serde_json::to_string(&read).unwrap();
    assert!(
        !body.contains("reader-one"),
        "no reader identity leaves the server"
    );
    assert_eq!(read.events[0].readers, 2);

    // A withdrawn story leaves READ; the others keep their counts.
    let killed = http()
        .post(format!("{url}/api/stories/{}/withdraw", acks[4].id))
        .json(&serde_json::json!({"reason": "Wrong city"}))
        .send()
        .await
        .unwrap();
    assert_eq!(killed.status(), 200);
    let read: ReadReport = get_json(format!("{url}/api/read?window=day")).await;
    let counts: Vec<(newsterm_story::StoryId, u64)> = read
        .stories
        .iter()
        .map(|s| (s.story.id, s.readers))
        .collect();
    assert_eq!(counts, vec![(acks[0].id, 2)]);
    let events: Vec<u64> = read.events.iter().map(|e| e.readers).collect();
    assert_eq!(
        events,
        vec![2],
        "the withdrawn story's opens leave its event"
    );
}

#[test]
fn eval_events_scores_a_labelled_file() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set.jsonl");
    let (ok, _, err) = run(&["eval-events", "--write-set", set.to_str().unwrap()]);
    assert!(ok, "{err}");
    // The first hundred stories of the bundled set keep the test quick.
    let text = std::fs::read_to_string(&set).unwrap();
    let head: Vec<&str> = text.lines().take(100).collect();
    let small = dir.path().join("small.jsonl");
    std::fs::write(&small, head.join("\n")).unwrap();
    let (ok, out, err) = run(&["eval-events", small.to_str().unwrap(), "--scale", "0"]);
    assert!(ok, "{err}");
    assert!(out.contains("100 stories"), "{out}");
    for line in [
        "near-duplicates (pairwise)",
        "events (B-cubed)",
        "events (pairwise)",
    ] {
        let row = out
            .lines()
            .find(|l| l.starts_with(line))
            .unwrap_or_else(|| panic!("no `{line}` row:\n{out}"));
        let figures: Vec<f64> = row[line.len()..]
            .split_whitespace()
            .map(|f| f.parse().expect("a figure"))
            .collect();
        assert_eq!(figures.len(), 3, "{row}");
        assert!(figures.iter().all(|f| (0.0..=1.0).contains(f)), "{row}");
    }
    // A file that is not a labelled set is refused by name.
    std::fs::write(&small, "{\"not\": \"a story\"}\n").unwrap();
    let (ok, _, err) = run(&["eval-events", small.to_str().unwrap(), "--scale", "0"]);
    assert!(!ok);
    assert!(err.contains("small.jsonl"), "{err}");
}

#[tokio::test]
async fn a_story_is_corrected_and_withdrawn_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.as_str();
    let first = dir.path().join("fire.md");
    let first_text = story(
        "Fire forces evacuation of Porto hotel",
        "Coastal Wire",
        "2024-05-01T21:30:00Z",
        &FIRE,
    );
    std::fs::write(&first, &first_text).unwrap();
    let first = first.to_str().unwrap();
    let (ok, out, err) = run(&["publish", "--server", url, first]);
    assert!(ok, "{err}");
    let id = out.split_whitespace().nth(1).expect("id").to_string();

    // A correction marks a revision: without --update it is refused.
    let (ok, _, err) = run(&["publish", "--server", url, "--correction", "x", first]);
    assert!(!ok);
    assert!(err.contains("--update"), "{err}");

    let fixed = dir.path().join("fixed.md");
    std::fs::write(
        &fixed,
        first_text.replace("some 300 guests", "some 200 guests"),
    )
    .unwrap();
    let note = "An earlier version gave the number of guests as 300.";
    let (ok, out, err) = run(&[
        "publish",
        "--server",
        url,
        "--update",
        &id,
        "--correction",
        note,
        fixed.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("revision 2"), "{out}");
    let corrected: Story = get_json(format!("{url}/api/stories/{id}")).await;
    assert_eq!(
        corrected.mark.kind,
        newsterm_story::RevisionKind::Correction
    );
    assert_eq!(corrected.mark.note.as_deref(), Some(note));
    let (ok, shown, err) = run(&["show", "--server", url, &id]);
    assert!(ok, "{err}");
    let at_note = shown.find(&format!("Correction: {note}"));
    let at_body = shown.find("Firefighters battled");
    assert!(
        at_note.is_some() && at_note < at_body,
        "the note comes above the body:\n{shown}"
    );

    // A reason is required, the story must exist.
    let (ok, _, err) = run(&["withdraw", "--server", url, "--reason", " ", &id]);
    assert!(!ok);
    assert!(err.contains("reason"), "{err}");
    let unknown = newsterm_story::StoryId::new().to_string();
    let (ok, _, err) = run(&["withdraw", "--server", url, "--reason", "r", &unknown]);
    assert!(!ok);
    assert!(err.contains("does not exist"), "{err}");

    let reason = "The fire was at another hotel";
    let (ok, out, err) = run(&["withdraw", "--server", url, "--reason", reason, &id]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("{id} withdrawn (revision 3")),
        "{out}"
    );
    let killed: Story = get_json(format!("{url}/api/stories/{id}")).await;
    assert!(killed.is_withdrawn());
    assert_eq!(killed.mark.note.as_deref(), Some(reason));
    let (ok, shown, err) = run(&["show", "--server", url, &id]);
    assert!(ok, "{err}");
    assert!(shown.contains(&format!("WITHDRAWN: {reason}")), "{shown}");
    // Once withdrawn, a story takes nothing more, and says why.
    let (ok, _, err) = run(&["withdraw", "--server", url, "--reason", "again", &id]);
    assert!(!ok);
    assert!(err.contains("withdrawn"), "{err}");
    let (ok, _, err) = run(&["publish", "--server", url, "--update", &id, first]);
    assert!(!ok);
    assert!(err.contains("withdrawn"), "{err}");
}
