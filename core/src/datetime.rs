//! Date-times as backends write them (RFC 3339, or a local time with its UTC time), kept with
//! the offset they are shown in and whether that offset is the site's.
//!
//! A date is shown in the site's offset when the backend gives it for that moment, so that a
//! newsroom's "14 h 05" is what its readers see; else in the zone the publisher configured,
//! else in the reader's own ([`DateTime::shown_with`]). The widget settles the offset when an
//! answer arrives, so that views print a date as it is, and a server-side render and the
//! browser print the same text from the same data. No calendar crate: the civil-date
//! arithmetic below is a few lines and keeps the wasm small.

use std::fmt;

/// The largest offset from UTC, in minutes, that RFC 3339 can write (23:59).
const MAX_OFFSET_MINUTES: i16 = 23 * 60 + 59;

/// A valid date-time with its UTC offset. Fields are the civil time at that offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Minutes east of UTC.
    pub offset_minutes: i16,
    /// Whether `offset_minutes` is the site's own for this moment, as the backend wrote it: a
    /// non-zero RFC 3339 offset, or a local time given with its UTC time. False when the
    /// backend gave the instant alone (`Z`, `+00:00`, Unix time, UTC without offset): such a
    /// date is shown in the configured zone, else the reader's.
    pub site_offset: bool,
}

/// How far apart a local time and its UTC time may be read: WordPress reads the clock once
/// for a comment's `date` and again for its `date_gmt`, so the two can straddle a second
/// (seen on Debian's WordPress: `18:13:07` and `17:13:06`, which is UTC+1, not UTC+1:00:01).
pub const CLOCK_READINGS_APART_SECONDS: i64 = 2;

impl DateTime {
    /// Parses RFC 3339 (`2024-10-11T14:05:00+02:00`, `…Z`, optional fraction of a second;
    /// a space or lowercase `t`/`z` are accepted as RFC 3339 allows).
    pub fn parse_rfc3339(text: &str) -> Option<DateTime> {
        let b = text.as_bytes();
        if b.len() < 20 {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(range)?;
            if part.iter().all(u8::is_ascii_digit) {
                Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
            } else {
                None
            }
        };
        let separators_ok = b[4] == b'-'
            && b[7] == b'-'
            && matches!(b[10], b'T' | b't' | b' ')
            && b[13] == b':'
            && b[16] == b':';
        if !separators_ok {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = 19;
        if b[rest] == b'.' {
            rest += 1;
            let digits = b[rest..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            rest += digits;
        }
        let offset_minutes = parse_offset(text.get(rest..)?)?;
        // Second 60 is a leap second, which RFC 3339 allows.
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= u32::from(days_in_month(year as i32, month as u8))
            && hour <= 23
            && minute <= 59
            && second <= 60;
        valid.then_some(DateTime {
            year: year as i32,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            offset_minutes,
            // A zero offset is how most APIs that store UTC write it (Ghost's `+00:00`,
            // JavaScript's `Z`): it says nothing of the site's zone.
            site_offset: offset_minutes != 0,
        })
    }

    /// The moment `utc` at the site's offset, which is how far the local time `local` is from
    /// it: WordPress's `date` and `date_gmt`. Only `local`'s civil fields are read (it is
    /// written without offset). `None` when they are more than
    /// [`CLOCK_READINGS_APART_SECONDS`] off a whole number of minutes apart, or a day or more.
    pub fn from_local_and_utc(local: &DateTime, utc: &DateTime) -> Option<DateTime> {
        let local_seconds = DateTime { offset_minutes: 0, ..*local }.unix_seconds();
        let difference = local_seconds - utc.unix_seconds();
        let nearest = (difference + 30).div_euclid(60);
        let minutes = i16::try_from(nearest)
            .ok()
            .filter(|m| (difference - nearest * 60).abs() <= CLOCK_READINGS_APART_SECONDS && m.abs() <= MAX_OFFSET_MINUTES)?;
        Some(DateTime { site_offset: true, ..utc.at_offset(minutes) })
    }

    /// The same moment at another offset.
    pub fn at_offset(&self, offset_minutes: i16) -> DateTime {
        let at = DateTime::from_unix_seconds(self.unix_seconds() + i64::from(offset_minutes) * 60);
        DateTime { offset_minutes, site_offset: self.site_offset, ..at }
    }

    /// The date as the widget shows it: at the site's offset when the backend gave it, else at
    /// the offset `zone` gives for its moment (in Unix seconds): the configured zone's, else
    /// the reader's.
    pub fn shown_with(self, zone: impl FnOnce(i64) -> i16) -> DateTime {
        if self.site_offset { self } else { self.at_offset(zone(self.unix_seconds())) }
    }

    /// Seconds since 1970-01-01T00:00:00Z: what orders and compares instants.
    pub fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes) * 60
    }

    /// The UTC date-time (`…Z`) of seconds since 1970-01-01T00:00:00Z: how a server stamps
    /// what it creates. Years outside 0–9999 are clamped, as RFC 3339 cannot write them.
    pub fn from_unix_seconds(seconds: i64) -> DateTime {
        let seconds = seconds.clamp(-62_167_219_200, 253_402_300_799);
        let (days, time) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (time / 3600) as u8,
            minute: (time / 60 % 60) as u8,
            second: (time % 60) as u8,
            offset_minutes: 0,
            site_offset: false,
        }
    }
}

/// An RFC 3339 offset: `Z` (or `z`), or `+HH:MM` / `-HH:MM` up to 23:59, in minutes east of UTC.
pub fn parse_offset(text: &str) -> Option<i16> {
    let b = text.as_bytes();
    match b {
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) => {
            let digit = |d: &u8| i16::from(d - b'0');
            let (hours, minutes) = (digit(h1) * 10 + digit(h2), digit(m1) * 10 + digit(m2));
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            Some(if *sign == b'-' { -total } else { total })
        }
        _ => None,
    }
}

/// The canonical RFC 3339 form, as put in `<time datetime>`.
impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        match self.offset_minutes {
            0 => f.write_str("Z"),
            m => write!(f, "{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60),
        }
    }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of days since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as i32, month as u8, day as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_forms_and_prints_them_canonically() {
        let cases = [
            ("2024-10-11T14:05:00+02:00", "2024-10-11T14:05:00+02:00"),
            ("2024-10-11t14:05:00.123456z", "2024-10-11T14:05:00Z"),
            ("2024-10-11 14:05:00-05:30", "2024-10-11T14:05:00-05:30"),
            ("2024-02-29T23:59:60Z", "2024-02-29T23:59:60Z"),
        ];
        for (input, canonical) in cases {
            let parsed = DateTime::parse_rfc3339(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(parsed.to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_rfc3339() {
        for input in [
            "",
            "yesterday",
            "2024-10-11",
            "2024-10-11T14:05:00",
            "2024-10-11T14:05+02:00",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-10-11T24:00:00Z",
            "2024-10-11T14:05:00.Z",
            "2024-10-11T14:05:00+2:00",
            "2024-10-11T14:05:00+02:00 ",
            "2024-1O-11T14:05:00Z",
            "２０２４-10-11T14:05:00Z",
        ] {
            assert_eq!(DateTime::parse_rfc3339(input), None, "{input:?}");
        }
    }

    #[test]
    fn unix_seconds_agree_across_offsets() {
        let at = |s| DateTime::parse_rfc3339(s).unwrap().unix_seconds();
        assert_eq!(at("1970-01-01T00:00:00Z"), 0);
        assert_eq!(at("2024-10-11T12:05:00Z"), 1_728_648_300);
        assert_eq!(at("2024-10-11T14:05:00+02:00"), at("2024-10-11T12:05:00Z"));
        assert_eq!(at("1969-12-31T19:00:00-05:00"), 0);
        assert_eq!(at("2000-03-01T00:00:00Z") - at("2000-02-28T00:00:00Z"), 2 * 86_400);
    }

    #[test]
    fn unix_seconds_round_trip_through_utc() {
        for text in ["1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2000-02-29T12:00:00Z", "2024-10-11T12:05:00Z", "2100-03-01T00:00:00Z"] {
            let at = DateTime::parse_rfc3339(text).unwrap();
            assert_eq!(DateTime::from_unix_seconds(at.unix_seconds()), at, "{text}");
        }
        for seconds in (-400 * 366 * 86_400..400 * 366 * 86_400).step_by(86_400 * 7 + 3_601) {
            assert_eq!(DateTime::from_unix_seconds(seconds).unix_seconds(), seconds);
        }
        assert_eq!(DateTime::from_unix_seconds(i64::MAX).to_string(), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn a_non_zero_offset_is_the_sites_and_utc_says_nothing_of_it() {
        let site = |text| DateTime::parse_rfc3339(text).unwrap().site_offset;
        assert!(site("2024-10-11T14:05:00+02:00"));
        assert!(site("2024-10-11T09:35:00-04:30"));
        for utc in ["2024-10-11T12:05:00Z", "2024-10-11T12:05:00+00:00", "2024-10-11T12:05:00-00:00"] {
            assert!(!site(utc), "{utc}");
        }
        assert!(!DateTime::from_unix_seconds(1_728_648_300).site_offset);
    }

    /// Each record's local time and UTC time give its offset: summer and winter time in
    /// Paris, a site set to a manual UTC+5:30 or UTC-3:30, Nepal's +5:45, a site on UTC.
    #[test]
    fn a_local_time_and_its_utc_time_give_the_sites_offset() {
        let civil = |text: &str| DateTime::parse_rfc3339(&format!("{text}Z")).unwrap();
        let cases = [
            ("2024-10-11T14:05:00", "2024-10-11T12:05:00", Some("2024-10-11T14:05:00+02:00")),
            ("2024-12-03T09:30:00", "2024-12-03T08:30:00", Some("2024-12-03T09:30:00+01:00")),
            ("2024-10-11T17:35:00", "2024-10-11T12:05:00", Some("2024-10-11T17:35:00+05:30")),
            ("2024-10-11T08:35:00", "2024-10-11T12:05:00", Some("2024-10-11T08:35:00-03:30")),
            ("2024-10-11T17:50:00", "2024-10-11T12:05:00", Some("2024-10-11T17:50:00+05:45")),
            ("2025-01-01T00:30:00", "2024-12-31T23:30:00", Some("2025-01-01T00:30:00+01:00")),
            ("2024-10-11T12:05:00", "2024-10-11T12:05:00", Some("2024-10-11T12:05:00Z")),
            // Read a second apart, either way (a real WordPress's comment): the moment is UTC's.
            ("2026-12-07T18:13:07", "2026-12-07T17:13:06", Some("2026-12-07T18:13:06+01:00")),
            ("2024-10-11T14:04:59", "2024-10-11T12:05:00", Some("2024-10-11T14:05:00+02:00")),
            ("2024-10-11T14:05:10", "2024-10-11T12:05:00", None),
            ("2024-10-11T14:05:30", "2024-10-11T12:05:00", None),
            ("2024-10-12T12:05:00", "2024-10-11T12:05:00", None),
        ];
        for (local, utc, expected) in cases {
            let shown = DateTime::from_local_and_utc(&civil(local), &civil(utc));
            assert_eq!(shown.map(|at| at.to_string()).as_deref(), expected, "{local} {utc}");
            if let Some(at) = shown {
                assert!(at.site_offset, "{local}");
                assert_eq!(at.unix_seconds(), civil(utc).unix_seconds(), "the same moment");
            }
        }
    }

    #[test]
    fn a_date_is_shown_at_the_sites_offset_else_at_the_zones() {
        let paris_in_summer = |_| 120;
        let site = DateTime::parse_rfc3339("2024-10-11T09:35:00-04:30").unwrap();
        assert_eq!(site.shown_with(paris_in_summer), site);
        let utc = DateTime::parse_rfc3339("2024-10-11T23:05:00Z").unwrap();
        let shown = utc.shown_with(|at| if at == utc.unix_seconds() { 120 } else { 0 });
        assert_eq!(shown.to_string(), "2024-10-12T01:05:00+02:00");
        assert_eq!((shown.unix_seconds(), shown.site_offset), (utc.unix_seconds(), false));
        assert_eq!(utc.shown_with(|_| -330).to_string(), "2024-10-11T17:35:00-05:30");
    }

    #[test]
    fn offsets_as_rfc3339_writes_them() {
        let cases = [("Z", Some(0)), ("z", Some(0)), ("+02:00", Some(120)), ("-05:30", Some(-330)), ("+23:59", Some(1439)), ("-00:00", Some(0))];
        for (text, minutes) in cases {
            assert_eq!(parse_offset(text), minutes, "{text}");
        }
        for text in ["", "UTC", "+2:00", "+0200", "+02", "+24:00", "+02:60", " +02:00", "+02:00 ", "+٠٢:00"] {
            assert_eq!(parse_offset(text), None, "{text:?}");
        }
    }
}
