//! One module per subcommand.

pub mod client;
pub mod import;
pub mod serve;
