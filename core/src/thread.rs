//! From a flat list of comments (each with its parent) to what a reader sees: threads
//! nested a few levels deep, deeper replies flattened with "in reply to", and comment text
//! split into lines and links.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};

use crate::comment::Comment;
use crate::url::SafeUrl;

/// Replies nest this many levels below a top-level comment; deeper ones are shown at this
/// level with the name of the author they answer, so that a long exchange stays readable
/// on a phone.
pub const MAX_DEPTH: usize = 3;

/// A comment placed in the thread: `C` is how the list holds its comments (`Comment`, or
/// `Rc<Comment>` for a view that keeps them without copying).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<'a, C = Comment> {
    pub comment: &'a C,
    /// 0 for a top-level comment, at most [`MAX_DEPTH`].
    pub depth: usize,
    /// The author answered, when the nesting no longer shows it.
    pub in_reply_to: Option<&'a str>,
    pub replies: Vec<Entry<'a, C>>,
}

/// Arranges comments into threads. Top-level comments keep the order given (the page's
/// order, oldest or newest first); replies come oldest first under their parent. A reply
/// whose parent is not in the list (not yet loaded, held for moderation, or left out by a
/// decoder that could not read it) is shown at the top level, so that nothing received is
/// hidden.
pub fn build<C: Borrow<Comment>>(comments: &[C]) -> Vec<Entry<'_, C>> {
    let known: HashSet<&str> = comments.iter().map(|c| c.borrow().id.as_str()).collect();
    let mut children: HashMap<&str, Vec<&C>> = HashMap::new();
    let mut roots = Vec::new();
    for held in comments {
        let comment = held.borrow();
        match comment.parent.as_deref().filter(|p| known.contains(p) && *p != comment.id) {
            Some(parent) => children.entry(parent).or_default().push(held),
            None => roots.push(held),
        }
    }
    for replies in children.values_mut() {
        // Stable: replies of the same second keep the backend's order (ids are opaque).
        replies.sort_by_key(|&c| Borrow::<Comment>::borrow(c).created.unix_seconds());
    }
    let mut visited = HashSet::new();
    let mut threads: Vec<Entry<C>> = roots.into_iter().map(|root| place(root, &children, &mut visited)).collect();
    // Comments in a cycle of parents (bad data) have no root: show them at the top level.
    for held in comments {
        if !visited.contains(held.borrow().id.as_str()) {
            threads.push(place(held, &children, &mut visited));
        }
    }
    threads
}

/// Places `root` and everything below it. An explicit stack rather than recursion: a
/// malicious chain of 10 000 replies must neither overflow the stack nor nest 10 000 levels
/// of HTML.
fn place<'a, C: Borrow<Comment>>(root: &'a C, children: &HashMap<&str, Vec<&'a C>>, visited: &mut HashSet<&'a str>) -> Entry<'a, C> {
    let mut top = Entry { comment: root, depth: 0, in_reply_to: None, replies: Vec::new() };
    // (path of indexes from `top` to the entry receiving replies, comment whose replies to
    // place, that comment's depth)
    let mut pending: Vec<(Vec<usize>, &'a Comment, usize)> = vec![(Vec::new(), root.borrow(), 0)];
    visited.insert(root.borrow().id.as_str());
    while let Some((path, parent, depth)) = pending.pop() {
        let Some(replies) = children.get(parent.id.as_str()) else { continue };
        for &reply in replies {
            if !visited.insert(reply.borrow().id.as_str()) {
                continue; // shown already: each comment appears once
            }
            let nested = depth < MAX_DEPTH;
            let reply_depth = if nested { depth + 1 } else { MAX_DEPTH };
            // Past the deepest level, replies join their parent's list at that level.
            let target_path = if nested { path.clone() } else { path[..path.len() - 1].to_vec() };
            let target = entry_at(&mut top, &target_path);
            target.replies.push(Entry {
                comment: reply,
                depth: reply_depth,
                in_reply_to: (!nested).then_some(parent.author.as_str()),
                replies: Vec::new(),
            });
            let mut reply_path = target_path;
            reply_path.push(target.replies.len() - 1);
            pending.push((reply_path, reply.borrow(), reply_depth));
        }
    }
    top
}

fn entry_at<'e, 'a, C>(top: &'e mut Entry<'a, C>, path: &[usize]) -> &'e mut Entry<'a, C> {
    path.iter().fold(top, |entry, &index| &mut entry.replies[index])
}

/// A piece of a comment's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Link(SafeUrl),
    LineBreak,
}

/// Splits plain text into text, line breaks and http(s) links. Punctuation that ends a
/// sentence is left out of a link (`voir https://a.example/x.` links `…/x`).
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push(Segment::LineBreak);
        }
        let mut rest = line.trim_end_matches('\r');
        while let Some(start) = find_link_start(rest) {
            let (before, from_link) = rest.split_at(start);
            let end = from_link.find(char::is_whitespace).unwrap_or(from_link.len());
            let candidate = from_link[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '»', '"', '\'']);
            let (link, after) = from_link.split_at(candidate.len());
            push_text(&mut out, before);
            match SafeUrl::parse(link).filter(|_| link.len() > "https://".len()) {
                Some(url) => out.push(Segment::Link(url)),
                None => push_text(&mut out, link),
            }
            rest = after;
        }
        push_text(&mut out, rest);
    }
    out
}

fn find_link_start(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    [lower.find("https://"), lower.find("http://")].into_iter().flatten().min()
}

fn push_text(out: &mut Vec<Segment>, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(Segment::Text(previous)) => previous.push_str(text),
        _ => out.push(Segment::Text(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comment::CommentStatus;
    use crate::datetime::DateTime;

    fn comment(id: &str, parent: Option<&str>, minute: u32) -> Comment {
        Comment {
            id: id.into(),
            parent: parent.map(Into::into),
            author: format!("author {id}"),
            website: None,
            body: String::new(),
            created: DateTime::parse_rfc3339(&format!("2024-10-11T15:{minute:02}:00Z")).unwrap(),
            edited: None,
            status: CommentStatus::Published,
        }
    }

    /// "id(depth)[in reply to]" for each entry, depth first.
    fn outline(entries: &[Entry]) -> Vec<String> {
        let mut out = Vec::new();
        fn walk(entries: &[Entry], out: &mut Vec<String>) {
            for e in entries {
                let to = e.in_reply_to.map(|a| format!("→{a}")).unwrap_or_default();
                out.push(format!("{}({}){to}", e.comment.id, e.depth));
                walk(&e.replies, out);
            }
        }
        walk(entries, &mut out);
        out
    }

    #[test]
    fn nests_replies_under_parents_oldest_first_keeping_root_order() {
        let comments = [
            comment("b", None, 5),
            comment("a", None, 1),
            comment("a2", Some("a"), 9),
            comment("a1", Some("a"), 2),
            comment("a1x", Some("a1"), 3),
        ];
        assert_eq!(outline(&build(&comments)), ["b(0)", "a(0)", "a1(1)", "a1x(2)", "a2(1)"]);
    }

    #[test]
    fn replies_of_the_same_moment_keep_the_backend_s_order() {
        let comments = [comment("1", None, 0), comment("9", Some("1"), 5), comment("10", Some("1"), 5)];
        assert_eq!(outline(&build(&comments)), ["1(0)", "9(1)", "10(1)"]);
    }

    #[test]
    fn flattens_below_the_deepest_level_naming_who_is_answered() {
        let comments: Vec<Comment> = (0..6)
            .map(|i| comment(&format!("c{i}"), (i > 0).then(|| format!("c{}", i - 1)).as_deref(), i))
            .collect();
        assert_eq!(
            outline(&build(&comments)),
            ["c0(0)", "c1(1)", "c2(2)", "c3(3)", "c4(3)→author c3", "c5(3)→author c4"]
        );
    }

    #[test]
    fn orphans_and_cycles_are_shown_once() {
        let comments = [comment("x", Some("gone"), 1), comment("p", Some("q"), 2), comment("q", Some("p"), 3), comment("s", Some("s"), 4)];
        assert_eq!(outline(&build(&comments)), ["x(0)", "s(0)", "p(0)", "q(1)"]);
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let comments: Vec<Comment> = (0..10_000)
            .map(|i| comment(&format!("c{i}"), (i > 0).then(|| format!("c{}", i - 1)).as_deref(), 0))
            .collect();
        let tree = build(&comments);
        assert_eq!(outline(&tree).len(), 10_000);
    }

    #[test]
    fn text_is_split_into_lines_and_links() {
        let link = |u: &str| Segment::Link(SafeUrl::parse(u).unwrap());
        let text = |t: &str| Segment::Text(t.into());
        assert_eq!(
            segments("Voir https://a.example/x?y=1.\r\nEt HTTP://b.example, ou javascript:alert(1)"),
            [
                text("Voir "),
                link("https://a.example/x?y=1"),
                text("."),
                Segment::LineBreak,
                text("Et "),
                link("HTTP://b.example"),
                text(", ou javascript:alert(1)"),
            ]
        );
        assert_eq!(segments("https:// seul"), [text("https:// seul")]);
        assert_eq!(segments("a\n\nb"), [text("a"), Segment::LineBreak, Segment::LineBreak, text("b")]);
        assert_eq!(segments("(« https://a.example »)"), [text("(« "), link("https://a.example"), text(" »)")]);
    }
}
