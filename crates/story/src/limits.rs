//! Limits a story must keep. They bound memory per request and keep one
//! story from starving the store, the index and every subscriber.

/// Characters in a headline.
pub const HEADLINE_CHARS: usize = 300;
/// Bullet highlights under the headline.
pub const BULLETS: usize = 4;
/// Characters in one bullet, caption, credit, byline, dateline or source.
pub const LINE_CHARS: usize = 1_000;
/// Characters in a URL.
pub const URL_CHARS: usize = 2_048;
/// Bytes of body text (paragraphs and subheads together).
pub const BODY_BYTES: usize = 2 * 1024 * 1024;
/// Paragraphs and subheads in a body.
pub const BODY_BLOCKS: usize = 10_000;
/// Publisher keywords.
pub const KEYWORDS: usize = 64;
