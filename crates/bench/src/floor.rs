//! The floor: what the machine's loopback costs before newsterm does
//! anything. A round trip bounds one subscriber's latency from below; a
//! socket write bounds the cost of each extra delivery.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::BenchError;
use crate::report::{Figure, Percentiles, r1};

pub struct Floor {
    pub rtt: Figure,
    pub write: Figure,
    pub rtt_p50_us: f64,
    pub rtt_p99_us: f64,
    pub write_us: f64,
}

const ROUND_TRIPS: usize = 20_000;
const WRITES: usize = 200_000;
/// About the size of one SSE headline event.
const FRAME: usize = 300;

pub fn measure() -> Result<Floor, BenchError> {
    let (rtt, p) = round_trip()?;
    let (write, w) = socket_write()?;
    Ok(Floor {
        rtt,
        write,
        rtt_p50_us: p.p50,
        rtt_p99_us: p.p99,
        write_us: w,
    })
}

fn round_trip() -> Result<(Figure, Percentiles), BenchError> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let echo = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut s, _) = listener.accept()?;
        s.set_nodelay(true)?;
        let mut buf = [0u8; 64];
        loop {
            match s.read_exact(&mut buf) {
                Ok(()) => s.write_all(&buf)?,
                Err(_) => return Ok(()),
            }
        }
    });
    let mut c = TcpStream::connect(addr)?;
    c.set_nodelay(true)?;
    let mut buf = [7u8; 64];
    let mut samples = Vec::with_capacity(ROUND_TRIPS);
    for i in 0..ROUND_TRIPS + 1000 {
        let t = Instant::now();
        c.write_all(&buf)?;
        c.read_exact(&mut buf)?;
        // The first thousand warm the path up.
        if i >= 1000 {
            samples.push(t.elapsed());
        }
    }
    drop(c);
    let _ = echo.join();
    let p = Percentiles::of(&mut samples);
    let fig = Figure::new("floor")
        .with("what", "loopback TCP round trip, 64 B")
        .with("p50_us", r1(p.p50))
        .with("p99_us", r1(p.p99))
        .with("max_us", r1(p.max));
    Ok((fig, p))
}

fn socket_write() -> Result<(Figure, f64), BenchError> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let drain = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut s, _) = listener.accept()?;
        let mut buf = vec![0u8; 1 << 16];
        while s.read(&mut buf)? > 0 {}
        Ok(())
    });
    let mut c = TcpStream::connect(addr)?;
    c.set_nodelay(true)?;
    let frame = [b'x'; FRAME];
    let t = Instant::now();
    for _ in 0..WRITES {
        c.write_all(&frame)?;
    }
    let per = t.elapsed() / WRITES as u32;
    drop(c);
    let _ = drain.join();
    let us = per.as_secs_f64() * 1e6;
    let fig = Figure::new("floor")
        .with("what", "one socket write, 300 B")
        .with("mean_us", (us * 100.0).round() / 100.0);
    Ok((fig, us.max(Duration::from_nanos(1).as_secs_f64() * 1e6)))
}
