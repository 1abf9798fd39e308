//! What the web terminal needs from the server, end to end on loopback:
//! the page and its hashed, compressed, long-cached assets; volume over
//! time; the places in the news with coordinates; the names moving now.

mod common;

use common::{Server, ack_of, get_json, http, publish, revise, wait_indexed};
use newsterm_api::{ErrorBody, Moving, Places, Volume, VolumeBucket};
use time::OffsetDateTime;

fn story(headline: &str, published: &str, priority: &str, body: &str) -> String {
    format!(
        "---\nheadline: \"{headline}\"\nsource: Test Wire\npublished: {published}\npriority: {priority}\n---\n\n{body}\n"
    )
}

async fn error_of(url: String) -> (u16, ErrorBody) {
    let resp = http().get(url).send().await.expect("GET");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("error body"))
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_hashed_compressed_and_cached() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;

    let resp = http().get(format!("{url}/")).send().await.expect("GET /");
    assert_eq!(resp.status(), 200);
    let headers = resp.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["cache-control"], "no-cache");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let page = resp.text().await.unwrap();
    assert!(!page.contains("{{"), "placeholders left in the page");
    let script = page
        .split('"')
        .find(|s| s.starts_with("/assets/app.") && s.ends_with(".js"))
        .expect("the page loads app.<hash>.js");
    assert!(script.len() > "/assets/app..js".len() + 8, "{script}");

    let resp = http()
        .get(format!("{url}{script}"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("GET asset");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-encoding"], "br");
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let compressed = resp.bytes().await.unwrap().len();

    let plain = http()
        .get(format!("{url}{script}"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        compressed * 2 < plain.len(),
        "{compressed} compressed vs {} plain",
        plain.len()
    );
    assert!(String::from_utf8_lossy(&plain).contains("LiveStream"));

    // An unhashed or unknown name is not served.
    let (status, body) = error_of(format!("{url}/assets/app.js")).await;
    assert_eq!(status, 404);
    assert_eq!(body.error.code, "not_found");
}

#[tokio::test]
async fn volume_counts_matching_stories_per_day_and_hour() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    for (headline, published) in [
        ("Tin mine reopens", "2024-05-01T08:00:00Z"),
        ("Tin prices climb", "2024-05-01T17:30:00Z"),
        ("Tin exports double", "2024-05-03T09:15:00Z"),
        ("Copper mine reopens", "2024-05-02T09:15:00Z"),
    ] {
        publish(
            url,
            "text/markdown",
            story(headline, published, "normal", "Mining news."),
        )
        .await;
    }
    let now = OffsetDateTime::now_utc();
    let last = publish(
        url,
        "text/markdown",
        story(
            "Tin smelter opens today",
            &now.format(&time::format_description::well_known::Rfc3339)
                .unwrap(),
            "normal",
            "More tin.",
        ),
    )
    .await;
    wait_indexed(url, last.seq).await;

    let v: Volume = get_json(format!(
        "{url}/api/volume?q=tin&bucket=day&from=2024-04-30T12:00:00Z&to=2024-05-04T00:00:00Z"
    ))
    .await;
    assert_eq!(v.bucket, VolumeBucket::Day);
    assert_eq!(v.q, "tin");
    // The range is widened to whole days: 30 April to 3 May.
    let counts: Vec<(String, u64)> = v
        .points
        .iter()
        .map(|p| (p.t.date().to_string(), p.count))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("2024-04-30".into(), 0),
            ("2024-05-01".into(), 2),
            ("2024-05-02".into(), 0),
            ("2024-05-03".into(), 1),
        ]
    );
    let hourly: Volume = get_json(format!(
        "{url}/api/volume?q=reopens&bucket=hour&from=2024-05-01T00:00:00Z&to=2024-05-03T00:00:00Z"
    ))
    .await;
    assert_eq!(hourly.points.len(), 48);
    assert_eq!(hourly.points[8].count, 1);
    assert_eq!(hourly.points[24 + 9].count, 1);
    assert_eq!(hourly.points.iter().map(|p| p.count).sum::<u64>(), 2);

    // Defaults: the last 48 hours, hourly, every story; today's is in the last bucket.
    let recent: Volume = get_json(format!("{url}/api/volume")).await;
    assert_eq!(recent.bucket, VolumeBucket::Hour);
    assert_eq!(recent.points.last().map(|p| p.count), Some(1));
    assert_eq!(recent.points.iter().map(|p| p.count).sum::<u64>(), 1);

    for (query, code) in [
        ("bucket=week", "bad_parameter"),
        ("from=yesterday", "bad_parameter"),
        ("q=(tin", "invalid_query"),
        ("from=2024-05-02&to=2024-05-01", "bad_parameter"),
        ("bucket=hour&from=2000-01-01&to=2024-01-01", "bad_parameter"),
    ] {
        let (status, body) = error_of(format!("{url}/api/volume?{query}")).await;
        assert_eq!(
            (status, body.error.code.as_str()),
            (400, code),
            "{query}: {}",
            body.error.message
        );
    }
}

#[tokio::test]
async fn places_come_with_coordinates_counts_and_the_highest_priority() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    publish(
        url,
        "text/markdown",
        story(
            "Talks open in Geneva",
            "2024-05-01T08:00:00Z",
            "normal",
            "Envoys met in Geneva, Switzerland, on Monday.",
        ),
    )
    .await;
    publish(
        url,
        "text/markdown",
        story(
            "Geneva talks stall",
            "2024-05-02T08:00:00Z",
            "urgent",
            "The talks in Geneva stalled; envoys will fly to Nairobi, Kenya.",
        ),
    )
    .await;
    let last = publish(
        url,
        "text/markdown",
        story(
            "Harvest festival",
            "2024-05-02T09:00:00Z",
            "normal",
            "A festival was held in Nairobi, Kenya.",
        ),
    )
    .await;
    wait_indexed(url, last.seq).await;

    let all: Places = get_json(format!("{url}/api/places")).await;
    assert_eq!(all.stories, 3);
    let geneva = all
        .places
        .iter()
        .find(|p| p.place.name == "Geneva")
        .expect("Geneva on the map");
    assert_eq!(geneva.count, 2);
    assert_eq!(geneva.place.country.as_deref(), Some("CH"));
    assert!(
        (geneva.place.lat - 46.2).abs() < 0.2 && (geneva.place.lon - 6.14).abs() < 0.2,
        "{geneva:?}"
    );
    assert_eq!(geneva.priority, newsterm_story::Priority::Urgent);
    let nairobi = all
        .places
        .iter()
        .find(|p| p.place.name == "Nairobi")
        .expect("Nairobi");
    assert_eq!(nairobi.count, 2);

    let festival: Places = get_json(format!("{url}/api/places?q=festival")).await;
    assert_eq!(festival.stories, 1);
    assert!(
        festival.places.iter().all(|p| p.place.name != "Geneva"),
        "{festival:?}"
    );

    let since: Places = get_json(format!("{url}/api/places?since=2024-05-02")).await;
    assert_eq!(since.stories, 2);
    assert_eq!(
        since
            .places
            .iter()
            .find(|p| p.place.name == "Geneva")
            .map(|p| p.count),
        Some(1)
    );

    let (status, body) = error_of(format!("{url}/api/places?since=soon")).await;
    assert_eq!((status, body.error.code.as_str()), (400, "bad_parameter"));
}

#[tokio::test]
async fn places_follow_each_revision_of_a_story_counted_before() {
    // The map's marks of a revision are kept between requests: a revision
    // and a withdrawal must still move the markers at once.
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let names = |p: &Places| {
        let mut names: Vec<String> = p.places.iter().map(|p| p.place.name.clone()).collect();
        names.sort();
        names
    };
    let first = publish(
        url,
        "text/markdown",
        story(
            "Envoys gather",
            "2024-05-01T08:00:00Z",
            "normal",
            "Envoys met in Geneva, Switzerland, on Monday.",
        ),
    )
    .await;
    let other = publish(
        url,
        "text/markdown",
        story(
            "Harvest festival",
            "2024-05-01T09:00:00Z",
            "normal",
            "A festival was held in Nairobi, Kenya.",
        ),
    )
    .await;
    wait_indexed(url, other.seq).await;
    for _ in 0..2 {
        let places: Places = get_json(format!("{url}/api/places")).await;
        assert_eq!(
            names(&places),
            ["Geneva", "Kenya", "Nairobi", "Switzerland"]
        );
    }

    let moved = revise(
        url,
        &first,
        story(
            "Envoys move on",
            "2024-05-01T08:00:00Z",
            "urgent",
            "The envoys left for Vienna, Austria, on Tuesday.",
        ),
    )
    .await;
    wait_indexed(url, moved.seq).await;
    let places: Places = get_json(format!("{url}/api/places")).await;
    assert_eq!(names(&places), ["Austria", "Kenya", "Nairobi", "Vienna"]);
    let vienna = places.places.iter().find(|p| p.place.name == "Vienna");
    assert_eq!(
        vienna.map(|p| p.priority),
        Some(newsterm_story::Priority::Urgent)
    );

    let withdrawal = http()
        .post(format!("{url}/api/stories/{}/withdraw", first.id))
        .json(&serde_json::json!({"reason": "Filed in error"}));
    let ack = ack_of(withdrawal, 200, "withdraw").await;
    wait_indexed(url, ack.seq).await;
    let places: Places = get_json(format!("{url}/api/places")).await;
    assert_eq!(places.stories, 1);
    assert_eq!(names(&places), ["Kenya", "Nairobi"]);
}

#[tokio::test]
async fn moving_ranks_what_rises_over_its_own_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = &server.url;
    let at = |hours_ago: i64| {
        (OffsetDateTime::now_utc() - time::Duration::hours(hours_ago))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    // Toyota is steady (as often before as now); UNICEF appears now.
    // Every story is its own report (its own words), or newsterm would take
    // a same-source copy for a repeat and not store it.
    let toyota = [
        (
            20,
            "Toyota opens a plant in Ohio",
            "Toyota opened a battery plant near Columbus on Monday.",
        ),
        (
            17,
            "Toyota recalls pickups",
            "Owners of older pickups were asked by Toyota to visit dealers.",
        ),
        (
            14,
            "Toyota names new chief",
            "A veteran engineer will lead Toyota from April, the board said.",
        ),
        (
            11,
            "Toyota exports rise",
            "Shipments abroad grew for a third month, Toyota reported.",
        ),
        (
            8,
            "Toyota strike averted",
            "Unions and Toyota reached a wage deal late on Tuesday.",
        ),
        (
            5,
            "Toyota tests hydrogen trucks",
            "Prototype lorries built by Toyota began road trials in Bavaria.",
        ),
        (
            2,
            "Toyota shares slip",
            "Investors sold Toyota stock after the yen strengthened.",
        ),
        (
            0,
            "Toyota sales steady",
            "Toyota sold as many cars this quarter as last.",
        ),
    ];
    for (h, headline, body) in toyota {
        publish(
            url,
            "text/markdown",
            story(headline, &at(h), "normal", body),
        )
        .await;
    }
    let unicef = [
        (
            "UNICEF warns of famine",
            "UNICEF said on Monday that children in Sudan were at risk.",
        ),
        (
            "UNICEF says aid cannot reach Yemen",
            "UNICEF warned that convoys are blocked at the Yemeni border as hunger spreads.",
        ),
        (
            "UNICEF finds infants malnourished in Haiti",
            "UNICEF counted thousands of underweight babies in Port-au-Prince.",
        ),
    ];
    // War stories: the tagger gives each the mnemonic CONFLICT and its
    // Media Topic twin, one topic that must move once.
    let war = [
        (
            "Troops shell border town as fighting spreads",
            "Artillery and airstrikes hit the town overnight; soldiers and rebel militia fought street by street.",
        ),
        (
            "Missile strikes hit army base in fresh offensive",
            "Troops said the missile attack killed soldiers; the armed forces vowed to push back the rebel invasion.",
        ),
        (
            "Ceasefire collapses as troops advance",
            "Fighting resumed when soldiers crossed the line; artillery shelling and drone strikes followed the troops.",
        ),
    ];
    let mut last = None;
    for (headline, body) in unicef.into_iter().chain(war) {
        last = Some(
            publish(
                url,
                "text/markdown",
                story(headline, &at(0), "normal", body),
            )
            .await,
        );
    }
    wait_indexed(url, last.unwrap().seq).await;

    let m: Moving = get_json(format!("{url}/api/moving?window=1h&baseline=24h&limit=100")).await;
    assert_eq!((m.window_minutes, m.baseline_minutes), (60, 1440));
    let names: Vec<&str> = m.entities.iter().map(|e| e.name.as_str()).collect();
    let unicef = names
        .iter()
        .position(|n| *n == "UNICEF")
        .expect("UNICEF is moving");
    if let Some(toyota) = names.iter().position(|n| *n == "Toyota") {
        assert!(unicef < toyota, "{names:?}");
    }
    assert_eq!(m.entities[unicef].recent, 3);
    assert_eq!(m.entities[unicef].kind, "org");
    // The war is one topic: its mnemonic, without the Media Topic twin.
    assert!(names.contains(&"CONFLICT"), "{names:?}");
    assert!(!names.contains(&"medtop:16000000"), "{names:?}");

    let (status, body) = error_of(format!("{url}/api/moving?window=2d&baseline=1d")).await;
    assert_eq!((status, body.error.code.as_str()), (400, "bad_parameter"));
    let (status, body) = error_of(format!("{url}/api/moving?window=soon")).await;
    assert_eq!((status, body.error.code.as_str()), (400, "bad_parameter"));
}
