//! Rendered fragments kept for a short time, so that a page asked for often costs one
//! render, not one per reader. Bounded in entries; a fragment of this server's own API is
//! forgotten when a comment is posted on its article, so that it never hides a confirmed
//! comment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;

/// A fragment as answered: its bytes, its strong ETag, until when it may be answered.
#[derive(Clone, Debug)]
pub struct Cached {
    pub body: Bytes,
    pub etag: Arc<str>,
    /// Milliseconds since the epoch, by the server's clock.
    pub expires_ms: i64,
    /// The article, for this server's own API only (`None` for an upstream): what a posted
    /// comment makes stale.
    pub native_article: Option<String>,
}

#[derive(Debug)]
pub struct FragmentCache {
    entries: Mutex<HashMap<String, Cached>>,
    capacity: usize,
}

impl FragmentCache {
    pub fn new(capacity: usize) -> FragmentCache {
        FragmentCache { entries: Mutex::default(), capacity }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        // A panic while the lock was held left a map, at worst one entry short: still a cache.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fragment of `key`, if it has not expired at `now_ms`.
    pub fn get(&self, key: &str, now_ms: i64) -> Option<Cached> {
        self.entries().get(key).filter(|cached| cached.expires_ms > now_ms).cloned()
    }

    /// Keeps `cached`; when full, the expired entries go, else the one that expires first.
    pub fn put(&self, key: String, cached: Cached, now_ms: i64) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, entry| entry.expires_ms > now_ms);
            if entries.len() >= self.capacity {
                let first = entries.iter().min_by_key(|(_, entry)| entry.expires_ms).map(|(key, _)| key.clone());
                entries.remove(&first.unwrap_or_default());
            }
        }
        entries.insert(key, cached);
    }

    /// Forgets every fragment of this server's own API for `article`.
    pub fn forget_article(&self, article: &str) {
        self.entries().retain(|_, entry| entry.native_article.as_deref() != Some(article));
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fragment(text: &'static str, expires_ms: i64, native_article: Option<&str>) -> Cached {
        Cached { body: Bytes::from_static(text.as_bytes()), etag: text.into(), expires_ms, native_article: native_article.map(Into::into) }
    }

    #[test]
    fn entries_expire_and_are_bounded() {
        let cache = FragmentCache::new(2);
        cache.put("a".into(), fragment("a", 100, None), 0);
        cache.put("b".into(), fragment("b", 200, None), 0);
        assert_eq!(cache.get("a", 99).map(|c| c.body), Some(Bytes::from_static(b"a")));
        assert!(cache.get("a", 100).is_none(), "expired");
        cache.put("c".into(), fragment("c", 300, None), 0);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("a", 0).is_none(), "the one expiring first made room");
        cache.put("d".into(), fragment("d", 400, None), 250);
        assert!(cache.get("b", 0).is_none() && cache.get("c", 0).is_some() && cache.get("d", 0).is_some());
        assert!(FragmentCache::new(0).is_empty());
    }

    #[test]
    fn a_posted_comment_forgets_its_articles_native_fragments_only() {
        let cache = FragmentCache::new(10);
        cache.put("fr".into(), fragment("fr", 100, Some("x")), 0);
        cache.put("en".into(), fragment("en", 100, Some("x")), 0);
        cache.put("other".into(), fragment("other", 100, Some("y")), 0);
        cache.put("upstream".into(), fragment("upstream", 100, None), 0);
        cache.forget_article("x");
        assert!(cache.get("fr", 0).is_none() && cache.get("en", 0).is_none());
        assert!(cache.get("other", 0).is_some() && cache.get("upstream", 0).is_some());
    }
}
