//! systemd readiness (`Type=notify`): `READY=1` once every core listens, `STOPPING=1` when a
//! graceful shutdown starts. A datagram to `$NOTIFY_SOCKET` (a path, or `@name` for the
//! abstract namespace); nothing happens when the variable is unset.

use std::os::unix::net::UnixDatagram;

/// Sends `state` (e.g. `"READY=1"`) to systemd if it asked for notifications.
pub fn notify(state: &str) {
    let Some(socket) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let result = UnixDatagram::unbound().and_then(|sender| {
        let bytes = socket.as_encoded_bytes();
        if let Some(name) = bytes.strip_prefix(b"@") {
            use std::os::linux::net::SocketAddrExt;
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
            sender.send_to_addr(state.as_bytes(), &addr)
        } else {
            sender.send_to(state.as_bytes(), &socket)
        }
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, state, "cannot notify systemd");
    }
}
