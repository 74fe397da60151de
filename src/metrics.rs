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
use prometheus_client::registry::{Metric, Registry, Unit};

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
    queue: QueueGauges,
    sessions: Gauge,
    pool: PoolGauges,
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
    } else if route.starts_with("/eprocurement/") || route.starts_with("/punchout") {
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

/// Registers `metric` under `name` and gives it back: the registry keeps
/// one handle and absim counts through the other.
fn registered<M: Metric + Clone>(registry: &mut Registry, name: &str, help: &str, metric: M) -> M {
    registry.register(name, help, metric.clone());
    metric
}

/// [`registered`], for a metric measured in `unit`.
fn registered_in<M: Metric + Clone>(
    registry: &mut Registry,
    name: &str,
    help: &str,
    unit: Unit,
    metric: M,
) -> M {
    registry.register_with_unit(name, help, unit, metric.clone());
    metric
}

/// Latency histograms whose buckets span a PO answered from memory to a
/// request that waited on a slow database.
fn latency_histograms() -> Family<LatencyLabels, Histogram> {
    Family::<LatencyLabels, Histogram>::new_with_constructor(|| {
        Histogram::new([
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ])
    })
}

/// This process's replica id and engine, as a gauge set to 1 (the usual
/// way to carry facts as labels).
fn register_replica(registry: &mut Registry, replica: &str, engine: &'static str) {
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
}

/// The heap allocation counter, only in a build that counts them (the
/// `count-allocations` feature).
fn register_heap_allocations(registry: &mut Registry) -> Option<Counter> {
    crate::process::allocations().map(|_| {
        registered(
            registry,
            "heap_allocations",
            "Heap allocations and reallocations by this process (counted for absim bench)",
            Counter::default(),
        )
    })
}

/// The delivery queue, read when Prometheus scrapes.
struct QueueGauges {
    depth: Gauge,
    oldest_due_seconds: Gauge<f64, AtomicU64>,
}

impl QueueGauges {
    fn register(r: &mut Registry) -> QueueGauges {
        QueueGauges {
            depth: registered(
                r,
                "delivery_queue_depth",
                "Deliveries pending or being posted (all replicas)",
                Gauge::default(),
            ),
            oldest_due_seconds: registered_in(
                r,
                "delivery_oldest_due_age",
                "How long ago the earliest pending delivery was due (0 when none is overdue)",
                Unit::Seconds,
                Gauge::default(),
            ),
        }
    }
}

/// This process's database pool, read when Prometheus scrapes.
struct PoolGauges {
    size: Gauge,
    in_use: Gauge,
    waiting: Gauge,
}

impl PoolGauges {
    fn register(r: &mut Registry) -> PoolGauges {
        PoolGauges {
            size: registered(
                r,
                "db_pool_connections",
                "Database connections open in this process's pool",
                Gauge::default(),
            ),
            in_use: registered(
                r,
                "db_pool_in_use",
                "Database connections lent out now",
                Gauge::default(),
            ),
            waiting: registered(
                r,
                "db_pool_waiting",
                "Requests waiting for a database connection",
                Gauge::default(),
            ),
        }
    }
}

impl Metrics {
    pub fn new(replica: &str, engine: &'static str) -> Metrics {
        let mut registry = Registry::with_prefix("absim");
        let r = &mut registry;
        let requests = registered(
            r,
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            Family::default(),
        );
        let latency = registered_in(
            r,
            "http_request_duration",
            "Time to answer a request, by kind (po, punchout, pages, api, other)",
            Unit::Seconds,
            latency_histograms(),
        );
        let pos = registered(
            r,
            "purchase_orders",
            "Purchase orders received, by outcome (accepted, refused, fault) and cXML code",
            Family::default(),
        );
        let attempts = registered(
            r,
            "delivery_attempts",
            "Posts of confirmations, ship notices and invoices, by kind and outcome (delivered, retry, failed)",
            Family::default(),
        );
        let queue = QueueGauges::register(r);
        let sessions = registered(
            r,
            "punchout_sessions",
            "Punchout sessions kept",
            Gauge::default(),
        );
        let pool = PoolGauges::register(r);
        let db_failures = registered(
            r,
            "db_errors",
            "Database operations that failed (unreachable, broken connection, query error)",
            Counter::default(),
        );
        register_replica(r, replica, engine);
        let heap_allocations = register_heap_allocations(r);
        Metrics {
            registry,
            heap_allocations,
            routes: Default::default(),
            requests,
            latency,
            pos,
            attempts,
            queue,
            sessions,
            pool,
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
            self.queue.depth.set(q.depth as i64);
            let overdue = q
                .oldest_due_ms
                .map_or(0.0, |due| ((now_ms - due).max(0) as f64) / 1000.0);
            self.queue.oldest_due_seconds.set(overdue);
        }
        if let Ok(n) = store.count_sessions().await {
            self.sessions.set(n as i64);
        }
        let pool = store.pool_stats();
        self.pool.size.set(pool.size as i64);
        self.pool.in_use.set(pool.in_use as i64);
        self.pool.waiting.set(pool.waiting as i64);
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
        assert_eq!(kind_of("/punchout/test"), "punchout");
        assert_eq!(kind_of("/s/{sid}/cart"), "pages");
        assert_eq!(kind_of("/groups/{gid}/log"), "pages");
        assert_eq!(kind_of("/api/v1/groups"), "api");
        assert_eq!(kind_of("/assets/absim.css"), "other");
    }

    #[test]
    fn every_metric_is_registered_under_its_name_with_its_unit() {
        let m = Metrics::new("replica-1", "sqlite");
        m.attempt("confirmation", "retry");
        m.po("accepted", "200");
        m.request("/po/{token}", "POST", 200, Duration::from_millis(3));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &m.registry).unwrap();
        for name in [
            "absim_http_requests_total{route=\"/po/{token}\",method=\"POST\",status=\"200\"} 1",
            "absim_http_request_duration_seconds_bucket{le=\"0.005\",kind=\"po\"} 1",
            "absim_purchase_orders_total{outcome=\"accepted\",code=\"200\"} 1",
            "absim_delivery_attempts_total{kind=\"confirmation\",outcome=\"retry\"} 1",
            "absim_delivery_queue_depth ",
            "absim_delivery_oldest_due_age_seconds ",
            "absim_punchout_sessions ",
            "absim_db_pool_connections ",
            "absim_db_pool_in_use ",
            "absim_db_pool_waiting ",
            "absim_db_errors_total ",
            "absim_replica{replica=\"replica-1\",engine=\"sqlite\"} 1",
        ] {
            assert!(text.contains(name), "{name} in\n{text}");
        }
    }

    #[test]
    fn an_extension_method_is_counted_as_other() {
        assert_eq!(method_label("PATCH"), "PATCH");
        assert_eq!(method_label("PROPFIND"), "other");
    }
}
