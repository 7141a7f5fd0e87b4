//! The math captcha of French news sites: `16 − huit =`, one operand in words.
//!
//! A [`Puzzle`] is a pure function of a 64-bit seed, so that a server which signs the seed
//! and a browser which shows the question derive the same puzzle. Numbers stay within 0–99,
//! the range of the word tables below; results are never negative.

use crate::locale::Locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Add,
    Subtract,
    Multiply,
}

impl Operation {
    /// The sign as typeset: U+2212 for minus and U+00D7 for times, not ASCII look-alikes.
    pub fn sign(self) -> char {
        match self {
            Operation::Add => '+',
            Operation::Subtract => '\u{2212}',
            Operation::Multiply => '\u{d7}',
        }
    }

    fn apply(self, left: u8, right: u8) -> u8 {
        match self {
            Operation::Add => left + right,
            Operation::Subtract => left - right,
            Operation::Multiply => left * right,
        }
    }
}

/// A term of `left op right = result`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Left,
    Right,
    Result,
}

/// A puzzle's seed, with the server's signature when a server issued it. Without one, the
/// widget made the seed itself and only the browser checks the answer. A server may also ask
/// for proof of work (`pow`), which the widget solves and sends with the answer, and say that
/// it can tell authors of replies by e-mail (`notify`), which the form then offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    pub seed: u64,
    pub signed: Option<Signature>,
    pub pow: Option<crate::pow::Challenge>,
    /// The server tells a comment's author of its replies by e-mail, when asked (`notify`).
    pub notify: bool,
}

/// What a server signs; sent back unchanged with the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// RFC 3339, as the server wrote it.
    pub expires: String,
    pub signature: String,
}

impl Challenge {
    pub fn local(seed: u64) -> Challenge {
        Challenge { seed, signed: None, pow: None, notify: false }
    }

    pub fn puzzle(&self) -> Puzzle {
        Puzzle::from_seed(self.seed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Puzzle {
    pub left: u8,
    pub operation: Operation,
    pub right: u8,
    /// The term the reader supplies: the result, or now and then the right operand.
    pub blank: Term,
    /// The shown term written in words.
    pub in_words: Term,
}

impl Puzzle {
    pub fn from_seed(seed: u64) -> Puzzle {
        let mut random = SplitMix64(seed);
        let operation = [Operation::Add, Operation::Subtract, Operation::Multiply][random.below(3) as usize];
        let (left, right) = match operation {
            Operation::Add => (random.between(1, 20), random.between(1, 20)),
            Operation::Subtract => {
                let left = random.between(5, 20);
                (left, random.between(1, left))
            }
            Operation::Multiply => (random.between(2, 9), random.between(2, 9)),
        };
        // One puzzle in five asks for the right operand, to defeat "evaluate the left side".
        let blank = if random.below(5) == 0 { Term::Right } else { Term::Result };
        let shown = match blank {
            Term::Right => [Term::Left, Term::Result],
            _ => [Term::Left, Term::Right],
        };
        let in_words = shown[random.below(2) as usize];
        Puzzle { left, operation, right, blank, in_words }
    }

    pub fn result(&self) -> u8 {
        self.operation.apply(self.left, self.right)
    }

    pub fn answer(&self) -> u8 {
        self.value(self.blank)
    }

    fn value(&self, term: Term) -> u8 {
        match term {
            Term::Left => self.left,
            Term::Right => self.right,
            Term::Result => self.result(),
        }
    }

    /// The question as the reader sees it: `16 − huit =` (the answer follows the sign), or
    /// `16 − ? = huit` when the right operand is asked for.
    pub fn question(&self, locale: Locale) -> String {
        let term = |term: Term| match term {
            t if t == self.blank => "?".to_owned(),
            t if t == self.in_words => number_in_words(self.value(t), locale).to_owned(),
            t => self.value(t).to_string(),
        };
        let sign = self.operation.sign();
        match self.blank {
            Term::Result => format!("{} {sign} {} =", term(Term::Left), term(Term::Right)),
            _ => format!("{} {sign} {} = {}", term(Term::Left), term(Term::Right), term(Term::Result)),
        }
    }

    /// Whether `input` is the answer, in digits or in words of any supported language;
    /// case, accents, spaces and hyphens are forgiven (`8`, `huit`, `Huit`, `vingt et un`).
    pub fn accepts(&self, input: &str) -> bool {
        let input = input.trim();
        if !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit()) {
            return input.trim_start_matches('0').parse::<u32>().unwrap_or(0) == u32::from(self.answer());
        }
        let input = fold(input);
        [Locale::Fr, Locale::En].iter().any(|&locale| fold(number_in_words(self.answer(), locale)) == input)
    }
}

/// A number from 0 to 99 in words. French follows the 1990 spelling (hyphens throughout:
/// `vingt-et-un`, `soixante-et-onze`, `quatre-vingts`).
pub fn number_in_words(number: u8, locale: Locale) -> &'static str {
    let table = match locale {
        Locale::Fr => &FRENCH,
        Locale::En => &ENGLISH,
    };
    table[usize::from(number)]
}

/// Lowercase, without accents, words separated by single hyphens.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    // Only ASCII and the accented letters of French number words can match an answer, so
    // the full Unicode case tables (14 KB of wasm) are not needed to fold them.
    for c in text.chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            c if c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '_') => '-',
            c => c.to_ascii_lowercase(),
        };
        if c != '-' || !(folded.is_empty() || folded.ends_with('-')) {
            folded.push(c);
        }
    }
    folded.trim_end_matches('-').to_owned()
}

/// A small, well-mixed generator (Steele, Lea and Flood's SplitMix64): the same seed gives
/// the same puzzle on every platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn between(&mut self, low: u8, high: u8) -> u8 {
        low + self.below(u64::from(high - low) + 1) as u8
    }
}

const FRENCH: [&str; 100] = [
    "zéro", "un", "deux", "trois", "quatre",  // 0–4
    "cinq", "six", "sept", "huit", "neuf",  // 5–9
    "dix", "onze", "douze", "treize", "quatorze",  // 10–14
    "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",  // 15–19
    "vingt", "vingt-et-un", "vingt-deux", "vingt-trois", "vingt-quatre",  // 20–24
    "vingt-cinq", "vingt-six", "vingt-sept", "vingt-huit", "vingt-neuf",  // 25–29
    "trente", "trente-et-un", "trente-deux", "trente-trois", "trente-quatre",  // 30–34
    "trente-cinq", "trente-six", "trente-sept", "trente-huit", "trente-neuf",  // 35–39
    "quarante", "quarante-et-un", "quarante-deux", "quarante-trois", "quarante-quatre",  // 40–44
    "quarante-cinq", "quarante-six", "quarante-sept", "quarante-huit", "quarante-neuf",  // 45–49
    "cinquante", "cinquante-et-un", "cinquante-deux", "cinquante-trois", "cinquante-quatre",  // 50–54
    "cinquante-cinq", "cinquante-six", "cinquante-sept", "cinquante-huit", "cinquante-neuf",  // 55–59
    "soixante", "soixante-et-un", "soixante-deux", "soixante-trois", "soixante-quatre",  // 60–64
    "soixante-cinq", "soixante-six", "soixante-sept", "soixante-huit", "soixante-neuf",  // 65–69
    "soixante-dix", "soixante-et-onze", "soixante-douze", "soixante-treize", "soixante-quatorze",  // 70–74
    "soixante-quinze", "soixante-seize", "soixante-dix-sept", "soixante-dix-huit", "soixante-dix-neuf",  // 75–79
    "quatre-vingts", "quatre-vingt-un", "quatre-vingt-deux", "quatre-vingt-trois", "quatre-vingt-quatre",  // 80–84
    "quatre-vingt-cinq", "quatre-vingt-six", "quatre-vingt-sept", "quatre-vingt-huit", "quatre-vingt-neuf",  // 85–89
    "quatre-vingt-dix", "quatre-vingt-onze", "quatre-vingt-douze", "quatre-vingt-treize", "quatre-vingt-quatorze",  // 90–94
    "quatre-vingt-quinze", "quatre-vingt-seize", "quatre-vingt-dix-sept", "quatre-vingt-dix-huit", "quatre-vingt-dix-neuf",  // 95–99
];

const ENGLISH: [&str; 100] = [
    "zero", "one", "two", "three", "four",  // 0–4
    "five", "six", "seven", "eight", "nine",  // 5–9
    "ten", "eleven", "twelve", "thirteen", "fourteen",  // 10–14
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",  // 15–19
    "twenty", "twenty-one", "twenty-two", "twenty-three", "twenty-four",  // 20–24
    "twenty-five", "twenty-six", "twenty-seven", "twenty-eight", "twenty-nine",  // 25–29
    "thirty", "thirty-one", "thirty-two", "thirty-three", "thirty-four",  // 30–34
    "thirty-five", "thirty-six", "thirty-seven", "thirty-eight", "thirty-nine",  // 35–39
    "forty", "forty-one", "forty-two", "forty-three", "forty-four",  // 40–44
    "forty-five", "forty-six", "forty-seven", "forty-eight", "forty-nine",  // 45–49
    "fifty", "fifty-one", "fifty-two", "fifty-three", "fifty-four",  // 50–54
    "fifty-five", "fifty-six", "fifty-seven", "fifty-eight", "fifty-nine",  // 55–59
    "sixty", "sixty-one", "sixty-two", "sixty-three", "sixty-four",  // 60–64
    "sixty-five", "sixty-six", "sixty-seven", "sixty-eight", "sixty-nine",  // 65–69
    "seventy", "seventy-one", "seventy-two", "seventy-three", "seventy-four",  // 70–74
    "seventy-five", "seventy-six", "seventy-seven", "seventy-eight", "seventy-nine",  // 75–79
    "eighty", "eighty-one", "eighty-two", "eighty-three", "eighty-four",  // 80–84
    "eighty-five", "eighty-six", "eighty-seven", "eighty-eight", "eighty-nine",  // 85–89
    "ninety", "ninety-one", "ninety-two", "ninety-three", "ninety-four",  // 90–94
    "ninety-five", "ninety-six", "ninety-seven", "ninety-eight", "ninety-nine",  // 95–99
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_words_follow_the_1990_spelling() {
        let cases = [
            (0, "zéro"), (1, "un"), (16, "seize"), (17, "dix-sept"), (20, "vingt"), (21, "vingt-et-un"),
            (22, "vingt-deux"), (31, "trente-et-un"), (61, "soixante-et-un"), (70, "soixante-dix"),
            (71, "soixante-et-onze"), (72, "soixante-douze"), (79, "soixante-dix-neuf"), (80, "quatre-vingts"),
            (81, "quatre-vingt-un"), (90, "quatre-vingt-dix"), (91, "quatre-vingt-onze"), (99, "quatre-vingt-dix-neuf"),
        ];
        for (number, words) in cases {
            assert_eq!(number_in_words(number, Locale::Fr), words);
        }
    }

    /// Every entry against the spelling written out here, word by word, from the rules of the
    /// 1990 reform (hyphens everywhere, "et" only in 21 31 41 51 61 71, "quatre-vingts" alone
    /// taking the s) and of English (hyphenated compounds from 21 to 99).
    #[test]
    fn both_tables_are_right_from_zero_to_ninety_nine() {
        const FRENCH_WRITTEN: &str = "zéro un deux trois quatre cinq six sept huit neuf \
            dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf \
            vingt vingt-et-un vingt-deux vingt-trois vingt-quatre vingt-cinq vingt-six vingt-sept vingt-huit vingt-neuf \
            trente trente-et-un trente-deux trente-trois trente-quatre trente-cinq trente-six trente-sept trente-huit trente-neuf \
            quarante quarante-et-un quarante-deux quarante-trois quarante-quatre quarante-cinq quarante-six quarante-sept quarante-huit quarante-neuf \
            cinquante cinquante-et-un cinquante-deux cinquante-trois cinquante-quatre cinquante-cinq cinquante-six cinquante-sept cinquante-huit cinquante-neuf \
            soixante soixante-et-un soixante-deux soixante-trois soixante-quatre soixante-cinq soixante-six soixante-sept soixante-huit soixante-neuf \
            soixante-dix soixante-et-onze soixante-douze soixante-treize soixante-quatorze soixante-quinze soixante-seize soixante-dix-sept soixante-dix-huit soixante-dix-neuf \
            quatre-vingts quatre-vingt-un quatre-vingt-deux quatre-vingt-trois quatre-vingt-quatre quatre-vingt-cinq quatre-vingt-six quatre-vingt-sept quatre-vingt-huit quatre-vingt-neuf \
            quatre-vingt-dix quatre-vingt-onze quatre-vingt-douze quatre-vingt-treize quatre-vingt-quatorze quatre-vingt-quinze quatre-vingt-seize quatre-vingt-dix-sept quatre-vingt-dix-huit quatre-vingt-dix-neuf";
        const ENGLISH_WRITTEN: &str = "zero one two three four five six seven eight nine \
            ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen \
            twenty twenty-one twenty-two twenty-three twenty-four twenty-five twenty-six twenty-seven twenty-eight twenty-nine \
            thirty thirty-one thirty-two thirty-three thirty-four thirty-five thirty-six thirty-seven thirty-eight thirty-nine \
            forty forty-one forty-two forty-three forty-four forty-five forty-six forty-seven forty-eight forty-nine \
            fifty fifty-one fifty-two fifty-three fifty-four fifty-five fifty-six fifty-seven fifty-eight fifty-nine \
            sixty sixty-one sixty-two sixty-three sixty-four sixty-five sixty-six sixty-seven sixty-eight sixty-nine \
            seventy seventy-one seventy-two seventy-three seventy-four seventy-five seventy-six seventy-seven seventy-eight seventy-nine \
            eighty eighty-one eighty-two eighty-three eighty-four eighty-five eighty-six eighty-seven eighty-eight eighty-nine \
            ninety ninety-one ninety-two ninety-three ninety-four ninety-five ninety-six ninety-seven ninety-eight ninety-nine";
        for (locale, written) in [(Locale::Fr, FRENCH_WRITTEN), (Locale::En, ENGLISH_WRITTEN)] {
            let words: Vec<&str> = written.split_whitespace().collect();
            assert_eq!(words.len(), 100);
            for (number, word) in words.iter().enumerate() {
                assert_eq!(number_in_words(number as u8, locale), *word, "{locale:?} {number}");
            }
        }
    }

    #[test]
    fn english_words() {
        let cases = [(0, "zero"), (8, "eight"), (13, "thirteen"), (40, "forty"), (42, "forty-two"), (99, "ninety-nine")];
        for (number, words) in cases {
            assert_eq!(number_in_words(number, Locale::En), words);
        }
    }

    #[test]
    fn every_word_is_distinct_and_well_formed() {
        for table in [&FRENCH, &ENGLISH] {
            let mut seen = std::collections::HashSet::new();
            for words in table.iter() {
                assert!(seen.insert(fold(words)), "{words} twice");
                assert!(!words.contains(' ') && !words.starts_with('-') && !words.ends_with('-'), "{words}");
            }
        }
    }

    #[test]
    fn puzzles_are_deterministic_small_and_non_negative() {
        let mut operations = std::collections::HashSet::new();
        let mut blanks = [0u32; 2];
        for seed in 0..10_000u64 {
            let puzzle = Puzzle::from_seed(seed);
            assert_eq!(puzzle, Puzzle::from_seed(seed));
            let result = u32::from(puzzle.left) + u32::from(puzzle.right);
            assert!(result <= 99 && puzzle.result() <= 99, "{puzzle:?}");
            assert_ne!(puzzle.blank, puzzle.in_words, "{puzzle:?}");
            assert_ne!(puzzle.blank, Term::Left, "{puzzle:?}");
            operations.insert(format!("{:?}", puzzle.operation));
            blanks[usize::from(puzzle.blank == Term::Result)] += 1;
        }
        assert_eq!(operations.len(), 3);
        // The blank is "usually at the end": about four puzzles in five.
        assert!((7_500..8_500).contains(&blanks[1]), "{blanks:?}");
    }

    #[test]
    fn questions_read_like_the_seed_page() {
        let puzzle = Puzzle { left: 16, operation: Operation::Subtract, right: 8, blank: Term::Result, in_words: Term::Right };
        assert_eq!(puzzle.question(Locale::Fr), "16 − huit =");
        assert_eq!(puzzle.question(Locale::En), "16 − eight =");
        assert_eq!(puzzle.answer(), 8);
        let puzzle = Puzzle { left: 7, operation: Operation::Multiply, right: 3, blank: Term::Right, in_words: Term::Result };
        assert_eq!(puzzle.question(Locale::Fr), "7 × ? = vingt-et-un");
        assert_eq!(puzzle.answer(), 3);
    }

    #[test]
    fn answers_are_forgiving_of_form_but_not_of_value() {
        let puzzle = Puzzle { left: 16, operation: Operation::Subtract, right: 8, blank: Term::Result, in_words: Term::Right };
        for accepted in ["8", " 8 ", "08", "huit", "Huit", "HUIT", "eight", "Eight "] {
            assert!(puzzle.accepts(accepted), "{accepted:?}");
        }
        for refused in ["", "9", "-8", "8.0", "huit!", "neuf", "24", "８"] {
            assert!(!puzzle.accepts(refused), "{refused:?}");
        }
        let puzzle = Puzzle { left: 50, operation: Operation::Add, right: 21, blank: Term::Result, in_words: Term::Left };
        for accepted in ["71", "soixante-et-onze", "Soixante et onze", "soixante-et-onze", "SOIXANTE ET ONZE", "seventy one"] {
            assert!(puzzle.accepts(accepted), "{accepted:?}");
        }
        let puzzle = Puzzle { left: 10, operation: Operation::Multiply, right: 8, blank: Term::Result, in_words: Term::Left };
        assert!(puzzle.accepts("quatre vingts") && puzzle.accepts("Quatre-Vingts") && !puzzle.accepts("quatre"));
        let puzzle = Puzzle { left: 0, operation: Operation::Add, right: 0, blank: Term::Result, in_words: Term::Left };
        assert!(puzzle.accepts("0") && puzzle.accepts("zéro") && puzzle.accepts("ZÉRO") && puzzle.accepts("zero") && puzzle.accepts("000"));
    }
}
