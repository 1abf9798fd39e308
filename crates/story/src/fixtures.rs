//! Stories the tests of every form write and read back, so a round trip
//! through Markdown and one through ninjs are tried on the same content.

use time::OffsetDateTime;

use crate::model::{Block, Priority, StoryContent, StoryDraft, parse_time};

/// The clock the form tests read stories at.
pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("a valid time")
}

/// A story with every field set, each holding what some form must escape
/// or keep: quotes, colons, HTML, Markdown markers, control-like
/// characters, non-Latin text, a fragment in the URL, nanoseconds and an
/// offset in the times.
pub(crate) fn full_content() -> StoryContent {
    StoryContent {
        headline: "Quake: \"6.1\" tremor — Chile's <coast> & 'no tsunami' #breaking".into(),
        bullets: vec![
            "No tsunami warning: officials".into(),
            "- dash-led bullet & *stars*".into(),
            "odd characters \u{2028} \u{FEFF} end".into(),
            "Ünïcödé 中文 😀".into(),
        ],
        caption: Some("Rescue teams at work: Antofagasta, 1 May".into()),
        credit: Some("@photo: Reuters/Ana".into()),
        body: vec![
            Block::Paragraph("A magnitude 6.1 earthquake <struck> & shook, officials said.".into()),
            Block::Paragraph("## not a subhead".into()),
            Block::Subhead("Damage & \"response\": limited".into()),
            Block::Paragraph("- not a bullet".into()),
            Block::Paragraph("• nor this".into()),
            Block::Paragraph("* nor this".into()),
            Block::Paragraph("--- nor a header line".into()),
            Block::Paragraph("\\backslash first, and a\u{A0}no-break space".into()),
            Block::Paragraph("#hashtag lede".into()),
            Block::Subhead("### Third-level looking".into()),
            Block::Paragraph(
                "<script>alert(1)</script> &amp; &#93; [x](javascript:alert(1))".into(),
            ),
            Block::Paragraph("[1]: javascript:alert(1) and [ok](https://example.org/)".into()),
            Block::Paragraph("Last: \"quoted\" text.".into()),
        ],
        byline: Some("Ana Rojas: staff".into()),
        dateline: Some("ANTOFAGASTA, Chile".into()),
        source: Some("null".into()),
        url: Some("https://example.com/quake?a=1&b=2#x".into()),
        language: "pt-br".into(),
        priority: Priority::Flash,
        published: parse_time("2024-05-01T12:00:00.123456789Z").expect("a valid time"),
        updated: Some(parse_time("2024-05-01T14:30:00+02:00").expect("a valid time")),
        keywords: vec![
            "earthquake".into(),
            "true".into(),
            "a: b".into(),
            "123".into(),
        ],
    }
}

/// The least a story can be: a flash headline, nothing else.
pub(crate) fn minimal() -> StoryContent {
    StoryDraft {
        headline: Some("Flash: markets halt".into()),
        priority: Some(Priority::Flash),
        ..Default::default()
    }
    .validate(now())
    .expect("a valid story")
}
