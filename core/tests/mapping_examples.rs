//! The worked examples of `docs/mapping.md`, read out of the document itself so that the
//! documentation cannot drift from what the code accepts.

use article_widget_core::article::{Block, Inline};
use article_widget_core::comment::{CommentStatus, ValidComment};
use article_widget_core::locale::Locale;
use article_widget_core::mapping::Mapping;
use article_widget_core::thread;
use serde_json::{json, Value};

const DOC: &str = include_str!("../../docs/mapping.md");

/// The JSON block that follows `<!-- mapping: name -->` in the document.
fn documented(name: &str) -> Mapping {
    let marker = format!("<!-- mapping: {name} -->");
    let after = &DOC[DOC.find(&marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len()..];
    let start = after.find("```json\n").expect("a json block after the marker") + "```json\n".len();
    let end = after[start..].find("```").expect("a closed json block");
    Mapping::parse(&after[start..start + end]).unwrap_or_else(|problem| panic!("{name}: {problem:?}"))
}

#[test]
fn the_ghost_example() {
    let ghost = documented("ghost");
    let values = [("id", "putin-pezeshkian-ashgabat")];
    assert_eq!(
        ghost.article_url("https://news.example.org", &values),
        "https://news.example.org/ghost/api/content/posts/slug/putin-pezeshkian-ashgabat/?key=22444f78447824223cefc48062&include=authors,tags"
    );
    let article = ghost.decode_article(include_str!("fixtures/ghost_post.json"), &values).unwrap().value;
    assert_eq!(article.id, "putin-pezeshkian-ashgabat");
    assert_eq!(article.headline, "Putin and Pezeshkian meet in Ashgabat");
    assert_eq!(article.kicker.as_deref(), Some("World"));
    assert_eq!(article.standfirst.as_deref(), Some("The presidents met on Friday in Ashgabat. Trade & energy Talks went on late."));
    assert_eq!(article.authors[0].name, "Jean Delaunay");
    assert_eq!(article.published.to_string(), "2024-10-11T12:05:00Z");
    let hero = article.hero.unwrap();
    assert_eq!((hero.alt.as_str(), hero.caption.as_deref()), ("Two presidents shaking hands", Some("Photo: Reuters")));
    assert!(matches!(&article.body[1], Block::Image(image) if image.caption.as_deref() == Some("The forum hall.")));
    assert_eq!(article.body.len(), 4, "{:#?}", article.body);
    assert!(!ghost.has_comments());
}

#[test]
fn the_strapi_example() {
    let strapi = documented("strapi");
    let values = [("id", "12"), ("order", "oldest")];
    let article = strapi.decode_article(include_str!("fixtures/strapi_article.json"), &values).unwrap().value;
    assert_eq!((article.id.as_str(), article.lang.as_deref(), article.kicker.as_deref()), ("12", Some("en"), Some("World")));
    assert_eq!(article.headline, "Putin and Pezeshkian meet in Ashgabat");
    assert_eq!(article.authors[0].name, "Jean Delaunay");
    assert_eq!(article.updated.unwrap().to_string(), "2024-10-11T14:30:12Z");
    let hero = article.hero.unwrap();
    assert_eq!((hero.src.as_str(), hero.width, hero.height), ("https://cdn.example.org/uploads/putin_pezeshkian_3f2a.jpg", Some(1200), Some(675)));
    assert!(matches!(&article.body[1], Block::Quote { content, attribution: None }
        if Inline::plain_text(content) == "Our relations are developing."));

    assert_eq!(
        strapi.comments_url("https://cms.example.org", &values, None).as_deref(),
        Some("https://cms.example.org/api/comments/api::article.article:12")
    );
    let page = strapi.decode_comment_page(include_str!("fixtures/strapi_comments.json"), &[], None).unwrap().unwrap().value;
    let outline: Vec<(&str, Option<&str>, CommentStatus)> =
        page.comments.iter().map(|c| (c.id.as_str(), c.parent.as_deref(), c.status)).collect();
    assert_eq!(
        outline,
        [("31", None, CommentStatus::Published), ("33", Some("31"), CommentStatus::Published), ("32", None, CommentStatus::Pending)]
    );
    assert_eq!((page.total, page.next), (3, None));
    assert_eq!(thread::build(&page.comments)[0].replies[0].comment.author, "Jean");

    let comment = ValidComment { name: "Ada".into(), email: "ada@example.org".into(), website: None, body: "Me too.".into() };
    let body: Value = serde_json::from_str(&strapi.encode_new_comment(&comment, Some("31"), &values).unwrap()).unwrap();
    assert_eq!(body, json!({"content": "Me too.", "threadOf": 31, "author": {"id": "ada@example.org", "name": "Ada", "email": "ada@example.org"}}));
    let error = strapi.decode_error(r#"{"data": null, "error": {"status": 400, "name": "ValidationError", "message": "content is a required field", "details": {}}}"#);
    assert_eq!(error.map(|e| (e.code, e.message)), Some(("ValidationError".into(), "content is a required field".into())));
}

/// Isso, recorded (`core/tests/fixtures/isso/`): nested replies, a numeric status, dates
/// in Unix seconds with a fraction, HTML text, a deleted comment kept for its reply.
#[test]
fn the_isso_example() {
    let isso = documented("isso");
    let path = "/2024/10/11/putin-pezeshkian-ashgabat/";
    let values = [("id", path), ("order", "newest")];
    let base = "https://news.example.org";
    assert_eq!(isso.article_url(base, &values), "https://news.example.org/feed.json");
    let article = isso.decode_article(include_str!("fixtures/jsonfeed.json"), &values).unwrap().value;
    assert_eq!(article.headline, "“New world order”? Putin and Pezeshkian meet in Ashgabat");
    assert_eq!(
        isso.comments_url(base, &values, None).as_deref(),
        Some("https://news.example.org/isso/?uri=%2F2024%2F10%2F11%2Fputin-pezeshkian-ashgabat%2F&sort=newest")
    );

    let decoded = isso.decode_comment_page(include_str!("fixtures/isso/comments.json"), &[], None).unwrap().unwrap();
    assert_eq!(decoded.warnings, []);
    let page = decoded.value;
    let outline: Vec<(&str, Option<&str>, &str)> = page.comments.iter().map(|c| (c.id.as_str(), c.parent.as_deref(), c.author.as_str())).collect();
    assert_eq!(
        outline,
        [("1", None, "Marie Curie"), ("2", Some("1"), "Jean Delaunay"), ("3", Some("1"), "Ada"), ("5", None, "")],
        "the deleted comment 4 is left out, its reply shown"
    );
    assert_eq!((page.total, page.skipped, page.next), (4, 0, None));
    let marie = &page.comments[0];
    assert_eq!(marie.body, "Very clear analysis, thank you.\n\nOne question: what about China’s role? See https://example.org/china");
    assert_eq!(marie.website.as_ref().map(|w| w.as_str()), Some("https://marie.example"));
    assert_eq!(page.comments[2].body, "And Kazakhstan? Its president was there & spoke <b>first</b>.", "Isso's escaped markup stays text");
    // Recorded at 1796613603.7489533: the fraction is dropped.
    assert_eq!(marie.created.unix_seconds(), 1_796_613_603);
    assert!(page.comments.iter().all(|c| c.status == CommentStatus::Published));
    let threads = thread::build(&page.comments);
    let tops: Vec<(&str, usize)> = threads.iter().map(|t| (t.comment.id.as_str(), t.replies.len())).collect();
    assert_eq!(tops, [("1", 2), ("5", 0)]);
    let newest = isso.decode_comment_page(include_str!("fixtures/isso/comments_newest.json"), &[], None).unwrap().unwrap().value;
    assert_eq!(newest.comments.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["5", "1", "2", "3"]);

    // Held for moderation: `mode: 2`, a number.
    let held = isso.decode_posted_comment(include_str!("fixtures/isso/comment_held.json")).unwrap().unwrap().value;
    assert_eq!((held.id.as_str(), held.author.as_str(), held.status), ("6", "Zoé", CommentStatus::Pending));
    let created = isso.decode_posted_comment(include_str!("fixtures/isso/comment_created.json")).unwrap().unwrap().value;
    assert_eq!((created.id.as_str(), created.status), ("3", CommentStatus::Published));

    assert_eq!(isso.post_comment_url(base, &values).as_deref(), Some("https://news.example.org/isso/new?uri=%2F2024%2F10%2F11%2Fputin-pezeshkian-ashgabat%2F"));
    let comment = ValidComment { name: "Ada".into(), email: "ada@example.org".into(), website: None, body: "Me too.".into() };
    let body: Value = serde_json::from_str(&isso.encode_new_comment(&comment, Some("1"), &values).unwrap()).unwrap();
    assert_eq!(body, json!({"text": "Me too.", "author": "Ada", "email": "ada@example.org", "parent": 1}));
}

/// The console texts the document shows for an answer with a bad value are the decoders'.
#[test]
fn the_documented_warnings_are_the_ones_given() {
    let wordpress = Mapping::builtin("wordpress").unwrap();
    let decoded = wordpress.decode_comment_page(include_str!("fixtures/wordpress-real/comments.json"), &[], None).unwrap().unwrap();
    for warning in &decoded.warnings {
        assert!(DOC.contains(&format!(": {warning}\n")), "docs/mapping.md should show: {warning}");
    }
    assert_eq!(decoded.warnings.len(), 1);
}

/// Dates written as local time and as UTC are at the site's offset of their own moment: a post
/// in Paris summer time, updated in winter time (or at a UTC `modified_at` alone), and a
/// comment in winter time.
#[test]
fn the_local_and_utc_example() {
    let mapping = documented("local-and-utc");
    let post = json!({"title": "T", "text": "", "date": "2024-10-11T14:05:00", "date_gmt": "2024-10-11T12:05:00",
        "modified": "2024-12-03T09:30:00", "modified_gmt": "2024-12-03T08:30:00"});
    let article = mapping.decode_article(&post.to_string(), &[]).unwrap().value;
    assert_eq!(article.published.to_string(), "2024-10-11T14:05:00+02:00");
    assert_eq!(Locale::Fr.format_datetime(&article.published), "11 octobre 2024 à 14 h 05");
    assert_eq!(article.updated.map(|at| at.to_string()).as_deref(), Some("2024-12-03T09:30:00+01:00"));
    let only_utc = json!({"title": "T", "text": "", "date": "2024-10-11T14:05:00", "date_gmt": "2024-10-11T12:05:00", "modified_at": "2024-12-03T08:30:00Z"});
    let updated = mapping.decode_article(&only_utc.to_string(), &[]).unwrap().value.updated.unwrap();
    assert_eq!((updated.to_string().as_str(), updated.site_offset), ("2024-12-03T08:30:00Z", false), "shown in the configured or the reader's zone");

    let comments = json!([{"id": 7, "text": "Bonjour", "date": "2024-12-03T09:30:00", "date_gmt": "2024-12-03T08:30:00"}]);
    let page = mapping.decode_comment_page(&comments.to_string(), &[], None).unwrap().unwrap().value;
    assert_eq!(page.comments[0].created.to_string(), "2024-12-03T09:30:00+01:00");
}

/// WordPress with ALTCHA's plugin: the challenge from its REST route, the comment as a form
/// with the answer in its `altcha` field, and `wp_die` a refused proof.
#[test]
fn the_wordpress_altcha_example() {
    let wp = documented("wordpress-altcha");
    let site = "https://news.example.org";
    assert_eq!(wp.challenge_url(site, &[("id", "4127")]).as_deref(), Some("https://news.example.org/wp-json/altcha/v1/challenge"));
    // As altcha-lib 2 writes a challenge (the plugin's `data` among the parameters).
    let challenge = json!({"parameters": {"algorithm": "PBKDF2/SHA-256", "nonce": "7d0c8a5b", "salt": "c3f1e2d4", "cost": 5000,
        "keyLength": 32, "keyPrefix": "00", "expiresAt": 1733580000, "data": {"params.action": null}}, "signature": "9a8b"});
    assert_eq!(wp.decode_challenge(&challenge.to_string()).unwrap().unwrap().value.task.cost, 5000);
    let mut unknown = challenge.clone();
    unknown["parameters"]["algorithm"] = json!("ARGON2ID");
    let url = "https://news.example.org/wp-json/altcha/v1/challenge".to_owned();
    let problem = wp.decode_challenge(&unknown.to_string()).unwrap().unwrap_err();
    let message = format!("article widget: {}", article_widget_core::error::LoadError { url, problem });
    assert!(DOC.contains(&message), "docs/mapping.md should show: {message}");
    let comment = ValidComment { name: "Zoé".into(), email: "zoe@example.org".into(), website: None, body: "Merci !".into() };
    let body = wp.encode_new_comment(&comment, None, &[("id", "4127"), ("altcha", "eyJj+w==")]).unwrap();
    assert_eq!(body, "post=4127&author_name=Zo%C3%A9&author_email=zoe%40example.org&content=Merci%20%21&altcha=eyJj%2Bw%3D%3D");
    assert_eq!(wp.new_comment_request(&comment, None, &[]).unwrap().0[0].1, "application/x-www-form-urlencoded");
    assert!(wp.refuses_proof("wp_die") && !wp.refuses_proof("comment_duplicate"));
}

/// The reference server's own API as a mapping (`core/mappings/reference-server.json`), which
/// the end-to-end tests post through with the server's proof of work on.
#[test]
fn the_reference_servers_mapping() {
    let reference = Mapping::parse(include_str!("../mappings/reference-server.json")).unwrap();
    let values = [("id", "ashgabat-summit-central-asia"), ("order", "newest")];
    let article = reference.decode_article(include_str!("../../www/demo-api/articles/ashgabat-summit-central-asia.json"), &values).unwrap().value;
    assert_eq!((article.authors.len(), article.hero.is_some(), article.body.len()), (2, true, 1), "the standfirst stands for the body");
    assert_eq!(
        reference.comments_url("http://127.0.0.1:8080", &values, None).as_deref(),
        Some("http://127.0.0.1:8080/api/articles/ashgabat-summit-central-asia/comments?order=newest&limit=100")
    );
    assert_eq!(reference.challenge_url("http://127.0.0.1:8080", &values).as_deref(), Some("http://127.0.0.1:8080/api/captcha"));
    let comment = ValidComment { name: "Zoé".into(), email: "zoe@example.org".into(), website: None, body: "Merci".into() };
    let posted = [("id", "x"), ("altcha", "eyJj"), ("idempotency_key", "k1")];
    let body: Value = serde_json::from_str(&reference.encode_new_comment(&comment, Some("3"), &posted).unwrap()).unwrap();
    assert_eq!(body, json!({"name": "Zoé", "email": "zoe@example.org", "body": "Merci", "parent": "3", "altcha": "eyJj"}));
    assert_eq!(reference.new_comment_request(&comment, None, &posted).unwrap().0[1], ("Idempotency-Key".to_owned(), "k1".to_owned()));
}

#[test]
fn the_documented_errors_are_the_ones_given() {
    let base = json!({"article": {"fields": {"headline": "/t", "published": "/p", "body": "/b"}}});
    let broken = [
        ("/article/fields/headlin", json!("/t")),
        ("/article/fields/published", json!({"at": "/p", "date": "unix"})),
        ("/comments", json!({"fields": {"id": "/i", "body": "/b", "created": "/c"}, "post": {"body": {"author": {"name": "{nmae}"}}}})),
        ("/comments", json!({"fields": {"id": "/i", "body": "/b", "created": "/c"}, "post": {"body": {}, "challenge": {"at": "/pow"}}})),
        ("/comments", json!({"fields": {"id": "/i", "body": "/b", "created": "/c"}, "post": {"body": {}, "challenge": {"url": "/altcha"}}})),
    ];
    for (pointer, value) in broken {
        let mut mapping = base.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        mapping.pointer_mut(parent).unwrap()[key] = value;
        let message = match Mapping::parse(&mapping.to_string()) {
            Err(article_widget_core::error::Problem::Shape(shape)) => shape.to_string(),
            other => panic!("{pointer}: {other:?}"),
        };
        assert!(DOC.contains(&message), "docs/mapping.md should show: {message}");
    }
}

#[test]
fn the_builtin_mappings_the_document_links_to_exist() {
    for (name, path) in [("wordpress", "core/mappings/wordpress.json"), ("jsonfeed", "core/mappings/jsonfeed.json")] {
        assert!(DOC.contains(&format!("(`{name}`)")) && DOC.contains(path), "{name}");
        assert!(Mapping::builtin(name).is_some());
    }
}
