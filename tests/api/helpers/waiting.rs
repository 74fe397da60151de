//! Waiting without guessing: a test that needs something to have happened
//! waits for that thing ([`eventually`]), and a test that needs time to have
//! passed moves tokio's clock, which absim's own clock follows
//! ([`advance_clock`]). No test sleeps for a while and hopes.

use super::*;

/// How long [`eventually`] lets pass before it checks again: at first
/// 1 ms (most conditions hold within a few), twice as long each time after,
/// at most 50 ms (a long wait checks 20 times a second, not 1000).
const FIRST_RECHECK: Duration = Duration::from_millis(1);
const LONGEST_RECHECK: Duration = Duration::from_millis(50);

/// What a check of [`eventually`] answers. Reached: `true`, `Some(value)`,
/// `Ok(value)`. Not yet: `false`, `None`, or `Err(what was seen instead)`,
/// which the panic at the time limit quotes.
pub trait Condition {
    type Value;
    fn reached(self) -> Result<Self::Value, Option<String>>;
}

impl Condition for bool {
    type Value = ();
    fn reached(self) -> Result<(), Option<String>> {
        if self { Ok(()) } else { Err(None) }
    }
}

impl<T> Condition for Option<T> {
    type Value = T;
    fn reached(self) -> Result<T, Option<String>> {
        self.ok_or(None)
    }
}

impl<T, E: std::fmt::Display> Condition for Result<T, E> {
    type Value = T;
    fn reached(self) -> Result<T, Option<String>> {
        self.map_err(|e| Some(e.to_string()))
    }
}

/// Runs `check` until it says the condition holds and returns what it
/// found; panics naming `what` when `within` has passed first.
///
/// ```ignore
/// eventually("absim to drain", Duration::from_secs(5), async || app.state.is_draining()).await;
/// ```
pub async fn eventually<C: Condition>(
    what: &str,
    within: Duration,
    mut check: impl AsyncFnMut() -> C,
) -> C::Value {
    let deadline = tokio::time::Instant::now() + within;
    let mut recheck = FIRST_RECHECK;
    loop {
        let seen = match check().await.reached() {
            Ok(value) => return value,
            Err(seen) => seen,
        };
        if tokio::time::Instant::now() >= deadline {
            match seen {
                Some(seen) => panic!("{what}: not within {within:?}; last seen: {seen}"),
                None => panic!("{what}: not within {within:?}"),
            }
        }
        tokio::time::sleep(recheck).await;
        recheck = (recheck * 2).min(LONGEST_RECHECK);
    }
}

/// Moves tokio's clock, and with it absim's (`absim::clock`), forward by
/// `by` at once, firing every timer due meanwhile, then lets it run on with
/// real time. For a current-thread test only (tokio cannot pause a
/// multi-thread runtime). Time is paused only for the jump: while it is
/// paused, a runtime with nothing to do skips ahead to its next timer,
/// which would race the I/O of a test that talks HTTP.
pub async fn advance_clock(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}
