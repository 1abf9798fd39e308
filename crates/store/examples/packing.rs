//! How the store's two packings of a revision's JSON compare on a real
//! store: zstd at level 1 (what the writer packs today) and raw deflate at
//! its fastest level (what versions before wrote, still read).
//!
//! Reads every revision's content and tags from a `store.db` through the
//! store's own [`Reader`] (for instance the data directory of `newsterm
//! serve` after `newsterm import` of the bundled articles), writes them as
//! the JSON the writer packs, then packs and unpacks each text both ways,
//! one at a time as the writer and the readers do, and prints sizes and
//! the time a story takes, the fastest of five rounds.
//!
//! ```sh
//! cargo run --release -p newsterm-store --example packing -- DATA/store.db
//! ```

use std::time::{Duration, Instant};

use newsterm_store::Reader;

/// Revisions read from the store at a time.
const PAGE: usize = 1_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: packing STORE.db (a newsterm data directory's store.db)")?;
    let reader = Reader::open(std::path::Path::new(&path), 1)?;
    let mut contents = Vec::new();
    let mut tags = Vec::new();
    let mut after = 0;
    loop {
        let page = reader.since(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for story in &page {
            contents.push(serde_json::to_vec(&story.content)?);
            tags.push(serde_json::to_vec(&story.tags)?);
        }
    }
    if contents.is_empty() {
        return Err(format!("{path} holds no revisions").into());
    }
    println!("{} revisions of {path}", contents.len());
    for (what, texts) in [("content", &contents), ("tags", &tags)] {
        let raw: usize = texts.iter().map(Vec::len).sum();
        println!(
            "{what}: {raw} bytes of JSON, {} a revision",
            raw / texts.len()
        );
        compare(texts, raw)?;
    }
    Ok(())
}

fn compare(texts: &[Vec<u8>], raw: usize) -> Result<(), Box<dyn std::error::Error>> {
    let per = |d: Duration| d.as_secs_f64() * 1e6 / texts.len() as f64;
    let mut zstd_packer = zstd::bulk::Compressor::new(1)?;
    let mut zstd_unpacker = zstd::bulk::Decompressor::new()?;
    let mut deflater = flate2::Compress::new(flate2::Compression::fast(), false);
    let mut inflater = flate2::Decompress::new(false);
    let (mut best_zstd, mut best_deflate) = ([Duration::MAX; 2], [Duration::MAX; 2]);
    let (mut zstd_size, mut deflate_size) = (0, 0);
    for _ in 0..5 {
        let started = Instant::now();
        let frames: Vec<Vec<u8>> = texts
            .iter()
            .map(|t| zstd_packer.compress(t))
            .collect::<Result<_, _>>()?;
        let packed = started.elapsed();
        let started = Instant::now();
        for (frame, text) in frames.iter().zip(texts) {
            let out = zstd_unpacker.decompress(frame, text.len())?;
            assert_eq!(out.len(), text.len());
        }
        best_zstd = [
            best_zstd[0].min(packed),
            best_zstd[1].min(started.elapsed()),
        ];
        zstd_size = frames.iter().map(Vec::len).sum::<usize>();

        let started = Instant::now();
        let mut streams = Vec::with_capacity(texts.len());
        for text in texts {
            // One deflater kept and reset, as the store kept it.
            deflater.reset();
            let mut out = Vec::with_capacity(text.len() + text.len() / 100 + 128);
            let status = deflater.compress_vec(text, &mut out, flate2::FlushCompress::Finish)?;
            if status != flate2::Status::StreamEnd {
                return Err("deflate needed more room than it may take".into());
            }
            streams.push(out);
        }
        let packed = started.elapsed();
        let started = Instant::now();
        for (stream, text) in streams.iter().zip(texts) {
            inflater.reset(false);
            let mut out = Vec::with_capacity(text.len());
            inflater.decompress_vec(stream, &mut out, flate2::FlushDecompress::Finish)?;
            assert_eq!(out.len(), text.len());
        }
        best_deflate = [
            best_deflate[0].min(packed),
            best_deflate[1].min(started.elapsed()),
        ];
        deflate_size = streams.iter().map(Vec::len).sum::<usize>();
    }
    for (name, size, [pack, unpack]) in [
        ("zstd, level 1", zstd_size, best_zstd),
        ("deflate, fastest", deflate_size, best_deflate),
    ] {
        println!(
            "  {name:<17} {size:>9} bytes ({:.2}x)  pack {:>5.1} us  unpack {:>5.1} us a revision",
            raw as f64 / size as f64,
            per(pack),
            per(unpack)
        );
    }
    Ok(())
}
