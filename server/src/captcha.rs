//! Challenges signed by the server, so that it keeps no state until one is answered:
//! the seed (which fixes the puzzle, see `article_widget_core::captcha`) and the expiry are
//! covered by `HMAC-SHA256(secret, "v1:{seed}:{expires as unix seconds}")`.

use article_widget_core::captcha::Puzzle;
use article_widget_core::datetime::DateTime;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a challenge can be answered.
pub const LIFETIME_SECONDS: i64 = 600;

#[derive(Clone, Debug, Serialize)]
pub struct Challenge {
    /// Decimal: JSON numbers lose precision past 2^53.
    pub seed: String,
    pub expires: String,
    pub signature: String,
}

/// A challenge as sent back with a comment, with the reader's answer.
#[derive(Clone, Debug, Deserialize)]
pub struct Proof {
    pub seed: String,
    pub expires: String,
    pub signature: String,
    pub answer: String,
}

/// A challenge this server issued, still current: the store records it as used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Genuine {
    pub seed: u64,
    /// Unix seconds.
    pub expires: i64,
}

impl Genuine {
    pub fn accepts(&self, answer: &str) -> bool {
        Puzzle::from_seed(self.seed).accepts(answer)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptchaError {
    /// Not signed by this server (or altered).
    Invalid,
    Expired,
    Used,
    /// Answered sooner after issue than a person can.
    TooFast,
    Wrong,
}

impl CaptchaError {
    pub fn code(self) -> &'static str {
        match self {
            CaptchaError::Invalid => "captcha_invalid",
            CaptchaError::Expired => "captcha_expired",
            CaptchaError::Used => "captcha_used",
            CaptchaError::TooFast => "too_fast",
            CaptchaError::Wrong => "captcha_wrong",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            CaptchaError::Invalid => "the captcha challenge was not issued by this server",
            CaptchaError::Expired => "the captcha challenge has expired; fetch a new one",
            CaptchaError::Used => "the captcha challenge was already used; fetch a new one",
            CaptchaError::TooFast => "the comment was posted too soon after the captcha was issued",
            CaptchaError::Wrong => "wrong captcha answer; the challenge is used up, fetch a new one",
        }
    }
}

pub struct Signer {
    /// Keyed once; each signature starts from a clone.
    keyed: Hmac<Sha256>,
    /// Seconds a reader needs at least between fetching a challenge and posting.
    min_answer_seconds: i64,
}

impl Signer {
    pub fn new(secret: &str, min_answer_seconds: u32) -> Signer {
        // HMAC takes keys of any length: this cannot fail.
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
        Signer { keyed, min_answer_seconds: i64::from(min_answer_seconds) }
    }

    pub fn issue(&self, seed: u64, now: i64) -> Challenge {
        let expires = now + LIFETIME_SECONDS;
        let signature = crate::hex(&self.mac(seed, expires).finalize().into_bytes());
        Challenge { seed: seed.to_string(), expires: DateTime::from_unix_seconds(expires).to_string(), signature }
    }

    /// Checks what needs no memory: the signature (in constant time), the expiry and the
    /// delay since issue. Whether it was used, and the answer, are the caller's to check.
    pub fn verify(&self, proof: &Proof, now: i64) -> Result<Genuine, CaptchaError> {
        let seed = (proof.seed.len() <= 20 && proof.seed.bytes().all(|b| b.is_ascii_digit()))
            .then(|| proof.seed.parse::<u64>().ok())
            .flatten()
            .ok_or(CaptchaError::Invalid)?;
        let expires =
            DateTime::parse_rfc3339(&proof.expires).map(|at| at.unix_seconds()).ok_or(CaptchaError::Invalid)?;
        let signature = unhex(&proof.signature).ok_or(CaptchaError::Invalid)?;
        self.mac(seed, expires).verify_slice(&signature).map_err(|_| CaptchaError::Invalid)?;
        if now > expires {
            return Err(CaptchaError::Expired);
        }
        if now < expires - LIFETIME_SECONDS + self.min_answer_seconds {
            return Err(CaptchaError::TooFast);
        }
        Ok(Genuine { seed, expires })
    }

    fn mac(&self, seed: u64, expires: i64) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        mac.update(format!("v1:{seed}:{expires}").as_bytes());
        mac
    }
}

/// Lowercase hex only, as issued: anything else is not our signature.
fn unhex(text: &str) -> Option<Vec<u8>> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes().chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_728_648_300;

    fn proof(challenge: &Challenge, answer: &str) -> Proof {
        Proof {
            seed: challenge.seed.clone(),
            expires: challenge.expires.clone(),
            signature: challenge.signature.clone(),
            answer: answer.into(),
        }
    }

    #[test]
    fn a_challenge_is_signed_as_documented() {
        let challenge = Signer::new("secret", 3).issue(42, NOW);
        assert_eq!(challenge.seed, "42");
        assert_eq!(challenge.expires, "2024-10-11T12:15:00Z");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"secret").unwrap();
        mac.update(format!("v1:42:{}", NOW + 600).as_bytes());
        assert_eq!(challenge.signature, crate::hex(&mac.finalize().into_bytes()));
        assert_eq!(challenge.signature.len(), 64);
    }

    #[test]
    fn verification_checks_signature_expiry_and_delay() {
        let signer = Signer::new("secret", 3);
        let challenge = signer.issue(7, NOW);
        let genuine = Genuine { seed: 7, expires: NOW + 600 };
        assert_eq!(signer.verify(&proof(&challenge, ""), NOW + 3), Ok(genuine));
        assert_eq!(signer.verify(&proof(&challenge, ""), NOW + 600), Ok(genuine));
        assert_eq!(signer.verify(&proof(&challenge, ""), NOW + 2), Err(CaptchaError::TooFast));
        assert_eq!(signer.verify(&proof(&challenge, ""), NOW + 601), Err(CaptchaError::Expired));
        assert_eq!(Signer::new("other", 3).verify(&proof(&challenge, ""), NOW + 5), Err(CaptchaError::Invalid));
        let tampered = [
            Proof { seed: "8".into(), ..proof(&challenge, "") },
            Proof { seed: "+7".into(), ..proof(&challenge, "") },
            Proof { expires: "2024-10-11T12:20:00Z".into(), ..proof(&challenge, "") },
            Proof { expires: "tomorrow".into(), ..proof(&challenge, "") },
            Proof { signature: challenge.signature.to_uppercase(), ..proof(&challenge, "") },
            Proof { signature: challenge.signature[..63].into(), ..proof(&challenge, "") },
            Proof { signature: "é".repeat(32), ..proof(&challenge, "") },
        ];
        for tampered in tampered {
            assert_eq!(signer.verify(&tampered, NOW + 5), Err(CaptchaError::Invalid), "{tampered:?}");
        }
        assert_eq!(Signer::new("secret", 0).verify(&proof(&challenge, ""), NOW), Ok(genuine));
    }

    #[test]
    fn the_answer_is_the_core_puzzle_s() {
        let genuine = Genuine { seed: 99, expires: NOW };
        let answer = Puzzle::from_seed(99).answer();
        assert!(genuine.accepts(&answer.to_string()));
        assert!(!genuine.accepts(&(answer + 1).to_string()));
    }
}
