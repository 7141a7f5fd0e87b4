//! E-mail over real SMTP: the server sends to a sink on a loopback port (`common/smtp.rs`)
//! with its own SMTP client, and to a real SMTP server, Debian's aiosmtpd
//! (`common/aiosmtpd.rs`). The confirmation, the reply notice and the held comment's
//! notice with their headers; the links' pages (a GET changes nothing, a POST does); an
//! outage and a restart, after which each message arrives once, the clock moved past the
//! retries' delays rather than waited for.

mod common;

use std::time::{Duration, Instant};

use article_widget_server::config::Cli;
use article_widget_server::Site as ServerSite;
use clap::Parser;
use common::admin::{add_moderator, signed_in};
use common::aiosmtpd::{free_port, Aiosmtpd};
use common::smtp::{Mode, Received, Sink};
use common::{key, Site, TestServer, ARTICLE, COMMENTS};
use serde_json::json;

const ALICE: &str = "alice@example.org";
const BOB: &str = "bob@example.org";
const MODERATOR: &str = "moderator@news.example";
const PUBLIC: &str = "http://comments.news.example";

fn mail_options(smtp_url: String) -> Vec<(&'static str, String)> {
    vec![
        ("--captcha", "off".into()),
        ("--smtp-url", smtp_url),
        ("--mail-from", "News comments <comments@news.example>".into()),
        ("--public-url", PUBLIC.into()),
        ("--article-url", "https://news.example/articles/{id}".into()),
        ("--notify-held", MODERATOR.into()),
    ]
}

fn start(site: &Site, sink: &Sink) -> TestServer {
    start_at(site, sink.url())
}

fn start_at(site: &Site, smtp_url: String) -> TestServer {
    let options = mail_options(smtp_url);
    let options: Vec<(&str, &str)> = options.iter().map(|(name, value)| (*name, value.as_str())).collect();
    site.start(&options)
}

/// Posts a comment and returns its id.
fn post(server: &TestServer, name: &str, email: &str, body: &str, parent: Option<&str>, notify: bool) -> String {
    let comment = json!({ "name": name, "email": email, "body": body, "parent": parent, "notify": notify });
    let reply = server.post(COMMENTS, &key(), &comment.to_string());
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_str().unwrap().to_owned()
}

/// A comment held for moderation (more than two links), whose notice to the moderator marks
/// a point in the queue: whatever was queued before it has been sent once it arrives.
fn held(server: &TestServer, sink: &Sink) -> Received {
    let before = sink.to(MODERATOR).len();
    post(server, "Spammeur", "spam@example.org", "https://a.example https://b.example https://c.example", None, false);
    sink.wait_for(MODERATOR, before + 1).pop().unwrap()
}

/// Path and query of a link to this server in a message.
fn path_of(message: &Received, route: &str) -> String {
    let link = message.link(&format!("{PUBLIC}/api/{route}?token=")).expect("the link");
    link.strip_prefix(PUBLIC).unwrap().to_owned()
}

fn assert_headers(message: &Received, to: &str, subject: &str) {
    assert_eq!(message.header("From").as_deref(), Some("\"News comments\" <comments@news.example>"));
    assert_eq!(message.header("To").as_deref(), Some(to));
    assert_eq!(message.decoded_header("Subject").as_deref(), Some(subject));
    assert_eq!(message.mail_from, "comments@news.example");
    assert_eq!(message.rcpt_to, [to]);
    let id = message.header("Message-ID").expect("a Message-ID");
    assert!(id.starts_with('<') && id.ends_with("@news.example>"), "{id}");
    let unsubscribe = message.header("List-Unsubscribe").expect("List-Unsubscribe");
    let link = path_of(message, "unsubscribe");
    assert_eq!(unsubscribe, format!("<{PUBLIC}{link}>"));
    assert_eq!(message.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert_eq!(message.header("Content-Type").as_deref(), Some("text/plain; charset=utf-8"));
    assert_eq!(message.header("Content-Transfer-Encoding").as_deref(), Some("quoted-printable"));
    assert!(message.header("Date").is_some());
}

/// Waits until `count` messages of the queue have failed `attempts` times and wait for their
/// next attempt, so that the clock is moved past a delay already set.
fn wait_queued(site: &Site, count: i64, attempts: i64) {
    let database = site.sql();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let row = database.row(
            "SELECT count(*) FROM mail_outbox WHERE status = 'queued' AND attempts = $1 AND last_error IS NOT NULL",
            &[attempts.into()],
        );
        let queued = row[0].int();
        if queued == count {
            return;
        }
        assert!(Instant::now() < deadline, "{queued} messages queued after {attempts} attempts, not {count}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ids(messages: &[Received]) -> Vec<String> {
    messages.iter().map(|message| message.header("Message-ID").unwrap()).collect()
}

#[test]
fn without_smtp_no_notification_is_offered_nor_any_mail_page_served() {
    let site = Site::new();
    let server = site.start(&[("--captcha", "off")]);
    assert_eq!(server.fresh_challenge().get("notify"), None);
    post(&server, "Alice", ALICE, "Prévenez-moi.", None, true);
    assert_eq!(server.get("/api/unsubscribe?token=x").status, 404);
    assert_eq!(server.get("/api/confirm?token=x").status, 404);
}

#[test]
fn a_reader_confirms_gets_each_reply_but_their_own_and_unsubscribes_in_one_click() {
    let sink = Sink::start();
    let site = Site::new();
    let server = start(&site, &sink);
    assert_eq!(server.fresh_challenge()["notify"], true);

    // Asked, the address gets a confirmation and nothing else until it confirms.
    let first = post(&server, "Alice", ALICE, "Premier commentaire.", None, true);
    let confirmation = sink.wait_for(ALICE, 1).remove(0);
    assert_headers(&confirmation, ALICE, "Confirm your address for reply notifications");
    assert!(confirmation.text().contains("Hello Alice,"), "{}", confirmation.text());
    assert!(confirmation.text().contains(&format!("https://news.example/articles/{ARTICLE}")));
    let confirm = path_of(&confirmation, "confirm");
    post(&server, "Bob", BOB, "Une réponse avant la confirmation.", Some(&first), false);
    // Following the link shows a button; it confirms nothing (mail scanners follow links).
    let page = server.get(&confirm);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.body.contains("<form method=\"post\" action=\"confirm?token="), "{}", page.body);
    post(&server, "Bob", BOB, "Une autre, toujours avant.", Some(&first), false);
    held(&server, &sink);
    assert_eq!(sink.to(ALICE).len(), 1, "only the confirmation: {:#?}", sink.to(ALICE));

    let confirmed = server.request("POST", &confirm, &[("content-type", "application/x-www-form-urlencoded")], "");
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("Confirmed"));

    // A reply by someone else: one notice, with its author, its text and the article's link.
    let reply = post(&server, "Bob <b>", BOB, "Je ne suis pas d’accord :\n<script>x</script>", Some(&first), false);
    let notice = sink.wait_for(ALICE, 2).remove(1);
    assert_headers(&notice, ALICE, "Bob <b> replied to your comment");
    let text = notice.text();
    assert!(text.contains("Bob <b> replied to your comment on\nhttps://news.example/articles/nouvel-ordre-mondial"), "{text}");
    assert!(text.contains("Je ne suis pas d’accord :\n<script>x</script>"), "{text}");
    assert_ne!(notice.header("Message-ID"), confirmation.header("Message-ID"));
    // Her own reply, to her comment or to the reply, tells her nothing; a second opt-in by the
    // same address, confirmed, asks no confirmation again.
    post(&server, "Alice", "ALICE@example.org", "Je réponds à moi-même.", Some(&first), false);
    let second = post(&server, "Alice", ALICE, "Et je réponds à Bob.", Some(&reply), true);
    held(&server, &sink);
    assert_eq!(sink.to(ALICE).len(), 2, "{:#?}", sink.to(ALICE));
    post(&server, "Bob", BOB, "Réponse au second.", Some(&second), false);
    let on_second = sink.wait_for(ALICE, 3).remove(2);
    assert!(on_second.text().contains("Réponse au second."));

    // Unsubscribing: the page shows a button and changes nothing; the one-click POST of
    // RFC 8058 does it, with no further step.
    let unsubscribe = path_of(&notice, "unsubscribe");
    let page = server.get(&unsubscribe);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<form method=\"post\" action=\"unsubscribe?token="), "{}", page.body);
    post(&server, "Carol", "carol@example.org", "Après le GET.", Some(&first), false);
    assert_eq!(sink.wait_for(ALICE, 4).len(), 4, "still subscribed after a GET");
    let done = server.request(
        "POST",
        &unsubscribe,
        &[("content-type", "application/x-www-form-urlencoded")],
        "List-Unsubscribe=One-Click",
    );
    assert_eq!(done.status, 200, "{}", done.body);
    post(&server, "Carol", "carol@example.org", "Après le POST.", Some(&first), false);
    post(&server, "Carol", "carol@example.org", "Sur l’autre.", Some(&second), false);
    held(&server, &sink);
    assert_eq!(sink.to(ALICE).len(), 4, "nothing after unsubscribing");

    // Links altered or of another kind do nothing.
    // Its last character changed (to another: a `0` would leave a token ending in `0` as it was).
    let last = if unsubscribe.ends_with('0') { '1' } else { '0' };
    let altered = format!("{}{last}", &unsubscribe[..unsubscribe.len() - 1]);
    assert_eq!(server.request("POST", &altered, &[], "").status, 400);
    assert_eq!(server.request("POST", &confirm.replace("/confirm", "/unsubscribe"), &[], "").status, 400);
}

#[test]
fn a_moderator_is_told_of_each_held_comment_and_unsubscribes() {
    let sink = Sink::start();
    let site = Site::new();
    let server = start(&site, &sink);
    let notice = held(&server, &sink);
    assert_headers(&notice, MODERATOR, "A comment by Spammeur awaits moderation");
    assert!(notice.text().contains("https://a.example https://b.example https://c.example"), "{}", notice.text());
    let unsubscribe = path_of(&notice, "unsubscribe");
    assert_eq!(server.request("POST", &unsubscribe, &[], "List-Unsubscribe=One-Click").status, 200);
    post(&server, "Spammeur", "spam@example.org", "https://d.example https://e.example https://f.example", None, false);
    // A reader's confirmation, queued after it, marks the point.
    post(&server, "Alice", ALICE, "Un repère.", None, true);
    sink.wait_for(ALICE, 1);
    assert_eq!(sink.to(MODERATOR).len(), 1);
}

/// A held reply notifies once a moderator approves it, and once only: approved again after
/// a rejection, it is not told twice.
#[test]
fn a_held_reply_notifies_once_a_moderator_approves_it_and_once_only() {
    let sink = Sink::start();
    let site = Site::new();
    add_moderator(&site, "anne");
    let server = start(&site, &sink);
    let moderator = signed_in(&server, "anne");
    let first = post(&server, "Alice", ALICE, "Premier.", None, true);
    let confirmation = sink.wait_for(ALICE, 1).remove(0);
    assert_eq!(server.request("POST", &path_of(&confirmation, "confirm"), &[], "").status, 200);
    let links = "https://a.example https://b.example https://c.example";
    let reply = post(&server, "Bob", BOB, links, Some(&first), false);
    let notice = sink.wait_for(MODERATOR, 1).remove(0);
    assert!(notice.text().contains(&format!("{PUBLIC}/moderation/")), "{}", notice.text());
    assert_eq!(sink.to(ALICE).len(), 1, "held: no notice yet");

    assert_eq!(moderator.status(&server, &reply, "published").status, 200);
    let notice = sink.wait_for(ALICE, 2).remove(1);
    assert!(notice.text().contains(links));
    assert_eq!(moderator.status(&server, &reply, "rejected").status, 200);
    assert_eq!(moderator.status(&server, &reply, "published").status, 200);
    held(&server, &sink);
    assert_eq!(sink.to(ALICE).len(), 2, "notified once");
}

#[test]
fn an_outage_then_its_end_delivers_each_message_once() {
    let sink = Sink::start();
    let site = Site::new();
    let server = start(&site, &sink);
    // Refused after its data (451), then the server down: each tried, none received.
    sink.set_mode(Mode::Refuse);
    post(&server, "Spammeur", "spam@example.org", "https://a.example https://b.example https://c.example", None, false);
    post(&server, "Alice", ALICE, "Prévenez-moi.", None, true);
    wait_queued(&site, 2, 1);
    assert_eq!(sink.refused().len(), 2);
    sink.set_mode(Mode::Down);
    site.clock.advance(Duration::from_secs(61));
    wait_queued(&site, 2, 2);
    assert_eq!(sink.dropped(), 2);
    assert!(sink.received().is_empty());
    // Back up: once the second delay (2 minutes) has passed, each arrives once, the same
    // message that was refused (its Message-ID).
    sink.set_mode(Mode::Accept);
    site.clock.advance(Duration::from_secs(121));
    sink.wait_until("both messages", |sink| sink.received().len() == 2);
    let mut refused = ids(&sink.refused());
    let mut received = ids(&sink.received());
    refused.sort();
    received.sort();
    assert_eq!(received, refused);
    // Hours later, nothing is sent again.
    site.clock.advance(Duration::from_secs(24 * 3600));
    held(&server, &sink);
    assert_eq!(sink.received().len(), 3, "{:#?}", sink.received());
}

/// In the site's language (`--mail-language fr`): the messages, their subjects encoded as
/// RFC 2047 asks, and the pages their links open.
#[test]
fn the_messages_and_their_pages_speak_the_sites_language() {
    let sink = Sink::start();
    let site = Site::new();
    let mut options = mail_options(sink.url());
    options.push(("--mail-language", "fr".into()));
    let options: Vec<(&str, &str)> = options.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let server = site.start(&options);
    let first = post(&server, "Alice", ALICE, "Prévenez-moi.", None, true);
    let confirmation = sink.wait_for(ALICE, 1).remove(0);
    assert_headers(&confirmation, ALICE, "Confirmez votre adresse pour être prévenu des réponses");
    let text = confirmation.text();
    assert!(text.contains("Bonjour Alice,\n\nVous avez demandé à être prévenu"), "{text}");
    assert!(text.contains("Vous recevez ce message parce que cette adresse a demandé à être prévenue des réponses"), "{text}");
    let confirm = path_of(&confirmation, "confirm");
    let page = server.get(&confirm);
    assert!(page.body.contains("<html lang=\"fr\">") && page.body.contains(">Confirmer</button>"), "{}", page.body);
    let confirmed = server.request("POST", &confirm, &[], "");
    assert!(confirmed.body.contains("<h1>Adresse confirmée</h1>"), "{}", confirmed.body);
    post(&server, "Zoé", BOB, "Une réponse.", Some(&first), false);
    let notice = sink.wait_for(ALICE, 2).remove(1);
    assert_headers(&notice, ALICE, "Zoé a répondu à votre commentaire");
    assert!(notice.text().contains("Zoé a répondu à votre commentaire sur\nhttps://news.example/articles/"), "{}", notice.text());
    let held = held(&server, &sink);
    assert_headers(&held, MODERATOR, "Un commentaire de Spammeur attend la modération");
    assert!(held.text().contains("Pour le modérer : http://comments.news.example/moderation/"), "{}", held.text());
    let unsubscribe = server.get(&path_of(&notice, "unsubscribe"));
    assert!(unsubscribe.body.contains("<title>Se désabonner</title>"), "{}", unsubscribe.body);
    let invalid = server.get("/api/confirm?token=x");
    assert_eq!(invalid.status, 400);
    assert!(invalid.body.contains("Lien non valable"), "{}", invalid.body);
}

/// Against a real SMTP server, absent at first: the confirmation waits in the queue, then
/// arrives once the server is up, once, with its headers as aiosmtpd filed them; its link
/// confirms, and the reply's notice follows.
#[test]
fn a_real_smtp_server_started_late_gets_each_message_once() {
    let port = free_port();
    let site = Site::new();
    let server = start_at(&site, format!("smtp://127.0.0.1:{port}"));
    let first = post(&server, "Alice", ALICE, "Prévenez-moi.", None, true);
    wait_queued(&site, 1, 1);
    let smtp = Aiosmtpd::start(port);
    site.clock.advance(Duration::from_secs(61));
    let confirmation = smtp.wait_for(ALICE, 1).remove(0);
    assert_headers(&confirmation, ALICE, "Confirm your address for reply notifications");
    assert!(confirmation.text().contains("Hello Alice,"), "{}", confirmation.text());
    let confirmed = server.request("POST", &path_of(&confirmation, "confirm"), &[], "");
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    post(&server, "Bob", BOB, "Une réponse, ligne assez longue pour être coupée en quoted-printable par l’expéditeur.", Some(&first), false);
    let notice = smtp.wait_for(ALICE, 2).into_iter().find(|message| message.header("Message-ID") != confirmation.header("Message-ID")).unwrap();
    assert_headers(&notice, ALICE, "Bob replied to your comment");
    assert!(notice.text().contains("ligne assez longue pour être coupée en quoted-printable par l’expéditeur."), "{}", notice.text());
    // Hours later, nothing was sent twice: the moderator's notice marks the point.
    site.clock.advance(Duration::from_secs(24 * 3600));
    post(&server, "Spammeur", "spam@example.org", "https://a.example https://b.example https://c.example", None, false);
    smtp.wait_for(MODERATOR, 1);
    assert_eq!(smtp.received().len(), 3, "{:#?}", smtp.received());
}

#[test]
fn mail_queued_when_the_server_stopped_is_sent_after_its_restart() {
    let sink = Sink::start();
    let site = Site::new();
    sink.set_mode(Mode::Down);
    let server = start(&site, &sink);
    post(&server, "Alice", ALICE, "Prévenez-moi.", None, true);
    wait_queued(&site, 1, 1);
    server.stop();
    sink.set_mode(Mode::Accept);
    let server = start(&site, &sink);
    site.clock.advance(Duration::from_secs(61));
    let confirmation = sink.wait_for(ALICE, 1).remove(0);
    assert_eq!(server.request("POST", &path_of(&confirmation, "confirm"), &[], "").status, 200);
    held(&server, &sink);
    assert_eq!(sink.to(ALICE).len(), 1);
}

#[test]
fn mail_settings_are_checked_at_start() {
    let sink = Sink::start();
    let site = Site::new();
    let config = |drop: &str, extra: &[(&str, &str)]| {
        let mut args = vec!["article-widget-server".to_owned()];
        for (name, value) in mail_options(sink.url()).into_iter().filter(|(name, _)| *name != drop) {
            args.extend([name.to_owned(), value]);
        }
        for (name, value) in extra {
            args.extend([name.to_string(), value.to_string()]);
        }
        args.extend(["--database".into(), site.database_arg()]);
        Cli::try_parse_from(args).map(|cli| cli.serve)
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let refusal = |drop: &str, extra: &[(&str, &str)]| {
        let config = config(drop, extra).unwrap();
        runtime.block_on(ServerSite::open(&config, site.clock.clone())).err().expect("refused").to_string()
    };
    assert!(refusal("--mail-from", &[]).contains("--mail-from"));
    assert!(refusal("--public-url", &[]).contains("--public-url"));
    assert!(refusal("--article-url", &[]).contains("--article-url"));
    let no_id = config("--article-url", &[("--article-url", "https://news.example/articles")]);
    assert!(no_id.err().unwrap().to_string().contains("{id}"));
    assert!(refusal("--smtp-url", &[]).contains("--notify-held needs --smtp-url"));
    assert!(config("--mail-from", &[("--mail-from", "not an address")]).is_err());
    let german = config("", &[("--mail-language", "de")]).err().unwrap().to_string();
    assert!(german.contains("de is not a language the messages are written in: fr or en"), "{german}");
}

/// Mail providers post one-click unsubscribes for many readers from the same addresses: the
/// links' pages are outside the API's rate limits.
#[test]
fn the_links_pages_are_outside_the_rate_limits() {
    let sink = Sink::start();
    let site = Site::new();
    let mut options = mail_options(sink.url());
    options.extend([("--posts-per-minute", "1".into()), ("--reads-per-minute", "1".into())]);
    let options: Vec<(&str, &str)> = options.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let server = site.start(&options);
    for _ in 0..5 {
        assert_eq!(server.request("POST", "/api/unsubscribe?token=x", &[], "List-Unsubscribe=One-Click").status, 400);
        assert_eq!(server.get("/api/confirm?token=x").status, 400);
    }
    server.get(COMMENTS);
    assert_eq!(server.get(COMMENTS).status, 429, "the API is limited");
}
