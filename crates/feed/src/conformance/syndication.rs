//! rust-syndication's RSS and Atom sample files, with what newsterm must
//! make of each, read from the file (the suites' own assertions live in
//! test code that was not copied). Every file is listed, so a new one
//! cannot slip through unread.

use super::*;

/// `options().now`, which fills a publication time a feed does not give.
const NOW: &str = "2030-03-17T17:46:40Z";

/// One item as newsterm must read it; `None` fields are not checked.
struct Story {
    key: &'static str,
    /// `None`: the item must make no story (it has no headline to give).
    headline: Option<&'static str>,
    url: Option<&'static str>,
    byline: Option<&'static str>,
    published: &'static str,
    updated: Option<&'static str>,
    keywords: &'static [&'static str],
    language: &'static str,
    bullets: &'static [&'static str],
    /// The body's text, blocks joined by a space.
    body: &'static str,
}

const NO_STORY: Story = Story {
    key: "",
    headline: None,
    url: None,
    byline: None,
    published: NOW,
    updated: None,
    keywords: &[],
    language: "en",
    bullets: &[],
    body: "",
};

struct Case {
    file: &'static str,
    format: FeedFormat,
    title: Option<&'static str>,
    /// How many items the file has; only the first `stories.len()` are
    /// checked in full.
    items: usize,
    stories: &'static [Story],
    /// Why newsterm's reading falls short of the file, when it does.
    limitation: Option<&'static str>,
}

const fn case(
    file: &'static str,
    format: FeedFormat,
    title: Option<&'static str>,
    items: usize,
    stories: &'static [Story],
) -> Case {
    Case {
        file,
        format,
        title,
        items,
        stories,
        limitation: None,
    }
}

/// Feed-level elements only (channel or feed metadata), no items.
const fn metadata_only(
    file: &'static str,
    format: FeedFormat,
    title: Option<&'static str>,
) -> Case {
    case(file, format, title, 0, &[])
}

const fn no_story(key: &'static str) -> Story {
    Story { key, ..NO_STORY }
}

use FeedFormat::{Atom, Rss1, Rss2};

const CASES: &[Case] = &[
    // RSS
    case(
        "rust-syndication-rss/category.xml",
        Rss2,
        None,
        1,
        &[no_story("hash:")],
    ),
    metadata_only("rust-syndication-rss/channel.xml", Rss2, Some("Title")),
    metadata_only("rust-syndication-rss/cloud.xml", Rss2, None),
    case(
        "rust-syndication-rss/content.xml",
        Rss2,
        None,
        1,
        &[Story {
            key: "hash:",
            // No title: the first sentence of the content.
            headline: Some("An example link."),
            body: "An example link.",
            ..NO_STORY
        }],
    ),
    // Every element in Dublin Core, none of them the title, description
    // or link an item needs to be a story.
    case(
        "rust-syndication-rss/dublincore.xml",
        Rss2,
        None,
        1,
        &[no_story("hash:")],
    ),
    case(
        "rust-syndication-rss/dublincore_altprefix.xml",
        Rss2,
        None,
        1,
        &[no_story("hash:")],
    ),
    case(
        "rust-syndication-rss/enclosure.xml",
        Rss2,
        None,
        1,
        &[no_story("hash:")],
    ),
    case(
        "rust-syndication-rss/extension.xml",
        Rss2,
        None,
        1,
        &[no_story("hash:")],
    ),
    case(
        "rust-syndication-rss/guid.xml",
        Rss2,
        None,
        2,
        &[no_story("id:abc"), no_story("id:def?g=h&i=j")],
    ),
    metadata_only("rust-syndication-rss/image.xml", Rss2, None),
    case(
        "rust-syndication-rss/item.xml",
        Rss2,
        None,
        1,
        &[Story {
            key: "link:http://example.com/",
            headline: Some("Title"),
            url: Some("http://example.com/"),
            byline: Some("author@example.com"),
            published: "2016-08-27T00:00:00Z",
            bullets: &["Description"],
            ..NO_STORY
        }],
    ),
    case(
        "rust-syndication-rss/itunes.xml",
        Rss2,
        None,
        1,
        &[Story {
            key: "hash:",
            headline: Some("Summary"),
            byline: Some("Author"),
            ..NO_STORY
        }],
    ),
    Case {
        limitation: Some(
            "a channel title holding an element (`<a>link</a> Title`): feed-rs reads no title",
        ),
        ..metadata_only("rust-syndication-rss/mixed_content.xml", Rss2, None)
    },
    Case {
        limitation: Some("RSS 0.90 in Netscape's namespace: feed-rs reads none of its elements"),
        ..metadata_only("rust-syndication-rss/rss090.xml", Rss1, None)
    },
    case(
        "rust-syndication-rss/rss091.xml",
        FeedFormat::Rss0,
        Some("WriteTheWeb"),
        6,
        &[Story {
            key: "link:http://writetheweb.com/read.php?item=24",
            headline: Some("Giving the world a pluggable Gnutella"),
            url: Some("http://writetheweb.com/read.php?item=24"),
            language: "en-us",
            bullets: &[
                "WorldOS is a framework on which to build programs that work like Freenet or Gnutella -allowing distributed applications using peer-to-peer routing.",
            ],
            ..NO_STORY
        }],
    ),
    // Items with a description only: each headline is its first sentence
    // (checked on the Liftoff files below), so only the count here.
    case(
        "rust-syndication-rss/rss092.xml",
        FeedFormat::Rss0,
        Some("Dave Winer: Grateful Dead"),
        22,
        &[],
    ),
    case(
        "rust-syndication-rss/rss1.xml",
        Rss1,
        Some("XML.com"),
        2,
        &[Story {
            key: "link:http://xml.com/pub/2000/08/09/xslt/xslt.html",
            headline: Some("Processing Inclusions with XSLT"),
            url: Some("http://xml.com/pub/2000/08/09/xslt/xslt.html"),
            bullets: &[
                "Processing document inclusions with general XML tools can be problematic. This article proposes a way of preserving inclusion information through SAX-based processing.",
            ],
            ..NO_STORY
        }],
    ),
    case(
        "rust-syndication-rss/rss2_with_atom.xml",
        Rss2,
        Some("Liftoff News"),
        3,
        &[LIFTOFF_STAR_CITY, LIFTOFF_ECLIPSE],
    ),
    case(
        "rust-syndication-rss/rss2sample.xml",
        Rss2,
        Some("Liftoff News"),
        4,
        &[LIFTOFF_STAR_CITY, LIFTOFF_ECLIPSE],
    ),
    case(
        "rust-syndication-rss/source.xml",
        Rss2,
        None,
        1,
        &[no_story("hash:")],
    ),
    case(
        "rust-syndication-rss/syndication.xml",
        Rss1,
        Some("Meerkat"),
        1,
        &[Story {
            key: "link:http://c.moreover.com/click/here.pl?r123",
            headline: Some("XML: A Disruptive Technology"),
            url: Some("http://c.moreover.com/click/here.pl?r123"),
            bullets: &[
                "XML is placing increasingly heavy loads on the existing technical infrastructure of the Internet.",
            ],
            ..NO_STORY
        }],
    ),
    metadata_only("rust-syndication-rss/textinput.xml", Rss2, None),
    case(
        "rust-syndication-rss/verify_write_format.xml",
        Rss2,
        Some("Title"),
        1,
        &[no_story("hash:")],
    ),
    // Atom
    metadata_only("rust-syndication-atom/category.xml", Atom, None),
    // Content by reference (`src`) only: nothing to show.
    case(
        "rust-syndication-atom/content_src.xml",
        Atom,
        None,
        1,
        &[no_story("hash:")],
    ),
    case(
        "rust-syndication-atom/content_text_cdata.xml",
        Atom,
        None,
        1,
        &[ENTRY_CONTENT],
    ),
    case(
        "rust-syndication-atom/content_text_cdata_escaped.xml",
        Atom,
        None,
        1,
        // Text, so `<p>` is two characters and a letter; the references
        // the CDATA keeps are decoded (parse.rs: a double-escaped text is
        // never meant literally).
        &[Story {
            headline: Some("<p>Entry content</p>"),
            body: "<p>Entry content</p>",
            ..ENTRY_CONTENT
        }],
    ),
    case(
        "rust-syndication-atom/content_text_html.xml",
        Atom,
        None,
        1,
        &[ENTRY_CONTENT],
    ),
    case(
        "rust-syndication-atom/content_text_html_common.xml",
        Atom,
        None,
        1,
        // Two paragraphs; `xml:lang="en_US"` as a language tag.
        &[Story {
            headline: Some("Entry content Read more"),
            body: "Entry content Read more",
            language: "en-us",
            ..ENTRY_CONTENT
        }],
    ),
    // Base64 of a binary type: newsterm keeps text only.
    case(
        "rust-syndication-atom/content_text_other.xml",
        Atom,
        None,
        1,
        &[no_story("hash:")],
    ),
    case(
        "rust-syndication-atom/content_text_plain.xml",
        Atom,
        None,
        1,
        &[ENTRY_CONTENT],
    ),
    case(
        "rust-syndication-atom/content_text_plain_escaped.xml",
        Atom,
        None,
        1,
        &[ENTRY_CONTENT],
    ),
    case(
        "rust-syndication-atom/content_text_xhtml.xml",
        Atom,
        None,
        1,
        &[Story {
            headline: Some("Entry content with a link inside."),
            body: "Entry content with a link inside.",
            ..ENTRY_CONTENT
        }],
    ),
    case(
        "rust-syndication-atom/entry.xml",
        Atom,
        None,
        1,
        &[FULL_ENTRY],
    ),
    // RFC 822 dates where RFC 3339 belongs: read all the same.
    case(
        "rust-syndication-atom/entry_with_non_standard_dates.xml",
        Atom,
        None,
        1,
        &[FULL_ENTRY],
    ),
    case(
        "rust-syndication-atom/extension.xml",
        Atom,
        None,
        1,
        &[no_story("hash:")],
    ),
    metadata_only("rust-syndication-atom/feed.xml", Atom, Some("Feed Title")),
    metadata_only("rust-syndication-atom/generator.xml", Atom, None),
    metadata_only("rust-syndication-atom/link.xml", Atom, None),
    metadata_only("rust-syndication-atom/person.xml", Atom, None),
    case(
        "rust-syndication-atom/source.xml",
        Atom,
        None,
        1,
        &[no_story("hash:")],
    ),
    metadata_only(
        "rust-syndication-atom/text_cdata.xml",
        Atom,
        Some("Feed Title"),
    ),
    // HTML whose source is `&lt;p&gt;…` in CDATA: shows `<p>` as text.
    metadata_only(
        "rust-syndication-atom/text_cdata_escaped.xml",
        Atom,
        Some("<p>Feed Title</p>"),
    ),
    metadata_only("rust-syndication-atom/text_empty.xml", Atom, None),
    Case {
        limitation: Some(
            "an `html` title holding an element (`<b>F</b>`) beside escaped HTML: feed-rs reads no title",
        ),
        ..metadata_only("rust-syndication-atom/text_html.xml", Atom, None)
    },
    metadata_only(
        "rust-syndication-atom/text_plain.xml",
        Atom,
        Some("Feed Title"),
    ),
    metadata_only(
        "rust-syndication-atom/text_plain_escaped.xml",
        Atom,
        Some("<p>Feed Title</p>"),
    ),
    // XHTML: the CDATA section is the text `<hr/>`, the comment nothing.
    metadata_only(
        "rust-syndication-atom/text_xhtml.xml",
        Atom,
        Some("Feed Title <hr/>"),
    ),
    metadata_only(
        "rust-syndication-atom/text_xhtml_escaped.xml",
        Atom,
        Some("<p>Feed Title</p>"),
    ),
];

const LIFTOFF_STAR_CITY: Story = Story {
    key: "id:http://liftoff.msfc.nasa.gov/2003/06/03.html#item573",
    headline: Some("Star City"),
    url: Some("http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"),
    published: "2003-06-03T09:39:21Z",
    language: "en-us",
    bullets: &[
        "How do Americans get ready to work with Russians aboard the International Space Station? They take a crash course in culture, language and protocol at Russia's Star City.",
    ],
    ..NO_STORY
};

/// No title and no link: the headline is the description's one sentence.
const LIFTOFF_ECLIPSE: Story = Story {
    key: "id:http://liftoff.msfc.nasa.gov/2003/05/30.html#item572",
    headline: Some(
        "Sky watchers in Europe, Asia, and parts of Alaska and Canada will experience a partial eclipse of the Sun on Saturday, May 31st.",
    ),
    published: "2003-05-30T11:06:42Z",
    language: "en-us",
    ..NO_STORY
};

const ENTRY_CONTENT: Story = Story {
    key: "hash:",
    headline: Some("Entry content"),
    body: "Entry content",
    ..NO_STORY
};

const FULL_ENTRY: Story = Story {
    key: "id:http://example.com/article/1",
    headline: Some("Entry Title"),
    // The alternate link, not the enclosure.
    url: Some("http://example.com/article/"),
    // Authors, not contributors.
    byline: Some("John Doe, Jane Doe"),
    published: "2017-06-01T20:15:44Z",
    updated: Some("2017-06-03T20:15:44Z"),
    keywords: &["technology", "podcast"],
    bullets: &["Entry summary"],
    body: "Entry content",
    ..NO_STORY
};

fn check(case: &Case, feed: &ParsedFeed) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut expect = |what: &str, got: String, want: String| {
        if got != want {
            wrong.push(format!("{what}: {got} (expected {want})"));
        }
    };
    expect(
        "format",
        format!("{:?}", feed.format),
        format!("{:?}", case.format),
    );
    expect(
        "feed title",
        format!("{:?}", feed.title),
        format!("{:?}", case.title),
    );
    expect(
        "items",
        feed.items.len().to_string(),
        case.items.to_string(),
    );
    for (i, (item, want)) in feed.items.iter().zip(case.stories).enumerate() {
        let at = |field: &str| format!("item {i} {field}");
        if want.key.ends_with(':') {
            expect(
                &at("key kind"),
                item.key.split(':').next().unwrap_or("").to_string() + ":",
                want.key.to_string(),
            );
        } else {
            expect(&at("key"), item.key.clone(), want.key.to_string());
        }
        let story = match (&item.content, want.headline) {
            (Ok(s), Some(_)) => s,
            (Err(_), None) => continue,
            (Ok(s), None) => {
                expect(&at("story"), format!("{:?}", s.headline), "no story".into());
                continue;
            }
            (Err(e), Some(h)) => {
                expect(&at("story"), e.to_string(), h.to_string());
                continue;
            }
        };
        expect(
            &at("headline"),
            story.headline.clone(),
            want.headline.unwrap_or("").into(),
        );
        expect(
            &at("url"),
            format!("{:?}", story.url),
            format!("{:?}", want.url),
        );
        expect(
            &at("byline"),
            format!("{:?}", story.byline),
            format!("{:?}", want.byline),
        );
        expect(
            &at("published"),
            newsterm_story::format_time(story.published),
            want.published.into(),
        );
        expect(
            &at("updated"),
            format!("{:?}", story.updated.map(newsterm_story::format_time)),
            format!("{:?}", want.updated),
        );
        expect(
            &at("keywords"),
            format!("{:?}", story.keywords),
            format!("{:?}", want.keywords),
        );
        expect(
            &at("language"),
            story.language.clone(),
            want.language.into(),
        );
        expect(
            &at("bullets"),
            format!("{:?}", story.bullets),
            format!("{:?}", want.bullets),
        );
        expect(&at("body"), blocks_text(&story.body), want.body.into());
    }
    wrong
}

#[test]
fn every_rust_syndication_file_reads_as_it_says() {
    let mut listed: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    listed.sort_unstable();
    let mut present = Vec::new();
    for dir in ["rust-syndication-rss", "rust-syndication-atom"] {
        for path in files(&feeds().join(dir)) {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            present.push(format!("{dir}/{name}"));
        }
    }
    present.sort();
    assert_eq!(listed, present, "every file has its expectation");

    let mut failures = Vec::new();
    for case in CASES {
        let bytes = std::fs::read(feeds().join(case.file)).unwrap();
        match parse(&bytes, &options()) {
            Ok(feed) => {
                for wrong in check(case, &feed) {
                    failures.push(format!("{}: {wrong}", case.file));
                }
            }
            Err(e) => failures.push(format!("{}: does not parse: {e}", case.file)),
        }
        if let Some(why) = case.limitation {
            println!("{}: known limitation: {why}", case.file);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
