//! One module per subcommand.

pub mod backup;
pub mod check;
pub mod client;
pub mod export;
pub mod import;
pub mod repair;
pub mod route;
pub mod serve;
