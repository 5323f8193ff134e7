//! In-memory reference server for trying the clients:
//! `cargo run -p corevec-client --example mock_server -- 127.0.0.1:7700 [token]`.
//! Prints `listening on ADDR` once ready.

#[path = "../tests/support/mock_server.rs"]
mod mock_server;

fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:7700".to_owned());
    let token = args.next();
    let server = mock_server::MockServer::start_on(&addr, token.as_deref().map(str::as_bytes));
    println!("listening on {}", server.addr);
    loop {
        std::thread::park();
    }
}
