//! The proof of work over HTTP: the challenge `GET /api/captcha` gives beside the captcha's
//! (ALTCHA's format), and every refusal of a post's `altcha` answer with its code (missing,
//! invalid, expired, replayed, also after a restart and from a second server on the same
//! database), its place before the captcha, and a stored post's retry answered even once its
//! challenge was used or expired. altcha-lib itself solves and verifies our challenges in
//! `tests/e2e/altcha.test.mjs`.

use std::time::Duration;

use article_widget_core::pow::{self, solve, Solution};
use serde_json::{json, Value};

mod common;

use common::*;

/// Proof of work on, and easy: SHA-256 once, a counter from 0 to 300, so that the tests
/// solve at once.
const POW: [(&str, &str); 5] =
    [("--pow", "on"), ("--pow-counter-min", "0"), ("--pow-counter-max", "300"), ("--pow-algorithm", "SHA-256"), ("--pow-cost", "1")];

/// A captcha answered as a reader would, some seconds later, and its proof of work solved
/// with the core's solver: (the captcha with its answer, the `altcha` payload).
fn solved(server: &TestServer) -> (Value, String) {
    let mut challenge = server.solved_challenge();
    let pow = challenge.as_object_mut().unwrap().remove("pow").expect("a proof-of-work challenge");
    (challenge, solve_pow(&pow))
}

fn solve_pow(pow: &Value) -> String {
    let challenge = pow::decode_challenge(&pow.to_string()).unwrap();
    let found = solve::search(&challenge.task, 0, 1_000);
    let solve::Search::Found(solution) = found else { panic!("the counter is at most 300: {found:?}") };
    challenge.payload(&solution, 3)
}

fn post(server: &TestServer, key: &str, body: &str, captcha: &Value, altcha: Option<&str>) -> Reply {
    let mut request = comment("Anne", body, captcha);
    if let Some(altcha) = altcha {
        request["altcha"] = json!(altcha);
    }
    server.post(COMMENTS, key, &request.to_string())
}

/// The payload's JSON, changed by `edit`, in base64 again.
fn edited(payload: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut document: Value = serde_json::from_slice(&pow::base64_decode(payload).unwrap()).unwrap();
    edit(&mut document);
    pow::base64_encode(document.to_string().as_bytes())
}

fn refused(reply: &Reply, code: &str) {
    let error = reply.error(422, code);
    assert_eq!(error["field"], "altcha", "{}", reply.body);
}

#[test]
fn the_challenge_is_altcha_s_and_expires_with_the_captcha() {
    let site = Site::new();
    let server = site.start(&POW);
    let challenge = server.fresh_challenge();
    let parameters = &challenge["pow"]["parameters"];
    let names: Vec<&String> = parameters.as_object().unwrap().keys().collect();
    assert_eq!(names, ["algorithm", "cost", "expiresAt", "keyLength", "keyPrefix", "keySignature", "nonce", "salt"]);
    assert_eq!((parameters["algorithm"].as_str(), parameters["cost"].as_u64(), parameters["keyLength"].as_u64()), (Some("SHA-256"), Some(1), Some(32)));
    let expires = article_widget_core::datetime::DateTime::parse_rfc3339(challenge["expires"].as_str().unwrap()).unwrap();
    assert_eq!(parameters["expiresAt"].as_i64(), Some(expires.unix_seconds()));
    assert_eq!(challenge["pow"]["signature"].as_str().map(str::len), Some(64));
    // Off, the challenge is the captcha's alone, and a post needs no `altcha`.
    let off = site.start(&[("--pow", "off")]);
    assert!(off.fresh_challenge().get("pow").is_none());
    assert_eq!(post(&off, &key(), "Sans preuve.", &off.solved_challenge(), None).status, 201);
}

#[test]
fn a_solved_challenge_is_accepted_with_sha_256_and_pbkdf2() {
    let site = Site::new();
    for algorithm in [[("--pow-algorithm", "SHA-256"), ("--pow-cost", "1")], [("--pow-algorithm", "PBKDF2/SHA-256"), ("--pow-cost", "20")]] {
        let server = site.start(&[&POW[..3], &algorithm].concat());
        let (captcha, altcha) = solved(&server);
        assert_eq!(post(&server, &key(), "Résolu.", &captcha, Some(&altcha)).status, 201);
    }
    assert_eq!(site.start(&[]).total(), SEEDED + 2);
}

#[test]
fn a_missing_or_invalid_answer_is_refused_and_leaves_the_challenge_usable() {
    let site = Site::new();
    let server = site.start(&POW);
    let (captcha, altcha) = solved(&server);
    refused(&post(&server, &key(), "Sans preuve.", &captcha, None), "pow_missing");
    let counter = |document: &Value| document["solution"]["counter"].as_u64().unwrap() as u32;
    let challenge_of = |payload: &str| {
        let document: Value = serde_json::from_slice(&pow::base64_decode(payload).unwrap()).unwrap();
        (pow::decode_challenge(&document["challenge"].to_string()).unwrap(), counter(&document))
    };
    let (challenge, found) = challenge_of(&altcha);
    // The key of the next counter, as derived: work not done, which its key signature tells.
    let next = Solution { counter: found + 1, derived_key: solve::derive_key(&challenge.task, found + 1) };
    let invalid = [
        ("tampered parameters", edited(&altcha, |d| d["challenge"]["parameters"]["cost"] = json!(2))),
        ("a later expiry", edited(&altcha, |d| d["challenge"]["parameters"]["expiresAt"] = json!(4_102_444_800u64))),
        ("another signature", edited(&altcha, |d| d["challenge"]["signature"] = json!("00".repeat(32)))),
        ("no signature", edited(&altcha, |d| d["challenge"]["signature"] = json!(""))),
        ("a wrong key", edited(&altcha, |d| {
            let key = d["solution"]["derivedKey"].as_str().unwrap().to_owned();
            d["solution"]["derivedKey"] = json!(format!("{}{}", &key[..63], if key.ends_with('0') { "1" } else { "0" }));
        })),
        ("the key in capitals", edited(&altcha, |d| {
            d["solution"]["derivedKey"] = json!(d["solution"]["derivedKey"].as_str().unwrap().to_uppercase());
        })),
        ("a wrong counter", challenge.payload(&next, 3)),
        ("a counter past 32 bits", edited(&altcha, |d| d["solution"]["counter"] = json!(1u64 << 32))),
        ("no solution", edited(&altcha, |d| d["solution"] = json!(null))),
        ("not base64", "not base64!".to_owned()),
        ("base64 of no JSON", pow::base64_encode(b"{\"challenge\":")),
        ("JSON of another shape", pow::base64_encode(b"[1, 2]")),
    ];
    for (what, payload) in invalid {
        let reply = post(&server, &key(), "Fausse preuve.", &captcha, Some(&payload));
        assert_eq!(reply.json()["error"]["code"], "pow_invalid", "{what}: {}", reply.body);
        refused(&reply, "pow_invalid");
    }
    // Before the captcha: a bad proof of work is told, whatever the captcha holds.
    let mut wrong_captcha = captcha.clone();
    wrong_captcha["signature"] = json!("00");
    refused(&post(&server, &key(), "Deux fautes.", &wrong_captcha, None), "pow_missing");
    // None of these used the challenge, nor the captcha.
    assert_eq!(post(&server, &key(), "Enfin.", &captcha, Some(&altcha)).status, 201);
}

#[test]
fn a_challenge_serves_once_even_after_a_restart_or_on_a_second_server() {
    let site = Site::new();
    let server = site.start(&POW);
    let (captcha, altcha) = solved(&server);
    assert_eq!(post(&server, &key(), "Une fois.", &captcha, Some(&altcha)).status, 201);
    // Used, with a fresh captcha: refused before the captcha is looked at.
    let (fresh, _) = solved(&server);
    refused(&post(&server, &key(), "Deux fois.", &fresh, Some(&altcha)), "pow_replayed");
    let mut forged = fresh.clone();
    forged["signature"] = json!("00");
    refused(&post(&server, &key(), "Deux fois.", &forged, Some(&altcha)), "pow_replayed");
    // A second server on the same database knows it, while the first runs...
    let second = site.start(&POW);
    refused(&post(&second, &key(), "Ailleurs.", &fresh, Some(&altcha)), "pow_replayed");
    drop(second);
    // ...and so does the first after a restart.
    server.stop();
    let restarted = site.start(&POW);
    refused(&post(&restarted, &key(), "Après redémarrage.", &fresh, Some(&altcha)), "pow_replayed");
    assert_eq!(restarted.total(), SEEDED + 1);
}

#[test]
fn a_wrong_captcha_answer_uses_the_proof_of_work_up_too() {
    let site = Site::new();
    let server = site.start(&POW);
    let (mut captcha, altcha) = solved(&server);
    captcha["answer"] = json!("-1");
    post(&server, &key(), "Au hasard.", &captcha, Some(&altcha)).error(422, "captcha_wrong");
    let (fresh, _) = solved(&server);
    refused(&post(&server, &key(), "Encore.", &fresh, Some(&altcha)), "pow_replayed");
}

#[test]
fn an_expired_challenge_is_refused() {
    let site = Site::new();
    let server = site.start(&POW);
    let (captcha, altcha) = solved(&server);
    // The captcha was fetched 5 s ago (`solved_challenge`): both expire 600 s after it.
    server.clock.advance(Duration::from_secs(596));
    refused(&post(&server, &key(), "Trop tard.", &captcha, Some(&altcha)), "pow_expired");
    let (fresh, _) = solved(&server);
    refused(&post(&server, &key(), "Trop tard.", &fresh, Some(&altcha)), "pow_expired");
}

#[test]
fn a_stored_post_s_retry_is_answered_after_its_challenge_was_used_and_expired() {
    let site = Site::new();
    let server = site.start(&POW);
    let (captcha, altcha) = solved(&server);
    let key = key();
    let first = post(&server, &key, "Envoyé une fois.", &captcha, Some(&altcha));
    assert_eq!(first.status, 201, "{}", first.body);
    let retry = post(&server, &key, "Envoyé une fois.", &captcha, Some(&altcha));
    assert_eq!((retry.status, retry.json()), (200, first.json()), "{}", retry.body);
    server.clock.advance(Duration::from_secs(601));
    let late = post(&server, &key, "Envoyé une fois.", &captcha, Some(&altcha));
    assert_eq!((late.status, late.json()), (200, first.json()), "{}", late.body);
    assert_eq!(server.total(), SEEDED + 1);
}
