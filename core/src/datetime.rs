//! Date-times as backends write them (RFC 3339), kept with the offset they were written in.
//!
//! The widget shows a date in the offset the publisher wrote it in, not the reader's zone: a
//! server-side render and the browser then print the same text, and a newsroom's "14 h 05"
//! is the time its readers expect to see. No calendar crate: the civil-date arithmetic below
//! is a few lines and keeps the wasm small.

use std::fmt;

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
}

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
        let offset_minutes = match b.get(rest..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (h, m) = (num(rest + 1..rest + 3)?, num(rest + 4..rest + 6)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = (h * 60 + m) as i16;
                if *sign == b'-' { -minutes } else { minutes }
            }
            _ => return None,
        };
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
        })
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
        }
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
}
