//! Wall-clock milliseconds that follow tokio's clock: in production they
//! track real time; in tests with a paused runtime they move only when the
//! test advances time. Due times in the durable queue are stored in these
//! milliseconds.

use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    base_ms: i64,
    base: Instant,
}

impl Clock {
    /// Starts at the current wall-clock time.
    pub fn new() -> Clock {
        Clock {
            base_ms: chrono::Utc::now().timestamp_millis(),
            base: Instant::now(),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.base_ms + self.base.elapsed().as_millis() as i64
    }

    /// `delay` from now, in milliseconds.
    pub fn after(&self, delay: Duration) -> i64 {
        self.now_ms() + delay.as_millis() as i64
    }

    /// The tokio instant at which `due_ms` is reached.
    pub fn instant_of(&self, due_ms: i64) -> Instant {
        let ahead = (due_ms - self.now_ms()).max(0) as u64;
        Instant::now() + Duration::from_millis(ahead)
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_clock_moves_with_tokio_time() {
        let c = Clock::new();
        let t0 = c.now_ms();
        tokio::time::advance(Duration::from_secs(90)).await;
        assert_eq!(c.now_ms() - t0, 90_000);
        assert_eq!(c.after(Duration::from_secs(5)) - t0, 95_000);
    }
}
