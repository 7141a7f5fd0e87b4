//! Comments, challenges, edits, the feed and the mail on PostgreSQL, each test on a database
//! of its own of the tests' cluster (`throwaway.rs`): SQLite's unit tests of those parts,
//! ported; what the HTTP tests check of pages and posts, at the store; and what only several
//! servers on one database can do: two stores (two pools, as two servers) racing on the same
//! key, challenge and queue, and a change waiting for a transaction in flight.

use std::sync::Arc;
use std::time::Duration;

use article_widget_core::comment::{Comment, CommentStatus};
use article_widget_core::datetime::DateTime;
use article_widget_core::locale::Locale;

use super::mail::PgMailTables;
use super::throwaway::Cluster;
use super::PgStore;
use crate::captcha::{CaptchaError, Genuine};
use crate::error::ApiError;
use crate::mail::options::MailSettings;
use crate::mail::Mail;
use crate::pow::{PowError, Spent};
use crate::store::mail::{MailKind, MailTables, Outgoing, Standing, CONFIRMATION_INTERVAL_SECONDS};
use crate::store::schema::SEED_ARTICLE as ARTICLE;
use crate::store::*;

/// When the tests' comments are posted (Unix seconds), after the seed's.
const NOW: i64 = 1_900_000_000;

async fn store(name: &str) -> PgStore {
    let url = Cluster::shared().database(name).unwrap();
    PgStore::connect(&url).await.unwrap_or_else(|error| panic!("{error}"))
}

async fn client(store: &PgStore) -> deadpool_postgres::Client {
    store.pool.get().await.unwrap()
}

/// A number the query `sql` answers (`count(*)`, an id).
async fn number(store: &PgStore, sql: &str) -> i64 {
    client(store).await.query_one(sql, &[]).await.unwrap_or_else(|error| panic!("{sql}: {error}")).get(0)
}

/// A comment written straight into the database (as an import would); its id.
async fn insert(store: &PgStore, article: &str, parent: Option<i64>, created: i64, status: &str) -> i64 {
    client(store)
        .await
        .query_one(
            "INSERT INTO comments (article_id, parent_id, author, email, body, created, status)
             VALUES ($1, $2, 'Bot', 'bot@example.org', 'Encore une réponse.', $3, $4) RETURNING id",
            &[&article, &parent, &created, &status],
        )
        .await
        .unwrap()
        .get(0)
}

/// `count` published replies below `root`, one second apart after `created`: every third
/// answers the reply before it, the others the root (as the HTTP tests' own). Their ids,
/// oldest first.
async fn insert_replies(store: &PgStore, article: &str, root: i64, count: usize, created: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::with_capacity(count);
    for i in 0..count {
        let parent = if i % 3 == 2 { ids[i - 1] } else { root };
        ids.push(insert(store, article, Some(parent), created + 1 + i as i64, "published").await);
    }
    ids
}

fn secret_hash(id: i64) -> String {
    format!("hash of {id}")
}

/// A published top-level comment of the demo article, posted at [`NOW`] without challenges,
/// its fingerprint its body.
fn comment<'a>(key: &'a str, body: &'a str) -> NewComment<'a> {
    NewComment {
        article: ARTICLE,
        parent: None,
        author: "Ana",
        email: "ana@example.org",
        website: Some("https://ana.example/"),
        body,
        status: CommentStatus::Published,
        created: NOW,
        idempotency_key: key,
        fingerprint: body,
        captcha: None,
        pow: None,
        client_prefix: Some("192.0.2.7/32"),
        secret_hash: &secret_hash,
    }
}

fn created(posted: Result<Posted, ApiError>) -> Comment {
    match posted {
        Ok(Posted::Created(comment)) => comment,
        Ok(Posted::Replayed(comment)) => panic!("replayed: {comment:?}"),
        Err(error) => panic!("{error:?}"),
    }
}

fn replayed(posted: Result<Posted, ApiError>) -> Comment {
    match posted {
        Ok(Posted::Replayed(comment)) => comment,
        Ok(Posted::Created(comment)) => panic!("created: {comment:?}"),
        Err(error) => panic!("{error:?}"),
    }
}

fn captcha(seed: u64) -> Genuine {
    Genuine { seed, expires: NOW + 600 }
}

fn pow(signature: &str) -> Spent {
    Spent { signature: signature.repeat(64 / signature.len()), expires: NOW + 600 }
}

/// Each comment of a page: its id and parent.
fn shape(comments: &[Comment]) -> Vec<(&str, Option<&str>)> {
    comments.iter().map(|comment| (comment.id.as_str(), comment.parent.as_deref())).collect()
}

fn ids(comments: &[Comment]) -> Vec<i64> {
    comments.iter().map(|comment| comment.id.parse().unwrap()).collect()
}

/// The replies below `root` from `after` on, `limit` a page, until there is no next page:
/// their ids in order, and each page's total.
async fn every_reply(store: &PgStore, article: &str, root: i64, mut after: Option<Cursor>) -> (Vec<i64>, Vec<i64>) {
    let (mut all, mut totals) = (Vec::new(), Vec::new());
    loop {
        let replies = store.replies(article, root, 30, after).await.unwrap().expect("a published comment");
        all.extend(ids(&replies.comments));
        totals.push(replies.total);
        match replies.next {
            Some(next) => after = Some(next),
            None => return (all, totals),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_their_cursor_in_either_order_with_whole_threads() {
    let store = store("c_pages").await;
    let first = store.page(ARTICLE, Order::Oldest, 2, None).await.unwrap();
    assert_eq!(first.total, 4);
    assert_eq!(shape(&first.comments), [("1", None), ("2", Some("1")), ("3", None)]);
    let seeded = &first.comments[1];
    assert_eq!((seeded.author.as_str(), seeded.status), ("Thomas Girard", CommentStatus::Published));
    assert_eq!(seeded.website.as_ref().unwrap().as_str(), "https://thomas-girard.example/");
    assert_eq!(seeded.created, DateTime::parse_rfc3339("2024-10-11T14:03:00Z").unwrap());
    assert!(first.more_replies.is_empty());
    let cursor = first.next.expect("a next page");
    assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
    let second = store.page(ARTICLE, Order::Oldest, 2, Some(cursor)).await.unwrap();
    assert_eq!((shape(&second.comments), second.next, second.total), (vec![("4", None)], None, 4));

    let newest = store.page(ARTICLE, Order::Newest, 2, None).await.unwrap();
    assert_eq!(shape(&newest.comments), [("4", None), ("3", None)]);
    let older = store.page(ARTICLE, Order::Newest, 2, newest.next).await.unwrap();
    assert_eq!((shape(&older.comments), older.next), (vec![("1", None), ("2", Some("1"))], None));

    // A reply to a reply stays with its thread, replies oldest first.
    let reply = created(store.post(&NewComment { parent: Some("2"), ..comment("reply-key", "Réponse.") }, None).await);
    assert_eq!((reply.id.as_str(), reply.parent.as_deref()), ("5", Some("2")));
    let page = store.page(ARTICLE, Order::Oldest, 1, None).await.unwrap();
    assert_eq!(shape(&page.comments), [("1", None), ("2", Some("1")), ("5", Some("2"))]);
    assert_eq!(page.total, 5);
    // Held, rejected or spam: neither counted nor shown.
    for status in ["pending", "rejected", "spam"] {
        insert(&store, ARTICLE, None, NOW, status).await;
    }
    let page = store.page(ARTICLE, Order::Newest, 100, None).await.unwrap();
    assert_eq!((page.total, ids(&page.comments)), (5, vec![4, 3, 1, 2, 5]));

    let elsewhere = store.page("autre", Order::Oldest, 20, None).await.unwrap();
    assert_eq!((elsewhere.total, elsewhere.comments.len(), elsewhere.next), (0, 0, None));
}

/// A page carries `REPLIES_PER_ROOT` (20) replies of a thread, says how many it left out and
/// where they go on, and the replies endpoint gives each of them once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_carries_20_replies_a_thread_and_the_rest_come_a_page_at_a_time() {
    let store = store("c_replies").await;
    let root = insert(&store, ARTICLE, None, NOW, "published").await;
    let replies = insert_replies(&store, ARTICLE, root, 100, NOW).await;

    let page = store.page(ARTICLE, Order::Oldest, 100, None).await.unwrap();
    assert_eq!(page.total, 4 + 101);
    assert_eq!(ids(&page.comments)[..5], [1, 2, 3, 4, root]);
    assert_eq!(ids(&page.comments)[5..], replies[..REPLIES_PER_ROOT], "the root's first 20 replies, oldest first");
    let more: Vec<(i64, i64)> = page.more_replies.iter().map(|more| (more.root, more.count)).collect();
    assert_eq!(more, [(root, 80)]);
    let after = page.more_replies[0].after;
    assert_eq!(after.map(|cursor| cursor.id), Some(replies[19]));

    let (rest, totals) = every_reply(&store, ARTICLE, root, after).await;
    assert_eq!(rest, replies[20..], "every other reply once, in order");
    assert_eq!(totals, [100, 100, 100], "each answer counts the root's replies");
    let first = store.replies(ARTICLE, root, 50, None).await.unwrap().unwrap();
    assert_eq!(ids(&first.comments), replies[..50], "without a cursor, from the first");

    // A reply's own replies, and the end of a thread.
    assert_eq!(every_reply(&store, ARTICLE, replies[1], None).await, (vec![replies[2]], vec![1]));
    assert_eq!(every_reply(&store, ARTICLE, replies[0], None).await, (vec![], vec![0]));
    let past_the_end = store.replies(ARTICLE, root, 10, Some(Cursor { created: NOW + 1_000, id: 0 })).await.unwrap();
    let past_the_end = past_the_end.unwrap();
    assert_eq!((past_the_end.total, past_the_end.comments.len(), past_the_end.next), (100, 0, None));

    assert!(store.replies(ARTICLE, 999_999, 10, None).await.unwrap().is_none());
    assert!(store.replies("autre", root, 10, None).await.unwrap().is_none(), "another article's");
    let held = insert(&store, ARTICLE, None, NOW, "pending").await;
    assert!(store.replies(ARTICLE, held, 10, None).await.unwrap().is_none(), "a held comment's");
}

/// However many threads a page holds, it carries `REPLIES_PER_PAGE` (200) replies in all:
/// the threads past them are sent without replies, to be fetched from their first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_carries_at_most_200_replies_in_all() {
    let store = store("c_replies_per_page").await;
    let mut roots = Vec::new();
    for i in 0..12 {
        let root = insert(&store, "autre", None, NOW + i * 1_000, "published").await;
        insert_replies(&store, "autre", root, 25, NOW + i * 1_000).await;
        roots.push(root);
    }
    let page = store.page("autre", Order::Oldest, 100, None).await.unwrap();
    assert_eq!(page.comments.iter().filter(|comment| comment.parent.is_some()).count(), REPLIES_PER_PAGE);
    let more: Vec<(i64, i64, bool)> =
        page.more_replies.iter().map(|more| (more.root, more.count, more.after.is_some())).collect();
    let mut expected: Vec<(i64, i64, bool)> = roots[..10].iter().map(|root| (*root, 5, true)).collect();
    expected.extend([(roots[10], 25, false), (roots[11], 25, false)]);
    assert_eq!(more, expected);
    for more in &page.more_replies {
        assert_eq!(every_reply(&store, "autre", more.root, more.after).await.0.len() as i64, more.count);
    }
}

/// A deleted comment keeps its place as a placeholder while a published reply is below it
/// (directly or through other placeholders), and only then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placeholders_are_shown_only_above_a_published_reply() {
    let store = store("c_placeholders").await;
    // The seed: 1 answered by 2; 3 without replies.
    assert!(store.delete_comment(1).await.unwrap());
    assert!(store.delete_comment(3).await.unwrap());
    // A chain of two placeholders above a published reply; one above a held reply only; a
    // root placeholder above another placeholder only.
    let chain = insert(&store, ARTICLE, None, NOW, "published").await;
    let a = insert(&store, ARTICLE, Some(chain), NOW + 1, "deleted").await;
    let b = insert(&store, ARTICLE, Some(a), NOW + 2, "deleted").await;
    let c = insert(&store, ARTICLE, Some(b), NOW + 3, "published").await;
    let held = insert(&store, ARTICLE, None, NOW + 10, "published").await;
    let d = insert(&store, ARTICLE, Some(held), NOW + 11, "deleted").await;
    insert(&store, ARTICLE, Some(d), NOW + 12, "pending").await;
    let empty = insert(&store, ARTICLE, None, NOW + 20, "deleted").await;
    insert(&store, ARTICLE, Some(empty), NOW + 21, "deleted").await;

    let page = store.page(ARTICLE, Order::Oldest, 100, None).await.unwrap();
    assert_eq!(ids(&page.comments), [1, 2, 4, chain, a, b, c, held]);
    let placeholder = &page.comments[0];
    assert_eq!(
        (placeholder.status, placeholder.author.as_str(), placeholder.body.as_str()),
        (CommentStatus::Deleted, "", "")
    );
    assert_eq!(page.total, 5, "placeholders are not counted: 2, 4, chain, c, held");

    let below = store.replies(ARTICLE, chain, 10, None).await.unwrap().unwrap();
    assert_eq!((ids(&below.comments), below.total), (vec![a, b, c], 1));
    let below = store.replies(ARTICLE, held, 10, None).await.unwrap().unwrap();
    assert_eq!((ids(&below.comments), below.total), (vec![], 0));
    let below = store.replies(ARTICLE, 1, 10, None).await.unwrap().unwrap();
    assert_eq!((ids(&below.comments), below.total), (vec![2], 1), "a placeholder's replies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_is_answered_again_under_its_key_and_refused_under_it_for_another_request() {
    let store = store("c_idempotency").await;
    let request =
        NewComment { captcha: Some(captcha(1)), pow: Some(&pow("a1")), ..comment("key-1", "Une fois suffit.") };
    let first = created(store.post(&request, None).await);
    assert_eq!((first.id.as_str(), first.author.as_str(), first.body.as_str()), ("5", "Ana", "Une fois suffit."));
    assert_eq!(
        (first.created.unix_seconds(), first.status, first.parent.as_ref()),
        (NOW, CommentStatus::Published, None)
    );
    assert_eq!(first.website.as_ref().unwrap().as_str(), "https://ana.example/");
    let row = client(&store)
        .await
        .query_one("SELECT secret_hash, client_prefix, request_fingerprint FROM comments WHERE id = 5", &[])
        .await
        .unwrap();
    let stored: (String, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(stored, ("hash of 5".into(), "192.0.2.7/32".into(), "Une fois suffit.".into()));

    // A retry, with its challenges used already or fresh ones: the same comment.
    assert_eq!(replayed(store.post(&request, None).await), first);
    let fresh = NewComment { captcha: Some(captcha(2)), ..comment("key-1", "Une fois suffit.") };
    assert_eq!(replayed(store.post(&fresh, None).await), first);
    assert_eq!(store.earlier(ARTICLE, "key-1", "Une fois suffit.").await.unwrap(), Some(first.clone()));
    assert_eq!(store.earlier(ARTICLE, "key-2", "Une fois suffit.").await.unwrap(), None);

    // Another request under the key.
    let other = comment("key-1", "Autre chose.");
    assert!(matches!(store.post(&other, None).await, Err(ApiError::IdempotencyConflict)));
    assert!(matches!(store.earlier(ARTICLE, "key-1", "Autre chose.").await, Err(ApiError::IdempotencyConflict)));
    // A key is an article's.
    let elsewhere = created(store.post(&NewComment { article: "autre", ..comment("key-1", "Ailleurs.") }, None).await);
    assert_eq!(elsewhere.id, "6");
    assert_eq!(number(&store, "SELECT count(*) FROM comments WHERE idempotency_key = 'key-1'").await, 2);
    assert_eq!(number(&store, "SELECT count(*) FROM used_captchas").await, 1, "the retries used none");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_is_used_once_and_a_refused_post_uses_none() {
    let store = store("c_challenges").await;
    let (used_pow, fresh_pow) = (pow("b1"), pow("b2"));
    assert!(!store.pow_used(&used_pow).await.unwrap());
    created(
        store.post(&NewComment { captcha: Some(captcha(1)), pow: Some(&used_pow), ..comment("k1", "Un.") }, None).await,
    );
    assert!(store.pow_used(&used_pow).await.unwrap());
    assert!(!store.pow_used(&fresh_pow).await.unwrap());

    // Replayed under another key: refused, the proof of work first.
    let replay = NewComment { captcha: Some(captcha(1)), pow: Some(&used_pow), ..comment("k2", "Deux.") };
    assert!(matches!(store.post(&replay, None).await, Err(ApiError::Pow(PowError::Replayed))));
    let replay = NewComment { captcha: Some(captcha(1)), pow: Some(&fresh_pow), ..comment("k2", "Deux.") };
    assert!(matches!(store.post(&replay, None).await, Err(ApiError::Captcha(CaptchaError::Used))));
    // Neither refusal used its other challenge, nor wrote its comment.
    assert!(!store.pow_used(&fresh_pow).await.unwrap());
    let with_fresh = NewComment { captcha: Some(captcha(2)), pow: Some(&fresh_pow), ..comment("k2", "Deux.") };
    // Ids 6 and 7 went to the refused posts (PostgreSQL's sequences are not rolled back).
    assert_eq!(created(store.post(&with_fresh, None).await).id, "8");
    assert_eq!(number(&store, "SELECT count(*) FROM comments").await, 4 + 2);

    // A wrong answer uses its challenge and its proof of work.
    store.use_captcha(captcha(3), Some(&pow("b3")), NOW).await.unwrap();
    let again = store.use_captcha(captcha(3), Some(&pow("b3")), NOW).await;
    assert!(matches!(again, Err(ApiError::Pow(PowError::Replayed))));
    assert!(matches!(store.use_captcha(captcha(3), None, NOW).await, Err(ApiError::Captcha(CaptchaError::Used))));
    assert!(matches!(
        store.use_captcha(captcha(1), Some(&pow("b4")), NOW).await,
        Err(ApiError::Captcha(CaptchaError::Used))
    ));
    assert!(!store.pow_used(&pow("b4")).await.unwrap(), "rolled back with the refusal");

    // Expired rows go at the next use.
    let later = NOW + 601;
    store
        .use_captcha(
            Genuine { seed: 4, expires: later + 600 },
            Some(&Spent { signature: "c".repeat(64), expires: later + 600 }),
            later,
        )
        .await
        .unwrap();
    assert_eq!(number(&store, "SELECT count(*) FROM used_captchas").await, 1);
    assert_eq!(number(&store, "SELECT count(*) FROM used_pow").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_needs_a_published_parent_of_its_article() {
    let store = store("c_parents").await;
    let held = insert(&store, ARTICLE, None, NOW, "pending").await.to_string();
    let deleted = insert(&store, ARTICLE, None, NOW, "deleted").await.to_string();
    let elsewhere = insert(&store, "autre", None, NOW, "published").await.to_string();
    for parent in ["99", "un", "2x", "", held.as_str(), deleted.as_str(), elsewhere.as_str()] {
        let reply = NewComment { parent: Some(parent), captcha: Some(captcha(1)), ..comment("k", "Réponse.") };
        match store.post(&reply, None).await {
            Err(ApiError::InvalidField { field: "parent", .. }) => {}
            Err(error) => panic!("{parent}: {error:?}"),
            Ok(_) => panic!("{parent}: posted"),
        }
    }
    let reply = created(store.post(&NewComment { parent: Some("2"), ..comment("k", "Réponse.") }, None).await);
    assert_eq!(reply.parent.as_deref(), Some("2"));
    assert_eq!(number(&store, "SELECT count(*) FROM used_captchas").await, 0);
}

/// A reply waits for a change to its parent in flight, and is refused if the parent is no
/// longer published after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_waits_for_its_parent_being_rejected_and_is_refused() {
    let store = store("c_parent_race").await;
    let mut moderator = client(&store).await;
    let moderation = moderator.transaction().await.unwrap();
    moderation.execute("UPDATE comments SET status = 'rejected' WHERE id = 3", &[]).await.unwrap();
    let reply = tokio::spawn({
        let store = store.clone();
        async move { store.post(&NewComment { parent: Some("3"), ..comment("k", "Réponse.") }, None).await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!reply.is_finished(), "the reply waits for the moderator's change");
    moderation.commit().await.unwrap();
    assert!(matches!(reply.await.unwrap(), Err(ApiError::InvalidField { field: "parent", .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_changes_what_it_names_and_marks_the_time() {
    let store = store("c_edit").await;
    let edit = Edit { body: Some("Corrigé."), website: Some(Some("https://example.org/")), ..Edit::default() };
    let comment = store.edit_comment(1, edit, 1_800_000_000).await.unwrap().unwrap();
    assert_eq!((comment.author.as_str(), comment.body.as_str()), ("Claire Martin", "Corrigé."));
    assert_eq!(comment.website.unwrap().as_str(), "https://example.org/");
    assert_eq!(comment.edited.map(|edited| edited.unix_seconds()), Some(1_800_000_000));
    assert_eq!(number(&store, "SELECT edited FROM comments WHERE id = 1").await, 1_800_000_000);
    let removed = store.edit_comment(1, Edit { website: Some(None), ..Edit::default() }, 1_800_000_001).await.unwrap();
    let removed = removed.unwrap();
    assert!(removed.website.is_none());
    assert_eq!((removed.author.as_str(), removed.body.as_str()), ("Claire Martin", "Corrigé."), "the rest kept");
    let renamed = store.edit_comment(1, Edit { author: Some("C. Martin"), ..Edit::default() }, 1_800_000_002).await;
    assert_eq!(renamed.unwrap().unwrap().author, "C. Martin");
    assert!(store.edit_comment(99, Edit::default(), 0).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_comment_is_emptied_keeps_its_place_and_cannot_be_edited_or_deleted_again() {
    let store = store("c_delete").await;
    assert!(store.delete_comment(1).await.unwrap());
    assert!(!store.delete_comment(1).await.unwrap());
    assert!(!store.delete_comment(99).await.unwrap());
    let row = client(&store)
        .await
        .query_one(
            "SELECT status, author, email, website, body, secret_hash,
                    (SELECT count(*) FROM comments AS reply WHERE reply.parent_id = comments.id)
             FROM comments WHERE id = 1",
            &[],
        )
        .await
        .unwrap();
    let erased: (String, String, String, Option<String>, String, Option<String>, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5), row.get(6));
    assert_eq!(erased, ("deleted".into(), String::new(), String::new(), None, String::new(), None, 1));
    assert!(store.edit_comment(1, Edit { body: Some("x"), ..Edit::default() }, 0).await.unwrap().is_none());
    let page = store.page(ARTICLE, Order::Oldest, 100, None).await.unwrap();
    let placeholder = page.comments.iter().find(|comment| comment.id == "1").expect("kept for its reply");
    assert_eq!((placeholder.status.code(), placeholder.author.as_str()), ("deleted", ""));
    assert_eq!(page.total, 3, "a placeholder is not counted");
}

/// What an author's edit is judged on, read in its own transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authors_edit_is_judged_on_its_authorship() {
    let store = store("c_edit_own").await;
    let posted = created(store.post(&comment("k", "Premier jet."), None).await);
    let id: i64 = posted.id.parse().unwrap();
    let authorship = store.authorship(ARTICLE, id).await.unwrap().unwrap();
    assert_eq!(
        (authorship.deleted, authorship.secret_hash.as_deref(), authorship.created, authorship.answered),
        (false, Some("hash of 5"), NOW, false)
    );
    assert!(store.authorship("autre", id).await.unwrap().is_none());
    let seeded = store.authorship(ARTICLE, 1).await.unwrap().unwrap();
    assert_eq!((seeded.secret_hash, seeded.answered), (None, true));

    let edit = Edit { body: Some("Second jet."), ..Edit::default() };
    let refuse: Allowed = &|_| Err(ApiError::EditWindowClosed);
    assert!(matches!(store.edit_own(ARTICLE, id, edit, NOW + 1, refuse).await, Err(ApiError::EditWindowClosed)));
    assert_eq!(store.page(ARTICLE, Order::Newest, 1, None).await.unwrap().comments[0].body, "Premier jet.");
    let seen: Allowed = &|authorship| match authorship {
        Some(Authorship { deleted: false, answered: false, .. }) => Ok(()),
        _ => Err(ApiError::NotFound),
    };
    let edited = store.edit_own(ARTICLE, id, edit, NOW + 1, seen).await.unwrap().unwrap();
    assert_eq!((edited.body.as_str(), edited.edited.map(|at| at.unix_seconds())), ("Second jet.", Some(NOW + 1)));
    assert!(matches!(store.edit_own("autre", id, edit, NOW + 1, seen).await, Err(ApiError::NotFound)));

    store.delete_comment(id).await.unwrap();
    let deleted = store.authorship(ARTICLE, id).await.unwrap().unwrap();
    assert_eq!((deleted.deleted, deleted.secret_hash), (true, None));
}

/// An author's edit and a reply posted at once take turns on the comment's row: the edit
/// that comes second sees the reply (and is refused), the reply that comes second is
/// written after the edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authors_edit_sees_a_reply_posted_meanwhile() {
    let store = store("c_edit_race").await;
    fn judge(authorship: Option<Authorship>) -> Result<(), ApiError> {
        match authorship {
            Some(Authorship { answered: true, .. }) => Err(ApiError::HasReplies),
            Some(_) => Ok(()),
            None => Err(ApiError::NotFound),
        }
    }
    let edit = Edit { body: Some("Corrigé."), ..Edit::default() };

    // A reply in flight, as `post` writes one: its parent locked FOR SHARE, the reply
    // written, not committed yet.
    let mut author = client(&store).await;
    let reply = author.transaction().await.unwrap();
    reply.query_one("SELECT id FROM comments WHERE id = 3 AND status = 'published' FOR SHARE", &[]).await.unwrap();
    reply
        .execute(
            "INSERT INTO comments (article_id, parent_id, author, email, body, created, status)
             VALUES ($1, 3, 'Bob', 'bob@example.org', 'Réponse.', $2, 'published')",
            &[&ARTICLE, &NOW],
        )
        .await
        .unwrap();
    let editing = tokio::spawn({
        let store = store.clone();
        async move { store.edit_own(ARTICLE, 3, edit, NOW, &judge).await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!editing.is_finished(), "the edit waits for the reply");
    reply.commit().await.unwrap();
    assert!(matches!(editing.await.unwrap(), Err(ApiError::HasReplies)));

    // An edit in flight: a reply to the comment waits for it.
    let mut editor = client(&store).await;
    let editing = editor.transaction().await.unwrap();
    editing.execute("SELECT 1 FROM comments WHERE id = 4 FOR UPDATE", &[]).await.unwrap();
    editing.execute("UPDATE comments SET body = 'Corrigé.', edited = $1 WHERE id = 4", &[&NOW]).await.unwrap();
    let replying = tokio::spawn({
        let store = store.clone();
        async move { store.post(&NewComment { parent: Some("4"), ..comment("k", "Réponse.") }, None).await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!replying.is_finished(), "the reply waits for the edit");
    editing.commit().await.unwrap();
    replying.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_is_the_newest_published_first_of_one_article_or_all() {
    let store = store("c_feed").await;
    client(&store)
        .await
        .batch_execute(
            "INSERT INTO comments (article_id, author, email, body, created, status, edited)
             VALUES ('autre', 'Zoé', 'z@example.org', 'Ailleurs.', 1900000000, 'published', 1900000500),
                    ('autre', 'Held', 'h@example.org', 'Pas encore.', 1900000001, 'pending', NULL);",
        )
        .await
        .unwrap();
    let all = store.latest(None, 3).await.unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|c| (c.article.as_str(), c.comment.id.as_str(), c.comment.edited.map(|e| e.unix_seconds())))
        .collect();
    assert_eq!(
        seen,
        [("autre", "5", Some(1_900_000_500)), ("nouvel-ordre-mondial", "4", None), ("nouvel-ordre-mondial", "3", None)]
    );
    let one: Vec<_> = store.latest(Some(ARTICLE), 10).await.unwrap().into_iter().map(|c| c.comment.id).collect();
    assert_eq!(one, ["4", "3", "2", "1"]);
    assert!(store.latest(Some("rien"), 10).await.unwrap().is_empty());
}

fn outgoing(cause: &str) -> Outgoing {
    Outgoing {
        kind: MailKind::Reply,
        cause: Some(cause.into()),
        message_id: format!("<{cause}@example.org>"),
        sender: "from@example.org".into(),
        recipient: "to@example.org".into(),
        recipient_key: "key".into(),
        message: b"Subject: hi\r\n\r\nhello\r\n".to_vec(),
    }
}

/// Runs `$work` with `$tables`, the [`PgMailTables`] of a transaction of `$store`'s, then
/// commits it.
macro_rules! in_transaction {
    ($store:expr, |$tables:ident| $work:expr) => {{
        let mut client = client(&$store).await;
        let transaction = client.transaction().await.unwrap();
        let value = {
            #[allow(unused_mut)]
            let mut $tables = PgMailTables(&transaction);
            $work
        };
        transaction.commit().await.unwrap();
        value
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_queued_once_per_cause_claimed_by_one_sender_and_again_when_its_lease_runs_out() {
    let store = store("c_outbox").await;
    assert!(in_transaction!(store, |tables| tables.enqueue(&outgoing("reply:2"), 1_000).await.unwrap()));
    assert!(!in_transaction!(store, |tables| tables.enqueue(&outgoing("reply:2"), 1_000).await.unwrap()));
    assert!(store.claim_mail(999, 60_000).await.unwrap().is_none(), "not due yet");
    let first = store.claim_mail(1_000, 60_000).await.unwrap().unwrap();
    assert_eq!((first.attempts, first.created), (1, 1_000));
    assert_eq!((first.sender.as_str(), first.recipient.as_str()), ("from@example.org", "to@example.org"));
    assert!(store.claim_mail(2_000, 60_000).await.unwrap().is_none(), "claimed");
    // The sender died: past its lease, another takes it; the first can no longer settle it.
    let second = store.claim_mail(61_000, 60_000).await.unwrap().unwrap();
    assert_eq!((second.id, second.attempts, second.message.as_slice()), (first.id, 2, first.message.as_slice()));
    store.mail_sent(&first).await.unwrap();
    store.mail_retry(&second, 200_000, "451 try later").await.unwrap();
    assert!(store.claim_mail(199_999, 60_000).await.unwrap().is_none());
    let third = store.claim_mail(200_000, 60_000).await.unwrap().unwrap();
    store.mail_sent(&third).await.unwrap();
    assert!(store.claim_mail(i64::MAX / 2, 60_000).await.unwrap().is_none(), "sent, never again");
    let row = client(&store)
        .await
        .query_one("SELECT status, message IS NULL, last_error, attempts FROM mail_outbox", &[])
        .await
        .unwrap();
    let settled: (String, bool, Option<String>, i64) = (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(settled, ("sent".into(), true, None, 3), "its text dropped once sent");

    // Given up.
    assert!(in_transaction!(store, |tables| tables.enqueue(&outgoing("reply:3"), 1_000).await.unwrap()));
    let claimed = store.claim_mail(300_000, 60_000).await.unwrap().unwrap();
    store.mail_failed(&claimed, "550 no such user").await.unwrap();
    assert!(store.claim_mail(i64::MAX / 2, 60_000).await.unwrap().is_none());
    let failed =
        number(&store, "SELECT count(*) FROM mail_outbox WHERE status = 'failed' AND message IS NOT NULL").await;
    assert_eq!(failed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_asked_to_confirm_once_a_day_until_it_does() {
    let store = store("c_standing").await;
    macro_rules! standing {
        ($now:expr) => {
            in_transaction!(store, |tables| tables.subscribe(1, "k", $now).await.unwrap())
        };
    }
    assert_eq!(standing!(0), Standing::ConfirmationDue);
    in_transaction!(store, |tables| tables.confirmation_queued("k", 0).await.unwrap());
    assert_eq!(standing!(10), Standing::ConfirmationSent);
    assert_eq!(standing!(CONFIRMATION_INTERVAL_SECONDS), Standing::ConfirmationDue);
    assert!(store.confirm_address("k", 5).await.unwrap());
    assert!(!store.confirm_address("unknown", 5).await.unwrap());
    assert_eq!(standing!(20), Standing::Confirmed);
    // Unsubscribed, the address must confirm again, and is still asked once a day at most.
    store.unsubscribe_replies("k").await.unwrap();
    assert_eq!(number(&store, "SELECT count(*) FROM mail_subscriptions").await, 0);
    assert_eq!(standing!(30), Standing::ConfirmationSent);

    assert!(!in_transaction!(store, |tables| tables.held_unsubscribed("moderator").await.unwrap()));
    store.unsubscribe_held("moderator", 40).await.unwrap();
    store.unsubscribe_held("moderator", 50).await.unwrap();
    assert!(in_transaction!(store, |tables| tables.held_unsubscribed("moderator").await.unwrap()));
    assert_eq!(number(&store, "SELECT held_unsubscribed FROM mail_addresses WHERE key = 'moderator'").await, 40);
}

/// The mail of tests: nothing is sent (the sender is not run), the queue is looked at.
fn mail(store: Arc<dyn Storage>) -> Mail {
    let settings = MailSettings {
        smtp_url: "smtp://127.0.0.1:25".into(),
        credentials: None,
        from: "comments@news.example".parse().unwrap(),
        public_url: "https://comments.news.example".into(),
        article_url: "https://news.example/{id}".into(),
        notify_held: vec!["moderator@news.example".parse().unwrap()],
        language: Locale::Fr,
    };
    Mail::new(settings, "secret", store, Arc::default()).unwrap()
}

/// The outbox: each message's kind and recipient, in order.
async fn outbox(store: &PgStore) -> Vec<(String, String)> {
    let rows = client(store).await.query("SELECT kind, recipient FROM mail_outbox ORDER BY id", &[]).await.unwrap();
    rows.iter().map(|row| (row.get(0), row.get(1))).collect()
}

fn queued(messages: &[(&str, &str)]) -> Vec<(String, String)> {
    messages.iter().map(|(kind, to)| (kind.to_string(), to.to_string())).collect()
}

/// What a post calls for is queued in its transaction: written with the comment, or, for a
/// post refused, not at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_queues_its_mail_in_its_own_transaction() {
    let store = Arc::new(store("c_post_mail").await);
    let mail = mail(store.clone());
    let asks = |email| Some(PostMail { mail: &mail, email, notify: true });
    let ana = created(
        store
            .post(&NewComment { captcha: Some(captcha(1)), ..comment("k1", "Abonnée.") }, asks("ana@example.org"))
            .await,
    );
    assert_eq!(outbox(&store).await, queued(&[("confirmation", "ana@example.org")]));
    assert_eq!(number(&store, "SELECT comment_id FROM mail_subscriptions").await.to_string(), ana.id);
    // Again within the day: no second confirmation.
    created(store.post(&comment("k2", "Encore."), asks("ana@example.org")).await);
    assert_eq!(outbox(&store).await.len(), 1);
    // Refused (its captcha used): neither its subscription nor its confirmation.
    let refused = NewComment { captcha: Some(captcha(1)), email: "bob@example.org", ..comment("k3", "Refusé.") };
    assert!(store.post(&refused, asks("bob@example.org")).await.is_err());
    assert_eq!(number(&store, "SELECT count(*) FROM mail_addresses").await, 1);
    assert_eq!(number(&store, "SELECT count(*) FROM mail_subscriptions").await, 2);

    // Confirmed, Ana is told of a reply to her comment, once.
    let ana_key = mail.keys().address("ana@example.org");
    assert!(store.confirm_address(&ana_key, NOW).await.unwrap());
    let bob =
        |key| NewComment {
            parent: Some(&ana.id), author: "Bob", email: "bob@example.org", ..comment(key, "Réponse.")
        };
    let silent = |email| Some(PostMail { mail: &mail, email, notify: false });
    let reply = created(store.post(&bob("k4"), silent("bob@example.org")).await);
    let with_reply = queued(&[("confirmation", "ana@example.org"), ("reply", "ana@example.org")]);
    assert_eq!(outbox(&store).await, with_reply);
    store.notify_reply(&mail, reply.id.parse().unwrap()).await.unwrap();
    assert_eq!(outbox(&store).await, with_reply, "a reply is notified once");
    // Her own reply, a held one: no notice.
    created(
        store
            .post(&NewComment { parent: Some(&ana.id), ..comment("k5", "À moi-même.") }, silent("ana@example.org"))
            .await,
    );
    let held_reply = NewComment { status: CommentStatus::Pending, ..bob("k6") };
    let held_reply = created(store.post(&held_reply, silent("bob@example.org")).await);
    let with_held = [with_reply.clone(), queued(&[("held", "moderator@news.example")])].concat();
    assert_eq!(outbox(&store).await, with_held, "the moderators are told of the held reply");
    // Approved, it is notified.
    client(&store)
        .await
        .execute("UPDATE comments SET status = 'published' WHERE id = $1", &[&held_reply.id.parse::<i64>().unwrap()])
        .await
        .unwrap();
    store.notify_reply(&mail, held_reply.id.parse().unwrap()).await.unwrap();
    assert_eq!(outbox(&store).await.len(), 4);

    // A moderator unsubscribed from held comments: their queued notice goes, none is queued.
    let moderator_key = mail.keys().address("moderator@news.example");
    store.unsubscribe_held(&moderator_key, NOW).await.unwrap();
    created(
        store
            .post(
                &NewComment { status: CommentStatus::Pending, ..comment("k7", "En attente.") },
                silent("ana@example.org"),
            )
            .await,
    );
    let kinds: Vec<String> = outbox(&store).await.into_iter().map(|(kind, _)| kind).collect();
    assert_eq!(kinds, ["confirmation", "reply", "reply"]);
    // Ana unsubscribed from replies: what was queued for her goes, and no more is queued.
    store.unsubscribe_replies(&ana_key).await.unwrap();
    assert!(outbox(&store).await.is_empty());
    created(store.post(&bob("k8"), silent("bob@example.org")).await);
    assert!(outbox(&store).await.is_empty());
}

/// Two servers (two stores on one database) posting the same request under the same key at
/// once: one comment, both answer it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_posted_at_once_on_two_servers_makes_one_comment() {
    let url = Cluster::shared().database("c_race_key").unwrap();
    let (one, two) = (PgStore::connect(&url).await.unwrap(), PgStore::connect(&url).await.unwrap());
    for round in 0..20 {
        let key = format!("race-{round}");
        let pow = pow(&format!("{:02x}", round));
        let request = NewComment { captcha: Some(captcha(round)), pow: Some(&pow), ..comment(&key, "En même temps.") };
        let (first, second) = tokio::join!(one.post(&request, None), two.post(&request, None));
        let answers = [first.unwrap(), second.unwrap()];
        let created = answers.iter().filter(|answer| matches!(answer, Posted::Created(_))).count();
        assert_eq!(created, 1, "round {round}: one created, the other replayed");
        let [Posted::Created(a) | Posted::Replayed(a), Posted::Created(b) | Posted::Replayed(b)] = answers;
        assert_eq!(a, b, "round {round}");
        let rows = client(&one)
            .await
            .query_one("SELECT count(*) FROM comments WHERE idempotency_key = $1", &[&key])
            .await
            .unwrap()
            .get::<_, i64>(0);
        assert_eq!(rows, 1, "round {round}");
    }
}

/// The wait behind the key, made certain: a post under a key that another server's
/// transaction is writing waits for it, then answers its comment; or, if it rolls back,
/// writes its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_under_a_key_being_written_waits_for_it() {
    let store = store("c_key_wait").await;
    for commit in [true, false] {
        let key = format!("wait-{commit}");
        let mut other = client(&store).await;
        let writing = other.transaction().await.unwrap();
        let id: i64 = writing
            .query_one(
                "INSERT INTO comments (article_id, author, email, body, created, status, idempotency_key,
                                       request_fingerprint)
                 VALUES ($1, 'Ana', 'ana@example.org', 'Patience.', $2, 'published', $3, 'Patience.') RETURNING id",
                &[&ARTICLE, &NOW, &key],
            )
            .await
            .unwrap()
            .get(0);
        let posting = tokio::spawn({
            let (store, key) = (store.clone(), key.clone());
            async move {
                match store.post(&comment(&key, "Patience."), None).await {
                    Ok(Posted::Created(comment)) => Ok((true, comment.id)),
                    Ok(Posted::Replayed(comment)) => Ok((false, comment.id)),
                    Err(error) => Err(error),
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!posting.is_finished(), "the post waits for the key's writer");
        if commit {
            writing.commit().await.unwrap();
            assert_eq!(posting.await.unwrap().unwrap(), (false, id.to_string()), "its comment, replayed");
        } else {
            writing.rollback().await.unwrap();
            let (created, own) = posting.await.unwrap().unwrap();
            assert!(created && own != id.to_string(), "its own comment");
        }
    }
}

/// One captcha challenge used at once on two servers: one is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_used_at_once_on_two_servers_is_accepted_once() {
    let url = Cluster::shared().database("c_race_captcha").unwrap();
    let (one, two) = (PgStore::connect(&url).await.unwrap(), PgStore::connect(&url).await.unwrap());
    for round in 0..20 {
        let challenge = captcha(round);
        let (first, second) =
            tokio::join!(one.use_captcha(challenge, None, NOW), two.use_captcha(challenge, None, NOW));
        let accepted = [&first, &second].iter().filter(|answer| answer.is_ok()).count();
        assert_eq!(accepted, 1, "round {round}: {first:?} {second:?}");
        for answer in [first, second] {
            assert!(matches!(answer, Ok(()) | Err(ApiError::Captcha(CaptchaError::Used))));
        }
    }
    // And by posts under different keys.
    for round in 100..110 {
        let challenge = Some(captcha(round));
        let (a, b) = (format!("a-{round}"), format!("b-{round}"));
        let (a, b) = (
            NewComment { captcha: challenge, ..comment(&a, "Un.") },
            NewComment { captcha: challenge, ..comment(&b, "Deux.") },
        );
        let (first, second) = tokio::join!(one.post(&a, None), two.post(&b, None));
        let accepted = [first.is_ok(), second.is_ok()];
        assert_eq!(accepted.iter().filter(|ok| **ok).count(), 1, "round {round}");
        assert!(matches!(first.err().or(second.err()), Some(ApiError::Captcha(CaptchaError::Used))));
    }
    assert_eq!(number(&one, "SELECT count(*) FROM comments").await, 4 + 10);
}

/// Two servers' senders working through one queue at once: each message is claimed by one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_senders_claim_each_message_once() {
    let url = Cluster::shared().database("c_race_claim").unwrap();
    let (one, two) = (PgStore::connect(&url).await.unwrap(), PgStore::connect(&url).await.unwrap());
    for message in 0..40 {
        in_transaction!(one, |tables| tables.enqueue(&outgoing(&format!("reply:{message}")), 1_000).await.unwrap());
    }
    let drain = |store: PgStore| async move {
        let mut claimed = Vec::new();
        while let Some(message) = store.claim_mail(2_000, 60_000).await.unwrap() {
            claimed.push(message.id);
            store.mail_sent(&message).await.unwrap();
        }
        claimed
    };
    let (first, second) = tokio::join!(tokio::spawn(drain(one.clone())), tokio::spawn(drain(two.clone())));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert!(!first.is_empty() && !second.is_empty(), "both took part: {} and {}", first.len(), second.len());
    let mut all = [first, second].concat();
    all.sort();
    let expected: Vec<i64> = (1..=40).collect();
    assert_eq!(all, expected, "each message claimed once");
    assert_eq!(number(&one, "SELECT count(*) FROM mail_outbox WHERE status = 'sent' AND attempts = 1").await, 40);
}

/// Two posts from one address, a confirmation due, on two servers: the second waits for the
/// first to decide on the confirmation, and queues none of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_from_an_address_another_post_is_confirming_waits_and_queues_no_second_confirmation() {
    let url = Cluster::shared().database("c_race_confirmation").unwrap();
    let (one, two) = (PgStore::connect(&url).await.unwrap(), Arc::new(PgStore::connect(&url).await.unwrap()));
    let key = mail(two.clone()).keys().address("ana@example.org");
    // Known, and asked to confirm long ago: a confirmation is due.
    client(&one)
        .await
        .execute("INSERT INTO mail_addresses (key, confirmation_sent) VALUES ($1, 0)", &[&key])
        .await
        .unwrap();

    // One server's post, as far as its subscription: the address's standing read.
    let mut first = client(&one).await;
    let posting = first.transaction().await.unwrap();
    let mut tables = PgMailTables(&posting);
    assert_eq!(tables.subscribe(1, &key, NOW).await.unwrap(), Standing::ConfirmationDue);
    let second = tokio::spawn(async move {
        let mail = mail(two.clone());
        let asks = Some(PostMail { mail: &mail, email: "ana@example.org", notify: true });
        two.post(&comment("k", "Deux."), asks).await.map(|_| ())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the second post waits for the first's decision");
    let confirmation =
        Outgoing { kind: MailKind::Confirmation, cause: None, recipient_key: key.clone(), ..outgoing("first") };
    assert!(tables.enqueue(&confirmation, 1_000).await.unwrap());
    tables.confirmation_queued(&key, NOW).await.unwrap();
    posting.commit().await.unwrap();
    second.await.unwrap().unwrap();
    assert_eq!(number(&one, "SELECT count(*) FROM mail_outbox WHERE kind = 'confirmation'").await, 1);
    assert_eq!(number(&one, "SELECT count(*) FROM mail_subscriptions").await, 2, "both subscribed");
}

/// An unsubscribe waits for a notice to the address being queued, and drops it: a reply's
/// notice to a subscriber, a held comment's to a moderator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsubscribe_waits_for_a_notice_being_queued_and_drops_it() {
    let store = store("c_race_unsubscribe").await;
    // Comment 1's author subscribed, confirmed; 2 is a published reply to it.
    client(&store)
        .await
        .batch_execute(
            "INSERT INTO mail_addresses (key, confirmed) VALUES ('subscriber', 1);
             INSERT INTO mail_subscriptions (comment_id, address_key, created) VALUES (1, 'subscriber', 1);",
        )
        .await
        .unwrap();
    let mut poster = client(&store).await;
    let posting = poster.transaction().await.unwrap();
    let mut tables = PgMailTables(&posting);
    let notice = tables.reply_notice(2).await.unwrap().expect("a notice is due");
    assert_eq!((notice.author.as_str(), notice.subscriber_key.as_str()), ("Thomas Girard", "subscriber"));
    let reply = Outgoing { recipient_key: "subscriber".into(), ..outgoing("reply:2") };
    assert!(tables.enqueue(&reply, 1_000).await.unwrap());
    assert!(!tables.held_unsubscribed("moderator").await.unwrap());
    let held = Outgoing { kind: MailKind::Held, recipient_key: "moderator".into(), ..outgoing("held:2:moderator") };
    assert!(tables.enqueue(&held, 1_000).await.unwrap());
    let unsubscribing = tokio::spawn({
        let store = store.clone();
        async move {
            let replies = store.unsubscribe_replies("subscriber");
            let held = store.unsubscribe_held("moderator", NOW);
            let (replies, held) = tokio::join!(replies, held);
            replies.and(held)
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!unsubscribing.is_finished(), "the unsubscribes wait for the post");
    posting.commit().await.unwrap();
    unsubscribing.await.unwrap().unwrap();
    assert_eq!(number(&store, "SELECT count(*) FROM mail_outbox").await, 0, "both notices dropped");

    // And a notice decided after an unsubscribe is not queued.
    client(&store)
        .await
        .execute("UPDATE mail_addresses SET confirmed = 1 WHERE key = 'subscriber'", &[])
        .await
        .unwrap();
    client(&store)
        .await
        .execute("INSERT INTO mail_subscriptions (comment_id, address_key, created) VALUES (1, 'subscriber', 1)", &[])
        .await
        .unwrap();
    let mut other = client(&store).await;
    let unsubscribing = other.transaction().await.unwrap();
    unsubscribing.execute("SELECT 1 FROM mail_addresses WHERE key = 'subscriber' FOR UPDATE", &[]).await.unwrap();
    unsubscribing.execute("UPDATE mail_addresses SET confirmed = NULL WHERE key = 'subscriber'", &[]).await.unwrap();
    let noticing = tokio::spawn({
        let store = store.clone();
        async move {
            let mut client = client(&store).await;
            let transaction = client.transaction().await.unwrap();
            let notice = PgMailTables(&transaction).reply_notice(2).await.unwrap();
            notice.is_some()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!noticing.is_finished(), "the notice waits for the unsubscribe");
    unsubscribing.commit().await.unwrap();
    assert!(!noticing.await.unwrap(), "and finds the address no longer confirmed");
}

/// Two authors replying to each other's comments at once, each asking to be told of
/// replies: each post locks its author's address to subscribe it, and reads the other's to
/// queue its notice; neither waits for the other (which would deadlock).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_subscribers_replying_to_each_other_at_once_do_not_wait_on_each_other() {
    let store = store("c_mutual_replies").await;
    // Claire wrote 1, Nadia 3; both subscribed and confirmed. 5 answers 3, 6 answers 1.
    client(&store)
        .await
        .batch_execute(
            "INSERT INTO mail_addresses (key, confirmed) VALUES ('claire', 1), ('nadia', 1);
             INSERT INTO mail_subscriptions (comment_id, address_key, created) VALUES (1, 'claire', 1), (3, 'nadia', 1);",
        )
        .await
        .unwrap();
    let to_nadia = insert(&store, ARTICLE, Some(3), NOW, "published").await;
    let to_claire = insert(&store, ARTICLE, Some(1), NOW, "published").await;
    let (mut claires, mut nadias) = (client(&store).await, client(&store).await);
    let (claire, nadia) = (claires.transaction().await.unwrap(), nadias.transaction().await.unwrap());
    let (mut claire, mut nadia) = (PgMailTables(&claire), PgMailTables(&nadia));
    assert_eq!(claire.subscribe(to_nadia, "claire", NOW).await.unwrap(), Standing::Confirmed);
    assert_eq!(nadia.subscribe(to_claire, "nadia", NOW).await.unwrap(), Standing::Confirmed);
    let within = |future| tokio::time::timeout(Duration::from_secs(5), future);
    let notice = within(claire.reply_notice(to_nadia)).await.expect("no wait for Nadia's post").unwrap();
    assert_eq!(notice.unwrap().subscriber_key, "nadia");
    let notice = within(nadia.reply_notice(to_claire)).await.expect("no wait for Claire's post").unwrap();
    assert_eq!(notice.unwrap().subscriber_key, "claire");
}
