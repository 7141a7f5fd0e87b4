//! The secret a commenter gets with their posted comment, which lets them edit or delete it
//! for a while (`--edit-window-minutes`).
//!
//! It is `hex(HMAC-SHA-256(key, "{comment id}:{fingerprint}"))`, 32 bytes, the key itself
//! `HMAC-SHA-256(captcha secret, "article-widget comment secret v1")`, and the fingerprint the
//! post's idempotency fingerprint: unguessable without the server's secret, and the same
//! again for a retry of the post under its idempotency key, so that a lost answer loses
//! nothing. The database keeps only its SHA-256 (`comments.secret_hash`), which a request's
//! secret is compared with in constant time.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const LABEL: &[u8] = b"article-widget comment secret v1";

pub struct AuthorSecrets {
    key: Vec<u8>,
}

impl AuthorSecrets {
    pub fn new(captcha_secret: &str) -> AuthorSecrets {
        AuthorSecrets { key: hmac(captcha_secret.as_bytes(), LABEL) }
    }

    /// The secret of the comment `id`, posted with this idempotency fingerprint.
    pub fn secret(&self, id: i64, fingerprint: &str) -> String {
        crate::hex(&hmac(&self.key, format!("{id}:{fingerprint}").as_bytes()))
    }
}

/// What the database keeps of a secret: the SHA-256 of its text, in hex.
pub fn hash(secret: &str) -> String {
    crate::hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether `given` is the secret whose hash is `stored`, in a time that does not depend on
/// where their hashes differ.
pub fn matches(given: &str, stored: &str) -> bool {
    let given = hash(given);
    given.len() == stored.len() && given.bytes().zip(stored.bytes()).fold(0u8, |differ, (a, b)| differ | (a ^ b)) == 0
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_the_same_for_the_same_post_and_differs_otherwise() {
        let secrets = AuthorSecrets::new("captcha secret");
        let secret = secrets.secret(7, "fingerprint");
        assert_eq!((secret.len(), secret.clone()), (64, secrets.secret(7, "fingerprint")));
        assert_ne!(secret, secrets.secret(8, "fingerprint"));
        assert_ne!(secret, secrets.secret(7, "another"));
        assert_ne!(secret, AuthorSecrets::new("another secret").secret(7, "fingerprint"));
        assert!(matches(&secret, &hash(&secret)));
        assert!(!matches(&secrets.secret(8, "fingerprint"), &hash(&secret)));
        assert!(!matches("", &hash(&secret)) && !matches(&secret, ""));
    }
}
