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
    let article = ghost.decode_article(include_str!("fixtures/ghost_post.json"), &values).unwrap();
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
    let article = strapi.decode_article(include_str!("fixtures/strapi_article.json"), &values).unwrap();
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
    let page = strapi.decode_comment_page(include_str!("fixtures/strapi_comments.json"), &[], None).unwrap().unwrap();
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

/// Dates written as local time and as UTC are at the site's offset of their own moment: a post
/// in Paris summer time, updated in winter time (or at a UTC `modified_at` alone), and a
/// comment in winter time.
#[test]
fn the_local_and_utc_example() {
    let mapping = documented("local-and-utc");
    let post = json!({"title": "T", "text": "", "date": "2024-10-11T14:05:00", "date_gmt": "2024-10-11T12:05:00",
        "modified": "2024-12-03T09:30:00", "modified_gmt": "2024-12-03T08:30:00"});
    let article = mapping.decode_article(&post.to_string(), &[]).unwrap();
    assert_eq!(article.published.to_string(), "2024-10-11T14:05:00+02:00");
    assert_eq!(Locale::Fr.format_datetime(&article.published), "11 octobre 2024 à 14 h 05");
    assert_eq!(article.updated.map(|at| at.to_string()).as_deref(), Some("2024-12-03T09:30:00+01:00"));
    let only_utc = json!({"title": "T", "text": "", "date": "2024-10-11T14:05:00", "date_gmt": "2024-10-11T12:05:00", "modified_at": "2024-12-03T08:30:00Z"});
    let updated = mapping.decode_article(&only_utc.to_string(), &[]).unwrap().updated.unwrap();
    assert_eq!((updated.to_string().as_str(), updated.site_offset), ("2024-12-03T08:30:00Z", false), "shown in the configured or the reader's zone");

    let comments = json!([{"id": 7, "text": "Bonjour", "date": "2024-12-03T09:30:00", "date_gmt": "2024-12-03T08:30:00"}]);
    let page = mapping.decode_comment_page(&comments.to_string(), &[], None).unwrap().unwrap();
    assert_eq!(page.comments[0].created.to_string(), "2024-12-03T09:30:00+01:00");
}

#[test]
fn the_documented_errors_are_the_ones_given() {
    let base = json!({"article": {"fields": {"headline": "/t", "published": "/p", "body": "/b"}}});
    let broken = [
        ("/article/fields/headlin", json!("/t")),
        ("/article/fields/published", json!({"at": "/p", "date": "unix"})),
        ("/comments", json!({"fields": {"id": "/i", "body": "/b", "created": "/c"}, "post": {"body": {"author": {"name": "{nmae}"}}}})),
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
