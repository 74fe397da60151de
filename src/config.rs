//! Settings from flags, environment variables and an optional TOML file, in
//! that order of precedence, then the embedded defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;

use crate::cli::ServeArgs;
use crate::domain::delivery::RetryPolicy;
use crate::domain::fault::{FaultKind, FaultPlan};
use crate::store::{DatabaseUrl, Durability, Location, Retention};

/// Everything `serve` needs, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    /// The address written into StartPage URLs, forms and the PO Request URL.
    pub base_url: String,
    /// Where `absim.db` lives; None keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL instead of SQLite (then `data_dir` is not used).
    pub database_url: Option<DatabaseUrl>,
    pub durability: Durability,
    /// This process's name in logs, the journal and delivery claims.
    pub replica_id: String,
    /// What the store keeps (the oldest orders and journal entries go).
    pub retention: Retention,
    /// How often the retention pass runs.
    pub retention_interval: Duration,
    /// How long absim keeps serving after SIGTERM with `/readyz` failing,
    /// before it closes its listener.
    pub shutdown_grace: Duration,
    pub retry: RetryPolicy,
    /// Faults for the default group's PO answers, set at start.
    pub faults: Option<FaultPlan>,
    pub identity: Option<String>,
    pub shared_secret: Option<String>,
    pub order_confirmation_url: Option<String>,
    pub ship_notice_url: Option<String>,
    pub invoice_url: Option<String>,
    /// How the default group's cXML refusals travel over HTTP, set at start.
    pub cxml_errors: Option<crate::domain::ErrorForm>,
    pub confirmation_delay: Duration,
    pub ship_notice_delay: Duration,
    /// A folder of marketplace files replacing the embedded ones.
    pub marketplaces: Option<PathBuf>,
    /// The default group's store, set at start.
    pub marketplace: Option<String>,
    /// A folder of scenario files replacing the embedded ones.
    pub scenarios: Option<PathBuf>,
    /// Where order e-mails are sent (`smtp://host:port`); None keeps them in
    /// the outbox only.
    pub smtp_url: Option<String>,
    /// The From of order e-mails.
    pub mail_from: String,
    /// How long absim waits for a buyer endpoint.
    pub outbound_timeout: Duration,
    /// Hosts the API may post a cart to server-side (loopback by default).
    pub allowed_hook_hosts: Vec<String>,
    /// The largest request body absim reads (413 beyond).
    pub max_body_bytes: usize,
    /// How long one request may take in all (408 beyond).
    pub request_timeout: Duration,
    /// Most punchout sessions kept; the oldest idle ones go first.
    pub max_sessions: usize,
    /// How long an idle punchout session lives.
    pub session_lifetime: Duration,
    /// Multiplies the delays scenarios set between ship notices (the suite
    /// runner uses 0 to run the catalogue quickly).
    pub scenario_delay_scale: f64,
    /// When set, the test UI, settings and the JSON API require it (a bearer
    /// header or the cookie the login page sets). Never logged.
    pub admin_token: Option<String>,
    /// Accept serving without an admin token on a non-loopback address.
    pub insecure_open: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: "http://127.0.0.1:8080".into(),
            data_dir: Some(PathBuf::from("absim-data")),
            database_url: None,
            durability: Durability::Normal,
            replica_id: generate_replica_id(),
            retention: Retention::default(),
            retention_interval: Duration::from_secs(60),
            shutdown_grace: Duration::ZERO,
            retry: RetryPolicy::default(),
            faults: None,
            identity: None,
            shared_secret: None,
            order_confirmation_url: None,
            ship_notice_url: None,
            invoice_url: None,
            cxml_errors: None,
            confirmation_delay: Duration::from_secs(15),
            ship_notice_delay: Duration::from_secs(5),
            marketplaces: None,
            marketplace: None,
            scenarios: None,
            smtp_url: None,
            mail_from: "no-reply@absim.local".into(),
            outbound_timeout: Duration::from_secs(30),
            allowed_hook_hosts: vec!["127.0.0.1".into(), "localhost".into(), "::1".into()],
            scenario_delay_scale: 1.0,
            max_body_bytes: 5 * 1024 * 1024,
            request_timeout: Duration::from_secs(120),
            max_sessions: 10_000,
            session_lifetime: Duration::from_secs(24 * 3600),
            admin_token: None,
            insecure_open: false,
        }
    }
}

/// The optional TOML file: the same settings as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileSettings {
    addr: Option<SocketAddr>,
    base_url: Option<String>,
    data_dir: Option<PathBuf>,
    in_memory: Option<bool>,
    database_url: Option<String>,
    replica_id: Option<String>,
    retain_days: Option<u32>,
    retain_orders: Option<u64>,
    retain_marked: Option<bool>,
    retain_journal_days: Option<u32>,
    retain_journal: Option<u64>,
    shutdown_grace: Option<u64>,
    sync: Option<String>,
    retry_attempts: Option<u32>,
    retry_base: Option<u64>,
    outbound_timeout: Option<u64>,
    fault: Option<String>,
    fault_count: Option<u32>,
    fault_share: Option<u8>,
    fault_delay_ms: Option<u64>,
    fault_timeout: Option<u64>,
    identity: Option<String>,
    shared_secret: Option<String>,
    order_confirmation_url: Option<String>,
    ship_notice_url: Option<String>,
    invoice_url: Option<String>,
    cxml_errors: Option<String>,
    confirmation_delay: Option<u64>,
    ship_notice_delay: Option<u64>,
    marketplaces: Option<PathBuf>,
    marketplace: Option<String>,
    scenarios: Option<PathBuf>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    allow_hook_host: Option<Vec<String>>,
    max_body_bytes: Option<usize>,
    request_timeout: Option<u64>,
    max_sessions: Option<usize>,
    session_lifetime: Option<u64>,
    admin_token: Option<String>,
    insecure_open: Option<bool>,
}

/// Orders kept per group and journal entries kept by `--in-memory` unless
/// told otherwise: every PO stays in memory with its documents and journal
/// entries, so without a bound a long run would grow without end.
pub const IN_MEMORY_RETENTION: Retention = Retention {
    days: None,
    orders_per_group: Some(5_000),
    marked: false,
    journal_days: None,
    journal_entries: Some(20_000),
};

/// A replica id: the host name (a pod's name under Kubernetes) and four
/// random hex digits, so that two processes on one host differ.
pub fn generate_replica_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "absim".into());
    format!("{host}-{:04x}", rand::random::<u16>())
}

impl Settings {
    /// Where the store lives.
    pub fn location(&self) -> Location {
        match (&self.database_url, &self.data_dir) {
            (Some(url), _) => Location::Postgres(url.clone()),
            (None, Some(dir)) => Location::File(dir.join("absim.db")),
            (None, None) => Location::Memory,
        }
    }

    /// Refuses an admin token that cannot travel in a cookie, and an open
    /// admin surface on a reachable address: bound to anything but loopback,
    /// absim needs an admin token (or the operator's explicit
    /// `--insecure-open`).
    pub fn check_exposure(&self) -> anyhow::Result<()> {
        if let Some(token) = &self.admin_token {
            anyhow::ensure!(
                token.len() >= 8
                    && token
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b)),
                "the admin token must be at least 8 characters of letters, digits, '-', '_', '.' or '~' (it travels in a cookie and a header)"
            );
        }
        if self.addr.ip().is_loopback() || self.admin_token.is_some() || self.insecure_open {
            return Ok(());
        }
        anyhow::bail!(
            "absim is bound to {}, which other machines can reach, and has no admin token: anyone could change its settings and read its test log.\n\
             Set one with --admin-token <TOKEN> (or ABSIM_ADMIN_TOKEN), or pass --insecure-open to accept the risk.",
            self.addr
        )
    }

    /// The settings `serve` runs with: each from its flag (or the flag's
    /// environment variable, which the command line reads), else the file,
    /// else the default.
    pub fn resolve(args: &ServeArgs) -> anyhow::Result<Settings> {
        let file = read_file(args.config.as_deref())?;
        let d = Settings::default();
        let addr = args.addr.or(file.addr).unwrap_or(d.addr);
        let store = choose_store(args, &file)?;
        Ok(Settings {
            addr,
            base_url: given(&args.base_url, &file.base_url)
                .unwrap_or_else(|| format!("http://{addr}"))
                .trim_end_matches('/')
                .to_owned(),
            data_dir: store.data_dir,
            database_url: store.database_url,
            durability: durability(args, &file)?,
            replica_id: given_text(&args.replica_id, &file.replica_id).unwrap_or(d.replica_id),
            retention: store.retention,
            retention_interval: d.retention_interval,
            shutdown_grace: seconds(args.shutdown_grace, file.shutdown_grace, d.shutdown_grace),
            retry: retry_policy(args, &file, d.retry),
            faults: fault_plan(args, &file)?,
            identity: given_text(&args.identity, &file.identity),
            shared_secret: given_text(&args.shared_secret, &file.shared_secret),
            order_confirmation_url: given_text(
                &args.order_confirmation_url,
                &file.order_confirmation_url,
            ),
            ship_notice_url: given_text(&args.ship_notice_url, &file.ship_notice_url),
            invoice_url: given_text(&args.invoice_url, &file.invoice_url),
            cxml_errors: given_text(&args.cxml_errors, &file.cxml_errors)
                .map(|f| crate::domain::ErrorForm::parse(&f))
                .transpose()
                .map_err(anyhow::Error::msg)?,
            confirmation_delay: seconds(
                args.confirmation_delay,
                file.confirmation_delay,
                d.confirmation_delay,
            ),
            ship_notice_delay: seconds(
                args.ship_notice_delay,
                file.ship_notice_delay,
                d.ship_notice_delay,
            ),
            marketplaces: given(&args.marketplaces, &file.marketplaces),
            marketplace: given_text(&args.marketplace, &file.marketplace),
            scenarios: given(&args.scenarios, &file.scenarios),
            smtp_url: given_text(&args.smtp_url, &file.smtp_url),
            mail_from: given_text(&args.mail_from, &file.mail_from).unwrap_or(d.mail_from),
            outbound_timeout: seconds(
                args.outbound_timeout,
                file.outbound_timeout,
                d.outbound_timeout,
            ),
            allowed_hook_hosts: hook_hosts(&args.allow_hook_host, &file, d.allowed_hook_hosts),
            scenario_delay_scale: d.scenario_delay_scale,
            max_body_bytes: given(&args.max_body_bytes, &file.max_body_bytes)
                .unwrap_or(d.max_body_bytes),
            request_timeout: seconds(
                args.request_timeout,
                file.request_timeout,
                d.request_timeout,
            ),
            max_sessions: given(&args.max_sessions, &file.max_sessions)
                .unwrap_or(d.max_sessions)
                .max(1),
            session_lifetime: given(&args.session_lifetime, &file.session_lifetime)
                .map(|hours| Duration::from_secs(hours * 3600))
                .unwrap_or(d.session_lifetime),
            admin_token: given(&args.admin_token, &file.admin_token).filter(|t| !t.is_empty()),
            insecure_open: args.insecure_open || file.insecure_open.unwrap_or(false),
        })
    }
}

/// The file named by `--config`, or no settings from a file.
fn read_file(path: Option<&Path>) -> anyhow::Result<FileSettings> {
    let Some(path) = path else {
        return Ok(FileSettings::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the config file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("the config file {} is not valid", path.display()))
}

/// A value given as a flag (or its environment variable) wins over the
/// file's.
fn given<T: Clone>(flag: &Option<T>, file: &Option<T>) -> Option<T> {
    flag.as_ref().or(file.as_ref()).cloned()
}

/// A text value as [`given`], where blank means unset: a blank flag (an
/// environment variable set empty) clears the file's value rather than
/// falling back to it.
fn given_text(flag: &Option<String>, file: &Option<String>) -> Option<String> {
    given(flag, file).filter(|s| !s.trim().is_empty())
}

/// A duration given in whole seconds as [`given`], else `default`.
fn seconds(flag: Option<u64>, file: Option<u64>, default: Duration) -> Duration {
    flag.or(file).map(Duration::from_secs).unwrap_or(default)
}

/// Where the store lives, and what it keeps.
#[derive(Debug)]
struct StoreChoice {
    data_dir: Option<PathBuf>,
    database_url: Option<DatabaseUrl>,
    retention: Retention,
}

/// Memory, a SQLite file in the data directory, or PostgreSQL: memory and
/// PostgreSQL exclude each other.
fn choose_store(args: &ServeArgs, file: &FileSettings) -> anyhow::Result<StoreChoice> {
    let in_memory = args.in_memory || file.in_memory.unwrap_or(false);
    let database_url = given_text(&args.database_url, &file.database_url)
        .map(|u| DatabaseUrl::parse(&u))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        !(in_memory && database_url.is_some()),
        "--in-memory and --database-url exclude each other: choose memory or PostgreSQL"
    );
    let data_dir = (!in_memory).then(|| {
        given(&args.data_dir, &file.data_dir).unwrap_or_else(|| PathBuf::from("absim-data"))
    });
    Ok(StoreChoice {
        data_dir,
        database_url,
        retention: retention(args, file, in_memory),
    })
}

/// What the store keeps, as given; a store in memory that was given no
/// bound keeps [`IN_MEMORY_RETENTION`] (and whether marked orders are kept).
fn retention(args: &ServeArgs, file: &FileSettings, in_memory: bool) -> Retention {
    let given = Retention {
        days: args.retain_days.or(file.retain_days),
        orders_per_group: args.retain_orders.or(file.retain_orders),
        marked: args.retain_marked || file.retain_marked.unwrap_or(false),
        journal_days: args.retain_journal_days.or(file.retain_journal_days),
        journal_entries: args.retain_journal.or(file.retain_journal),
    };
    if in_memory && given.is_off() {
        return Retention {
            marked: given.marked,
            ..IN_MEMORY_RETENTION
        };
    }
    given
}

/// `--sync`: normal unless full is asked for; anything else is refused.
fn durability(args: &ServeArgs, file: &FileSettings) -> anyhow::Result<Durability> {
    Ok(match given(&args.sync, &file.sync).as_deref() {
        None | Some("normal") => Durability::Normal,
        Some("full") => Durability::Full,
        Some(other) => anyhow::bail!("sync '{other}' is neither normal nor full"),
    })
}

/// The retry schedule, with at least one attempt.
fn retry_policy(args: &ServeArgs, file: &FileSettings, default: RetryPolicy) -> RetryPolicy {
    RetryPolicy {
        attempts: given(&args.retry_attempts, &file.retry_attempts)
            .unwrap_or(default.attempts)
            .max(1),
        base: seconds(args.retry_base, file.retry_base, default.base),
        ..default
    }
}

/// The faults set at start, if a kind is given: it needs a count or a share
/// to say how many POs it hits.
fn fault_plan(args: &ServeArgs, file: &FileSettings) -> anyhow::Result<Option<FaultPlan>> {
    let Some(kind) = given(&args.fault, &file.fault) else {
        return Ok(None);
    };
    let plan = FaultPlan {
        kind: Some(FaultKind::parse(&kind).map_err(anyhow::Error::msg)?),
        remaining: args.fault_count.or(file.fault_count),
        share_percent: args.fault_share.or(file.fault_share),
        delay_ms: args.fault_delay_ms.or(file.fault_delay_ms).unwrap_or(0),
        timeout_secs: args.fault_timeout.or(file.fault_timeout).unwrap_or(60),
    };
    plan.validate().map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        plan.remaining.is_some() || plan.share_percent.is_some(),
        "--fault needs --fault-count or --fault-share"
    );
    Ok(Some(plan))
}

/// The hosts a cart may be posted to: the flags' list replaces the file's,
/// which replaces the default.
fn hook_hosts(flags: &[String], file: &FileSettings, default: Vec<String>) -> Vec<String> {
    if flags.is_empty() {
        file.allow_hook_host.clone().unwrap_or(default)
    } else {
        flags.to_vec()
    }
}

#[cfg(test)]
mod tests;
