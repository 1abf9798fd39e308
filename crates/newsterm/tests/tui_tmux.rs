//! The real `newsterm tui` in a real terminal (tmux): type a function,
//! press Enter, and read what a person would see. One session covers the
//! whole walk, so tmux and the TUI start once.

mod common;

use common::tmux::{Session, header, tmux, wait_for_screen};
use common::{BIN, Server, markdown_story, publish, wait_indexed};

#[tokio::test]
async fn the_terminal_searches_and_shows_stories_published_while_it_watches() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = server.url.clone();
    publish(
        &url,
        "text/markdown",
        markdown_story("Airship fleet grounded", "zeppelin"),
    )
    .await;
    let last = publish(
        &url,
        "text/markdown",
        markdown_story("Harvest festival returns", "pumpkin"),
    )
    .await;
    wait_indexed(&url, last.seq).await;

    let name = format!("newsterm-test-{}", std::process::id());
    let session = Session::start(&name, 100, 30, &format!("{BIN} tui --server {url}"));

    // The live monitor opens with the latest headlines, and the status bar
    // says where the same server's web terminal is.
    let shown = wait_for_screen(&name, "the monitor", |s| {
        s.contains("Harvest festival returns") && s.contains("Airship fleet grounded")
    });
    assert!(header(&shown).contains(&format!(" web {url}/ ")), "{shown}");

    // NSE shows only what matches: wait for the search screen itself, not
    // for a headline the monitor already showed.
    tmux(&["send-keys", "-t", &name, "NSE zeppelin", "Enter"]);
    let shown = wait_for_screen(&name, "the NSE results", |s| {
        header(s).contains("NSE zeppelin") && s.contains("Airship fleet grounded")
    });
    assert!(
        !shown.contains("Harvest festival returns"),
        "search screen:\n{shown}"
    );

    // Back on the monitor, once it is up and its stream is live, a story
    // published now must appear with no key pressed: only the live stream
    // can bring it (the monitor's fetch happened before it existed).
    tmux(&["send-keys", "-t", &name, "N", "Enter"]);
    wait_for_screen(&name, "the live monitor", |s| {
        let top = header(s);
        !top.contains("NSE")
            && top.contains("● live")
            && s.contains("Harvest festival returns")
            && s.contains("Airship fleet grounded")
    });
    publish(
        &url,
        "text/markdown",
        markdown_story("Breaking: comet sighted", "comet"),
    )
    .await;
    wait_for_screen(&name, "the story published after the screen was up", |s| {
        s.contains("Breaking: comet sighted")
    });

    // TOP lives: three sources carrying one story become one row that
    // counts them, with no key pressed.
    tmux(&["send-keys", "-t", &name, "TOP", "Enter"]);
    wait_for_screen(&name, "TOP", |s| {
        header(s).contains("TOP") && s.contains("Breaking: comet sighted")
    });
    let original = publish(
        &url,
        "text/markdown",
        fire(
            "Fire forces evacuation of Porto hotel",
            "Coastal Wire",
            "21:30",
            &[0, 1, 2, 3],
        ),
    )
    .await;
    wait_for_screen(&name, "the new event in TOP", |s| {
        s.contains("Fire forces evacuation of Porto hotel")
    });
    publish(
        &url,
        "text/markdown",
        fire(
            "Hundreds evacuated as blaze hits historic Porto hotel",
            "Northern Post",
            "21:50",
            &[1, 0, 2],
        ),
    )
    .await;
    publish(
        &url,
        "text/markdown",
        fire(
            "Porto hotel fire: 300 guests evacuated",
            "Iberia Daily",
            "22:10",
            &[0, 1, 2, 3],
        ),
    )
    .await;
    let shown = wait_for_screen(&name, "the event's row counting its sources", |s| {
        s.contains("Porto hotel fire: 300 guests evacuated  +2 sources")
    });
    assert_eq!(
        shown.matches("Porto hotel").count(),
        1,
        "one row for the event:\n{shown}"
    );

    // The reader unfolds the sources; READ counts the open.
    let id = original.id.to_string();
    tmux(&["send-keys", "-t", &name, &id, "Enter"]);
    wait_for_screen(&name, "the sources carrying the story", |s| {
        s.contains("Also carried by Northern Post, Iberia Daily")
    });
    // EVT opens the story's event: its counts, its pace, every copy. The
    // story page just left also says "3 stories from 3 sources", so wait
    // for the event's own loaded page, not for a line both share.
    // The capture may catch the page half drawn, so the wait is for the
    // whole of what the reader must see on it.
    tmux(&["send-keys", "-t", &name, "EVT", "Enter"]);
    wait_for_screen(
        &name,
        "the event page with its sources and every copy",
        |s| {
            header(s).contains("EVT ")
                && !s.contains("loading")
                && s.contains("Pace")
                && s.contains("3 stories from 3 sources")
                && s.contains("Sources Coastal Wire, Northern Post, Iberia Daily")
                && s.contains("Hundreds evacuated as blaze hits historic Porto hotel")
        },
    );
    tmux(&["send-keys", "-t", &name, "Escape"]);
    tmux(&["send-keys", "-t", &name, "READ", "Enter"]);
    wait_for_screen(&name, "READ", |s| {
        header(s).contains("READ") && s.contains("1 reader · Fire forces evacuation of Porto hotel")
    });

    // A withdrawal reaches the monitor at once: struck through, with why.
    tmux(&["send-keys", "-t", &name, "N", "Enter"]);
    wait_for_screen(&name, "the monitor folding the copies", |s| {
        header(s).contains("● live")
            && s.contains("Fire forces evacuation of Porto hotel  +2 sources")
    });
    let resp = common::http()
        .post(format!("{url}/api/stories/{id}/withdraw"))
        .json(&serde_json::json!({"reason": "Wrong hotel"}))
        .send()
        .await
        .expect("withdraw");
    assert_eq!(resp.status(), 200);
    // Its reason follows the colon, past 100 columns here.
    wait_for_screen(&name, "the withdrawn row", |s| {
        s.contains("WITHDRAWN r2 Fire forces evacuation of Porto hotel:")
    });
    let styled = tmux(&["capture-pane", "-p", "-e", "-t", &name]);
    let styled = String::from_utf8_lossy(&styled.stdout);
    let row = styled
        .lines()
        .find(|l| l.contains("WITHDRAWN"))
        .expect("the withdrawn row");
    assert!(struck_through(row), "not struck through: {row:?}");
    let other = styled
        .lines()
        .find(|l| l.contains("Breaking: comet sighted"))
        .expect("another row");
    assert!(!struck_through(other), "struck through: {other:?}");
    drop(session);
}

const FIRE: [&str; 4] = [
    "Firefighters battled a blaze at the Grand Hotel in Porto on Tuesday night, forcing the evacuation of some 300 guests.",
    "The fire started in a kitchen on the ground floor shortly after 10 pm and spread to the upper floors, the civil protection agency said.",
    "Two guests were taken to hospital with smoke inhalation; no deaths were reported.",
    "The hotel, built in 1880, was renovated in 2015 and reopened to the public last spring.",
];

/// One outlet's version of the hotel fire: its paragraphs of [`FIRE`] in
/// its own order.
fn fire(headline: &str, source: &str, at: &str, paragraphs: &[usize]) -> String {
    let body: Vec<&str> = paragraphs.iter().map(|&i| FIRE[i]).collect();
    format!(
        "---\nheadline: \"{headline}\"\nsource: {source}\npublished: 2024-05-01T{at}:00Z\n---\n\n{}\n",
        body.join("\n\n")
    )
}

/// Whether a captured line (`capture-pane -e`) turns on SGR 9, crossed
/// out (skipping the numbers of 256-colour and RGB colours).
fn struck_through(line: &str) -> bool {
    line.split("\x1b[").skip(1).any(|seq| {
        let Some((params, _)) = seq.split_once('m') else {
            return false;
        };
        let mut params = params.split(';');
        while let Some(p) = params.next() {
            match p {
                "9" => return true,
                "38" | "48" | "58" => {
                    let skip = if params.next() == Some("2") { 3 } else { 1 };
                    params.nth(skip - 1);
                }
                _ => {}
            }
        }
        false
    })
}
