//! What this process counts, for `/metrics`: events received, how long handling took,
//! deliveries and their failures, rate limits waited out, how late jobs ran, leases lost.
//! Counted in memory per process (Prometheus adds replicas up); the database's gauges
//! are read at each scrape beside them (`http::metrics`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::LazyLock;
use std::time::Duration;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Kind {
    pub platform: &'static str,
    pub kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Platform {
    pub platform: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    pub platform: &'static str,
    pub result: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Work {
    pub work: &'static str,
}

type Timings<L> = Family<L, Histogram, fn() -> Histogram>;

/// From 1 ms to about 65 s.
fn seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

pub struct Metrics {
    registry: Registry,
    received: Family<Kind, Counter>,
    handling: Timings<Platform>,
    deliveries: Family<Outcome, Counter>,
    rate_limited: Family<Platform, Counter>,
    lateness: Timings<Work>,
    leases_lost: Family<Work, Counter>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let (received, deliveries, rate_limited, leases_lost) =
        (Family::default(), Family::default(), Family::default(), Family::default());
    let (handling, lateness): (Timings<Platform>, Timings<Work>) =
        (Family::new_with_constructor(seconds), Family::new_with_constructor(seconds));
    let mut registry = Registry::default();
    registry.register(
        "tandem_events_received",
        "Platform events stored at the door (a platform's retry of one stored is not counted).",
        received.clone(),
    );
    registry.register("tandem_event_handling_seconds", "Time to handle one stored event.", handling.clone());
    registry.register("tandem_deliveries", "Outbound messages by result: delivered or failed.", deliveries.clone());
    registry.register("tandem_rate_limited", "Rate limits (429) waited out.", rate_limited.clone());
    registry.register(
        "tandem_job_lateness_seconds",
        "How long after its due time a job ran (once, when it ran to the end).",
        lateness.clone(),
    );
    registry.register("tandem_leases_lost", "Work found taken over by another process.", leases_lost.clone());
    Metrics { registry, received, handling, deliveries, rate_limited, lateness, leases_lost }
});

pub fn received(platform: &'static str, kind: &'static str) {
    METRICS.received.get_or_create(&Kind { platform, kind }).inc();
}

pub fn handled(platform: &'static str, took: Duration) {
    METRICS.handling.get_or_create(&Platform { platform }).observe(took.as_secs_f64());
}

pub fn delivery(platform: &'static str, delivered: bool) {
    let result = if delivered { "delivered" } else { "failed" };
    METRICS.deliveries.get_or_create(&Outcome { platform, result }).inc();
}

/// `n` items delivered to `platform` at once.
pub fn delivered(platform: &'static str, n: usize) {
    let counter = METRICS.deliveries.get_or_create(&Outcome { platform, result: "delivered" });
    counter.inc_by(u64::try_from(n).unwrap_or(u64::MAX));
}

pub fn rate_limited(platform: &'static str) {
    METRICS.rate_limited.get_or_create(&Platform { platform }).inc();
}

pub fn job_ran(late: chrono::Duration) {
    let late = late.to_std().unwrap_or_default();
    METRICS.lateness.get_or_create(&Work { work: "job" }).observe(late.as_secs_f64());
}

pub fn lease_lost(work: &'static str) {
    METRICS.leases_lost.get_or_create(&Work { work }).inc();
}

/// The counters and histograms in the OpenMetrics text format, without its `# EOF`.
pub fn encode() -> String {
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &METRICS.registry).is_err() {
        return String::new();
    }
    out.strip_suffix("# EOF\n").map(str::to_owned).unwrap_or(out)
}
