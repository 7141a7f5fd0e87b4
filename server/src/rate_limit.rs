//! Requests per minute per client address: a token bucket per address, which allows a
//! burst of a minute's worth and then one request per `60 s / limit`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

/// Addresses remembered before idle ones (whose bucket has refilled) are forgotten.
const PRUNE_ABOVE: usize = 10_000;

pub struct RateLimiter {
    /// Requests a minute; 0 means no limit.
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated_millis: i64,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one request from `client`'s allowance, or says in how many whole seconds
    /// (at least 1) the next one will be allowed.
    pub fn check(&self, client: IpAddr, now_millis: i64) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let millis_per_token = 60_000.0 / capacity;
        let refilled = |bucket: Bucket| {
            let elapsed = (now_millis - bucket.updated_millis).max(0) as f64;
            (bucket.tokens + elapsed / millis_per_token).min(capacity)
        };
        // A panic elsewhere cannot leave a bucket half-written: every update is one store.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, bucket| refilled(*bucket) < capacity);
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: capacity, updated_millis: now_millis });
        let tokens = refilled(*bucket);
        if tokens >= 1.0 {
            *bucket = Bucket { tokens: tokens - 1.0, updated_millis: now_millis };
            Ok(())
        } else {
            let wait_millis = (1.0 - tokens) * millis_per_token;
            Err(((wait_millis / 1000.0).ceil() as u64).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minute_s_worth_then_one_per_interval() {
        let limiter = RateLimiter::new(5);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        for _ in 0..5 {
            assert_eq!(limiter.check(a, 0), Ok(()));
        }
        assert_eq!(limiter.check(a, 0), Err(12));
        assert_eq!(limiter.check(a, 6_500), Err(6));
        assert_eq!(limiter.check(b, 6_500), Ok(()), "addresses are counted apart");
        assert_eq!(limiter.check(a, 12_000), Ok(()));
        assert_eq!(limiter.check(a, 12_000), Err(12));
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0);
        for _ in 0..1_000 {
            assert_eq!(limiter.check("::1".parse().unwrap(), 0), Ok(()));
        }
    }
}
