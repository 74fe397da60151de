//! The benchmark's tables: a row per measured run, its ratio to the floor,
//! and the run shown when a workload ran several times.

use std::time::Duration;

use super::{LoadResult, Measured};

/// The header of the tables of [`row`].
pub const HEADER: &str = "| workload | connections | requests/s | p50 ms | p99 ms | p99.9 ms | errors | ratio to floor | CPU µs per request | allocations per request |\n|---|---|---|---|---|---|---|---|---|---|";

/// A row of the load table: one server's run of a workload, with its ratio
/// to the floor's run beside it.
pub fn row(name: &str, conns: usize, m: &Measured, floor: Option<&Measured>) -> String {
    let r = &m.load;
    let ratio = floor
        .map(|f| format!("{:.3}x", ratio(f, m)))
        .unwrap_or_else(|| "—".into());
    let or_dash = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.0}"));
    format!(
        "| {name} | {conns} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {ratio} | {} | {} |",
        r.per_second(),
        r.p50_us as f64 / 1000.0,
        r.p99_us as f64 / 1000.0,
        r.p999_us as f64 / 1000.0,
        r.errors,
        or_dash(m.cpu_us),
        or_dash(m.allocations),
    )
}

/// absim's ratio to the floor in one run of a workload.
fn ratio(floor: &Measured, absim: &Measured) -> f64 {
    absim.load.per_second() / floor.load.per_second().max(1.0)
}

/// The run whose ratio is in the middle (the upper of the two middle ones
/// for an even count), and for more than one run a row with the spread of
/// all: requests/s, p99, ratio and CPU per request, lowest to highest.
pub(super) fn middle_run(
    mut runs: Vec<(Measured, Measured)>,
) -> (Measured, Measured, Option<String>) {
    assert!(!runs.is_empty(), "a workload runs at least once");
    runs.sort_by(|(f1, a1), (f2, a2)| ratio(f1, a1).total_cmp(&ratio(f2, a2)));
    let spread = (runs.len() > 1).then(|| {
        let range = |v: Vec<f64>, decimals: usize| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("{lo:.decimals$}–{hi:.decimals$}")
        };
        let absim = |f: fn(&Measured) -> f64| runs.iter().map(|(_, a)| f(a)).collect::<Vec<_>>();
        let cpu = runs
            .iter()
            .map(|(_, a)| a.cpu_us)
            .collect::<Option<Vec<f64>>>()
            .map_or_else(|| "—".to_owned(), |v| range(v, 0));
        format!(
            "| the {} runs of that workload, lowest to highest | | {} | | {} | | | {}x | {cpu} | |",
            runs.len(),
            range(absim(|a| a.load.per_second()), 0),
            range(absim(|a| a.load.p99_us as f64 / 1000.0), 2),
            range(runs.iter().map(|(f, a)| ratio(f, a)).collect(), 3),
        )
    });
    let (f, a) = runs.swap_remove(runs.len() / 2);
    (f, a, spread)
}

/// A row of the full-flow table.
pub(super) fn flow_row(
    name: &str,
    c: usize,
    (completed, placed, elapsed, flows): &(u64, u64, Duration, LoadResult),
) -> String {
    format!(
        "| {name} | {c} | {:.0} | {placed} | {completed} | {:.2} | {:.2} | {} |",
        *completed as f64 / elapsed.as_secs_f64(),
        flows.p50_us as f64 / 1000.0,
        flows.p99_us as f64 / 1000.0,
        flows.errors
    )
}

#[cfg(test)]
mod tests {
    fn measured(per_second: u64, p99_ms: u64, cpu_us: f64) -> super::Measured {
        super::Measured {
            load: super::LoadResult {
                requests: per_second,
                errors: 0,
                elapsed: std::time::Duration::from_secs(1),
                p50_us: 500,
                p99_us: p99_ms * 1000,
                p999_us: p99_ms * 2000,
                gets: None,
            },
            cpu_us: Some(cpu_us),
            allocations: Some(98.0),
        }
    }

    /// Several runs of a workload: the rows show the run whose ratio to its
    /// own floor is in the middle, and a row the spread of all.
    #[test]
    fn several_runs_show_the_middle_one_by_ratio_and_the_spread() {
        let runs = vec![
            (measured(100_000, 1, 10.0), measured(20_000, 9, 60.0)),
            (measured(50_000, 1, 10.0), measured(5_000, 30, 150.0)),
            (measured(80_000, 1, 10.0), measured(12_000, 12, 90.0)),
        ];
        let (floor, absim, spread) = super::middle_run(runs);
        // Ratios 0.2, 0.1 and 0.15: the middle is the third run, not the
        // one with the middle requests/s.
        assert_eq!(floor.load.requests, 80_000);
        assert_eq!(absim.load.requests, 12_000);
        let spread = spread.expect("a spread row for three runs");
        assert!(
            spread.starts_with("| the 3 runs of that workload"),
            "{spread}"
        );
        for part in ["5000–20000", "9.00–30.00", "0.100–0.200x", "60–150"] {
            assert!(spread.contains(part), "{part} in {spread}");
        }
        assert_eq!(
            spread.matches('|').count(),
            11,
            "a row of the table: {spread}"
        );

        let one = vec![(measured(100_000, 1, 10.0), measured(20_000, 9, 60.0))];
        assert!(super::middle_run(one).2.is_none());
    }
}
