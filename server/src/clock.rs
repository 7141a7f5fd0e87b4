//! The server's notion of "now", shifted on demand so that tests can reach a captcha's
//! expiry or a rate limit's refill without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The system clock plus an offset that only ever grows; production never moves it.
#[derive(Debug, Default)]
pub struct Clock {
    offset_millis: AtomicI64,
}

impl Clock {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn now_millis(&self) -> i64 {
        // A system clock set before 1970 reads as 1970: nothing here predates the server.
        let system = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        i64::try_from(system.as_millis()).unwrap_or(i64::MAX) + self.offset_millis.load(Ordering::Relaxed)
    }

    pub fn now_seconds(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Moves this clock forward, as if `by` had passed.
    pub fn advance(&self, by: Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_millis.fetch_add(millis, Ordering::Relaxed);
    }
}
