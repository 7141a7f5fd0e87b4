//! Which new comments wait for a moderator (`pending`) rather than show at once: the rules
//! moderators set (`GET`/`PUT /api/admin/settings`), which the post handler asks.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Words a rule may list, and characters a word may have: a list the post handler reads at
/// every post, so bounded.
pub const MAX_WORDS: usize = 500;
pub const MAX_WORD_CHARS: usize = 100;

/// Whether new comments are held: none, all, or those the rules catch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hold {
    None,
    All,
    Rules,
}

/// The held-comment rules, as the admin API reads and writes them (`Settings`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldRules {
    pub hold: Hold,
    /// Held with more links than this; `None`: any number.
    pub max_links: Option<u32>,
    /// Held when the author's e-mail has no published comment yet.
    pub first_time_authors: bool,
    /// Held when the name or the text holds one of them, as a whole word, in any case.
    pub words: Vec<String>,
}

/// What the server did before the rules could be set: more than two links are held.
impl Default for HoldRules {
    fn default() -> HoldRules {
        HoldRules { hold: Hold::Rules, max_links: Some(2), first_time_authors: false, words: Vec::new() }
    }
}

/// A new comment, as the rules see it.
pub struct Candidate<'a> {
    pub name: &'a str,
    pub body: &'a str,
    /// Whether its author's e-mail has a published comment already.
    pub known_author: bool,
}

impl HoldRules {
    /// The rules as a moderator sent them, each word trimmed; an empty or overlong word, or
    /// too many, refused with the field named.
    pub fn checked(mut self) -> Result<HoldRules, ApiError> {
        let refused = |message: String| ApiError::InvalidField { field: "words", message };
        if self.words.len() > MAX_WORDS {
            return Err(refused(format!("holds more than {MAX_WORDS} words")));
        }
        for word in &mut self.words {
            *word = word.trim().to_owned();
            if word.is_empty() {
                return Err(refused("holds an empty word".into()));
            }
            if word.chars().count() > MAX_WORD_CHARS {
                return Err(refused(format!("holds a word longer than {MAX_WORD_CHARS} characters")));
            }
        }
        Ok(self)
    }

    /// Whether `comment` waits for a moderator.
    pub fn holds(&self, comment: &Candidate) -> bool {
        match self.hold {
            Hold::None => false,
            Hold::All => true,
            Hold::Rules => {
                self.max_links.is_some_and(|max| link_count(comment.body) > max as usize)
                    || (self.first_time_authors && !comment.known_author)
                    || self.words.iter().any(|word| holds_word(comment.name, word) || holds_word(comment.body, word))
            }
        }
    }
}

/// Links a spammer would post: `http://` and `https://` in any case.
pub fn link_count(text: &str) -> usize {
    let text = text.to_ascii_lowercase();
    text.matches("http://").count() + text.matches("https://").count()
}

/// Whether `text` holds `word` (which may be several words) in any case, not inside a
/// longer word: no letter or digit just before or after it.
fn holds_word(text: &str, word: &str) -> bool {
    let (text, word) = (text.to_lowercase(), word.to_lowercase());
    if word.is_empty() {
        return false;
    }
    text.match_indices(&word).any(|(start, found)| {
        let before = text[..start].chars().next_back();
        let after = text[start + found.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment<'a>(name: &'a str, body: &'a str, known_author: bool) -> Candidate<'a> {
        Candidate { name, body, known_author }
    }

    #[test]
    fn links_are_counted_in_any_case() {
        assert_eq!(link_count("voir HTTPS://a.example, http://b.example et https://c.example/http://"), 4);
        assert_eq!(link_count("https:/ pas un lien, httpx://"), 0);
    }

    #[test]
    fn the_default_holds_more_than_two_links_as_before() {
        let rules = HoldRules::default();
        assert!(!rules.holds(&comment("Anne", "https://a.example https://b.example", false)));
        assert!(rules.holds(&comment("Anne", "https://a.example https://b.example http://c.example", true)));
        let any_number = HoldRules { max_links: None, ..HoldRules::default() };
        assert!(!any_number.holds(&comment("Anne", &"https://a.example ".repeat(50), false)));
    }

    #[test]
    fn none_and_all_ignore_the_rules() {
        let strict = HoldRules { max_links: Some(0), first_time_authors: true, words: vec!["x".into()], ..HoldRules::default() };
        let spam = comment("x", "x https://a.example", false);
        assert!(!HoldRules { hold: Hold::None, ..strict.clone() }.holds(&spam));
        assert!(HoldRules { hold: Hold::All, ..strict }.holds(&comment("Anne", "Bonjour.", true)));
    }

    #[test]
    fn first_time_authors_wait_when_asked() {
        let rules = HoldRules { first_time_authors: true, ..HoldRules::default() };
        assert!(rules.holds(&comment("Anne", "Bonjour.", false)));
        assert!(!rules.holds(&comment("Anne", "Bonjour.", true)));
        assert!(!HoldRules::default().holds(&comment("Anne", "Bonjour.", false)));
    }

    #[test]
    fn words_are_whole_words_in_any_case_in_the_name_or_the_text() {
        let rules = HoldRules { words: vec!["casino".into(), "prêt rapide".into(), "ÉTÉ".into()], ..HoldRules::default() };
        for held in ["Le CASINO ouvre.", "casino", "(casino)", "un Prêt Rapide ?", "l'été", "casino-royal"] {
            assert!(rules.holds(&comment("Anne", held, true)), "{held}");
        }
        assert!(rules.holds(&comment("Casino Max", "Bonjour.", true)), "the name too");
        for kept in ["casinos", "lecasino", "prêt rapidement", "étés", "casino2"] {
            assert!(!rules.holds(&comment("Anne", kept, true)), "{kept}");
        }
    }

    #[test]
    fn words_are_trimmed_and_bounded() {
        let rules = HoldRules { words: vec![" casino ".into()], ..HoldRules::default() }.checked().unwrap();
        assert_eq!(rules.words, ["casino"]);
        for words in [vec!["  ".to_owned()], vec!["x".repeat(MAX_WORD_CHARS + 1)], vec!["x".to_owned(); MAX_WORDS + 1]] {
            let error = HoldRules { words, ..HoldRules::default() }.checked().unwrap_err();
            assert!(matches!(error, ApiError::InvalidField { field: "words", .. }));
        }
    }

    #[test]
    fn settings_read_as_the_contract_writes_them() {
        let rules: HoldRules =
            serde_json::from_str(r#"{"hold": "rules", "max_links": null, "first_time_authors": true, "words": ["a"]}"#).unwrap();
        assert_eq!(rules, HoldRules { max_links: None, first_time_authors: true, words: vec!["a".into()], ..HoldRules::default() });
        assert!(serde_json::from_str::<HoldRules>(r#"{"hold": "some", "max_links": 2, "first_time_authors": false, "words": []}"#).is_err());
        let stored = r#"{"hold":"rules","max_links":2,"first_time_authors":false,"words":[]}"#;
        assert_eq!(serde_json::from_str::<HoldRules>(stored).unwrap(), HoldRules::default(), "the migration's row");
    }
}
