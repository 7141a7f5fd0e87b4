//! `GET /fragment`, the `fragment` subcommand and the server-side includes, over HTTP: the
//! fragment of this server's own article, of a WordPress upstream answering on loopback with
//! the answers recorded from a real WordPress (`core/tests/fixtures/wordpress-real/`), the
//! element alone when the upstream fails, refusals, caching, and hostile upstreams checked by
//! the XSS oracle.

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use article_widget_core::checks::{script_capable, VECTORS};
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod common;

use common::upstream::Upstream;
use common::*;

/// The parts of a fragment: the element's start tag, the template's markup (its `<style>`
/// taken out), the JSON-LD and the answers' JSON.
struct Parts {
    start_tag: String,
    markup: String,
    linked_data: String,
    answers: Value,
}

fn parts(fragment: &str) -> Parts {
    let between = |text: &str, open: &str, close: &str| -> String {
        let start = text.find(open).unwrap_or_else(|| panic!("no {open} in {fragment}")) + open.len();
        let end = start + text[start..].find(close).unwrap_or_else(|| panic!("no {close} in {fragment}"));
        text[start..end].to_owned()
    };
    let start_tag = format!("<article-widget{}>", between(fragment, "<article-widget", ">"));
    let template = between(fragment, "<template shadowrootmode=\"open\">", "</template>");
    let style = between(&template, "<style>", "</style>");
    let markup = template.replacen(&format!("<style>{style}</style>"), "", 1);
    let json = between(fragment, "<script type=\"application/json\" data-article-widget-answers>", "</script>");
    assert!(!json.contains('<'), "every < of the answers is written \\u003c: {json}");
    let answers = serde_json::from_str(&json).unwrap_or_else(|error| panic!("{error}: {json}"));
    let linked_data = between(fragment, "<script type=\"application/ld+json\">", "</script>");
    Parts { start_tag, markup, linked_data, answers }
}

/// What the XSS oracle reads of a fragment: its markup but for the widget's own comment form
/// (a `<form>` with `<input>`s and a `<noscript>`, which the oracle would flag in a backend's
/// HTML, and which holds no backend text).
fn checked_markup(parts: &Parts) -> String {
    let start = parts.markup.find("<form ").expect("the widget's form");
    let end = start + parts.markup[start..].find("</form>").unwrap() + "</form>".len();
    let form = &parts.markup[start..end];
    assert!(form[..form.find('>').unwrap()].contains("class=\"aw-form\"") && !form[1..].contains("<form"), "{form}");
    format!("{}{}", &parts.markup[..start], &parts.markup[end..])
}

fn answered_urls(parts: &Parts) -> Vec<String> {
    parts.answers["answers"].as_array().unwrap().iter().map(|answer| answer["url"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn this_servers_article_comes_rendered_with_its_answers_and_without_a_captcha() {
    let site = Site::new();
    let server = site.start(&[]);
    let reply = server.get("/fragment?article=nouvel-ordre-mondial&lang=fr&theme=light&comments=eager");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(reply.header("cache-control"), Some("public, max-age=30"));
    let parts = parts(&reply.body);
    assert_eq!(
        parts.start_tag,
        r#"<article-widget article="nouvel-ordre-mondial" backend="/api" lang="fr" theme="light" comments="eager" timezone="+00:00">"#
    );
    assert!(parts.markup.contains("Poutine et Pezeshkian se rencontrent pour la première fois à Achgabat"), "{}", parts.markup);
    let urls = answered_urls(&parts);
    assert!(urls.contains(&"/api/articles/nouvel-ordre-mondial".to_owned()), "{urls:?}");
    assert!(urls.iter().any(|url| url.starts_with("/api/articles/nouvel-ordre-mondial/comments")), "{urls:?}");
    assert!(!reply.body.contains("/api/captcha") && !reply.body.contains("seed"), "no captcha in the fragment");
    assert_eq!(script_capable(&checked_markup(&parts)), None);
}

#[test]
fn a_fragment_is_cached_with_a_strong_etag_and_a_posted_comment_shows_at_once() {
    let site = Site::new();
    let server = site.start(&[]);
    let path = "/fragment?article=nouvel-ordre-mondial&comments=eager";
    let first = server.get(path);
    let etag = first.header("etag").expect("an ETag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"), "{etag}");

    let again = server.request("GET", path, &[("if-none-match", &etag)], "");
    assert_eq!((again.status, again.body.as_str(), again.header("etag")), (304, "", Some(etag.as_str())));
    assert!(again.header("cache-control").is_some_and(|value| value.starts_with("public, max-age=")));
    let other = server.request("GET", path, &[("if-none-match", "\"another\"")], "");
    assert_eq!((other.status, other.body), (200, first.body.clone()));

    let captcha = server.solved_challenge();
    let posted = server.post(COMMENTS, &key(), &comment("Inès", "Un commentaire tout neuf.", &captcha).to_string());
    assert_eq!(posted.status, 201, "{}", posted.body);
    let after = server.get(path);
    assert!(after.body.contains("Un commentaire tout neuf."), "the posted comment is in the next fragment");
    assert_ne!(after.header("etag"), Some(etag.as_str()));
}

#[test]
fn a_wordpress_upstream_is_read_through_its_mapping() {
    let wordpress = Upstream::wordpress(|_, _| {});
    let site = Site::new();
    let server = site.start(&[("--upstream", &format!("blog=wordpress,{}", wordpress.url))]);
    let reply = server.get("/fragment?article=4127&upstream=blog&lang=fr&comments=eager");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let parts = parts(&reply.body);
    assert_eq!(
        parts.start_tag,
        format!(r#"<article-widget article="4127" backend="{}" mapping="wordpress" lang="fr" comments="eager" timezone="+00:00">"#, wordpress.url)
    );
    assert!(parts.markup.contains("Poutine et Pezeshkian se rencontrent"), "{}", parts.markup);
    assert!(parts.markup.contains("Marie Lefèvre"), "a comment of the recorded thread: {}", parts.markup);
    assert!(answered_urls(&parts).iter().all(|url| url.starts_with(&wordpress.url)));
    assert_eq!(script_capable(&checked_markup(&parts)), None, "the recorded javascript: website is not a link");
}

#[test]
fn an_upstream_read_with_a_mapping_file_is_rendered_with_the_element_that_carries_it() {
    let wordpress = Upstream::wordpress(|_, _| {});
    let site = Site::new();
    let file = site.folder.path().join("mine.json");
    let mapping = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/mappings/wordpress.json")).unwrap();
    std::fs::write(&file, &mapping).unwrap();
    let server = site.start(&[("--upstream", &format!("mine={},{}", file.display(), wordpress.url))]);
    let reply = server.get("/fragment?article=4127&upstream=mine&lang=fr");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let carrier = format!("<script type=\"application/json\" id=\"article-widget-mapping-mine\">{}</script>", mapping.replace('<', "\\u003c"));
    let element = reply.body.strip_prefix(&carrier).expect("the mapping first, where the browser finds it by its id");
    let parts = parts(element);
    assert!(parts.start_tag.contains(r##"mapping="#article-widget-mapping-mine""##), "{}", parts.start_tag);
    assert!(parts.markup.contains("Poutine et Pezeshkian se rencontrent"), "rendered on the server: {}", parts.markup);
    assert_eq!(reply.header("cache-control"), Some("public, max-age=30"));
}

#[test]
fn a_mapping_file_never_ends_the_script_that_carries_it() {
    let site = Site::new();
    let file = site.folder.path().join("mine.json");
    let mapping = r#"{"article": {"url": "/posts/{id}?x=</script><!--", "fields": {"headline": "/title", "published": "/date", "body": "/text"}}}"#;
    std::fs::write(&file, mapping).unwrap();
    // Nothing listens on port 9: the element alone, with its mapping, for the browser.
    let server = site.start(&[("--upstream", &format!("mine={},http://127.0.0.1:9/v1", file.display()))]);
    let reply = server.get("/fragment?article=a1&upstream=mine&lang=en");
    assert_eq!(reply.status, 200);
    let escaped = mapping.replace('<', "\\u003c");
    assert_eq!(
        reply.body,
        format!(
            "<script type=\"application/json\" id=\"article-widget-mapping-mine\">{escaped}</script>\
             <article-widget article=\"a1\" backend=\"http://127.0.0.1:9/v1\" mapping=\"#article-widget-mapping-mine\" lang=\"en\"></article-widget>"
        )
    );
}

#[test]
fn readers_asking_at_once_share_one_render() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = asked.clone();
    let wordpress = Upstream::wordpress(move |file, _| {
        if file.starts_with("post") {
            counted.fetch_add(1, Ordering::SeqCst);
            // Slow enough that every reader asks while the render is under way.
            thread::sleep(Duration::from_millis(300));
        }
    });
    let site = Site::new();
    let server = Arc::new(site.start(&[("--upstream", &format!("blog=wordpress,{}", wordpress.url))]));
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let server = server.clone();
            thread::spawn(move || server.get("/fragment?article=4127&upstream=blog").body)
        })
        .collect();
    let fragments: Vec<String> = readers.into_iter().map(|reader| reader.join().unwrap()).collect();
    assert_eq!(asked.load(Ordering::SeqCst), 1, "one render, one request for the post");
    assert!(fragments.iter().all(|fragment| fragment == &fragments[0] && fragment.contains("shadowrootmode")));
}

#[test]
fn requests_name_a_configured_upstream_and_never_a_url() {
    let site = Site::new();
    let server = site.start(&[("--upstream", "blog=wordpress,http://127.0.0.1:9")]);
    for (query, parameter) in [
        ("article=4127&upstream=other", "upstream"),
        ("article=4127&backend=https://evil.example/wp-json", "backend"),
        ("article=4127&mapping=wordpress", "mapping"),
        ("article=https://evil.example/x", "article"),
        ("article=4127&lang=//evil.example", "lang"),
        ("upstream=blog", "article"),
        ("article=a&theme=pink", "theme"),
        ("article=a&article=b", "article"),
    ] {
        let reply = server.get(&format!("/fragment?{query}"));
        let error = reply.error(400, "invalid_query");
        assert_eq!(error["field"], parameter, "{query}: {}", reply.body);
        assert!(error["message"].as_str().unwrap().starts_with(&format!("{parameter}: ")), "{}", reply.body);
    }
}

/// The element a publisher writes, which the browser renders by itself.
fn plain(upstream: &str) -> String {
    format!(r#"<article-widget article="4127" backend="{upstream}" mapping="wordpress"></article-widget>"#)
}

#[test]
fn an_upstream_that_fails_gives_the_element_alone() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let down = format!("http://{closed}");
    let silent = Upstream::start(|_| {
        thread::sleep(Duration::from_secs(5));
        (200, Vec::new(), "{}".into())
    });
    let huge = Upstream::start(|_| (200, Vec::new(), format!("[\"{}\"]", "x".repeat(10_000))));
    let broken = Upstream::start(|_| (200, Vec::new(), "<html>not JSON</html>".into()));
    let site = Site::new();
    let upstreams: Vec<String> = [("down", &down), ("silent", &silent.url), ("huge", &huge.url), ("broken", &broken.url)]
        .iter()
        .map(|(name, url)| format!("{name}=wordpress,{url}"))
        .collect();
    let mut options = vec![("--upstream-timeout", "1"), ("--upstream-max-bytes", "1000")];
    options.extend(upstreams.iter().map(|upstream| ("--upstream", upstream.as_str())));
    let server = site.start(&options);
    for (name, url) in [("down", &down), ("silent", &silent.url), ("huge", &huge.url), ("broken", &broken.url)] {
        let started = Instant::now();
        let reply = server.get(&format!("/fragment?article=4127&upstream={name}"));
        assert_eq!((reply.status, reply.body.as_str()), (200, plain(url).as_str()), "{name}");
        assert_eq!(reply.header("cache-control"), Some("public, max-age=5"), "{name}");
        assert!(started.elapsed() < Duration::from_secs(4), "{name}: the time limit holds");
    }
}

#[test]
fn the_fragment_subcommand_writes_the_fragment_and_says_why_it_fell_back() {
    let site = Site::new();
    let database = site.database_arg();
    let fragment = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_article-widget-server"))
            .arg("fragment")
            .args(args)
            .arg("--content")
            .arg(site.content())
            .arg("--database")
            .arg(&database)
            .output()
            .unwrap()
    };
    let written = fragment(&["--article", "nouvel-ordre-mondial", "--lang", "fr"]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let stdout = String::from_utf8(written.stdout).unwrap();
    assert!(parts(&stdout).start_tag.starts_with(r#"<article-widget article="nouvel-ordre-mondial" backend="/api" lang="fr""#));

    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let down = format!("http://{closed}");
    let fell_back = fragment(&["--article", "4127", "--from", "blog", "--upstream", &format!("blog=wordpress,{down}")]);
    assert!(fell_back.status.success());
    assert_eq!(String::from_utf8(fell_back.stdout).unwrap(), plain(&down));
    let stderr = String::from_utf8(fell_back.stderr).unwrap();
    assert!(stderr.contains(&format!("{down}/wp-json/")) && stderr.contains("answered with the element alone"), "{stderr}");

    let refused = fragment(&["--article", "4127", "--from", "blog"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("upstream: no upstream of this name"));

    let hash = Command::new(env!("CARGO_BIN_EXE_article-widget-server")).arg("style-hash").output().unwrap();
    let hash = String::from_utf8(hash.stdout).unwrap();
    assert!(hash.starts_with("sha256-") && hash.ends_with('\n'), "{hash}");
}

#[test]
fn pages_include_fragments_and_the_style_hash() {
    let site = Site::new();
    let page = concat!(
        "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"style-src 'self' '<!--#echo var=\"article_widget_style_hash\" -->'\">",
        "<!-- a comment --><main><!--#include virtual=\"/fragment?article=nouvel-ordre-mondial&lang=fr\" --></main>",
        "<!--#include virtual=\"/api/captcha\" --><!--#echo var=\"DATE_LOCAL\" -->",
    );
    let server = serving_static(&site, &[("index.html", page), ("other.html", "<p>no directive</p>"), ("broken.html", "<!--#include virtual=\"/fragment?article=a/b\" -->")]);
    let fragment = server.get("/fragment?article=nouvel-ordre-mondial&lang=fr").body;
    let hash = String::from_utf8(Command::new(env!("CARGO_BIN_EXE_article-widget-server")).arg("style-hash").output().unwrap().stdout).unwrap();
    let served = server.request("GET", "/", &[("accept-encoding", "br")], "");
    assert_eq!(served.status, 200);
    assert_eq!(served.header("cache-control"), Some("no-cache"));
    assert_eq!(
        served.body,
        format!(
            "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"style-src 'self' '{}'\"><!-- a comment --><main>{fragment}</main><!--#include virtual=\"/api/captcha\" --><!--#echo var=\"DATE_LOCAL\" -->",
            hash.trim_end()
        )
    );
    let other = server.get("/other.html");
    assert_eq!((other.body.as_str(), other.header("cache-control")), ("<p>no directive</p>", None));
    assert_eq!(server.get("/broken.html").body, "<!--#include virtual=\"/fragment?article=a/b\" -->", "a refused include stays a comment");
}

#[test]
fn the_demo_pages_arrive_rendered_and_their_policy_allows_the_widgets_style_alone() {
    let site = Site::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let english = "ashgabat-summit-central-asia.json";
    std::fs::copy(root.join("www/demo-api/articles").join(english), site.content().join(english)).unwrap();
    let index = std::fs::read_to_string(root.join("index.html")).unwrap();
    let publisher = std::fs::read_to_string(root.join("www/publisher/index.html")).unwrap();
    let server = serving_static(&site, &[("index.html", &index), ("publisher.html", &publisher)]);

    let demo = server.get("/").body;
    assert!(!demo.contains("<!--#"), "every directive replaced");
    assert!(parts(&demo).markup.contains("Poutine et Pezeshkian se rencontrent"));
    for tag in ["<link rel=\"canonical\"", "og:title", "og:description", "og:image", "<meta property=\"og:type\" content=\"article\""] {
        assert!(demo.contains(tag), "{tag}");
    }

    let page = server.get("/publisher.html").body;
    let policy = page.split("http-equiv=\"Content-Security-Policy\" content=\"").nth(1).unwrap().split('"').next().unwrap();
    let widgets: Vec<&str> = page.split("<article-widget ").skip(1).collect();
    assert_eq!(widgets.len(), 2);
    for widget in widgets {
        let style = widget.split("<style>").nth(1).unwrap().split("</style>").next().unwrap();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
        assert!(policy.contains(&format!("style-src 'self' 'sha256-{hash}';")), "{policy}");
    }
}

#[test]
fn hostile_html_from_an_upstream_renders_nothing_script_capable() {
    let wordpress = Upstream::wordpress(|file, body| match file {
        "post.json" => {
            // A headline needs text: a vector that keeps some.
            body["title"]["rendered"] = json!(VECTORS.iter().find(|vector| vector.contains("xxs link")));
            body["excerpt"]["rendered"] = json!(VECTORS[1]);
            body["content"]["rendered"] = json!(VECTORS.join("\n"));
        }
        "comments.json" => {
            let model = body[0].clone();
            *body = json!(VECTORS
                .iter()
                .enumerate()
                .map(|(i, vector)| {
                    let mut comment = model.clone();
                    comment["id"] = json!(1000 + i);
                    comment["author_name"] = json!(vector);
                    comment["author_url"] = json!("javascript:alert(1)");
                    comment["content"]["rendered"] = json!(vector);
                    comment
                })
                .collect::<Vec<_>>());
        }
        _ => {}
    });
    let site = Site::new();
    let server = site.start(&[("--upstream", &format!("blog=wordpress,{}", wordpress.url))]);
    let reply = server.get("/fragment?article=4127&upstream=blog&comments=eager");
    assert_eq!(reply.status, 200);
    let parts = parts(&reply.body);
    assert!(parts.markup.contains("xxs link"), "the vectors' text is there, as text: {}", parts.markup);
    assert_eq!(parts.markup.matches("class=\"aw-comment__body\"").count(), 20, "a first slice of the hostile comments");
    assert_eq!(script_capable(&checked_markup(&parts)), None, "{}", parts.markup);
    let outside = reply.body.replacen(&parts.markup, "", 1);
    assert_eq!(outside.matches("<script").count(), 2, "the JSON-LD and the answers only: {outside}");
    assert!(!parts.linked_data.contains('<'), "{}", parts.linked_data);
}
