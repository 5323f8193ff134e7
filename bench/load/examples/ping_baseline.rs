//! The simplest possible PING client, as a yardstick for `corevec-load ping`: one thread, one
//! blocking std socket, `DEPTH` PINGs written back to back, then `DEPTH` answers read.
//!
//! `cargo run --release -p corevec-load --example ping_baseline -- ADDR [DEPTH] [SECONDS]`
//!
//! Prints ops/s and this process's CPU use; if `corevec-load ping` with the same connection
//! count and depth reaches the same QPS with less or equal CPU, the generator is not the
//! bottleneck.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use corevec_proto::{Error, Frame, Hello, Request, RequestId, Response};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:7717".into());
    let depth: usize = args.next().map_or(Ok(64), |s| s.parse())?;
    let seconds: f64 = args.next().map_or(Ok(10.0), |s| s.parse())?;

    let mut stream = TcpStream::connect(&addr)?;
    stream.set_nodelay(true)?;
    let mut out = Vec::new();
    Request::Hello(Hello {
        version_min: 1,
        version_max: 1,
        features: 0,
        token: b"",
    })
    .encode(RequestId(1), &mut out)?;
    stream.write_all(&out)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0;
    read_frames(&mut stream, &mut buf, &mut len, 1)?;

    let cpu0 = corevec_load::stats::cpu_seconds(None);
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut id = 2u64;
    let mut ops = 0u64;
    while Instant::now() < deadline {
        out.clear();
        for _ in 0..depth {
            Request::Ping.encode(RequestId(id), &mut out)?;
            id += 1;
        }
        stream.write_all(&out)?;
        ops += read_frames(&mut stream, &mut buf, &mut len, depth)? as u64;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu0
        .zip(corevec_load::stats::cpu_seconds(None))
        .map_or(f64::NAN, |(a, b)| 100.0 * (b - a) / elapsed);
    println!(
        "{{\"mode\":\"ping_baseline\",\"depth\":{depth},\"duration_s\":{elapsed:.3},\"ops\":{ops},\"qps\":{:.1},\"client_cpu_pct\":{cpu:.1}}}",
        ops as f64 / elapsed
    );
    Ok(())
}

/// Read until `want` complete frames have been consumed; every one must be a PING answer.
fn read_frames(
    stream: &mut TcpStream,
    buf: &mut [u8],
    len: &mut usize,
    want: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut got = 0;
    while got < want {
        let mut at = 0;
        loop {
            match Frame::check(&buf[at..*len]) {
                Ok(n) => {
                    let frame = Frame::parse(&buf[at..at + n])?;
                    match Response::decode_frame(&frame)? {
                        Response::Ping | Response::Hello(_) => {}
                        other => return Err(format!("unexpected {other:?}").into()),
                    }
                    at += n;
                    got += 1;
                }
                Err(Error::Incomplete) => break,
                Err(e) => return Err(e.into()),
            }
        }
        buf.copy_within(at..*len, 0);
        *len -= at;
        if got < want {
            let n = stream.read(&mut buf[*len..])?;
            if n == 0 {
                return Err("server closed the connection".into());
            }
            *len += n;
        }
    }
    Ok(got)
}
