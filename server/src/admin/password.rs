//! Moderators' passwords: Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, 1 lane)
//! as PHC strings, and how the command line reads one.

use std::io::BufRead;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shorter passwords are refused when a moderator is added or their password changed.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer ones too: a password is read as one line, and hashed at every sign-in.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The PHC string of `password`, with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| format!("random salt: {error}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| format!("salt: {error}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| format!("hashing the password: {error}"))
}

/// Whether `password` is the one of `phc` (with the parameters `phc` names).
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Checks `password` against a hash of nobody's: what a sign-in for an unknown name costs,
/// so that it takes as long as a wrong password, and does not tell which names exist.
pub fn verify_nobody(password: &str) {
    static NOBODY: OnceLock<String> = OnceLock::new();
    let phc = NOBODY.get_or_init(|| {
        let mut random = [0u8; 32];
        // Should the system give no randomness, a constant: the hash is never matched anyway.
        let _ = getrandom::fill(&mut random);
        hash(&crate::hex(&random)).unwrap_or_default()
    });
    verify(password, phc);
}

/// A new password, from the first line of `input` (its line ending removed, nothing else:
/// spaces count), refused when empty, under [`MIN_PASSWORD_CHARS`] or over
/// [`MAX_PASSWORD_CHARS`].
pub fn read_new(mut input: impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|error| format!("reading the password: {error}"))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    match password.chars().count() {
        0 => Err("no password given: write it on one line (standard input or --password-file)".into()),
        n if n < MIN_PASSWORD_CHARS => {
            Err(format!("the password has {n} characters: it needs at least {MIN_PASSWORD_CHARS}"))
        }
        n if n > MAX_PASSWORD_CHARS => Err(format!("the password is over {MAX_PASSWORD_CHARS} characters")),
        _ => Ok(password.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_password() {
        let first = hash("correct horse battery").unwrap();
        assert!(first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{first}");
        assert_ne!(first, hash("correct horse battery").unwrap(), "a fresh salt each time");
        assert!(verify("correct horse battery", &first));
        assert!(!verify("correct horse batterY", &first));
        assert!(!verify("correct horse battery", "not a PHC string"));
        verify_nobody("anything");
    }

    #[test]
    fn a_new_password_is_one_line_of_at_least_twelve_characters() {
        assert_eq!(read_new(&b"  twelve chars\n"[..]), Ok("  twelve chars".into()), "spaces count");
        assert_eq!(read_new(&b"correct horse\r\nsecond line\n"[..]), Ok("correct horse".into()));
        assert_eq!(read_new(&b"no line ending"[..]), Ok("no line ending".into()));
        assert_eq!(read_new("éééééééééééé\n".as_bytes()), Ok("éééééééééééé".into()), "characters, not bytes");
        assert!(read_new(&b"eleven char\n"[..]).unwrap_err().contains("at least 12"));
        assert!(read_new(&b""[..]).unwrap_err().contains("no password"));
        assert!(read_new(&b"\n"[..]).unwrap_err().contains("no password"));
        assert!(read_new("x".repeat(MAX_PASSWORD_CHARS + 1).as_bytes()).unwrap_err().contains("over"));
    }
}
