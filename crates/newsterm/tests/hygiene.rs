//! Output hygiene as a reader meets it: terminal escapes and bidi
//! overrides sent in a story never reach `newsterm show/search/watch`,
//! the Markdown a server writes carries no HTML or script links, a story
//! URL cannot break out of a feed's markup, and anything else printed by
//! the CLI shows control characters escaped.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use common::{BIN, Server, get_text, http, newsterm, publish, wait_indexed};

fn stdout_of(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_clean(what: &str, text: &str) {
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2066}'] {
        assert!(
            !text.contains(bad),
            "{what} holds {:?}: {text:?}",
            bad.escape_unicode().to_string()
        );
    }
}

#[tokio::test]
async fn terminal_escapes_in_a_story_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.as_str();

    let story = serde_json::json!({
        "uri": "urn:test:volcano",
        "type": "text",
        "standard": {"name": "ninjs", "version": "2.1", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"},
        "headlines": [{"role": "main", "value": "\u{1b}]0;owned\u{7}Volcano\u{1b}[2J erupts near \u{202e}village"}],
        "by": "Ana \u{9b}31mRojas",
        "located": "QUITO\u{2066}",
        "copyrightholder": "Andes \u{1b}[5mWire",
        "bodies": [{"role": "main", "contenttype": "text/plain", "value": "Lava reached the road.\u{1b}[1A\u{1b}[2K"}]
    });
    let ack = publish(url, "application/json", story.to_string()).await;
    wait_indexed(url, ack.seq).await;

    let stored: serde_json::Value = common::get_json(format!("{url}/api/stories/{}", ack.id)).await;
    assert_eq!(stored["headline"], "]0;ownedVolcano[2J erupts near village");
    assert_clean("the stored story", &stored.to_string());

    let id = ack.id.to_string();
    let show = stdout_of(&newsterm(&["show", "--server", url, &id]));
    assert!(show.contains("Volcano[2J erupts near village"), "{show}");
    assert_clean("show", &show);
    let search = stdout_of(&newsterm(&["search", "--server", url, "erupts"]));
    assert!(search.contains("erupts near village"), "{search}");
    assert_clean("search", &search);

    let mut watch = Command::new(BIN)
        .args(["watch", "--server", url, "--since", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(watch.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = watch.kill();
    let _ = watch.wait();
    assert!(line.contains("erupts near village"), "{line}");
    assert_clean("watch", &line);
}

#[tokio::test]
async fn cli_output_shows_control_characters_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.as_str();
    // Alert names are the user's own text: the server refuses C0 and C1
    // controls in them but stores a bidi override as given.
    let added = stdout_of(&newsterm(&[
        "alert",
        "add",
        "--server",
        url,
        "quakes\u{202e}gpj.exe",
        "quake",
    ]));
    assert_clean("alert add", &added);
    let list = stdout_of(&newsterm(&["alert", "list", "--server", url]));
    assert!(list.contains("quakes\\u{202e}gpj.exe"), "{list}");
    assert_clean("alert list", &list);
}

#[tokio::test]
async fn markdown_out_carries_no_html_and_urls_cannot_break_out_of_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url.as_str();
    let md = "---\nheadline: \"Harbour <b>reopens</b>\"\nurl: 'https://example.org/x\"><script>alert(1)</script>'\n---\n\n<script>alert(1)</script> [click](javascript:alert(1))\n";
    let ack = publish(url, "text/markdown", md).await;
    wait_indexed(url, ack.seq).await;

    let stored: serde_json::Value = common::get_json(format!("{url}/api/stories/{}", ack.id)).await;
    assert_eq!(
        stored["url"],
        "https://example.org/x%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    );

    let written = get_text(format!("{url}/api/stories/{}?format=markdown", ack.id)).await;
    let body = &written[written.rfind("---\n").unwrap()..];
    assert!(!body.contains("<script>"), "{written}");
    assert!(!body.contains("](javascript:"), "{written}");
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{written}"
    );

    for feed in ["top.atom", "top.rss", "top.json"] {
        let text = get_text(format!("{url}/feeds/{feed}")).await;
        assert!(
            text.contains("example.org/x%22%3E%3Cscript%3E"),
            "{feed}: {text}"
        );
        assert!(!text.contains("\"><script>"), "{feed}: {text}");
    }

    // A URL that is not absolute http(s) is refused, naming the field.
    for bad in ["javascript:alert(1)", "/relative", "data:text/html,x"] {
        let md = format!("---\nheadline: Bad link\nurl: '{bad}'\n---\n\nText.\n");
        let resp = http()
            .post(format!("{url}/api/stories"))
            .header("content-type", "text/markdown")
            .body(md)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let text = resp.text().await.unwrap();
        assert!(
            text.contains("url") && text.contains("absolute http(s) URL"),
            "{text}"
        );
    }
}
