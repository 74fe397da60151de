//! Settings from flags, environment variables and an optional TOML file, in
//! that order of precedence, then the embedded defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
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
    /// A catalogue file replacing the embedded one.
    pub catalog: Option<PathBuf>,
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
            catalog: None,
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
    catalog: Option<PathBuf>,
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
/// told otherwise: its memory would otherwise grow by about 11 KB per PO.
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

    pub fn resolve(args: &ServeArgs) -> anyhow::Result<Settings> {
        let file: FileSettings = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the config file {}", path.display()))?;
                toml::from_str(&text)
                    .with_context(|| format!("the config file {} is not valid", path.display()))?
            }
            None => FileSettings::default(),
        };
        let d = Settings::default();
        let addr = args.addr.or(file.addr).unwrap_or(d.addr);
        let base_url = args
            .base_url
            .clone()
            .or(file.base_url)
            .unwrap_or_else(|| format!("http://{addr}"));
        let pick = |a: &Option<String>, f: Option<String>| {
            a.clone().or(f).filter(|s| !s.trim().is_empty())
        };
        let in_memory = args.in_memory || file.in_memory.unwrap_or(false);
        let database_url = pick(&args.database_url, file.database_url)
            .map(|u| DatabaseUrl::parse(&u))
            .transpose()
            .map_err(anyhow::Error::msg)?;
        anyhow::ensure!(
            !(in_memory && database_url.is_some()),
            "--in-memory and --database-url exclude each other: choose memory or PostgreSQL"
        );
        let mut retention = Retention {
            days: args.retain_days.or(file.retain_days),
            orders_per_group: args.retain_orders.or(file.retain_orders),
            marked: args.retain_marked || file.retain_marked.unwrap_or(false),
            journal_days: args.retain_journal_days.or(file.retain_journal_days),
            journal_entries: args.retain_journal.or(file.retain_journal),
        };
        if in_memory && retention.is_off() {
            retention = Retention {
                marked: retention.marked,
                ..IN_MEMORY_RETENTION
            };
        }
        let durability = match args.sync.clone().or(file.sync).as_deref() {
            None | Some("normal") => Durability::Normal,
            Some("full") => Durability::Full,
            Some(other) => anyhow::bail!("sync '{other}' is neither normal nor full"),
        };
        let retry = RetryPolicy {
            attempts: args
                .retry_attempts
                .or(file.retry_attempts)
                .unwrap_or(d.retry.attempts)
                .max(1),
            base: args
                .retry_base
                .or(file.retry_base)
                .map(Duration::from_secs)
                .unwrap_or(d.retry.base),
            ..d.retry
        };
        let faults = match args.fault.clone().or(file.fault) {
            None => None,
            Some(kind) => {
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
                Some(plan)
            }
        };
        Ok(Settings {
            addr,
            base_url: base_url.trim_end_matches('/').to_owned(),
            data_dir: (!in_memory).then(|| {
                args.data_dir
                    .clone()
                    .or(file.data_dir)
                    .unwrap_or_else(|| PathBuf::from("absim-data"))
            }),
            database_url,
            durability,
            replica_id: pick(&args.replica_id, file.replica_id).unwrap_or(d.replica_id),
            retention,
            retention_interval: d.retention_interval,
            shutdown_grace: args
                .shutdown_grace
                .or(file.shutdown_grace)
                .map(Duration::from_secs)
                .unwrap_or(d.shutdown_grace),
            retry,
            faults,
            identity: pick(&args.identity, file.identity),
            shared_secret: pick(&args.shared_secret, file.shared_secret),
            order_confirmation_url: pick(&args.order_confirmation_url, file.order_confirmation_url),
            ship_notice_url: pick(&args.ship_notice_url, file.ship_notice_url),
            invoice_url: pick(&args.invoice_url, file.invoice_url),
            cxml_errors: pick(&args.cxml_errors, file.cxml_errors)
                .map(|f| crate::domain::ErrorForm::parse(&f))
                .transpose()
                .map_err(anyhow::Error::msg)?,
            confirmation_delay: Duration::from_secs(
                args.confirmation_delay
                    .or(file.confirmation_delay)
                    .unwrap_or(15),
            ),
            ship_notice_delay: Duration::from_secs(
                args.ship_notice_delay
                    .or(file.ship_notice_delay)
                    .unwrap_or(5),
            ),
            catalog: args.catalog.clone().or(file.catalog),
            scenarios: args.scenarios.clone().or(file.scenarios),
            smtp_url: pick(&args.smtp_url, file.smtp_url),
            mail_from: pick(&args.mail_from, file.mail_from).unwrap_or(d.mail_from),
            outbound_timeout: args
                .outbound_timeout
                .or(file.outbound_timeout)
                .map(Duration::from_secs)
                .unwrap_or(d.outbound_timeout),
            allowed_hook_hosts: if args.allow_hook_host.is_empty() {
                file.allow_hook_host.unwrap_or(d.allowed_hook_hosts)
            } else {
                args.allow_hook_host.clone()
            },
            scenario_delay_scale: d.scenario_delay_scale,
            max_body_bytes: args
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(d.max_body_bytes),
            request_timeout: args
                .request_timeout
                .or(file.request_timeout)
                .map(Duration::from_secs)
                .unwrap_or(d.request_timeout),
            max_sessions: args
                .max_sessions
                .or(file.max_sessions)
                .unwrap_or(d.max_sessions)
                .max(1),
            session_lifetime: args
                .session_lifetime
                .or(file.session_lifetime)
                .map(|h| Duration::from_secs(h * 3600))
                .unwrap_or(d.session_lifetime),
            admin_token: args
                .admin_token
                .clone()
                .or(file.admin_token)
                .filter(|t| !t.is_empty()),
            insecure_open: args.insecure_open || file.insecure_open.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("absim.toml");
        std::fs::write(
            &file,
            "addr = \"127.0.0.1:9000\"\nconfirmation-delay = 0\nship-notice-url = \"http://127.0.0.1:9/s\"\nidentity = \"FromFile\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(file),
            identity: Some("FromFlag".into()),
            ..ServeArgs::default()
        };
        let s = Settings::resolve(&args).unwrap();
        assert_eq!(s.addr.port(), 9000);
        assert_eq!(s.base_url, "http://127.0.0.1:9000");
        assert_eq!(s.confirmation_delay, Duration::ZERO);
        assert_eq!(s.ship_notice_delay, Duration::from_secs(5));
        assert_eq!(s.ship_notice_url.as_deref(), Some("http://127.0.0.1:9/s"));
        assert_eq!(s.identity.as_deref(), Some("FromFlag"));
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("absim.toml");
        std::fs::write(&file, "adress = \"x\"\n").unwrap();
        let args = ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        };
        let err = format!("{:#}", Settings::resolve(&args).unwrap_err());
        assert!(err.contains("adress"), "{err}");
    }

    #[test]
    fn a_reachable_address_needs_a_token_or_insecure_open() {
        let mut s = Settings {
            addr: "0.0.0.0:8080".parse().unwrap(),
            ..Settings::default()
        };
        let err = s.check_exposure().unwrap_err().to_string();
        assert!(
            err.contains("0.0.0.0:8080") && err.contains("--admin-token"),
            "{err}"
        );
        s.insecure_open = true;
        assert!(s.check_exposure().is_ok());
        s.insecure_open = false;
        s.admin_token = Some("t0ken".into());
        assert!(s.check_exposure().is_err(), "too short");
        s.admin_token = Some("t0ken with spaces".into());
        assert!(s.check_exposure().is_err(), "spaces");
        s.admin_token = Some("t0ken-long-enough".into());
        assert!(s.check_exposure().is_ok());
        assert!(
            Settings::default().check_exposure().is_ok(),
            "loopback may run open"
        );
    }
}
