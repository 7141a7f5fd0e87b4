//! What the widget keeps in the reader's storage, and in what shape: the draft per article
//! while typing, when asked the reader's details, and the secrets of the reader's own
//! comments while they may change them. Unreadable stored data is ignored.

use article_widget_core::comment::Ownership;
use article_widget_core::datetime::DateTime;
use article_widget_core::json::{self, Value};

use crate::platform::Platform;
use crate::state::{OwnComment, StoredDraft, StoredIdentity};

fn draft_key(article: &str) -> String {
    format!("article-widget:draft:{article}")
}

const IDENTITY_KEY: &str = "article-widget:identity";

pub fn load_draft(platform: &dyn Platform, article: &str) -> Option<StoredDraft> {
    let value = json::parse(&platform.load(&draft_key(article))?).ok()?;
    Some(StoredDraft {
        body: value.get("body")?.as_str()?.to_owned(),
        reply_to: value.get("replyTo").and_then(Value::as_str).map(str::to_owned),
    })
}

/// Saves the draft, or forgets it when there is no text left.
pub fn save_draft(platform: &dyn Platform, article: &str, draft: &StoredDraft) {
    if draft.body.trim().is_empty() {
        platform.remove(&draft_key(article));
    } else {
        let draft = Value::object([("body", Value::from(draft.body.as_str())), ("replyTo", Value::from(draft.reply_to.as_deref()))]);
        platform.save(&draft_key(article), &draft.to_string());
    }
}

pub fn load_identity(platform: &dyn Platform) -> Option<StoredIdentity> {
    let value = json::parse(&platform.load(IDENTITY_KEY)?).ok()?;
    let text = |name| value.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    Some(StoredIdentity { name: text("name"), email: text("email"), website: text("website") })
}

/// Keeps the details when the reader asked to be remembered; forgets them otherwise.
pub fn save_identity(platform: &dyn Platform, identity: Option<&StoredIdentity>) {
    match identity {
        Some(StoredIdentity { name, email, website }) => {
            let members = [("name", name), ("email", email), ("website", website)].map(|(key, text)| (key, Value::from(text.as_str())));
            platform.save(IDENTITY_KEY, &Value::object(members).to_string());
        }
        None => platform.remove(IDENTITY_KEY),
    }
}

/// Per backend and article: `scope` is the backend's (its comments URL, which names the
/// article), and each entry names its comment.
fn own_key(scope: &str) -> String {
    format!("article-widget:own:{scope}")
}

/// The reader's own comments kept for `scope`: `[{"id", "secret", "until"}]`; an entry
/// that cannot be read is left out.
pub fn load_own(platform: &dyn Platform, scope: &str) -> Vec<OwnComment> {
    let Some(value) = platform.load(&own_key(scope)).and_then(|text| json::parse(&text).ok()) else { return Vec::new() };
    let entry = |entry: &Value| {
        let text = |name| entry.get(name)?.as_str();
        let ownership = Ownership { secret: text("secret")?.to_owned(), editable_until: DateTime::parse_rfc3339(text("until")?)? };
        Some(OwnComment { id: text("id")?.to_owned(), ownership })
    };
    value.as_array().map(|entries| entries.iter().filter_map(entry).collect()).unwrap_or_default()
}

/// Keeps the reader's own comments for `scope`, or forgets the key when none is left.
pub fn save_own(platform: &dyn Platform, scope: &str, own: &[OwnComment]) {
    if own.is_empty() {
        platform.remove(&own_key(scope));
        return;
    }
    let entries = own.iter().map(|OwnComment { id, ownership }| {
        Value::object([
            ("id", Value::from(id.as_str())),
            ("secret", Value::from(ownership.secret.as_str())),
            ("until", Value::from(ownership.editable_until.to_string())),
        ])
    });
    platform.save(&own_key(scope), &Value::Array(entries.collect()).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::HashMap;

    #[derive(Default)]
    struct MemoryPlatform(RefCell<HashMap<String, String>>);

    impl Platform for MemoryPlatform {
        fn now_ms(&self) -> f64 {
            0.0
        }
        fn random_u64(&self) -> u64 {
            4
        }
        fn load(&self, key: &str) -> Option<String> {
            self.0.borrow().get(key).cloned()
        }
        fn save(&self, key: &str, value: &str) {
            self.0.borrow_mut().insert(key.into(), value.into());
        }
        fn remove(&self, key: &str) {
            self.0.borrow_mut().remove(key);
        }
        fn schedule(&self, _ms: u32, _callback: Box<dyn FnOnce()>) -> crate::platform::Timer {
            unreachable!("storage sets no timer")
        }
    }

    #[test]
    fn drafts_are_kept_per_article_until_emptied() {
        let platform = MemoryPlatform::default();
        let draft = StoredDraft { body: "Bonjour\nà tous".into(), reply_to: Some("7".into()) };
        save_draft(&platform, "a", &draft);
        assert_eq!(load_draft(&platform, "a"), Some(draft));
        assert_eq!(load_draft(&platform, "b"), None);
        save_draft(&platform, "a", &StoredDraft { body: "  ".into(), reply_to: None });
        assert_eq!(load_draft(&platform, "a"), None);
    }

    #[test]
    fn own_comments_are_kept_per_backend_and_bad_entries_left_out() {
        let platform = MemoryPlatform::default();
        let until = DateTime::parse_rfc3339("2024-10-11T15:15:00Z").unwrap();
        let own = vec![OwnComment { id: "7".into(), ownership: Ownership { secret: "ab".into(), editable_until: until } }];
        save_own(&platform, "/api/articles/a/comments", &own);
        assert_eq!(load_own(&platform, "/api/articles/a/comments"), own);
        assert_eq!(load_own(&platform, "/api/articles/b/comments"), []);
        platform.save(&own_key("x"), r#"[{"id": "1", "secret": "s", "until": "soon"}, {"id": "2", "secret": "s", "until": "2024-10-11T15:15:00Z"}]"#);
        assert_eq!(load_own(&platform, "x").iter().map(|own| own.id.as_str()).collect::<Vec<_>>(), ["2"]);
        save_own(&platform, "/api/articles/a/comments", &[]);
        assert_eq!(platform.load(&own_key("/api/articles/a/comments")), None);
    }

    #[test]
    fn identity_is_kept_only_when_asked_and_bad_data_is_ignored() {
        let platform = MemoryPlatform::default();
        let identity = StoredIdentity { name: "Marie".into(), email: "m@x.fr".into(), website: String::new() };
        save_identity(&platform, Some(&identity));
        assert_eq!(load_identity(&platform), Some(identity));
        save_identity(&platform, None);
        assert_eq!(load_identity(&platform), None);
        platform.save(IDENTITY_KEY, "{not json");
        platform.save(&draft_key("a"), r#"{"body": 3}"#);
        assert_eq!((load_identity(&platform), load_draft(&platform, "a")), (None, None));
    }
}
