//! The fuzz targets: each reader of outside input, fed seeds from
//! `shared/data` under random edits (see the crate docs for budgets).
//! A reader may refuse any input; it may not panic.

use std::sync::{Arc, LazyLock};

use newsterm_fuzz::{
    Seeds, files_under, mutated, mutated_text, news_lines, rendered_stories, shared_data,
};
use proptest::prelude::*;
use time::OffsetDateTime;

/// How many articles seed the story readers.
const ARTICLES: usize = 60;

static MARKDOWN_AND_NINJS: LazyLock<(Seeds, Seeds)> = LazyLock::new(|| {
    let (md, ninjs) = rendered_stories(ARTICLES);
    let bytes =
        |v: Vec<String>| -> Seeds { Arc::new(v.into_iter().map(String::into_bytes).collect()) };
    (bytes(md), bytes(ninjs))
});

static JSON_LINES: LazyLock<Seeds> = LazyLock::new(|| {
    Arc::new(
        news_lines(ARTICLES)
            .into_iter()
            .map(String::into_bytes)
            .collect(),
    )
});

static FEEDS: LazyLock<Seeds> = LazyLock::new(|| {
    Arc::new(files_under(
        &shared_data().join("feeds"),
        &["xml", "rss", "atom", "rdf", "json"],
    ))
});

/// Queries as README shows them, a few odd ones, and whole article
/// lines (long text full of punctuation and quotes).
static QUERIES: LazyLock<Seeds> = LazyLock::new(|| {
    let mut queries: Vec<&str> = vec![
        r#"place:geneva "ceasefire talks""#,
        "priority:flash OR volcano",
        "earthquake OR quake* -drill",
        "place:kyiv AND topic:conflict",
        r#"person:"joe biden" priority:urgent"#,
        "(oil OR gas) AND NOT opec",
        "headline:storm published:>=2024-05-01",
        r#"source:"Test Wire" byline:smith~"#,
        "*",
        "((((((a))))))",
    ];
    let lines = news_lines(20);
    queries.extend(lines.iter().map(String::as_str));
    Arc::new(queries.into_iter().map(|q| q.as_bytes().to_vec()).collect())
});

/// Event streams as the server writes them: wire stories with ids to
/// resume from, alert hits, keep-alives, a lag notice.
static EVENT_STREAMS: LazyLock<Seeds> = LazyLock::new(|| {
    Arc::new(vec![
        b": newsterm wire\n\nid: 1\nevent: story\ndata: {\"id\":\"01HX\",\"headline\":\"A\"}\n\n: keep-alive\n\nid: 2\nevent: story\ndata: {\"headline\":\"B\"}\n\n".to_vec(),
        b"id: 7\r\nevent: alert\r\ndata: {\"alert\":1,\"name\":\"quakes\"}\r\n\r\nevent: lagged\r\ndata: {\"resume_from\":8}\r\n\r\n".to_vec(),
        b"data: first line\ndata: second line\nid\nretry: 100\n\ndata\n\n".to_vec(),
    ])
});

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

proptest! {
    #[test]
    fn markdown_stories(text in mutated_text(MARKDOWN_AND_NINJS.0.clone())) {
        let _ = newsterm_story::markdown::parse(&text, now());
    }

    #[test]
    fn ninjs_stories(text in mutated_text(MARKDOWN_AND_NINJS.1.clone())) {
        let _ = newsterm_story::ninjs::parse(&text, now());
    }

    #[test]
    fn json_lines(text in mutated_text(JSON_LINES.clone())) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let _ = newsterm_story::jsonl::parse_line(line, now());
        }
    }

    #[test]
    fn feeds(bytes in mutated(FEEDS.clone())) {
        let _ = newsterm_feed::parse(&bytes, &newsterm_feed::ParseOptions::default());
    }

    #[test]
    fn queries(text in mutated_text(QUERIES.clone())) {
        let _ = newsterm_query::parse(&text);
    }

    /// The client resumes from the last `id` it saw, so it must read the
    /// same events however the stream is cut into chunks.
    #[test]
    fn event_streams(
        bytes in mutated(EVENT_STREAMS.clone()),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let whole = newsterm_client::SseParser::default().feed(&bytes);
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut parser = newsterm_client::SseParser::default();
        let mut pieces = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            pieces.extend(parser.feed(&bytes[start..cut]));
            start = cut;
        }
        prop_assert_eq!(whole, pieces);
    }
}
