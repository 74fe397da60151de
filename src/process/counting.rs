//! The benchmark's allocation counter, compiled only with the
//! `count-allocations` feature: mimalloc, with each allocation counted.
//! Each thread counts in a thread-local cell and adds to the shared total
//! in batches, because an atomic add on every allocation showed in pinned
//! profiles as work of its own (docs/performance.md).

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use mimalloc::MiMalloc;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// How many allocations a thread counts before it adds them to
/// [`ALLOCATIONS`].
const BATCH: u32 = 64;

thread_local! {
    /// This thread's allocations not yet added to [`ALLOCATIONS`]. A
    /// constant-initialised `Cell` has no destructor and is never lazily
    /// set up: reading it allocates nothing, as an allocator needs.
    static PENDING: Cell<u32> = const { Cell::new(0) };
}

/// The allocations counted so far. Each thread holds back fewer than
/// [`BATCH`] of its own, so the figure lags by fewer than 64 per thread:
/// nothing against the millions a bench run makes.
pub(super) fn total() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Counts one allocation in this thread's batch, adding the batch to the
/// total when full.
#[inline]
fn count_one() {
    PENDING.with(|pending| {
        let n = pending.get() + 1;
        if n == BATCH {
            ALLOCATIONS.fetch_add(u64::from(n), Ordering::Relaxed);
            pending.set(0);
        } else {
            pending.set(n);
        }
    });
}

/// The counting allocator: mimalloc, each allocation counted.
pub struct CountingAllocator;

// SAFETY: every call goes to mimalloc unchanged; counting touches only
// an atomic and a constant-initialised thread-local, and never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { MiMalloc.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as above.
        unsafe { MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: as above.
        unsafe { MiMalloc.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_reach_the_total_in_whole_batches() {
        // This test binary's allocator is the system's: only these calls
        // count, on a thread of their own (its batch starts empty).
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let after = std::thread::spawn(move || {
            for _ in 0..2 * BATCH + 5 {
                count_one();
            }
            (ALLOCATIONS.load(Ordering::Relaxed), PENDING.with(Cell::get))
        })
        .join()
        .unwrap();
        assert_eq!(after, (before + 2 * u64::from(BATCH), 5));
    }
}
