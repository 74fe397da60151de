//! What the server process sets up before its runtime starts: pinning to a
//! core (`ABSIM_PIN_CORE`, which `absim bench --pin` gives the servers it
//! starts) and, in a build with the `count-allocations` feature only, the
//! allocator that counts heap allocations for the benchmark's
//! allocations-per-request column (`absim_heap_allocations_total` on
//! `/metrics`). A default build has no counting and no `unsafe`: its
//! allocator is mimalloc itself (see `main.rs`).

#[cfg(feature = "count-allocations")]
mod counting;
#[cfg(feature = "count-allocations")]
pub use counting::CountingAllocator;

/// The environment variable naming the core a server pins itself to.
pub const PIN_ENV: &str = "ABSIM_PIN_CORE";

/// Pins the calling thread (and so every thread it starts later) to `core`.
pub fn pin_to(core: usize) -> Result<(), String> {
    // The kernel's CPU sets hold 1,024 cores (CPU_SETSIZE); past that the
    // crate would panic rather than refuse.
    if core >= 1024 {
        return Err(format!("cannot pin to core {core}: there is no such core"));
    }
    // Not looked up in `get_core_ids`, which lists only the cores this
    // thread may use now (a server started by the pinned load generator
    // inherits core 1 alone).
    if core_affinity::set_for_current(core_affinity::CoreId { id: core }) {
        Ok(())
    } else {
        Err(format!(
            "cannot pin to core {core}: there is no such core, or the system refused"
        ))
    }
}

/// Applies `ABSIM_PIN_CORE` to this process; called before the runtime
/// starts, so that every thread it makes stays on that core.
pub fn apply_env() -> Result<(), String> {
    match std::env::var(PIN_ENV) {
        Ok(core) => pin_to(
            core.parse()
                .map_err(|_| format!("{PIN_ENV}={core} is not a core number"))?,
        ),
        Err(_) => Ok(()),
    }
}

/// Heap allocations (and reallocations) of this process so far: counted
/// only in a build with the `count-allocations` feature.
pub fn allocations() -> Option<u64> {
    #[cfg(feature = "count-allocations")]
    return Some(counting::total());
    #[cfg(not(feature = "count-allocations"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning_to_a_core_that_does_not_exist_says_so() {
        let refused = pin_to(100_000).unwrap_err();
        assert!(refused.contains("core 100000"), "{refused}");
    }

    #[test]
    fn a_default_build_counts_no_allocations() {
        assert_eq!(allocations().is_some(), cfg!(feature = "count-allocations"));
    }
}
