//! Moderation on PostgreSQL (`moderation.rs`, `bans.rs`, `audit.rs`, `moderators.rs`), on the
//! tests' own PostgreSQL, a database per test: SQLite's tests of the same parts, and what
//! several servers on one database add to them.

use std::net::IpAddr;

use article_widget_core::moderation::AuditAction;

use super::throwaway::Cluster;
use super::PgStore;
use crate::client::parse_proxy;
use crate::error::ApiError;
use crate::hold::HoldRules;
use crate::store::{
    Actor, AdminCursor, AuditEntry, BanTarget, Edit, NewBan, Search, SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS,
    STATUSES,
};

async fn store(name: &str) -> PgStore {
    let url = Cluster::shared().database(name).unwrap();
    PgStore::connect(&url).await.unwrap_or_else(|error| panic!("{error}"))
}

fn anne(now: i64) -> Actor<'static> {
    Actor { name: "anne", now }
}

/// A comment written as the post would (the post itself is `comments.rs`'s); its id.
async fn comment(
    store: &PgStore,
    article: &str,
    author: &str,
    email: &str,
    body: &str,
    created: i64,
    status: &str,
) -> i64 {
    store
        .pool
        .get()
        .await
        .unwrap()
        .query_one(
            "INSERT INTO comments (article_id, author, email, body, created, status, client_prefix)
             VALUES ($1, $2, $3, $4, $5, $6, '192.0.2.7/32') RETURNING id",
            &[&article, &author, &email, &body, &created, &status],
        )
        .await
        .unwrap()
        .get(0)
}

/// Every entry of the audit log, oldest first.
async fn audit_log(store: &PgStore) -> Vec<AuditEntry> {
    let (mut entries, more) = store.audit(None, 1_000).await.unwrap();
    assert!(!more);
    entries.reverse();
    entries
}

fn search(status: Option<&str>, text: Option<&str>, author: Option<&str>, article: Option<&str>) -> Search {
    Search {
        status: status.map(str::to_owned),
        text: text.map(str::to_owned),
        author: author.map(str::to_owned),
        article: article.map(str::to_owned),
    }
}

/// The ids of every page of `search`, `limit` at a time, each cursor read back as a client
/// sends it.
async fn every_page(store: &PgStore, search: &Search, limit: u32) -> Vec<i64> {
    let (mut ids, mut after) = (Vec::new(), None);
    loop {
        let page = store.admin_comments(search, limit, after).await.unwrap();
        assert!(page.comments.len() <= limit as usize);
        ids.extend(page.comments.iter().map(|comment| comment.id));
        match page.next {
            Some(next) => after = Some(AdminCursor::decode(&next.encode()).unwrap()),
            None => return ids,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rules_start_as_the_default_and_are_stored_with_their_audit_entry() {
    let store = store("mod_rules").await;
    assert_eq!(store.hold_rules().await.unwrap(), HoldRules::default(), "the migration's row");
    let rules = HoldRules { first_time_authors: true, words: vec!["casino".into()], ..HoldRules::default() };
    store.set_hold_rules(&rules, anne(1)).await.unwrap();
    assert_eq!(store.hold_rules().await.unwrap(), rules);
    let (entries, more) = store.audit(None, 10).await.unwrap();
    assert!(!more);
    assert_eq!((entries.len(), entries[0].action.as_str(), entries[0].moderator.as_str()), (1, "settings", "anne"));
    assert_eq!(entries[0].detail, serde_json::to_string(&rules).unwrap());
    // Without a row, the default (as SQLite's).
    store.pool.get().await.unwrap().execute("DELETE FROM settings WHERE name = 'hold_rules'", &[]).await.unwrap();
    assert_eq!(store.hold_rules().await.unwrap(), HoldRules::default());
    store.set_hold_rules(&rules, anne(2)).await.unwrap();
    assert_eq!(store.hold_rules().await.unwrap(), rules);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_folds_case_beyond_ascii_and_counts_every_status() {
    let store = store("mod_search").await;
    let elodie = comment(&store, "a", "élodie", "Elodie@Example.org", "Ça alors, un ŒUF", 10, "pending").await;
    let bruno = comment(&store, "a", "Bruno", "bruno@example.org", "Rien à dire", 11, "published").await;
    let spam = comment(&store, "b", "ÉLODIE B.", "eb@example.net", "CASINO en ligne", 12, "spam").await;
    let everything = store.admin_comments(&Search::default(), 100, None).await.unwrap();
    // The seed's four, published.
    assert_eq!(everything.counts, [1, 5, 0, 1, 0]);
    assert_eq!(everything.comments.len(), 7);
    assert!(everything.next.is_none());
    let found = |page: &crate::store::AdminPage| page.comments.iter().map(|comment| comment.id).collect::<Vec<_>>();
    let page = store.admin_comments(&search(None, None, Some("ÉLODIE"), None), 100, None).await.unwrap();
    assert_eq!((found(&page), page.counts), (vec![elodie, spam], [1, 0, 0, 1, 0]), "the name, in any case");
    let page = store.admin_comments(&search(None, None, Some("EXAMPLE.ORG"), None), 100, None).await.unwrap();
    assert_eq!(found(&page), [elodie, bruno], "the e-mail, in any case");
    let page = store.admin_comments(&search(None, Some("ça ALORS, un œuf"), None, None), 100, None).await.unwrap();
    assert_eq!(found(&page), [elodie], "the text, in any case");
    let page = store.admin_comments(&search(None, Some("casino"), None, Some("a")), 100, None).await.unwrap();
    assert_eq!((found(&page), page.counts), (vec![], [0; 5]), "the article too");
    let page = store.admin_comments(&search(None, None, None, Some("b")), 100, None).await.unwrap();
    assert_eq!(found(&page), [spam]);
    // A status filters the page, not the counts.
    let page = store.admin_comments(&search(Some("published"), None, Some("élodie"), None), 100, None).await.unwrap();
    assert_eq!((found(&page), page.counts), (vec![], [1, 0, 0, 1, 0]));
    let page = store.admin_comments(&search(Some("spam"), None, None, None), 100, None).await.unwrap();
    assert_eq!(found(&page), [spam]);
    let shown = &page.comments[0];
    assert_eq!(
        (shown.article.as_str(), shown.author.as_str(), shown.email.as_str(), shown.status.as_str()),
        ("b", "ÉLODIE B.", "eb@example.net", "spam")
    );
    assert_eq!(
        (shown.client_prefix.as_deref(), shown.created, shown.edited, shown.parent),
        (Some("192.0.2.7/32"), 12, None, None)
    );
    // An empty text is in every text, as SQLite's `instr`.
    assert_eq!(store.admin_comments(&search(None, Some(""), None, None), 100, None).await.unwrap().comments.len(), 7);
    assert_eq!(STATUSES[1], "published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_comments_come_first_and_pages_follow_their_cursor() {
    let store = store("mod_pages").await;
    let mut held = Vec::new();
    let mut others = Vec::new();
    // Several at the same second: the id breaks the tie.
    for (index, status) in
        ["pending", "published", "pending", "rejected", "published", "pending", "spam"].iter().enumerate()
    {
        let created = 100 + (index as i64) / 2;
        let id = comment(&store, "p", "Zoé", "zoe@example.org", "texte", created, status).await;
        if *status == "pending" {
            held.push((created, id))
        } else {
            others.push((created, id))
        }
    }
    let newest_first = |mut list: Vec<(i64, i64)>| {
        list.sort_by(|a, b| b.cmp(a));
        list.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    let article = search(None, None, None, Some("p"));
    let expected: Vec<i64> = newest_first(held.clone()).into_iter().chain(newest_first(others.clone())).collect();
    for limit in [1, 2, 3, 7, 8] {
        assert_eq!(every_page(&store, &article, limit).await, expected, "{limit} a page");
    }
    let published = search(Some("published"), None, None, Some("p"));
    let expected: Vec<i64> =
        newest_first(others.iter().copied().filter(|(created, _)| [100, 102].contains(created)).collect());
    assert_eq!(every_page(&store, &published, 1).await, expected);
    // And the seed's four, newer, among the others.
    assert_eq!(every_page(&store, &Search::default(), 3).await.len(), 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_set_answers_the_one_before_and_is_logged() {
    let store = store("mod_status").await;
    assert_eq!(store.admin_comment(1).await.unwrap().unwrap().replies, 1, "the seed's reply");
    let (before, after) = store.set_status(1, "spam", AuditAction::Spam, anne(5)).await.unwrap().unwrap();
    assert_eq!((before.as_str(), after.status.as_str(), after.replies), ("published", "spam", 1));
    assert_eq!(store.admin_comment(1).await.unwrap().unwrap().status, "spam");
    assert!(store.set_status(99, "published", AuditAction::Approve, anne(6)).await.unwrap().is_none());
    let (before, _) = store.set_status(1, "published", AuditAction::Approve, anne(7)).await.unwrap().unwrap();
    assert_eq!(before, "spam");
    let entries = audit_log(&store).await;
    let logged: Vec<_> =
        entries.iter().map(|entry| (entry.at, entry.action.as_str(), entry.comment, entry.detail.as_str())).collect();
    assert_eq!(logged, [(5, "spam", Some(1), "published → spam"), (7, "approve", Some(1), "spam → published")]);
    assert!(store.admin_comment(99).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderators_edit_names_what_it_changed_and_a_deletion_is_final() {
    let store = store("mod_edit").await;
    let edit = Edit { author: Some("C. Martin"), body: Some("Corrigé."), ..Edit::default() };
    let edited = store.moderate_edit(1, edit, anne(10)).await.unwrap().unwrap();
    assert_eq!((edited.author.as_str(), edited.body.as_str(), edited.edited), ("C. Martin", "Corrigé.", Some(10)));
    let website = Edit { website: Some(Some("https://example.org/")), ..Edit::default() };
    assert_eq!(
        store.moderate_edit(1, website, anne(11)).await.unwrap().unwrap().website.as_deref(),
        Some("https://example.org/")
    );
    let removed =
        store.moderate_edit(1, Edit { website: Some(None), ..Edit::default() }, anne(12)).await.unwrap().unwrap();
    assert_eq!((removed.website, removed.author.as_str()), (None, "C. Martin"));
    let same = Edit { body: Some("Corrigé."), ..Edit::default() };
    assert_eq!(store.moderate_edit(1, same, anne(13)).await.unwrap().unwrap().edited, Some(13));
    assert!(store.moderate_edit(99, Edit::default(), anne(14)).await.unwrap().is_none());
    let deleted = store.moderate_delete(1, anne(15)).await.unwrap().unwrap();
    assert_eq!((deleted.status.as_str(), deleted.author.as_str()), ("published", "C. Martin"), "as it was");
    let placeholder = store.admin_comment(1).await.unwrap().unwrap();
    assert_eq!(
        (
            placeholder.status.as_str(),
            placeholder.author.as_str(),
            placeholder.email.as_str(),
            placeholder.body.as_str()
        ),
        ("deleted", "", "", "")
    );
    assert_eq!((placeholder.website, placeholder.replies), (None, 1), "kept for its reply");
    assert!(matches!(store.moderate_delete(1, anne(16)).await, Err(ApiError::CommentDeleted)));
    assert!(matches!(store.moderate_edit(1, same, anne(16)).await, Err(ApiError::CommentDeleted)));
    assert!(matches!(
        store.set_status(1, "published", AuditAction::Approve, anne(16)).await,
        Err(ApiError::CommentDeleted)
    ));
    assert!(store.moderate_delete(99, anne(16)).await.unwrap().is_none());
    let entries = audit_log(&store).await;
    let logged: Vec<_> = entries.iter().map(|entry| (entry.action.as_str(), entry.detail.as_str())).collect();
    assert_eq!(
        logged,
        [
            ("edit", "author, body"),
            ("edit", "website"),
            ("edit", "website"),
            ("edit", "nothing changed"),
            ("delete", "was published")
        ],
        "the refused changes left nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bans_by_email_and_prefix_hold_until_they_end() {
    let store = store("mod_bans").await;
    let now = 1_000;
    let address = |text: &str| text.parse::<IpAddr>().unwrap();
    let screen = |email: &'static str, hash: &'static str, at: &'static str, when: i64| {
        let store = store.clone();
        async move { store.screen(email, hash, at.parse().unwrap(), when).await.unwrap() }
    };
    assert!(!screen("x@example.org", "hash-x", "2001:db8:1:2::99", now).await.banned);
    let email = NewBan {
        target: BanTarget::Email { hash: "hash-x".into(), label: "x…@example.org".into() },
        until: Some(now + 100),
        reason: "spam",
        comment: Some(1),
    };
    let ban = store.add_ban(&email, anne(now)).await.unwrap();
    assert_eq!(
        (ban.kind.as_str(), ban.label.as_str(), ban.until, ban.reason.as_str(), ban.created, ban.moderator.as_str()),
        ("email", "x…@example.org", Some(now + 100), "spam", now, "anne")
    );
    // Twice, as a moderator may: still banned, once.
    store.add_ban(&NewBan { until: None, ..email }, anne(now)).await.unwrap();
    assert!(screen("x@example.org", "hash-x", "198.51.100.1", now).await.banned);
    assert!(!screen("y@example.org", "hash-y", "198.51.100.1", now).await.banned);
    let v6 = NewBan {
        target: BanTarget::Prefix(parse_proxy("2001:db8:1:2::/64").unwrap()),
        until: Some(now + 100),
        reason: "flood",
        comment: None,
    };
    let v6 = store.add_ban(&v6, anne(now + 1)).await.unwrap();
    assert_eq!((v6.kind.as_str(), v6.label.as_str()), ("prefix", "2001:db8:1:2::/64"));
    let v4 = NewBan {
        target: BanTarget::Prefix(parse_proxy("192.0.2.0/24").unwrap()),
        until: None,
        reason: "flood",
        comment: None,
    };
    let v4 = store.add_ban(&v4, anne(now + 2)).await.unwrap();
    for (at, banned) in [
        ("2001:db8:1:2::99", true),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", true),
        ("2001:db8:1:3::1", false),
        ("192.0.2.77", true),
        ("::ffff:192.0.2.77", true),
        ("192.0.3.1", false),
    ] {
        assert_eq!(store.screen("y@example.org", "hash-y", address(at), now).await.unwrap().banned, banned, "{at}");
    }
    // Past their end, the bans for a time are not in force, nor listed.
    let later = now + 100;
    assert!(!screen("y@example.org", "hash-y", "2001:db8:1:2::99", later).await.banned, "the /64's ended");
    assert!(screen("y@example.org", "hash-y", "192.0.2.77", later).await.banned, "the /24's is forever");
    assert!(screen("x@example.org", "hash-x", "198.51.100.1", later).await.banned, "the second e-mail ban is forever");
    let listed = |bans: Vec<crate::store::Ban>| bans.iter().map(|ban| ban.id).collect::<Vec<_>>();
    assert_eq!(listed(store.bans(now).await.unwrap()), [v4.id, v6.id, ban.id + 1, ban.id], "newest first");
    assert_eq!(listed(store.bans(later).await.unwrap()), [v4.id, ban.id + 1]);
    assert!(store.remove_ban(v4.id, anne(now + 3)).await.unwrap());
    assert!(!store.remove_ban(v4.id, anne(now + 3)).await.unwrap());
    assert!(!screen("y@example.org", "hash-y", "192.0.2.77", now).await.banned);
    let entries = audit_log(&store).await;
    let logged: Vec<_> =
        entries.iter().map(|entry| (entry.action.as_str(), entry.comment, entry.detail.as_str())).collect();
    let until = article_widget_core::datetime::DateTime::from_unix_seconds(now + 100);
    assert_eq!(
        logged,
        [
            ("ban", Some(1), format!("ban {}: email x…@example.org, until {until}", ban.id).as_str()),
            ("ban", Some(1), format!("ban {}: email x…@example.org, forever", ban.id + 1).as_str()),
            ("ban", None, format!("ban {}: prefix 2001:db8:1:2::/64, until {until}", v6.id).as_str()),
            ("ban", None, format!("ban {}: prefix 192.0.2.0/24, forever", v4.id).as_str()),
            ("unban", None, format!("ban {}: prefix 192.0.2.0/24", v4.id).as_str()),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screening_knows_an_author_by_a_published_comment_when_the_rules_ask() {
    let store = store("mod_screen").await;
    let at: IpAddr = "192.0.2.1".parse().unwrap();
    let screening = store.screen("new@example.org", "h", at, 0).await.unwrap();
    assert!(screening.known_author, "not looked up: the rules do not ask");
    assert_eq!(screening.rules, HoldRules::default());
    let rules = HoldRules { first_time_authors: true, ..HoldRules::default() };
    store.set_hold_rules(&rules, anne(1)).await.unwrap();
    let screening = store.screen("new@example.org", "h", at, 0).await.unwrap();
    assert_eq!((screening.known_author, screening.rules), (false, rules));
    comment(&store, "a", "New", "new@example.org", "held", 1, "pending").await;
    assert!(!store.screen("new@example.org", "h", at, 0).await.unwrap().known_author, "held only");
    comment(&store, "a", "New", "New@Example.ORG", "published", 2, "published").await;
    assert!(store.screen("new@example.org", "h", at, 0).await.unwrap().known_author, "in any case");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_pages_newest_first() {
    let store = store("mod_audit").await;
    for now in 1..=5 {
        store.set_hold_rules(&HoldRules::default(), anne(now)).await.unwrap();
    }
    let (first, more) = store.audit(None, 2).await.unwrap();
    assert!(more);
    assert_eq!(first.iter().map(|entry| entry.at).collect::<Vec<_>>(), [5, 4]);
    let (second, more) = store.audit(Some(first[1].id), 2).await.unwrap();
    assert!(more);
    assert_eq!(second.iter().map(|entry| entry.at).collect::<Vec<_>>(), [3, 2]);
    let (last, more) = store.audit(Some(second[1].id), 2).await.unwrap();
    assert!(!more);
    assert_eq!(last.iter().map(|entry| entry.at).collect::<Vec<_>>(), [1]);
    let (none, more) = store.audit(Some(last[0].id), 2).await.unwrap();
    assert!(none.is_empty() && !more);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_when_idle_or_old_and_with_a_new_password() {
    let store = store("mod_sessions").await;
    assert!(store.add_moderator("anne", "hash", 0).await.unwrap());
    assert!(!store.add_moderator("anne", "other", 0).await.unwrap(), "the name is taken");
    let credentials = store.credentials("anne").await.unwrap().unwrap();
    assert_eq!(credentials.password_hash, "hash");
    let id = credentials.id;
    store.open_session(id, "token", "csrf", anne(1_000)).await.unwrap();
    // Used every 11 hours, it lasts a week, not more.
    let mut now = 1_000;
    while now + 11 * 3600 < 1_000 + SESSION_MAX_SECONDS {
        now += 11 * 3600;
        let session = store.session("token", now).await.unwrap().unwrap();
        assert_eq!((session.moderator.as_str(), session.csrf.as_str()), ("anne", "csrf"), "at {now}");
    }
    assert!(store.session("token", 1_000 + SESSION_MAX_SECONDS).await.unwrap().is_none());
    store.close_session("token", anne(1_000 + SESSION_MAX_SECONDS)).await.unwrap();
    store.open_session(id, "idle", "csrf", anne(1_000)).await.unwrap();
    assert!(store.session("idle", 1_000 + SESSION_IDLE_SECONDS - 1).await.unwrap().is_some());
    // A use noted at most once a minute, and never back in time (another server's clock).
    let last_seen = |token: &'static str| {
        let store = store.clone();
        async move {
            let client = store.pool.get().await.unwrap();
            let row =
                client.query_one("SELECT last_seen FROM sessions WHERE token_hash = $1", &[&token]).await.unwrap();
            row.get::<_, i64>(0)
        }
    };
    assert_eq!(last_seen("idle").await, 1_000 + SESSION_IDLE_SECONDS - 1);
    store.session("idle", 1_000 + SESSION_IDLE_SECONDS + 30).await.unwrap().unwrap();
    assert_eq!(last_seen("idle").await, 1_000 + SESSION_IDLE_SECONDS - 1, "not within the minute");
    store.session("idle", 1_000 + SESSION_IDLE_SECONDS + 120).await.unwrap().unwrap();
    store.session("idle", 1_000 + SESSION_IDLE_SECONDS + 59).await.unwrap().unwrap();
    assert_eq!(last_seen("idle").await, 1_000 + SESSION_IDLE_SECONDS + 120);
    store.open_session(id, "idle2", "csrf", anne(5_000)).await.unwrap();
    assert!(store.session("idle2", 5_000 + SESSION_IDLE_SECONDS).await.unwrap().is_none(), "idle for 12 hours");
    assert_eq!(store.moderators(5_000).await.unwrap()[0].sessions, 2, "idle and idle2");
    assert_eq!(store.moderators(5_000 + SESSION_IDLE_SECONDS).await.unwrap()[0].sessions, 1, "idle, used later");
    store.open_session(id, "fresh", "csrf", anne(1_000)).await.unwrap();
    assert!(store.set_password("anne", "new hash").await.unwrap());
    assert_eq!(store.credentials("anne").await.unwrap().unwrap().password_hash, "new hash");
    assert!(store.session("fresh", 1_001).await.unwrap().is_none(), "a new password ends the sessions");
    assert!(!store.set_password("bruno", "hash").await.unwrap());
    assert!(store.remove_moderator("anne").await.unwrap());
    assert!(!store.remove_moderator("anne").await.unwrap());
    assert!(store.credentials("anne").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_are_listed_by_name_with_their_open_sessions_and_sign_out_is_logged() {
    let store = store("mod_moderators").await;
    for name in ["zoé", "bruno", "anne"] {
        assert!(store.add_moderator(name, "hash", 7).await.unwrap());
    }
    let anne_id = store.credentials("anne").await.unwrap().unwrap().id;
    store.open_session(anne_id, "one", "c1", anne(100)).await.unwrap();
    store.open_session(anne_id, "two", "c2", anne(100)).await.unwrap();
    store.close_session("two", anne(101)).await.unwrap();
    let rows = store.moderators(200).await.unwrap();
    let listed: Vec<_> = rows.iter().map(|row| (row.name.as_str(), row.created, row.sessions)).collect();
    assert_eq!(listed, [("anne", 7, 1), ("bruno", 7, 0), ("zoé", 7, 0)]);
    assert!(store.session("two", 101).await.unwrap().is_none());
    assert_eq!(store.session("one", 101).await.unwrap().unwrap().csrf, "c1");
    // Opening a session forgets those that ended.
    store.open_session(anne_id, "three", "c3", anne(100 + SESSION_MAX_SECONDS)).await.unwrap();
    let left: i64 =
        store.pool.get().await.unwrap().query_one("SELECT count(*) FROM sessions", &[]).await.unwrap().get(0);
    assert_eq!(left, 1);
    let entries = audit_log(&store).await;
    let logged: Vec<_> =
        entries.iter().map(|entry| (entry.at, entry.action.as_str(), entry.moderator.as_str())).collect();
    assert_eq!(
        logged,
        [
            (100, "sign_in", "anne"),
            (100, "sign_in", "anne"),
            (101, "sign_out", "anne"),
            (100 + SESSION_MAX_SECONDS, "sign_in", "anne")
        ]
    );
}

/// Two servers on one database adding the same names at the same moment: each name is added
/// once, and the other server is told it is taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_adding_one_name_at_once_add_it_once() {
    let url = Cluster::shared().database("mod_same_name").unwrap();
    let (one, two) = (PgStore::connect(&url).await.unwrap(), PgStore::connect(&url).await.unwrap());
    for round in 0..20 {
        let name = format!("moderator{round}");
        let (first, second) = tokio::join!(
            tokio::spawn({
                let (one, name) = (one.clone(), name.clone());
                async move { one.add_moderator(&name, "one", 0).await }
            }),
            tokio::spawn({
                let (two, name) = (two.clone(), name.clone());
                async move { two.add_moderator(&name, "two", 0).await }
            }),
        );
        let (first, second) = (first.unwrap().unwrap(), second.unwrap().unwrap());
        assert!(first != second, "{name}: {first} and {second}");
        let hash = one.credentials(&name).await.unwrap().unwrap().password_hash;
        assert_eq!(hash, if first { "one" } else { "two" });
    }
    assert_eq!(one.moderators(0).await.unwrap().len(), 20);
}

/// Moderators of two servers changing one comment's status at the same moment: each change
/// waits for the one before it, so that the audit log tells, entry after entry, the status
/// each replaced; a ban lifted twice at once is lifted, and logged, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_acting_at_once_each_log_what_they_replaced() {
    let url = Cluster::shared().database("mod_at_once").unwrap();
    let (one, two) = (PgStore::connect(&url).await.unwrap(), PgStore::connect(&url).await.unwrap());
    let changes: Vec<_> = (0..24)
        .map(|index| {
            let store = if index % 2 == 0 { one.clone() } else { two.clone() };
            let (status, action) =
                [("published", AuditAction::Approve), ("rejected", AuditAction::Reject), ("spam", AuditAction::Spam)]
                    [index % 3];
            tokio::spawn(async move { store.set_status(3, status, action, anne(index as i64)).await.unwrap().unwrap() })
        })
        .collect();
    for change in changes {
        let (before, after) = change.await.unwrap();
        assert_eq!(after.id, 3);
        assert!(STATUSES.contains(&before.as_str()));
    }
    let entries = audit_log(&one).await;
    assert_eq!(entries.len(), 24);
    let mut status = "published".to_owned();
    for entry in &entries {
        let (before, after) = entry.detail.split_once(" → ").unwrap();
        assert_eq!(before, status, "entry {}: {}", entry.id, entry.detail);
        status = after.to_owned();
    }
    assert_eq!(one.admin_comment(3).await.unwrap().unwrap().status, status);

    let ban = NewBan {
        target: BanTarget::Email { hash: "h".into(), label: "l".into() },
        until: None,
        reason: "",
        comment: None,
    };
    let ban = one.add_ban(&ban, anne(30)).await.unwrap();
    let (first, second) = tokio::join!(one.remove_ban(ban.id, anne(31)), two.remove_ban(ban.id, anne(31)));
    assert!(first.unwrap() != second.unwrap());
    let unbans = audit_log(&one).await.iter().filter(|entry| entry.action == "unban").count();
    assert_eq!(unbans, 1);
}
