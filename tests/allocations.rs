//! PO intake held to its allocation budget. Issue 15 asks for at most 100
//! heap allocations per PO intake, counted in the micro benchmark; this test
//! counts them the same way, with the benchmark's own fixture and operations
//! (`benches/operations/`), so that a change that adds allocations fails
//! here instead of going unseen until the next benchmark run. These are
//! counts, not times: they do not depend on the machine or its load.
//!
//! A binary of its own with a single test: stats_alloc counts every
//! thread's allocations, so no other test may run beside it.

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

// The benchmark's other operations and the fixture's other inputs are not
// used here.
#[allow(dead_code)]
#[path = "../benches/operations/mod.rs"]
mod operations;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The line: heap allocations per PO intake.
const BUDGET: f64 = 100.0;

#[test]
fn a_po_intake_makes_at_most_100_heap_allocations() {
    let f = operations::fixture();
    let ops = operations::operations(&f);
    for name in ["intake/po_unlinked_3kb", "intake/po_for_a_cart"] {
        let (_, op) = ops
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("the benchmark has no operation {name}"));
        // Statement caches and buffers are filled by the first calls.
        operations::allocations(op, 5);
        const RUNS: usize = 50;
        let (count, _) = operations::allocations(op, RUNS);
        let per = count as f64 / RUNS as f64;
        eprintln!("{name}: {per:.1} allocations per call");
        // The store, the reader and the answer all allocate: a count near
        // zero would mean the allocator is not counting.
        assert!(per > 20.0, "{name}: {per} allocations: is the counter on?");
        assert!(
            per <= BUDGET,
            "{name}: {per:.1} heap allocations per call, over the budget of {BUDGET} \
             (the micro benchmark with `ABSIM_MICRO_RUN={name}:100` under valgrind --tool=dhat shows where)"
        );
    }
}
