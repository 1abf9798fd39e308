//! The web terminal: its files, compiled into the binary from
//! `crates/server/assets/`, served at `/` (the page) and under
//! `/assets/` with a content hash in every name, so a browser may keep
//! them for a year and still never runs a stale one after an upgrade.
//!
//! The page (`index.html`) names its scripts and styles with
//! `{{asset:PATH}}` placeholders and carries a `{{manifest}}` (every
//! asset's hashed URL, as JSON) for files the scripts load later; both
//! are filled in once, at first request. The page's Content-Security-Policy
//! (its own files only, no inline script or style attribute) comes from
//! the security headers every response gets (`access::security_headers`).

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::Embed;

use super::{ApiError, AppState};

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// Long-lived assets: named by content, so they never change under a name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/index.html", get(page))
        .route("/assets/{*name}", get(asset))
}

/// Every asset under its hashed name, and the page with those names in.
struct Site {
    /// `app.3f9c2a1b.js` → `app.js`.
    by_hashed: HashMap<String, String>,
    page: String,
}

/// `app.js` with hash `3f9c2a1b…` → `app.3f9c2a1b.js`.
fn hashed_name(path: &str, hash: &[u8; 32]) -> String {
    let short: String = hash[..5].iter().map(|b| format!("{b:02x}")).collect();
    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    let hashed = match file.split_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{file}.{short}"),
    };
    if dir.is_empty() {
        hashed
    } else {
        format!("{dir}/{hashed}")
    }
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut by_hashed = HashMap::new();
        let mut urls = Vec::new();
        for path in Assets::iter() {
            if path == "index.html" {
                continue;
            }
            if let Some(file) = Assets::get(&path) {
                let hashed = hashed_name(&path, &file.metadata.sha256_hash());
                urls.push((path.to_string(), format!("/assets/{hashed}")));
                by_hashed.insert(hashed, path.to_string());
            }
        }
        urls.sort();
        let manifest = serde_json::Value::Object(
            urls.iter()
                .map(|(p, u)| (p.clone(), serde_json::Value::from(u.clone())))
                .collect(),
        )
        .to_string()
        // Inside a <script> element nothing may close it early.
        .replace("</", "<\\/");
        let mut page = Assets::get("index.html")
            .map(|f| String::from_utf8_lossy(&f.data).into_owned())
            .unwrap_or_default();
        for (path, url) in &urls {
            page = page.replace(&format!("{{{{asset:{path}}}}}"), url);
        }
        page = page.replace("{{manifest}}", &manifest);
        Site { by_hashed, page }
    })
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        site().page.clone(),
    )
        .into_response()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn asset(Path(name): Path<String>) -> Result<Response, ApiError> {
    let Some(path) = site().by_hashed.get(&name) else {
        return Err(ApiError::not_found(format!(
            "no asset `{}`",
            name.chars().take(80).collect::<String>()
        )));
    };
    let file = Assets::get(path).ok_or_else(|| ApiError::not_found("asset vanished"))?;
    let mut response = (StatusCode::OK, file.data.into_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_directory_and_extension() {
        let hash = [0xab; 32];
        assert_eq!(hashed_name("app.js", &hash), "app.ababababab.js");
        assert_eq!(
            hashed_name("vendor/uPlot.iife.min.js", &hash),
            "vendor/uPlot.ababababab.iife.min.js"
        );
        assert_eq!(hashed_name("LICENSE", &hash), "LICENSE.ababababab");
    }

    #[test]
    fn the_page_names_only_assets_that_exist() {
        let site = site();
        assert!(!site.page.contains("{{"), "an unfilled placeholder");
        for hashed in site.by_hashed.keys() {
            assert!(!hashed.contains(".."));
        }
        let mut named = 0;
        for part in site.page.split("/assets/").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | '\\'))
                .collect();
            assert!(site.by_hashed.contains_key(&name), "page names {name}");
            named += 1;
        }
        assert!(named >= 3, "the page loads its scripts and styles");
    }
}
