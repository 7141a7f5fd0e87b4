//! The reducer's main transitions, natively.

use article_widget_core::datetime::DateTime;
use article_widget_core::moderation::{Counts, StatusFilter};

use super::*;

fn comment(id: &str, status: Status) -> AdminComment {
    AdminComment {
        id: id.into(),
        article: "nouvel-ordre-mondial".into(),
        parent: None,
        author: format!("Auteur {id}"),
        email: "a@example.fr".into(),
        website: None,
        body: "Texte".into(),
        created: DateTime::parse_rfc3339("2026-12-07T14:00:00Z").unwrap(),
        edited: None,
        status,
        client_prefix: None,
        replies: 0,
        links: 3,
    }
}

fn session() -> Session {
    Session { name: "alice".into(), csrf: "t0k".into() }
}

fn refused(status: u16, code: &str) -> Failure {
    Failure::Refused { status, code: code.into(), message: String::new(), retry_after: None }
}

/// Signed in, with the queue of `filter` holding `comments` and `counts`.
fn queue(filter: StatusFilter, comments: Vec<AdminComment>, counts: Counts) -> State {
    let state = State::new(Locale::Fr).reduce(Action::SessionChecked(Ok(Some(session()))));
    let state = state.reduce(Action::Search(CommentQuery { status: filter, ..CommentQuery::default() }));
    let attempt = state.queue.attempt;
    state.reduce(Action::QueueLoaded { attempt, more: false, result: Ok(CommentList { counts, comments, next: Some("c".into()) }) })
}

fn list(state: &State) -> &CommentList {
    match &state.queue.list {
        Remote::Ready(list) => list,
        other => panic!("no list: {other:?}"),
    }
}

#[test]
fn signing_in_goes_from_the_check_to_the_queue_and_says_why_it_fails() {
    let state = State::new(Locale::Fr).reduce(Action::SessionChecked(Ok(None)));
    assert_eq!(state.session, SessionState::SignedOut { sending: false, error: None });
    let state = state.reduce(Action::SignInSent);
    assert_eq!(state.session, SessionState::SignedOut { sending: true, error: None });
    let state = state.reduce(Action::SignedIn(Err(refused(401, "bad_credentials"))));
    assert_eq!(state.session, SessionState::SignedOut { sending: false, error: Some(refused(401, "bad_credentials")) });
    assert_eq!(state.focus.id, ids::SIGN_IN_ERROR);
    let serial = state.focus.serial;
    let state = state.reduce(Action::SignInSent).reduce(Action::SignedIn(Ok(session())));
    assert_eq!((state.session.clone(), state.csrf()), (SessionState::SignedIn(session()), Some("t0k")));
    assert_eq!((state.focus.id.as_str(), state.focus.serial), (ids::HEADING, serial + 1));
    assert_eq!(state.queue.list, Remote::Loading);
}

#[test]
fn an_answer_to_an_older_search_is_dropped() {
    let state = queue(StatusFilter::default(), vec![comment("1", Status::Pending)], Counts::new(1, 0, 0, 0, 0));
    let old = state.queue.attempt;
    let state = state.reduce(Action::Search(CommentQuery { text: "x".into(), ..CommentQuery::default() }));
    let stale = CommentList { counts: Counts::default(), comments: vec![comment("9", Status::Pending)], next: None };
    let state = state.reduce(Action::QueueLoaded { attempt: old, more: false, result: Ok(stale) });
    assert_eq!(state.queue.list, Remote::Loading);
}

#[test]
fn more_appends_the_next_page_once_and_takes_its_counts() {
    let state = queue(StatusFilter::default(), vec![comment("2", Status::Pending)], Counts::new(1, 0, 0, 0, 0)).reduce(Action::MoreSent);
    assert!(state.queue.more_loading);
    let page = CommentList { counts: Counts::new(3, 0, 0, 0, 0), comments: vec![comment("2", Status::Pending), comment("1", Status::Pending)], next: None };
    let attempt = state.queue.attempt;
    let state = state.reduce(Action::QueueLoaded { attempt, more: true, result: Ok(page) });
    let ids: Vec<&str> = list(&state).comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!((ids, list(&state).counts, list(&state).next.clone(), state.queue.more_loading), (vec!["2", "1"], Counts::new(3, 0, 0, 0, 0), None, false));
}

#[test]
fn an_approved_comment_leaves_the_held_list_and_the_counts_follow() {
    let held = queue(StatusFilter::default(), vec![comment("1", Status::Pending), comment("2", Status::Pending)], Counts::new(2, 5, 0, 0, 0));
    let state = held.reduce(Action::Sent);
    assert!(state.busy);
    let state = state.reduce(Action::Changed { done: Done::Approved, comment: comment("1", Status::Published) });
    assert_eq!(list(&state).counts, Counts::new(1, 6, 0, 0, 0));
    assert_eq!(list(&state).comments, vec![comment("2", Status::Pending)]);
    assert_eq!(state.notice, Some(Notice { text: "Commentaire de Auteur 1 approuvé.".into(), failed: false }));
    assert_eq!((state.busy, state.focus.id.as_str()), (false, ids::NOTICE));
}

#[test]
fn in_the_list_of_all_a_changed_comment_stays_with_its_new_status() {
    let all = queue(StatusFilter::All, vec![comment("1", Status::Pending)], Counts::new(1, 0, 0, 0, 0));
    let state = all.reduce(Action::Changed { done: Done::Spammed, comment: comment("1", Status::Spam) });
    assert_eq!((list(&state).comments[0].status, list(&state).counts), (Status::Spam, Counts::new(0, 0, 0, 1, 0)));
    let state = state.reduce(Action::Open(Open::Delete("1".into())));
    assert_eq!((state.open.clone(), state.focus.id.as_str()), (Some(Open::Delete("1".into())), ids::OPEN_FORM));
    let state = state.reduce(Action::Deleted { id: "1".into() });
    let deleted = &list(&state).comments[0];
    assert_eq!((deleted.status, deleted.body.as_str(), list(&state).counts), (Status::Deleted, "", Counts::new(0, 0, 0, 0, 1)));
    assert_eq!(state.open, None);
}

#[test]
fn closing_a_form_gives_focus_back_to_its_comment() {
    let state = queue(StatusFilter::default(), vec![comment("1", Status::Pending)], Counts::new(1, 0, 0, 0, 0));
    let state = state.reduce(Action::Open(Open::Edit("1".into()))).reduce(Action::Close);
    assert_eq!((state.open.clone(), state.focus.id), (None, ids::comment("1")));
}

#[test]
fn a_failed_action_is_said_and_keeps_the_list() {
    let state = queue(StatusFilter::default(), vec![comment("1", Status::Pending)], Counts::new(1, 0, 0, 0, 0));
    let state = state.reduce(Action::Sent).reduce(Action::Failed(refused(404, "not_found")));
    assert_eq!(state.notice, Some(Notice { text: "Introuvable : il a peut-être été supprimé entre-temps.".into(), failed: true }));
    assert_eq!((state.busy, list(&state).comments.len()), (false, 1));
}

#[test]
fn a_session_that_ended_signs_out_and_forgets_everything() {
    let state = queue(StatusFilter::default(), vec![comment("1", Status::Pending)], Counts::new(1, 0, 0, 0, 0));
    let state = state.reduce(Action::Sent).reduce(Action::Failed(refused(401, "signed_out")));
    assert_eq!(state.session, SessionState::SignedOut { sending: false, error: Some(refused(401, "signed_out")) });
    assert_eq!((state.queue.list.clone(), state.busy, state.focus.id.as_str()), (Remote::Loading, false, ids::SIGN_IN_ERROR));
    let bans = queue(StatusFilter::default(), vec![], Counts::default()).reduce(Action::Show(Page::Bans));
    let state = bans.reduce(Action::BansLoaded(Err(refused(401, "signed_out"))));
    assert!(matches!(state.session, SessionState::SignedOut { error: Some(_), .. }));
    let state = queue(StatusFilter::default(), vec![], Counts::default()).reduce(Action::SignedOut(Ok(())));
    assert_eq!((state.session, state.focus.id.as_str()), (SessionState::SignedOut { sending: false, error: None }, ids::HEADING));
}

#[test]
fn bans_added_and_lifted_show_in_the_list_and_the_notice() {
    let ban = |id: &str, label: &str| Ban {
        id: id.into(),
        kind: article_widget_core::moderation::BanKind::Email,
        label: label.into(),
        until: None,
        reason: String::new(),
        created: DateTime::parse_rfc3339("2026-12-07T14:00:00Z").unwrap(),
        by: "alice".into(),
    };
    let state = queue(StatusFilter::default(), vec![], Counts::default()).reduce(Action::Show(Page::Bans));
    assert_eq!((state.page, state.bans.clone()), (Page::Bans, Remote::Loading));
    let state = state.reduce(Action::BansLoaded(Ok(vec![ban("1", "c…@a.fr")])));
    let state = state.reduce(Action::Banned(ban("2", "2001:db8::/48")));
    assert_eq!(state.bans, Remote::Ready(vec![ban("2", "2001:db8::/48"), ban("1", "c…@a.fr")]));
    let state = state.reduce(Action::Unbanned { id: "1".into() });
    assert_eq!(state.bans, Remote::Ready(vec![ban("2", "2001:db8::/48")]));
    assert_eq!(state.notice.unwrap().text, "c…@a.fr n’est plus banni.");
}
