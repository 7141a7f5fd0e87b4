//! The mail's two keys, derived from the captcha's secret as the proof of work's are
//! (`crate::pow::secrets`): one hashes addresses, one signs the links of the messages.
//!
//! An address is known to the mail by `hex(HMAC-SHA-256(address key, lowercase address))`,
//! cut to 128 bits: the addresses confirmed outlive the comments that gave them (a comment
//! deleted is emptied of its e-mail), and a hash recognises an address posted again without
//! keeping it. A link's token is `KIND.ADDRESS.EXPIRES.SIGNATURE`: what it does, the address
//! it does it for (its hash), when it stops working (Unix seconds, 0 for never) and
//! `HMAC-SHA-256(token key, "KIND.ADDRESS.EXPIRES")` cut to 128 bits, all in lowercase hex.

use hmac::{Hmac, Mac};
use sha2::Sha256;

const ADDRESS_LABEL: &str = "article-widget mail address v1";
const TOKEN_LABEL: &str = "article-widget mail token v1";
/// Bytes kept of an HMAC: 128 bits.
const CUT: usize = 16;

/// What a link does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Confirms an address for reply notifications.
    Confirm,
    /// Stops reply notifications to an address.
    UnsubscribeReplies,
    /// Stops held comments' notices to a moderator's address.
    UnsubscribeHeld,
}

impl Action {
    fn code(self) -> &'static str {
        match self {
            Action::Confirm => "c",
            Action::UnsubscribeReplies => "r",
            Action::UnsubscribeHeld => "h",
        }
    }

    fn from_code(code: &str) -> Option<Action> {
        [Action::Confirm, Action::UnsubscribeReplies, Action::UnsubscribeHeld].into_iter().find(|a| a.code() == code)
    }
}

/// A link's token, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub action: Action,
    /// The address's key ([`Keys::address`]).
    pub address: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token this server signed.
    Invalid,
    Expired,
}

pub struct Keys {
    address: Vec<u8>,
    token: Vec<u8>,
}

impl Keys {
    pub fn new(captcha_secret: &str) -> Keys {
        let derive = |label: &str| crate::hex(&hmac(captcha_secret.as_bytes(), label.as_bytes())).into_bytes();
        Keys { address: derive(ADDRESS_LABEL), token: derive(TOKEN_LABEL) }
    }

    /// The key an address is known by: the same for the same address in any case.
    pub fn address(&self, email: &str) -> String {
        crate::hex(&hmac(&self.address, email.trim().to_lowercase().as_bytes())[..CUT])
    }

    /// A link's token; `expires` in Unix seconds, 0 for never.
    pub fn token(&self, action: Action, address: &str, expires: i64) -> String {
        let signed = format!("{}.{address}.{expires}", action.code());
        let signature = crate::hex(&hmac(&self.token, signed.as_bytes())[..CUT]);
        format!("{signed}.{signature}")
    }

    pub fn verify(&self, token: &str, now: i64) -> Result<Token, TokenError> {
        let (signed, signature) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let signature = unhex(signature).filter(|bytes| bytes.len() == CUT).ok_or(TokenError::Invalid)?;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.token).expect("HMAC accepts any key length");
        mac.update(signed.as_bytes());
        mac.verify_truncated_left(&signature).map_err(|_| TokenError::Invalid)?;
        let mut parts = signed.split('.');
        let (Some(action), Some(address), Some(expires), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Invalid);
        };
        let action = Action::from_code(action).ok_or(TokenError::Invalid)?;
        let expires: i64 = expires.parse().map_err(|_| TokenError::Invalid)?;
        if expires != 0 && now > expires {
            return Err(TokenError::Expired);
        }
        Ok(Token { action, address: address.to_owned() })
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_known_in_any_case_and_each_secret_knows_it_apart() {
        let keys = Keys::new("secret");
        assert_eq!(keys.address("Claire.Martin@Example.FR "), keys.address("claire.martin@example.fr"));
        assert_ne!(keys.address("claire@example.fr"), keys.address("claire2@example.fr"));
        assert_ne!(Keys::new("other").address("claire@example.fr"), keys.address("claire@example.fr"));
        assert_eq!(keys.address("a@example.org").len(), 32);
    }

    #[test]
    fn a_token_does_what_it_says_until_it_expires_and_nothing_once_altered() {
        let keys = Keys::new("secret");
        let address = keys.address("claire@example.fr");
        let token = keys.token(Action::Confirm, &address, 1_000);
        assert_eq!(keys.verify(&token, 1_000), Ok(Token { action: Action::Confirm, address: address.clone() }));
        assert_eq!(keys.verify(&token, 1_001), Err(TokenError::Expired));
        let forever = keys.token(Action::UnsubscribeReplies, &address, 0);
        assert_eq!(keys.verify(&forever, i64::MAX).map(|token| token.action), Ok(Action::UnsubscribeReplies));
        // Another action, address or expiry under the same signature; another server's.
        let signature = token.rsplit_once('.').unwrap().1;
        for altered in [
            format!("h.{address}.1000.{signature}"),
            format!("c.{}.1000.{signature}", keys.address("other@example.fr")),
            format!("c.{address}.0.{signature}"),
            Keys::new("other").token(Action::Confirm, &address, 1_000),
            token.to_uppercase(),
            format!("{token}."),
            String::new(),
            "c.x.0.zz".into(),
        ] {
            assert_eq!(keys.verify(&altered, 0), Err(TokenError::Invalid), "{altered}");
        }
    }
}
