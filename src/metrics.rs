//! `/metrics` in the Prometheus (OpenMetrics) text format, through
//! prometheus-client: what a load balancer's operator watches across
//! replicas. Counters and histograms are kept per process as requests,
//! POs and deliveries happen; the queue, the sessions and the pool are read
//! when Prometheus scrapes.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::store::Store;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's pattern (`/po/{token}`), never the path itself.
    route: Arc<str>,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    /// po | punchout | pages | api | other
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoLabels {
    /// accepted | refused | fault
    outcome: &'static str,
    /// The cXML status code answered (the fault's kind for a fault).
    code: Cow<'static, str>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AttemptLabels {
    /// confirmation | ship_notice | invoice
    kind: &'static str,
    /// delivered | retry | failed
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplicaLabels {
    replica: String,
    engine: &'static str,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram>,
    pos: Family<PoLabels, Counter>,
    attempts: Family<AttemptLabels, Counter>,
    queue_depth: Gauge,
    oldest_due_seconds: Gauge<f64, AtomicU64>,
    sessions: Gauge,
    pool_size: Gauge,
    pool_in_use: Gauge,
    pool_waiting: Gauge,
    db_failures: Counter,
    heap_allocations: Option<Counter>,
    /// Route patterns as label values, made once each: counting a request
    /// allocates nothing.
    routes: dashmap::DashSet<Arc<str>>,
}

/// A method as a label value (`other` for an extension method).
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

/// Which latency histogram a route belongs to.
pub fn kind_of(route: &str) -> &'static str {
    if route.starts_with("/po/") {
        "po"
    } else if route.starts_with("/eprocurement/") {
        "punchout"
    } else if route.starts_with("/api/") {
        "api"
    } else if route.starts_with("/s/")
        || route.starts_with("/dp/")
        || route.starts_with("/groups")
        || route == "/"
    {
        "pages"
    } else {
        "other"
    }
}

impl Metrics {
    pub fn new(replica: &str, engine: &'static str) -> Metrics {
        let mut registry = Registry::with_prefix("absim");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            requests.clone(),
        );
        let latency = Family::<LatencyLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ])
        });
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer a request, by kind (po, punchout, pages, api, other)",
            Unit::Seconds,
            latency.clone(),
        );
        let pos = Family::<PoLabels, Counter>::default();
        registry.register(
            "purchase_orders",
            "Purchase orders received, by outcome (accepted, refused, fault) and cXML code",
            pos.clone(),
        );
        let attempts = Family::<AttemptLabels, Counter>::default();
        registry.register(
            "delivery_attempts",
            "Posts of confirmations, ship notices and invoices, by kind and outcome (delivered, retry, failed)",
            attempts.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "delivery_queue_depth",
            "Deliveries pending or being posted (all replicas)",
            queue_depth.clone(),
        );
        let oldest_due_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register_with_unit(
            "delivery_oldest_due_age",
            "How long ago the earliest pending delivery was due (0 when none is overdue)",
            Unit::Seconds,
            oldest_due_seconds.clone(),
        );
        let sessions = Gauge::default();
        registry.register(
            "punchout_sessions",
            "Punchout sessions kept",
            sessions.clone(),
        );
        let pool_size = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Database connections open in this process's pool",
            pool_size.clone(),
        );
        let pool_in_use = Gauge::default();
        registry.register(
            "db_pool_in_use",
            "Database connections lent out now",
            pool_in_use.clone(),
        );
        let pool_waiting = Gauge::default();
        registry.register(
            "db_pool_waiting",
            "Requests waiting for a database connection",
            pool_waiting.clone(),
        );
        let db_failures = Counter::default();
        registry.register(
            "db_errors",
            "Database operations that failed (unreachable, broken connection, query error)",
            db_failures.clone(),
        );
        let info = Family::<ReplicaLabels, Gauge>::default();
        info.get_or_create(&ReplicaLabels {
            replica: replica.to_owned(),
            engine,
        })
        .set(1);
        registry.register(
            "replica",
            "This process: its replica id and database engine",
            info,
        );
        // Only in a build that counts them (the `count-allocations` feature).
        let heap_allocations = crate::process::allocations().map(|_| {
            let c = Counter::default();
            registry.register(
                "heap_allocations",
                "Heap allocations and reallocations by this process (counted for absim bench)",
                c.clone(),
            );
            c
        });
        Metrics {
            registry,
            heap_allocations,
            routes: Default::default(),
            requests,
            latency,
            pos,
            attempts,
            queue_depth,
            oldest_due_seconds,
            sessions,
            pool_size,
            pool_in_use,
            pool_waiting,
            db_failures,
        }
    }

    /// A request answered: `route` is its pattern.
    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        // The shard's guard is dropped before an insert takes it again.
        let known = self.routes.get(route).map(|r| Arc::clone(r.key()));
        let route_label = known.unwrap_or_else(|| {
            let label: Arc<str> = route.into();
            self.routes.insert(Arc::clone(&label));
            label
        });
        self.requests
            .get_or_create(&RequestLabels {
                route: route_label,
                method: method_label(method),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&LatencyLabels {
                kind: kind_of(route),
            })
            .observe(took.as_secs_f64());
    }

    /// A PO accepted (code 200), refused (its cXML code) or answered with
    /// an injected fault (the fault's kind).
    pub fn po(&self, outcome: &'static str, code: impl Into<Cow<'static, str>>) {
        self.pos
            .get_or_create(&PoLabels {
                outcome,
                code: code.into(),
            })
            .inc();
    }

    pub fn attempt(&self, kind: &'static str, outcome: &'static str) {
        self.attempts
            .get_or_create(&AttemptLabels { kind, outcome })
            .inc();
    }

    /// The text Prometheus scrapes, with the queue, the sessions and the
    /// pool read now.
    pub async fn render(&self, store: &Store, now_ms: i64) -> String {
        if let Ok(q) = store.queue_stats().await {
            self.queue_depth.set(q.depth as i64);
            let overdue = q
                .oldest_due_ms
                .map_or(0.0, |due| ((now_ms - due).max(0) as f64) / 1000.0);
            self.oldest_due_seconds.set(overdue);
        }
        if let Ok(n) = store.count_sessions().await {
            self.sessions.set(n as i64);
        }
        let pool = store.pool_stats();
        self.pool_size.set(pool.size as i64);
        self.pool_in_use.set(pool.in_use as i64);
        self.pool_waiting.set(pool.waiting as i64);
        let failures = crate::store::failures();
        self.db_failures
            .inc_by(failures.saturating_sub(self.db_failures.get()));
        if let (Some(c), Some(n)) = (&self.heap_allocations, crate::process::allocations()) {
            c.inc_by(n.saturating_sub(c.get()));
        }
        let mut out = String::with_capacity(8 * 1024);
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_fall_into_their_latency_kinds() {
        assert_eq!(kind_of("/po/{token}"), "po");
        assert_eq!(kind_of("/eprocurement/punchout"), "punchout");
        assert_eq!(kind_of("/s/{sid}/cart"), "pages");
        assert_eq!(kind_of("/groups/{gid}/log"), "pages");
        assert_eq!(kind_of("/api/v1/groups"), "api");
        assert_eq!(kind_of("/assets/absim.css"), "other");
    }
}
