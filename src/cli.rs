//! The command line. `absim` with no subcommand runs `absim serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    Serve(Box<ServeArgs>),
    /// Run scenarios end to end with the reference buyer; JUnit and JSON
    /// reports; exit code 1 when a scenario fails.
    Run(RunArgs),
    /// Read cXML documents as absim would receive them: every error and
    /// deviation with its line and the DTD rule; exit code 1 on errors.
    Lint {
        /// The documents.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The reference buyer (the LINE WORKS bot's part) against a running
    /// absim.
    Buyer(BuyerArgs),
    /// Groups of a running absim, for CI pipelines: `group create` prints
    /// the new group's system login, password and PO Request URL.
    Group {
        #[command(subcommand)]
        action: GroupAction,
    },
    /// Lists a group's scenarios: id, state (selected, unlocked, locked),
    /// the latest mark, orders, name.
    Scenarios(ScenariosArgs),
    /// Opens a run: scenario X for group G. Prints the run id and the
    /// steps the purchasing system under test must perform.
    OpenRun(OpenRunArgs),
    /// Plays the shopper for a run: puts ASINs in the cart of the run's
    /// latest punchout and presses 承認を依頼する (or leaves empty-handed).
    Shop(ShopArgs),
    /// Waits for a run's verdict, prints each check as it is decided, writes
    /// JUnit and JSON reports; exit code 0 only when every check passed.
    /// With --group and scenarios, opens a run per scenario in turn.
    Verify(VerifyArgs),
    /// absim and the reference buyer in one process, the basic order run
    /// headlessly; both keep serving.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, default_value = "127.0.0.1:8081")]
        buyer_addr: SocketAddr,
        /// The store the demo's group buys in (JP, US, CA, UK, DE, FR, IT,
        /// ES, IN); the buyer ships to its sample address.
        #[arg(long, default_value = "JP")]
        marketplace: String,
    },
    /// The load benchmark: absim beside a bare floor server, same client.
    Bench(BenchArgs),
    /// The floor server of `absim bench` (prints its address, serves a
    /// fixed cXML answer).
    #[command(hide = true)]
    BenchFloor,
}

/// Where a running absim is, and its admin token.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// The running absim's base URL.
    #[arg(long, env = "ABSIM_TARGET", default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Its admin token (when it was started with one).
    #[arg(long, env = "ABSIM_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct BuyerArgs {
    /// Where the buyer listens.
    #[arg(long, default_value = "127.0.0.1:8081")]
    pub addr: SocketAddr,
    /// The simulator's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub simulator: String,
    /// The simulator's admin token (when it was started with one).
    #[arg(long, env = "ABSIM_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// The group whose credentials the buyer uses (it points the group's
    /// endpoints at itself).
    #[arg(long, default_value_t = 1)]
    pub group: u32,
    /// Send the PO as soon as a cart with items comes back (no person
    /// presses 決済する): the buyer as a system under test in CI.
    #[arg(long)]
    pub auto_pay: bool,
    /// The shopper's e-mail, registered at start.
    #[arg(long)]
    pub email: Option<String>,
    /// Make a mistake on purpose: drop-aux-id, no-retry, order-empty-cart.
    #[arg(long = "mistake", value_delimiter = ',')]
    pub mistakes: Vec<String>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum GroupAction {
    /// Creates a group (its system login, password and PO Request URL are
    /// generated unless given).
    Create(Box<GroupCreateArgs>),
    /// Deletes a group with its orders, sessions, runs and journal.
    Delete {
        #[command(flatten)]
        target: TargetArgs,
        /// The group's id.
        gid: u32,
    },
}

#[derive(Debug, Clone, Args)]
pub struct GroupCreateArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The group's name (a pipeline's, say).
    #[arg(long)]
    pub name: Option<String>,
    /// The purchasing system (LINE_WORKS, Coupa, SAP_Ariba, ...).
    #[arg(long)]
    pub purchasing_system: Option<String>,
    /// A fixed system login (generated otherwise).
    #[arg(long)]
    pub identity: Option<String>,
    /// A fixed password (generated otherwise).
    #[arg(long, hide_env_values = true)]
    pub shared_secret: Option<String>,
    /// Where order confirmations go (the system under test).
    #[arg(long)]
    pub confirmation_url: Option<String>,
    /// Where ship notices go.
    #[arg(long)]
    pub ship_notice_url: Option<String>,
    /// Where invoices go.
    #[arg(long)]
    pub invoice_url: Option<String>,
    /// The cart-return field: cxml-urlencoded or cxml-base64.
    #[arg(long)]
    pub cart_field: Option<String>,
    /// The Amazon Business store the group buys from, by code (JP, the
    /// default, US, CA, UK, DE, FR, IT, ES, IN: the target's marketplaces).
    #[arg(long, value_name = "CODE")]
    pub marketplace: Option<String>,
    /// The group is exempt from sales tax (only in a store with an
    /// exemption, US).
    #[arg(long)]
    pub tax_exempt: bool,
    /// Print JSON (the API's group) instead of the lines for people.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ScenariosArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The group whose scenarios to list.
    #[arg(long, default_value_t = 1)]
    pub group: u32,
    /// Print JSON (the API's list).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct OpenRunArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The group the run is for.
    #[arg(long)]
    pub group: u32,
    /// The scenario's id.
    pub scenario: String,
    /// Seconds the run waits for the system under test.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
    /// The language of steps and sentences: ja, en, de, fr, it or es
    /// (default: the group's store's, as its pages speak).
    #[arg(long)]
    pub lang: Option<String>,
    /// Print JSON (the API's run).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ShopArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The run whose latest punchout to shop in.
    #[arg(long)]
    pub run: String,
    /// ASIN:QUANTITY to put in the cart (repeatable; default the guide's
    /// desk, B087JWRCP5:1).
    #[arg(long = "add", value_delimiter = ',')]
    pub items: Vec<String>,
    /// Leave with an empty cart.
    #[arg(long)]
    pub empty: bool,
    /// Seconds to wait for the system under test to punch out.
    #[arg(long, default_value_t = 60)]
    pub wait: u64,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The run to wait for (opened with `absim open-run`).
    #[arg(long, conflicts_with_all = ["group", "all", "scenarios"])]
    pub run: Option<String>,
    /// Or: open a run per scenario for this group, in turn.
    #[arg(long, required_unless_present = "run")]
    pub group: Option<u32>,
    /// The scenarios to run (with --group).
    pub scenarios: Vec<String>,
    /// Every scenario of the catalogue (with --group).
    #[arg(long)]
    pub all: bool,
    /// Run this command for each scenario once its run is open ({run},
    /// {scenario}, {group} and {target} are replaced): it drives the system
    /// under test.
    #[arg(long)]
    pub each: Option<String>,
    /// Seconds to wait for each run's verdict.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
    /// The language of the sentences of the runs it opens: ja, en, de, fr,
    /// it or es (default: the group's store's, as with open-run).
    #[arg(long)]
    pub lang: Option<String>,
    /// Write a JUnit XML report here (each check a test case).
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Mark each run's orders 成功 or 失敗 from its verdict, with this
    /// comment (name the CI run).
    #[arg(long)]
    pub mark: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Scenario ids to run (see the test UI or GET /api/v1/groups/1/scenarios).
    pub scenarios: Vec<String>,
    /// Run every scenario of the catalogue.
    #[arg(long)]
    pub all: bool,
    /// A running absim to test against (its base URL); by default one is
    /// started in-process, in memory, on a free port.
    #[arg(long)]
    pub target: Option<String>,
    /// The target group's system login (default: read through its API).
    #[arg(long)]
    pub identity: Option<String>,
    /// The target group's password (default: read through its API).
    #[arg(long)]
    pub shared_secret: Option<String>,
    /// Scenarios run at once.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Write a JUnit XML report here.
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Scenario files to use instead of the embedded ones.
    #[arg(long)]
    pub scenarios_dir: Option<PathBuf>,
    /// Seconds one scenario may wait for its documents.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// The target's admin token (when it was started with one).
    #[arg(long, env = "ABSIM_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Play the scenarios in this store (JP, US, CA, UK, DE, FR, IT, ES,
    /// IN): the run's group is set to it for the run; `all` plays them in
    /// every store in turn. Default: the group's own store.
    #[arg(long)]
    pub marketplace: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Seconds per run.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Connection counts to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "32,64")]
    pub connections: Vec<usize>,
    /// Fill the store to this many orders, then report memory, database size
    /// and start-up time (0 skips).
    #[arg(long, default_value_t = 100_000)]
    pub orders: u64,
    /// Keep the temporary data directory.
    #[arg(long)]
    pub keep: bool,
    /// Workloads to run, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "po,po-cart,setup,pages,mixed,flow"
    )]
    pub workloads: Vec<BenchWorkload>,
    /// Also run PO intake and the full flow on this PostgreSQL server, with
    /// one and with two replicas (each run on a fresh database made there).
    #[arg(long, env = "ABSIM_BENCH_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Pin absim and the floor to core 0 and the load generator to core 1,
    /// and report CPU time and heap allocations per request.
    #[arg(long)]
    pub pin: bool,
    /// Runs per workload, each the floor then absim: the rows show the
    /// middle run by ratio, and a row under them the spread of all (on a
    /// noisy host, an odd number from 3 up).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=99))]
    pub rounds: u32,
}

/// A workload of `absim bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchWorkload {
    /// PO intake: the 3.4 KB two-line OrderRequest, not linked to a
    /// punchout, with a fresh orderID and payloadID each time.
    Po,
    /// PO intake of a PO for a cart returned from a punchout session.
    PoCart,
    /// PunchOutSetupRequests.
    Setup,
    /// Storefront pages (home, search, product, cart) of one session.
    Pages,
    /// 90% storefront pages, 10% POs.
    Mixed,
    /// The full flow, in completed orders per second.
    Flow,
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
    /// How refusals of the default group's cXML requests travel over HTTP:
    /// code (the HTTP status equals the cXML code, the default) or http-200.
    #[arg(long, env = "ABSIM_CXML_ERRORS", value_parser = ["code", "http-200"])]
    pub cxml_errors: Option<String>,
    /// Where the default group's invoices are posted (scenarios with an
    /// invoice).
    #[arg(long, env = "ABSIM_INVOICE_URL")]
    pub invoice_url: Option<String>,
    /// Seconds between a PO and its confirmation (default 15).
    #[arg(long, env = "ABSIM_CONFIRMATION_DELAY")]
    pub confirmation_delay: Option<u64>,
    /// Seconds between the confirmation and the ship notice (default 5).
    #[arg(long, env = "ABSIM_SHIP_NOTICE_DELAY")]
    pub ship_notice_delay: Option<u64>,
    /// Keep everything in memory: no file is written (throwaway CI runs).
    #[arg(long, env = "ABSIM_IN_MEMORY")]
    pub in_memory: bool,
    /// Keep everything in PostgreSQL (postgres://user@host/db) instead of
    /// SQLite: any number of absim processes may share it.
    #[arg(long, env = "ABSIM_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// This process's name in logs, the journal and delivery claims
    /// (default: the host name and four random hex digits).
    #[arg(long, env = "ABSIM_REPLICA_ID")]
    pub replica_id: Option<String>,
    /// Delete orders (with their documents, deliveries and journal entries)
    /// received more than this many days ago.
    #[arg(long, env = "ABSIM_RETAIN_DAYS")]
    pub retain_days: Option<u32>,
    /// Keep at most this many orders per group (the newest).
    #[arg(long, env = "ABSIM_RETAIN_ORDERS")]
    pub retain_orders: Option<u64>,
    /// Let retention delete marked orders too (by default they stay).
    #[arg(long, env = "ABSIM_RETAIN_MARKED")]
    pub retain_marked: bool,
    /// Delete journal entries older than this many days.
    #[arg(long, env = "ABSIM_RETAIN_JOURNAL_DAYS")]
    pub retain_journal_days: Option<u32>,
    /// Keep at most this many journal entries (the newest).
    #[arg(long, env = "ABSIM_RETAIN_JOURNAL")]
    pub retain_journal: Option<u64>,
    /// Seconds between SIGTERM and closing the listener, while /readyz
    /// answers 503 so that a load balancer stops sending (default 0).
    #[arg(long, env = "ABSIM_SHUTDOWN_GRACE")]
    pub shutdown_grace: Option<u64>,
    /// Commit durability: `normal` survives a crash of absim (kill -9),
    /// `full` also a power loss (an fsync per batch).
    #[arg(long, env = "ABSIM_SYNC", value_parser = ["normal", "full"])]
    pub sync: Option<String>,
    /// Delivery attempts before a document is marked failed (default 6).
    #[arg(long, env = "ABSIM_RETRY_ATTEMPTS")]
    pub retry_attempts: Option<u32>,
    /// Seconds before the first retry; each wait doubles (default 120).
    #[arg(long, env = "ABSIM_RETRY_BASE")]
    pub retry_base: Option<u64>,
    /// Seconds absim waits for a buyer endpoint (default 30).
    #[arg(long, env = "ABSIM_OUTBOUND_TIMEOUT")]
    pub outbound_timeout: Option<u64>,
    /// Inject a fault into the default group's PO answers: http500-html,
    /// http503, cxml500, timeout, delay, malformed.
    #[arg(long, env = "ABSIM_FAULT")]
    pub fault: Option<String>,
    /// How many POs get the fault.
    #[arg(long, env = "ABSIM_FAULT_COUNT")]
    pub fault_count: Option<u32>,
    /// Or which share of POs (percent).
    #[arg(long, env = "ABSIM_FAULT_SHARE")]
    pub fault_share: Option<u8>,
    /// For `delay`: milliseconds.
    #[arg(long, env = "ABSIM_FAULT_DELAY_MS")]
    pub fault_delay_ms: Option<u64>,
    /// For `timeout`: seconds absim holds the request (default 60).
    #[arg(long, env = "ABSIM_FAULT_TIMEOUT")]
    pub fault_timeout: Option<u64>,
    /// A folder of marketplace files (products.toml and one file per store)
    /// replacing the embedded marketplaces/.
    #[arg(long, env = "ABSIM_MARKETPLACES")]
    pub marketplaces: Option<PathBuf>,
    /// The default group's store: JP (the default), US, CA, UK, DE, FR, IT,
    /// ES or IN.
    #[arg(long, env = "ABSIM_MARKETPLACE")]
    pub marketplace: Option<String>,
    /// A folder of scenario files replacing the embedded scenarios/*.toml.
    #[arg(long, env = "ABSIM_SCENARIOS")]
    pub scenarios: Option<PathBuf>,
    /// Send order e-mails through this SMTP server (smtp://host:port);
    /// without it they stay in the outbox pages.
    #[arg(long, env = "ABSIM_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The From address of order e-mails (default no-reply@absim.local).
    #[arg(long, env = "ABSIM_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Hosts the JSON API may post a returned cart to server-side
    /// (repeatable; default 127.0.0.1, localhost, ::1).
    #[arg(long, env = "ABSIM_ALLOW_HOOK_HOST", value_delimiter = ',')]
    pub allow_hook_host: Vec<String>,
    /// The largest request body in bytes (default 5 MB; 413 beyond).
    #[arg(long, env = "ABSIM_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seconds one request may take in all (default 120).
    #[arg(long, env = "ABSIM_REQUEST_TIMEOUT")]
    pub request_timeout: Option<u64>,
    /// Most punchout sessions kept (default 10000; the oldest idle go).
    #[arg(long, env = "ABSIM_MAX_SESSIONS")]
    pub max_sessions: Option<usize>,
    /// Hours an idle punchout session lives (default 24).
    #[arg(long, env = "ABSIM_SESSION_LIFETIME")]
    pub session_lifetime: Option<u64>,
    /// Require this token for the test UI, settings and the JSON API (the
    /// UI asks once and keeps a cookie; the API takes `Authorization: Bearer`).
    /// At least 8 letters, digits, '-', '_', '.' or '~'.
    #[arg(long, env = "ABSIM_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Serve without an admin token on a non-loopback address anyway.
    #[arg(long, env = "ABSIM_INSECURE_OPEN")]
    pub insecure_open: bool,
    /// A TOML file with the same settings (flags and environment win).
    #[arg(long, env = "ABSIM_CONFIG")]
    pub config: Option<PathBuf>,
}
