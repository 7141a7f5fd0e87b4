//! The Atom feeds over HTTP: read back as XML, as feed readers do.

mod common;

use common::{comment, key, Site, ARTICLE, COMMENTS};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The feed's entries: (id, title, author, content), checked against what Atom requires.
fn entries(xml: &str) -> Vec<(String, String, String, String)> {
    let document = roxmltree::Document::parse(xml).unwrap_or_else(|error| panic!("{error}: {xml}"));
    let feed = document.root_element();
    assert_eq!((feed.tag_name().namespace(), feed.tag_name().name()), (Some(ATOM), "feed"));
    let child = |node: roxmltree::Node, name: &str| {
        node.children().find(|c| c.tag_name().name() == name).and_then(|c| c.text().map(str::to_owned))
    };
    for required in ["id", "title", "updated"] {
        assert!(child(feed, required).is_some(), "the feed's {required}");
    }
    feed.children()
        .filter(|node| node.tag_name().name() == "entry")
        .map(|entry| {
            for required in ["id", "updated", "published"] {
                assert!(child(entry, required).is_some(), "an entry's {required}");
            }
            let author = entry.children().find(|c| c.tag_name().name() == "author").unwrap();
            (
                child(entry, "id").unwrap(),
                child(entry, "title").unwrap(),
                child(author, "name").unwrap(),
                child(entry, "content").unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn each_article_and_the_site_have_a_feed_of_their_published_comments_newest_first() {
    let site = Site::new();
    let server = site.start(&[
        ("--public-url", "https://comments.example/"),
        ("--article-url", "https://news.example/articles/{id}"),
    ]);
    let hostile = "<script>alert(1)</script> & \"quotes\" ]]>";
    let posted = server.post(COMMENTS, &key(), &comment("Éloïse <b>", hostile, &server.solved_challenge()).to_string());
    assert_eq!(posted.status, 201, "{}", posted.body);
    let id = posted.json()["id"].as_str().unwrap().to_owned();
    // Held (more than two links): not in any feed.
    let links = "http://a.example http://b.example http://c.example";
    let held = server.post(COMMENTS, &key(), &comment("Held", links, &server.solved_challenge()).to_string());
    assert_eq!(held.json()["status"], "pending");

    let reply = server.get(&format!("/api/articles/{ARTICLE}/comments.atom"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/atom+xml; charset=utf-8"));
    assert_eq!(reply.header("cache-control"), Some("public, max-age=60"));
    let article = entries(&reply.body);
    assert_eq!(article.len(), 5, "the four seeded and the new one, not the held one");
    assert_eq!(
        article[0],
        (
            format!("https://comments.example/api/articles/{ARTICLE}/comments/{id}"),
            "Éloïse <b>".into(),
            "Éloïse <b>".into(),
            hostile.into()
        ),
        "the newest first, its text as text"
    );
    assert!(reply.body.contains(&format!("href=\"https://news.example/articles/{ARTICLE}#aw-comment-{id}\"")));
    assert!(!reply.body.contains("<script>"));

    let etag = reply.header("etag").unwrap().to_owned();
    let again = server.request("GET", &format!("/api/articles/{ARTICLE}/comments.atom"), &[("if-none-match", &etag)], "");
    assert_eq!((again.status, again.body.as_str()), (304, ""));

    let everywhere = server.get("/api/comments.atom");
    assert_eq!(everywhere.status, 200);
    let site_entries = entries(&everywhere.body);
    assert_eq!(site_entries[0].0, article[0].0, "an entry's id is the same in both feeds");
    assert!(site_entries[0].1.starts_with("Éloïse <b> sur « "), "{}", site_entries[0].1);

    assert_eq!(server.get("/api/articles/nowhere/comments.atom").error(404, "not_found")["code"], "not_found");
}

#[test]
fn without_a_public_url_the_links_start_with_the_host_asked_for() {
    let site = Site::new();
    let server = site.start(&[]);
    let reply = server.get(&format!("/api/articles/{ARTICLE}/comments.atom"));
    let host = server.url.trim_start_matches("http://");
    assert!(entries(&reply.body)[0].0.starts_with(&format!("http://{host}/api/articles/{ARTICLE}/comments/")));
    assert!(!reply.body.contains("rel=\"alternate\""), "no page to link to without --article-url");
}
