//! The command line. `absim` with no subcommand runs `absim serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "absim",
    version,
    about = "Amazon Business test-mode simulator: cXML punchout, storefront, purchase orders, confirmations, ship notices and the test log, offline"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Flags of `serve`, accepted without the subcommand.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the simulator (the default).
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ABSIM_ADDR")]
    pub addr: Option<SocketAddr>,
    /// The address written into StartPage URLs, forms and the PO Request URL
    /// (default `http://<addr>`).
    #[arg(long, env = "ABSIM_BASE_URL")]
    pub base_url: Option<String>,
    /// Where settings and state are kept (default ./absim-data).
    #[arg(long, env = "ABSIM_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Fix the default group's system login ("From Identity").
    #[arg(long, env = "ABSIM_IDENTITY")]
    pub identity: Option<String>,
    /// Fix the default group's password ("SharedSecret").
    #[arg(long, env = "ABSIM_SHARED_SECRET", hide_env_values = true)]
    pub shared_secret: Option<String>,
    /// Where the default group's order confirmations are posted.
    #[arg(long, env = "ABSIM_ORDER_CONFIRMATION_URL")]
    pub order_confirmation_url: Option<String>,
    /// Where the default group's ship notices are posted.
    #[arg(long, env = "ABSIM_SHIP_NOTICE_URL")]
    pub ship_notice_url: Option<String>,
    /// Seconds between a PO and its confirmation (default 15).
    #[arg(long, env = "ABSIM_CONFIRMATION_DELAY")]
    pub confirmation_delay: Option<u64>,
    /// Seconds between the confirmation and the ship notice (default 5).
    #[arg(long, env = "ABSIM_SHIP_NOTICE_DELAY")]
    pub ship_notice_delay: Option<u64>,
    /// A catalogue file replacing the embedded scenarios/catalog.toml.
    #[arg(long, env = "ABSIM_CATALOG")]
    pub catalog: Option<PathBuf>,
    /// A TOML file with the same settings (flags and environment win).
    #[arg(long, env = "ABSIM_CONFIG")]
    pub config: Option<PathBuf>,
}
