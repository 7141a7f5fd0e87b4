//! A sign-in for an unknown name takes as long as one with a wrong password, so that the time
//! of the answer does not tell which names are moderators'. Alone in its test binary, so that
//! no other test of the same process competes for the cores while it measures.

use std::time::{Duration, Instant};

mod common;

use common::admin::*;

#[test]
fn an_unknown_name_takes_as_long_as_a_wrong_password() {
    let site = site_with_moderator();
    let server = site.start(&[("--trusted-proxies", "127.0.0.1")]);
    let timed = |name: &str, address: &str| {
        let start = Instant::now();
        sign_in(&server, name, "not the password", &[("x-forwarded-for", address)]).error(401, "bad_credentials");
        start.elapsed()
    };
    // In turns, each attempt from an address of its own, four per name (under the limits);
    // other work on the machine only makes an attempt slower, so the fastest are compared.
    // Without the check of an unknown name against a hash of nobody's, it is answered in a
    // few milliseconds, against tens for an Argon2id check.
    let (mut wrong, mut unknown) = (Duration::MAX, Duration::MAX);
    for n in 1..=4 {
        wrong = wrong.min(timed("anne", &format!("192.0.2.{n}")));
        unknown = unknown.min(timed("nobody", &format!("198.51.100.{n}")));
    }
    assert!(unknown * 2 > wrong, "an unknown name took {unknown:?}, a wrong password {wrong:?}");
}
