//! Requests per minute per key (a client's network prefix, an article): a token bucket per
//! key, which allows a burst of a minute's worth and then one request per `60 s / limit`.
//!
//! Bounded work and memory, whatever the number of keys: the buckets are kept in two
//! generations, and a request looks in the current one, then in the previous one (moving
//! its bucket forward). Once a minute, and whenever the current generation holds
//! `max_keys`, the previous generation is dropped and the current one becomes the previous.
//! A bucket left untouched for a minute has refilled, so forgetting it changes nothing; only
//! a flood of more than `max_keys` new keys within a minute forgets some sooner, which gives
//! those keys their burst again (a botnet of that many prefixes is not stopped by a per-key
//! limit anyway). Keys are `Copy` (no heap), so dropping a generation frees one table.

use std::collections::HashMap;
use std::hash::Hash;
use std::mem;
use std::sync::{Mutex, PoisonError};

/// Keys in the current generation before it is turned over early: a table of 131,072 slots
/// of 41 bytes (a prefix's key, a bucket, a control byte), so both generations stay under
/// 11 MB.
pub const MAX_KEYS: usize = 100_000;
/// A bucket refills from empty within this time, so an untouched one can be forgotten.
const GENERATION_MILLIS: i64 = 60_000;

pub struct RateLimiter<K> {
    /// Requests a minute; 0 means no limit.
    per_minute: u32,
    max_keys: usize,
    generations: Mutex<Generations<K>>,
}

struct Generations<K> {
    current: HashMap<K, Bucket>,
    previous: HashMap<K, Bucket>,
    started_millis: i64,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated_millis: i64,
}

impl<K: Copy + Eq + Hash> RateLimiter<K> {
    pub fn new(per_minute: u32) -> RateLimiter<K> {
        RateLimiter::with_max_keys(per_minute, MAX_KEYS)
    }

    pub fn with_max_keys(per_minute: u32, max_keys: usize) -> RateLimiter<K> {
        let generations = Generations { current: HashMap::new(), previous: HashMap::new(), started_millis: i64::MIN };
        RateLimiter { per_minute, max_keys: max_keys.max(1), generations: Mutex::new(generations) }
    }

    /// Takes one request from `key`'s allowance, or says in how many whole seconds (at
    /// least 1) the next one will be allowed.
    pub fn check(&self, key: K, now_millis: i64) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let millis_per_token = 60_000.0 / capacity;
        // A panic elsewhere cannot leave a bucket half-written: every update is one store.
        let mut generations = self.generations.lock().unwrap_or_else(PoisonError::into_inner);
        let generations = &mut *generations;
        let expired = now_millis.saturating_sub(generations.started_millis) >= GENERATION_MILLIS;
        if expired || generations.current.len() >= self.max_keys {
            // The old previous generation is freed after the lock is released.
            let forgotten = mem::replace(&mut generations.previous, mem::take(&mut generations.current));
            generations.started_millis = now_millis;
            drop(forgotten);
        }
        let bucket = match generations.previous.remove(&key) {
            Some(bucket) => generations.current.entry(key).or_insert(bucket),
            None => generations.current.entry(key).or_insert(Bucket { tokens: capacity, updated_millis: now_millis }),
        };
        let elapsed = (now_millis - bucket.updated_millis).max(0) as f64;
        let tokens = (bucket.tokens + elapsed / millis_per_token).min(capacity);
        if tokens >= 1.0 {
            *bucket = Bucket { tokens: tokens - 1.0, updated_millis: now_millis };
            Ok(())
        } else {
            let wait_millis = (1.0 - tokens) * millis_per_token;
            Err(((wait_millis / 1000.0).ceil() as u64).max(1))
        }
    }

    /// Buckets kept, in both generations.
    pub fn keys(&self) -> usize {
        let generations = self.generations.lock().unwrap_or_else(PoisonError::into_inner);
        generations.current.len() + generations.previous.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;
    use std::time::{Duration, Instant};

    #[test]
    fn a_minute_s_worth_then_one_per_interval() {
        let limiter = RateLimiter::new(5);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        for _ in 0..5 {
            assert_eq!(limiter.check(a, 0), Ok(()));
        }
        assert_eq!(limiter.check(a, 0), Err(12));
        assert_eq!(limiter.check(a, 6_500), Err(6));
        assert_eq!(limiter.check(b, 6_500), Ok(()), "keys are counted apart");
        assert_eq!(limiter.check(a, 12_000), Ok(()));
        assert_eq!(limiter.check(a, 12_000), Err(12));
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0);
        for _ in 0..1_000 {
            assert_eq!(limiter.check(1u32, 0), Ok(()));
        }
    }

    #[test]
    fn a_bucket_survives_the_turn_of_a_generation_until_it_has_refilled() {
        let limiter = RateLimiter::new(2);
        assert_eq!((limiter.check(1u32, 0), limiter.check(1, 0)), (Ok(()), Ok(())));
        assert_eq!(limiter.check(1, 30_000), Ok(()));
        // A new generation at 60 s: key 1's bucket comes along from the previous one, with
        // the one token it got back since 30 s, not a fresh burst of two.
        assert_eq!(limiter.check(2u32, 60_000), Ok(()));
        assert_eq!(limiter.check(1, 60_000), Ok(()));
        assert_eq!(limiter.check(1, 60_000), Err(30));
        // Forgotten after two generations untouched, by which time it was full again.
        assert_eq!(limiter.check(3u32, 120_000), Ok(()));
        assert_eq!(limiter.check(3u32, 180_000), Ok(()));
        assert_eq!(limiter.keys(), 1);
        assert_eq!((limiter.check(1, 180_000), limiter.check(1, 180_000)), (Ok(()), Ok(())));
    }

    #[test]
    fn early_turns_keep_memory_bounded_and_forget_only_the_oldest_generation() {
        let limiter = RateLimiter::with_max_keys(1, 3);
        for key in 0..3u32 {
            assert_eq!(limiter.check(key, 0), Ok(()));
        }
        // The fourth key turns the generation over: 0, 1 and 2 are still limited.
        assert_eq!(limiter.check(3, 0), Ok(()));
        assert_eq!(limiter.check(0, 0), Err(60));
        assert!(limiter.keys() <= 6);
    }

    /// A million distinct keys within 10 ms (a host's /128s when keys were whole
    /// addresses, or a botnet's prefixes): each request stays cheap and the memory bounded.
    #[test]
    fn a_million_keys_cost_each_request_little_and_memory_stays_bounded() {
        let limiter = RateLimiter::new(5);
        // Generous for an unoptimised build on a busy machine; scanning every key kept at
        // each request, as the limiter once did, gets through some 35,000 in a minute.
        let budget = Duration::from_secs(20);
        let started = Instant::now();
        let mut nanos = Vec::with_capacity(1_000_000);
        for key in 0..1_000_000u64 {
            let one = Instant::now();
            assert_eq!(limiter.check(key, (key / 100_000) as i64), Ok(()));
            nanos.push(one.elapsed().as_nanos());
            if key % 1_000 == 0 {
                assert!(limiter.generations.lock().unwrap().current.len() <= MAX_KEYS);
                assert!(started.elapsed() < budget, "{key} requests took {:?}", started.elapsed());
            }
        }
        assert!(limiter.keys() <= 2 * MAX_KEYS, "{} keys kept", limiter.keys());
        // The 99th percentile: the slowest requests are those the scheduler paused.
        nanos.sort_unstable();
        let p99 = Duration::from_nanos(nanos[989_999] as u64);
        assert!(p99 < Duration::from_millis(1), "99 % of the requests took up to {p99:?}");
        // Those over their allowance are still refused after all that.
        for _ in 0..4 {
            assert_eq!(limiter.check(999_999, 9), Ok(()));
        }
        assert_eq!(limiter.check(999_999, 9), Err(12));
    }
}
