//! What the pinned benchmark needs from a process: pinning its threads to a
//! core, counting its heap allocations, and reading its CPU time.
//!
//! A server started with `ABSIM_PIN_CORE=N` pins its first thread to core
//! N before the runtime starts, so every thread it makes (the runtime's
//! workers, the SQLite writer, the blocking pool) stays on that core. With
//! `ABSIM_COUNT_ALLOCATIONS=1` it counts heap allocations, shown on
//! `/metrics` as `absim_heap_allocations_total`; otherwise the counting
//! allocator costs one relaxed load per allocation. Each thread adds its
//! allocations to the shared total in batches of 64: an atomic
//! add on every allocation was 1% of a pinned PO's CPU.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

use mimalloc::MiMalloc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The environment variable naming the core a server pins itself to.
pub const PIN_ENV: &str = "ABSIM_PIN_CORE";
/// The environment variable that turns allocation counting on.
pub const COUNT_ENV: &str = "ABSIM_COUNT_ALLOCATIONS";

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

/// Applies `ABSIM_PIN_CORE` and `ABSIM_COUNT_ALLOCATIONS` to this process;
/// called before the runtime starts.
pub fn apply_env() -> Result<(), String> {
    if std::env::var_os(COUNT_ENV).is_some_and(|v| v == "1") {
        COUNTING.store(true, Ordering::Relaxed);
    }
    match std::env::var(PIN_ENV) {
        Ok(core) => pin_to(
            core.parse()
                .map_err(|_| format!("{PIN_ENV}={core} is not a core number"))?,
        ),
        Err(_) => Ok(()),
    }
}

/// The cores a process may run on, as the kernel lists them (`0`, `0-1`).
pub fn allowed_cores(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .map(|v| v.trim().to_owned())
}

/// CPU time a process has used, user and system, in µs (from
/// `/proc/PID/stat`, in clock ticks of 1/100 s: Linux's USER_HZ).
pub fn cpu_us(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which may hold spaces, in brackets.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the state.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10_000)
}

static COUNTING: AtomicBool = AtomicBool::new(false);
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

/// Heap allocations (and reallocations) so far, when counting is on. Each
/// thread holds back fewer than 64 of its own, so the figure lags by fewer
/// than 64 per thread: nothing against the millions a bench run makes.
pub fn allocations() -> Option<u64> {
    COUNTING
        .load(Ordering::Relaxed)
        .then(|| ALLOCATIONS.load(Ordering::Relaxed))
}

/// absim's allocator: mimalloc, counting allocations when asked to.
pub struct CountingAllocator;

#[inline]
fn count() {
    if COUNTING.load(Ordering::Relaxed) {
        count_one();
    }
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

#[allow(unsafe_code)]
// SAFETY: every call goes to mimalloc unchanged; counting touches only
// an atomic and a constant-initialised thread-local, and never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { MiMalloc.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
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
    fn this_process_has_used_cpu_and_may_run_somewhere() {
        let pid = std::process::id();
        let spent = cpu_us(pid).expect("/proc/self/stat reads");
        // Work until the clock (in ticks of 10 ms) moves.
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while cpu_us(pid).unwrap() == spent {
            for i in 0..1_000_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
            assert!(started.elapsed().as_secs() < 5, "the CPU clock never moved");
        }
        assert!(cpu_us(pid).unwrap() - spent >= 10_000);
        assert!(!allowed_cores(pid).unwrap().is_empty());
    }

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

    #[test]
    fn pinning_to_a_core_that_does_not_exist_says_so() {
        let refused = pin_to(100_000).unwrap_err();
        assert!(refused.contains("core 100000"), "{refused}");
    }
}
