//! The offset each date is shown at: the site's when the backend gives it for that date, else
//! the configured `timezone`'s at that moment, else the reader's own zone's (README, "Dates and
//! time zones"). The effects that deliver answers settle their dates with it
//! (`views/loading.rs`), as they read the clock for relative dates: state and views then hold
//! dates ready to print, so that a server-side render and the browser print the same text from
//! the same data, and no view asks the browser for a zone.

use std::cell::Cell;
use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::comment::{Comment, CommentPage};
use article_widget_core::datetime::DateTime;

use crate::config::TimeZone;
use crate::platform::Platform;

/// Seconds in a quarter of an hour. Zones change their offset on a quarter hour of UTC (every
/// change of the zones in use since 1970), so one offset serves a whole quarter hour.
const QUARTER_HOUR: i64 = 900;

/// Where dates without the site's offset are shown.
pub struct Zone {
    /// The configured zone; `None` for the reader's own.
    setting: Option<TimeZone>,
    platform: Rc<dyn Platform>,
    /// The quarter hour last asked about and its offset: a thread's comments come close
    /// together, and asking `Intl` for each of ten thousand would cost the reader time.
    last: Cell<Option<(i64, i16)>>,
}

impl Zone {
    pub fn new(setting: Option<TimeZone>, platform: Rc<dyn Platform>) -> Zone {
        Zone { setting, platform, last: Cell::new(None) }
    }

    /// Minutes east of UTC at `unix_seconds`: the configured offset, or the configured zone's
    /// or else the reader's as the platform knows it; UTC where it knows neither (a server).
    fn offset_at(&self, unix_seconds: i64) -> i16 {
        let name = match &self.setting {
            Some(TimeZone::Offset(minutes)) => return *minutes,
            Some(TimeZone::Named(name)) => Some(name.as_str()),
            None => None,
        };
        let quarter = unix_seconds.div_euclid(QUARTER_HOUR);
        match self.last.get() {
            Some((known, offset)) if known == quarter => return offset,
            _ => {}
        }
        let at_ms = unix_seconds as f64 * 1000.0;
        let minutes = self.platform.utc_offset_minutes(name, at_ms).or_else(|| self.platform.utc_offset_minutes(None, at_ms));
        // An offset a date cannot be written with (beyond ±23:59) is no zone's.
        let offset = minutes.and_then(|m| i16::try_from(m).ok()).filter(|m| m.abs() < 24 * 60).unwrap_or(0);
        self.last.set(Some((quarter, offset)));
        offset
    }

    fn show(&self, at: DateTime) -> DateTime {
        at.shown_with(|unix_seconds| self.offset_at(unix_seconds))
    }

    pub fn show_article(&self, mut article: Article) -> Article {
        article.published = self.show(article.published);
        article.updated = article.updated.map(|at| self.show(at));
        article
    }

    pub fn show_related(&self, mut stories: Vec<RelatedStory>) -> Vec<RelatedStory> {
        for story in &mut stories {
            story.published = story.published.map(|at| self.show(at));
        }
        stories
    }

    pub fn show_comment(&self, mut comment: Comment) -> Comment {
        comment.created = self.show(comment.created);
        comment.edited = comment.edited.map(|at| self.show(at));
        comment
    }

    pub fn show_page(&self, mut page: CommentPage) -> CommentPage {
        page.comments = page.comments.into_iter().map(|comment| self.show_comment(comment)).collect();
        page
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use article_widget_core::native;

    use super::*;

    /// Paris as the tz database has it around the end of summer time 2024 (27 October, 01:00
    /// UTC), New York at UTC-4, the reader at UTC+9; records each question.
    #[derive(Default)]
    struct Zones {
        asked: RefCell<Vec<(Option<String>, i64)>>,
    }

    const END_OF_SUMMER_TIME_2024: i64 = 1_729_990_800;

    impl Platform for Zones {
        fn now_ms(&self) -> f64 {
            0.0
        }
        fn utc_offset_minutes(&self, zone: Option<&str>, at_ms: f64) -> Option<i32> {
            self.asked.borrow_mut().push((zone.map(str::to_owned), (at_ms / 1000.0) as i64));
            match zone {
                Some("Europe/Paris") if at_ms / 1000.0 < END_OF_SUMMER_TIME_2024 as f64 => Some(120),
                Some("Europe/Paris") => Some(60),
                Some("America/New_York") => Some(-240),
                Some(_) => None,
                None => Some(540),
            }
        }
        fn random_u64(&self) -> u64 {
            4
        }
        fn load(&self, _: &str) -> Option<String> {
            None
        }
        fn save(&self, _: &str, _: &str) {}
        fn remove(&self, _: &str) {}
        fn schedule(&self, _: u32, _: Box<dyn FnOnce()>) -> crate::platform::Timer {
            unreachable!("a zone sets no timer")
        }
    }

    fn shown(setting: Option<TimeZone>, dates: &[&str]) -> Vec<String> {
        let zone = Zone::new(setting, Rc::new(Zones::default()));
        dates.iter().map(|date| zone.show(DateTime::parse_rfc3339(date).unwrap()).to_string()).collect()
    }

    #[test]
    fn the_sites_offset_then_the_configured_zone_then_the_readers() {
        let dates = ["2024-10-11T14:05:00+02:00", "2024-10-11T12:05:00Z", "2024-12-03T08:30:00+00:00"];
        let named = |name: &str| Some(TimeZone::Named(name.into()));
        let cases = [
            (named("Europe/Paris"), ["2024-10-11T14:05:00+02:00", "2024-10-11T14:05:00+02:00", "2024-12-03T09:30:00+01:00"]),
            (named("America/New_York"), ["2024-10-11T14:05:00+02:00", "2024-10-11T08:05:00-04:00", "2024-12-03T04:30:00-04:00"]),
            (Some(TimeZone::Offset(330)), ["2024-10-11T14:05:00+02:00", "2024-10-11T17:35:00+05:30", "2024-12-03T14:00:00+05:30"]),
            (None, ["2024-10-11T14:05:00+02:00", "2024-10-11T21:05:00+09:00", "2024-12-03T17:30:00+09:00"]),
            // A zone the platform does not know (refused in the browser when configured): the reader's.
            (named("Mars/Olympus_Mons"), ["2024-10-11T14:05:00+02:00", "2024-10-11T21:05:00+09:00", "2024-12-03T17:30:00+09:00"]),
        ];
        for (setting, expected) in cases {
            assert_eq!(shown(setting.clone(), &dates), expected, "{setting:?}");
        }
    }

    #[test]
    fn each_moment_has_its_zones_offset_and_a_quarter_hour_is_asked_once() {
        let platform = Rc::new(Zones::default());
        let zone = Zone::new(Some(TimeZone::Named("Europe/Paris".into())), platform.clone());
        let at = |seconds: i64| zone.show(DateTime::from_unix_seconds(seconds)).to_string();
        assert_eq!(at(END_OF_SUMMER_TIME_2024 - 60), "2024-10-27T02:59:00+02:00");
        assert_eq!(at(END_OF_SUMMER_TIME_2024 - 1), "2024-10-27T02:59:59+02:00");
        assert_eq!(at(END_OF_SUMMER_TIME_2024), "2024-10-27T02:00:00+01:00");
        assert_eq!(at(END_OF_SUMMER_TIME_2024 + 899), "2024-10-27T02:14:59+01:00");
        let asked: Vec<i64> = platform.asked.borrow().iter().map(|(_, at)| at - END_OF_SUMMER_TIME_2024).collect();
        assert_eq!(asked, [-60, 0], "one question per quarter hour");
    }

    #[test]
    fn every_date_of_an_answer_is_shown_in_the_zone() {
        let zone = Zone::new(Some(TimeZone::Named("Europe/Paris".into())), Rc::new(Zones::default()));
        let article = r#"{"id":"a","headline":"H","published":"2024-10-11T12:05:00Z","updated":"2024-10-11T16:30:00+02:00","body":[]}"#;
        let article = zone.show_article(native::decode_article(article).unwrap().value);
        assert_eq!((article.published.to_string(), article.updated.unwrap().to_string()), ("2024-10-11T14:05:00+02:00".into(), "2024-10-11T16:30:00+02:00".into()));
        let related = r#"{"items":[{"title":"T","url":"https://news.example/t","published":"2024-10-10T22:30:00Z"}]}"#;
        let stories = zone.show_related(native::decode_related(related).unwrap().value);
        assert_eq!(stories[0].published.unwrap().to_string(), "2024-10-11T00:30:00+02:00", "the next day in Paris");
        let page = r#"{"total":1,"comments":[{"id":"1","parent":null,"author":"A","body":"x","created":"2024-10-11T13:12:00Z","status":"published"}],"next":null}"#;
        let page = zone.show_page(native::decode_comment_page(page).unwrap().value);
        assert_eq!(page.comments[0].created.to_string(), "2024-10-11T15:12:00+02:00");
        let posted = r#"{"id":"2","parent":"7","author":"Marie","body":"Bonjour","created":"2024-10-12T08:00:00Z","status":"pending"}"#;
        let comment = zone.show_comment(native::decode_comment(posted).unwrap().value);
        assert_eq!(comment.created.to_string(), "2024-10-12T10:00:00+02:00");
    }
}
