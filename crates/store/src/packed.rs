//! Story texts packed for storage: zstd frames, with the deflate of older
//! rows still read, and a bound on what a frame may unpack to.

/// A revision's content or tags JSON as the `content` and `tags` columns
/// hold it: JSON text in files written before compression, else a format
/// byte and the JSON compressed. The text of news compresses to under
/// half, and a stored row is then a third of a page instead of a page of
/// its own. A tagged story's tags (every mention with its offsets, place
/// and canonical name, every figure and quote) run to twice its text as
/// JSON and compress to a fifth: stored plain they were most of the row,
/// two overflow pages written for every story a tagged import stores.
///
/// New rows are zstd frames ([`ZSTD`], level 1). Rows of earlier versions
/// are raw deflate streams ([`DEFLATED`]) and are read as they are. On the
/// bundled articles zstd packs a story's text and tags to 11 % less than
/// deflate did, in half the time, and unpacks them three times as fast;
/// every publish packs both inside its transaction, and every story read
/// (a search's hits, a list's rows, a feed's items) unpacks them.
#[derive(Debug, Clone)]
pub(crate) enum StoredText {
    /// Uncompressed JSON (files from before compression).
    Plain(String),
    /// A format byte ([`ZSTD`] or [`DEFLATED`]), then the JSON compressed.
    Packed(Vec<u8>),
}

/// First byte of a [`StoredText::Packed`] value that a raw deflate stream
/// follows: what versions before zstd wrote, still read.
pub(crate) const DEFLATED: u8 = 1;
/// First byte of a [`StoredText::Packed`] value that a zstd frame follows.
pub(crate) const ZSTD: u8 = 2;
/// zstd's level for stored texts: its fastest ordinary level, which already
/// packs news JSON tighter than deflate's fastest did.
const ZSTD_LEVEL: i32 = 1;
/// The most a stored text may unpack to. A frame names its own size; a
/// larger one than any story holds is a damaged row, not a buffer to make.
pub(crate) const MAX_UNPACKED: u64 = 256 << 20;

impl StoredText {
    /// The JSON packed as a zstd frame, or kept plain should zstd fail
    /// (it cannot get memory for its context), which every version reads.
    pub(crate) fn pack(json: &str) -> StoredText {
        match compress(json.as_bytes()) {
            Some(packed) => StoredText::Packed(packed),
            None => StoredText::Plain(json.to_owned()),
        }
    }

    /// The JSON, unpacked if packed.
    pub(crate) fn as_ref(&self) -> Result<std::borrow::Cow<'_, str>, String> {
        match self {
            StoredText::Plain(s) => Ok(std::borrow::Cow::Borrowed(s)),
            StoredText::Packed(bytes) => match bytes.split_first() {
                Some((&ZSTD, frame)) => decompress(frame).map(std::borrow::Cow::Owned),
                Some((&DEFLATED, deflated)) => inflate(deflated).map(std::borrow::Cow::Owned),
                _ => Err("stored JSON in an unknown format".into()),
            },
        }
    }
}

/// [`ZSTD`] then `bytes` as one zstd frame, which records its own length.
///
/// The writer packs a story's content and tags at every store: a thread
/// keeps one compression context for all of them, as [`decompress`]
/// does, since making one costs more than packing a story.
fn compress(bytes: &[u8]) -> Option<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|kept| {
        let compressor = match kept {
            Some(compressor) => compressor,
            None => kept.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL).ok()?),
        };
        let mut out = vec![0; 1 + zstd::zstd_safe::compress_bound(bytes.len())];
        out[0] = ZSTD;
        let written = compressor.compress_to_buffer(bytes, &mut out[1..]).ok()?;
        out.truncate(1 + written);
        Some(out)
    })
}

/// The text a zstd frame holds, unpacked into a buffer of the size the
/// frame records.
///
/// Every story read unpacks its content and tags, a search's hits and a
/// list's rows included: a reader thread keeps one context and reuses it.
fn decompress(frame: &[u8]) -> Result<String, String> {
    thread_local! {
        static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size <= MAX_UNPACKED => size as usize,
        Ok(Some(size)) => return Err(format!("stored JSON claims {size} bytes unpacked")),
        Ok(None) => return Err("stored JSON does not record its size".into()),
        Err(_) => return Err("stored JSON is not a zstd frame".into()),
    };
    DECOMPRESSOR.with_borrow_mut(|kept| {
        let decompressor = match kept {
            Some(decompressor) => decompressor,
            None => kept.insert(
                zstd::bulk::Decompressor::new()
                    .map_err(|e| format!("cannot unpack stored JSON: {e}"))?,
            ),
        };
        let mut out = Vec::with_capacity(size);
        let written = decompressor
            .decompress_to_buffer(frame, &mut out)
            .map_err(|e| format!("stored JSON does not unpack: {e}"))?;
        if written != size {
            return Err(format!(
                "stored JSON unpacks to {written} bytes, not {size}"
            ));
        }
        String::from_utf8(out).map_err(|e| format!("stored JSON is not UTF-8: {e}"))
    })
}

/// The text a raw deflate stream holds (rows written before zstd).
///
/// A reader thread keeps one inflater and resets it (a new one is tens of
/// kilobytes to allocate and clear, which cost as much as inflating a
/// story), and the text is inflated straight into a buffer sized for it.
fn inflate(deflated: &[u8]) -> Result<String, String> {
    use flate2::{Decompress, FlushDecompress, Status};
    thread_local! {
        static INFLATER: std::cell::RefCell<Decompress> =
            std::cell::RefCell::new(Decompress::new(false));
    }
    INFLATER.with_borrow_mut(|inflater| {
        inflater.reset(false);
        // News text and tags JSON deflate to between a fifth and a half.
        let mut out = Vec::with_capacity(deflated.len().saturating_mul(4).max(1024));
        loop {
            let (read, written) = (inflater.total_in(), inflater.total_out());
            let input = deflated.get(read as usize..).unwrap_or_default();
            let status = inflater
                // Not `Finish`: that asks for the whole text in one call
                // and fails where the buffer is too small for it.
                .decompress_vec(input, &mut out, FlushDecompress::None)
                .map_err(|e| format!("stored JSON does not inflate: {e}"))?;
            if status == Status::StreamEnd {
                break;
            }
            if out.len() == out.capacity() {
                out.reserve(out.capacity());
            } else if inflater.total_in() == read && inflater.total_out() == written {
                return Err("stored JSON is cut short".into());
            }
        }
        String::from_utf8(out).map_err(|e| format!("stored JSON is not UTF-8: {e}"))
    })
}

impl rusqlite::ToSql for StoredText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(match self {
            StoredText::Plain(s) => s.to_sql()?,
            StoredText::Packed(b) => b.to_sql()?,
        })
    }
}

impl rusqlite::types::FromSql for StoredText {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value {
            rusqlite::types::ValueRef::Blob(b) => Ok(StoredText::Packed(b.to_vec())),
            other => String::column_result(other).map(StoredText::Plain),
        }
    }
}
