//! The shared state: one cheap handle to the settings, the store, the
//! marketplaces and scenarios, the outbound queue's wake-up, the
//! payloadID generator, the clock, the HTTP client and the metrics, cloned
//! into every handler and background worker.

use std::ops::Deref;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::Notify;

use crate::config::Settings;
use crate::cxml::write::PayloadIds;
use crate::domain::scenario::Scenarios;
use crate::domain::{self, Group, Marketplace, Marketplaces, account};
use crate::store::{self, Store};

/// The group made at the first start, which `--identity` and the other
/// start-up flags set.
pub const DEFAULT_GROUP: u32 = 1;

/// Wakes the delivery worker (`outbound`) when something new is queued.
#[derive(Debug, Default)]
pub struct Outbox {
    wake: Notify,
}

impl Outbox {
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Completes at the next wake (or at once for one that came while no
    /// one waited).
    pub async fn woken(&self) {
        self.wake.notified().await
    }
}

/// Shared state: one cheap handle, cloned into every handler and the worker.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub settings: Settings,
    pub store: Store,
    /// The stores (their catalogues, prices, taxes and words), read-only
    /// after start: no lock needed.
    pub marketplaces: Marketplaces,
    /// The test scenarios, read-only after start.
    pub scenarios: Scenarios,
    pub outbox: Outbox,
    pub payload_ids: PayloadIds,
    /// Due times of the durable queue follow this clock.
    pub clock: crate::clock::Clock,
    /// One pooled client for every outbound post.
    pub http: reqwest::Client,
    /// Counters and histograms for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// Set when shutdown begins: `/readyz` answers 503 and answers carry
    /// `Connection: close`, so that load balancers move away.
    pub draining: std::sync::atomic::AtomicBool,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Builds the state: checks the pages' messages, loads the marketplaces
    /// and the scenarios, checks the
    /// start-up flags, and opens the store, creating the default group
    /// with the configured credentials if there is none.
    pub async fn new(settings: Settings) -> anyhow::Result<AppState> {
        crate::i18n::check()
            .map_err(|e| anyhow::anyhow!("the message catalogue is invalid: {e}"))?;
        let marketplaces = match &settings.marketplaces {
            Some(dir) => Marketplaces::load_dir(dir),
            None => Marketplaces::embedded(),
        }
        .map_err(|e| anyhow::anyhow!("a marketplace file is invalid: {e}"))?;
        let scenarios = match &settings.scenarios {
            Some(dir) => Scenarios::load_dir(dir),
            None => Scenarios::embedded(),
        }
        .map_err(|e| anyhow::anyhow!("a scenario file is invalid: {e}"))?;
        let flags = StartFlags::check(&settings, &marketplaces)?;
        let store = open_store(&settings).await?;
        flags.apply(&store).await?;
        let http = reqwest::Client::builder()
            .timeout(settings.outbound_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("building the HTTP client")?;
        let host = url::Url::parse(&settings.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "absim.local".into());
        let payload_ids = PayloadIds::new(&settings.replica_id, format!("absim.{host}"));
        let metrics = crate::metrics::Metrics::new(&settings.replica_id, store.engine());
        Ok(AppState(Arc::new(Inner {
            settings,
            store,
            marketplaces,
            scenarios,
            outbox: Outbox::default(),
            metrics,
            draining: Default::default(),
            payload_ids,
            clock: crate::clock::Clock::new(),
            http,
        })))
    }

    /// The default group (the first, made at the first start).
    pub async fn default_group(&self) -> Result<domain::Group, store::StoreError> {
        self.store
            .group(DEFAULT_GROUP)
            .await?
            .map(Arc::unwrap_or_clone)
            .ok_or_else(|| store::StoreError::Corrupt("the default group is missing".into()))
    }

    /// A group's store.
    pub fn market(&self, group: &Group) -> &Marketplace {
        self.marketplaces.get_or_default(&group.marketplace)
    }

    pub fn punchout_url(&self) -> String {
        format!("{}/eprocurement/punchout", self.settings.base_url)
    }

    /// Whether the API may post a cart to this hook URL server-side: only
    /// to hosts the operator allowed.
    pub fn hook_allowed(&self, hook: &str) -> bool {
        url::Url::parse(hook)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
            })
            .is_some_and(|h| self.settings.allowed_hook_hosts.contains(&h))
    }

    /// Shutdown begins: `/readyz` fails at once, requests are still served
    /// for `--shutdown-grace` (a load balancer's next check moves traffic
    /// away), then the listener may close.
    pub async fn begin_drain(&self) {
        self.draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let grace = self.settings.shutdown_grace;
        tracing::info!(
            grace_secs = grace.as_secs_f64(),
            "shutting down: /readyz answers 503, requests are still served for the grace period"
        );
        tokio::time::sleep(grace).await;
        tracing::info!("closing the listener; finishing the requests in flight");
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn po_url(&self, group: &domain::Group) -> String {
        format!("{}/po/{}", self.settings.base_url, group.po_token)
    }
}

/// Opens the store where the settings say, creating the data directory
/// and, at the first start, the default group with the credentials the
/// flags give (generated otherwise).
async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    if let Some(dir) = &settings.data_dir
        && settings.database_url.is_none()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the data dir {}", dir.display()))?;
    }
    let (seed_identity, seed_secret) = (settings.identity.clone(), settings.shared_secret.clone());
    let location = settings.location();
    let config = store::StoreConfig {
        location: location.clone(),
        durability: settings.durability,
        replica: settings.replica_id.clone(),
        // A claim outlives the longest post (the outbound timeout) by a
        // margin, so that it is never taken over mid-post.
        lease: settings.outbound_timeout + std::time::Duration::from_secs(5),
    };
    Store::open(config, move |g| {
        if let Some(id) = seed_identity {
            g.identity = id;
        }
        if let Some(s) = seed_secret {
            g.shared_secret = s;
        }
    })
    .await
    .with_context(|| match &location {
        store::Location::Postgres(url) => format!("opening the PostgreSQL database {url}"),
        store::Location::File(path) => format!("opening the database {}", path.display()),
        store::Location::Memory => "opening the in-memory database".to_owned(),
    })
}

/// What the start-up flags set on the default group, checked: given at
/// this start, they win over what the database remembers.
struct StartFlags {
    identity: Option<String>,
    secret: Option<String>,
    confirmation_url: Option<String>,
    ship_notice_url: Option<String>,
    invoice_url: Option<String>,
    faults: Option<domain::fault::FaultPlan>,
    cxml_errors: Option<domain::ErrorForm>,
    marketplace: Option<String>,
}

impl StartFlags {
    fn check(settings: &Settings, marketplaces: &Marketplaces) -> anyhow::Result<StartFlags> {
        if let Some(id) = &settings.identity {
            account::validate_identity(id).map_err(anyhow::Error::msg)?;
        }
        if let Some(secret) = &settings.shared_secret {
            account::validate_secret(secret).map_err(anyhow::Error::msg)?;
        }
        let endpoint = |url: &Option<String>| {
            url.as_deref()
                .map(account::validate_endpoint)
                .transpose()
                .map(Option::flatten)
                .map_err(anyhow::Error::msg)
        };
        Ok(StartFlags {
            identity: settings.identity.clone(),
            secret: settings.shared_secret.clone(),
            confirmation_url: endpoint(&settings.order_confirmation_url)?,
            ship_notice_url: endpoint(&settings.ship_notice_url)?,
            invoice_url: endpoint(&settings.invoice_url)?,
            faults: settings.faults.clone(),
            cxml_errors: settings.cxml_errors,
            marketplace: settings
                .marketplace
                .as_deref()
                .map(|m| marketplaces.check_code(m))
                .transpose()
                .map_err(anyhow::Error::msg)?,
        })
    }

    async fn apply(self, store: &Store) -> anyhow::Result<()> {
        store
            .update_group(DEFAULT_GROUP, move |g| {
                if let Some(id) = self.identity {
                    g.identity = id;
                }
                if let Some(s) = self.secret {
                    g.shared_secret = s;
                }
                if self.confirmation_url.is_some() {
                    g.order_confirmation_url = self.confirmation_url;
                }
                if self.ship_notice_url.is_some() {
                    g.ship_notice_url = self.ship_notice_url;
                }
                if self.invoice_url.is_some() {
                    g.invoice_url = self.invoice_url;
                }
                if let Some(plan) = self.faults {
                    g.faults = plan;
                }
                if let Some(form) = self.cxml_errors {
                    g.cxml_errors = form;
                }
                if let Some(code) = self.marketplace {
                    g.marketplace = code;
                }
                Ok(())
            })
            .await
            .map(drop)
            .map_err(|e| anyhow::anyhow!(e.message()))
    }
}
