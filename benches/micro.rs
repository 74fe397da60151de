//! Micro benchmarks (criterion): reading cXML, writing absim's documents,
//! pricing, PO intake and punchout setup and rendering two pages through
//! the router in-process (the durable SQLite store of `absim serve`, in a
//! temporary directory). After the timings, each operation's heap
//! allocations per call are printed (counted by stats_alloc's instrumented
//! system allocator). What a client does (building the request and its
//! body) is prepared before each call and neither timed nor counted.
//!
//! `cargo bench` runs them all; `cargo bench -- read/` a group.

use std::alloc::System;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

mod operations;
use operations::{Fixture, allocations, fixture, operations};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn benches(c: &mut Criterion) {
    let f = fixture();
    if let Ok(only) = std::env::var("ABSIM_MICRO_RUN") {
        run_only(&f, &only);
        return;
    }
    eprintln!(
        "inputs: OrderRequest {} bytes (3 lines), {} bytes (50 lines)",
        f.po_3kb.len(),
        f.po_50_lines.len()
    );
    let ops = operations(&f);
    for (name, op) in &ops {
        c.bench_function(name, |b| {
            b.iter_batched(op, |call| black_box(call()), BatchSize::SmallInput)
        });
    }
    println!("\nheap allocations per call (stats_alloc):");
    println!("{:<34} {:>8} {:>10}", "operation", "allocs", "bytes");
    for (name, op) in &ops {
        const RUNS: usize = 100;
        let (count, bytes) = allocations(op, RUNS);
        println!("{name:<34} {:>8} {:>10}", count / RUNS, bytes / RUNS);
    }
}

/// `ABSIM_MICRO_RUN=NAME:RUNS[,NAME:RUNS...]`: runs those operations, in
/// that order, and nothing else: for an instruction count under valgrind
/// (`--tool=callgrind`; the difference between RUNS=N and RUNS=0, divided
/// by N, is the operation's cost in instructions, repeatable where timings
/// on a shared machine are not; it includes the client's preparation), for
/// allocation sites (`--tool=dhat`) or for a profile.
fn run_only(f: &Fixture, only: &str) {
    let ops = operations(f);
    for step in only.split(',') {
        let (name, runs) = step
            .split_once(':')
            .expect("ABSIM_MICRO_RUN is NAME:RUNS[,NAME:RUNS...]");
        let runs: usize = runs.parse().expect("RUNS is a number");
        let Some((_, op)) = ops.iter().find(|(n, _)| *n == name) else {
            panic!("no operation {name}; the operations are the benchmark names");
        };
        let started = std::time::Instant::now();
        let (count, _) = allocations(op, runs);
        let per = runs.max(1);
        eprintln!(
            "{name}: {runs} runs, {:.1} µs and {} allocations each",
            started.elapsed().as_secs_f64() * 1e6 / per as f64,
            count / per
        );
    }
}

criterion_group!(micro, benches);
criterion_main!(micro);
