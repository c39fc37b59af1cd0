//! Dates written as text, as people type them into a sheet or on the command line:
//! ISO 8601, day-month-year with a month name, and numeric day/month forms when only one
//! reading is possible or a [`DateOrder`] says which. Kept apart from the tables because
//! the rules are about calendars, not cells, and the command line reads `--from`, `--to`
//! and `--as-of` with them too.

use chrono::{Datelike, NaiveDate};

/// How to read a numeric date such as `03/04/2026` whose day and month could be swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: 03/04/2026 is 3 April.
    Dmy,
    /// Month first: 03/04/2026 is 4 March.
    Mdy,
}

/// Why a text could not be read as a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    NotADate,
    /// Day and month could be swapped (`03/04/2026`) and no date order is configured.
    Ambiguous,
    /// Written as an ISO date whose day the month does not have (`2026-02-30`): the
    /// year and month, and how many days that month has.
    NoSuchDay {
        year: i32,
        month: u32,
        days: u32,
    },
    /// A numeric date with a two-digit year (`30/09/26`): which of day, month and year
    /// each number is cannot be told for certain (`26/09/30` may be year first).
    TwoDigitYear,
}

/// Reads a date written as text: ISO 8601 (`2026-09-30`, with or without a time),
/// `2026/09/30`, `30 Sep 2026`, `30 September 2026`, `30-Sep-2026`, `Sep 30, 2026`,
/// `September 30 2026`, `Wednesday, September 30, 2026`, `2026-9-30`; and numeric
/// day/month forms when they are unambiguous or a [`DateOrder`] is given. Days may be
/// ordinals (`30th September 2026`); each form may be followed by a time of day, which is
/// dropped. A month written as a name may have a two-digit year (`30-Sep-26`, Excel's
/// `d-mmm-yy` as a CSV export writes it): the year is this century's, see
/// [`two_digit_year`].
pub fn parse_text_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    let date = parse_any_date(text.trim(), order)?;
    // chrono's %Y takes any digits: `03/04/26` would be the year 26.
    if date.year() < 1000 {
        return Err(DateProblem::NotADate);
    }
    Ok(date)
}

/// The year a text date's two-digit year is read as (`30-Sep-26`: 2026), when it has
/// one. Read as 20yy, which the run says once per column: compliance evidence,
/// attestations and contracts of a cloud estate all fall in this century, and Excel's own
/// rule (`30` to `99` are the 1900s) would put a contract ending `31-Dec-35` in 1935.
pub fn two_digit_year(text: &str) -> Option<i32> {
    if parse_iso_prefix(text.trim()).is_some() {
        return None;
    }
    let date = without_time_of_day(text.trim());
    let year = &date[date.trim_end_matches(|c: char| c.is_ascii_digit()).len()..];
    let named_month = date.chars().any(|c| c.is_ascii_alphabetic());
    (year.len() == 2 && named_month)
        .then(|| year.parse::<i32>().ok().map(|y| 2000 + y))
        .flatten()
}

fn parse_any_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    if let Some(date) = parse_iso_prefix(text) {
        return Ok(date);
    }
    let text = without_time_of_day(text);
    // Year first only with the year in full: `03/04/26` is not the year 3.
    let year_first = text.split('/').next().is_some_and(|y| y.len() == 4);
    if let Some(date) = NaiveDate::parse_from_str(text, "%Y/%m/%d")
        .ok()
        .filter(|_| year_first)
    {
        return Ok(date);
    }
    // Month names: normalise "Sept" and stray commas/dots so one format list covers them.
    let words = text
        .replace(['.', ','], " ")
        .replace('-', " ")
        .split_whitespace()
        // Excel's long date (`Wednesday, September 30, 2026`) leads with the weekday.
        .skip_while(|w| is_weekday(w))
        .map(|w| {
            if w.eq_ignore_ascii_case("sept") {
                "Sep"
            } else {
                without_ordinal(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    // A two-digit year after a month name is this century's (see `two_digit_year`).
    let words = match words.rsplit_once(' ') {
        Some((head, year)) if year.len() == 2 && year.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{head} 20{year}")
        }
        _ => words,
    };
    for format in ["%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(&words, format) {
            return Ok(date);
        }
    }
    if let Some(problem) = day_past_month_end(text) {
        return Err(problem);
    }
    parse_numeric_date(text, order)
}

/// Whether a word names a day of the week, in full or as chrono abbreviates it.
fn is_weekday(word: &str) -> bool {
    word.parse::<chrono::Weekday>().is_ok()
}

/// A day written as an ordinal (`30th`, `1st`, `22nd`, `3rd`) as its number; any other
/// word as it is.
fn without_ordinal(word: &str) -> &str {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let suffix = &word[digits..];
    let ordinal = ["st", "nd", "rd", "th"]
        .iter()
        .any(|s| suffix.eq_ignore_ascii_case(s));
    if (1..=2).contains(&digits) && ordinal {
        &word[..digits]
    } else {
        word
    }
}

/// The text without a time of day after the date (`9/30/2026 2:15:00 PM`,
/// `30 Sep 2026 14:15`), as registers exported from ticketing and GRC tools write their
/// timestamps: the day is what a control's evidence is dated by. Text without one comes
/// back as it was.
fn without_time_of_day(text: &str) -> &str {
    let mut rest = text.trim_end();
    if let Some((head, last)) = rest.rsplit_once(char::is_whitespace) {
        if ["am", "pm", "a.m.", "p.m."]
            .iter()
            .any(|m| last.eq_ignore_ascii_case(m))
        {
            rest = head.trim_end();
        }
    }
    let Some((date, time)) = rest.rsplit_once(char::is_whitespace) else {
        return text;
    };
    let mut parts = time.split(':');
    let hours = parts.next().and_then(|h| h.parse::<u32>().ok());
    let minutes = parts
        .next()
        .filter(|m| m.len() == 2)
        .and_then(|m| m.parse::<u32>().ok());
    // Seconds, perhaps with a fraction (`05.250`).
    let seconds_ok = parts.next().is_none_or(|sec| {
        let whole = sec.split('.').next().unwrap_or("");
        whole.len() == 2 && whole.parse::<u32>().is_ok_and(|v| v < 60)
    });
    let is_time = matches!((hours, minutes), (Some(h), Some(m)) if h < 24 && m < 60)
        && seconds_ok
        && parts.next().is_none();
    if is_time && !date.trim().is_empty() {
        date.trim_end()
    } else {
        text
    }
}

/// For ISO-shaped text whose day is past its month's end (`2026-02-30`, `2026-04-31`), the
/// month and its length, so the error can say so rather than "not a date".
fn day_past_month_end(text: &str) -> Option<DateProblem> {
    let head = text.get(..10)?;
    let bytes = head.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (
        head[..4].parse::<i32>().ok()?,
        head[5..7].parse::<u32>().ok()?,
        head[8..10].parse::<u32>().ok()?,
    );
    let days = month_length(year, month)?;
    (day > days && day <= 31).then_some(DateProblem::NoSuchDay { year, month, days })
}

pub(crate) fn parse_iso_prefix(text: &str) -> Option<NaiveDate> {
    let head = text.get(..10)?;
    let rest = &text[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

fn parse_numeric_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    // Year first is always year, month, day (`2026-9-30`, `2026.09.30`): no order to guess.
    if let [y, m, d] = parts.as_slice() {
        if y.len() == 4 {
            let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
            else {
                return Err(DateProblem::NotADate);
            };
            return calendar_date(y, m, d);
        }
    }
    let [a, b, y] = parts.as_slice() else {
        return Err(DateProblem::NotADate);
    };
    let (Ok(a), Ok(b), Ok(y)) = (a.parse::<u32>(), b.parse::<u32>(), y.parse::<i32>()) else {
        return Err(DateProblem::NotADate);
    };
    if y < 100 && parts[2].len() == 2 {
        // Which number is the year is a guess we refuse to make.
        return Err(DateProblem::TwoDigitYear);
    }
    if y < 1000 {
        return Err(DateProblem::NotADate);
    }
    // Dots between the numbers are the European day-first form (`30.09.2026`, DIN 5008);
    // nobody writes month first with dots.
    let dotted = text.contains('.') && !text.contains(['/', '-']);
    let order = match order.or(dotted.then_some(DateOrder::Dmy)) {
        Some(order) => order,
        // Neither number can be the month: no order makes it a date.
        None if a > 12 && b > 12 => return Err(DateProblem::NotADate),
        None if a > 12 && b <= 12 => DateOrder::Dmy,
        None if b > 12 && a <= 12 => DateOrder::Mdy,
        None if a == b => DateOrder::Dmy,
        None => return Err(DateProblem::Ambiguous),
    };
    let (day, month) = match order {
        DateOrder::Dmy => (a, b),
        DateOrder::Mdy => (b, a),
    };
    calendar_date(y, month, day)
}

/// The date, or why there is none: `31/09/2026` names a real month and a day past its end,
/// which is said as such (as for ISO text), not as "not a date".
fn calendar_date(year: i32, month: u32, day: u32) -> Result<NaiveDate, DateProblem> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        month_length(year, month)
            .filter(|&days| day > days && day <= 31)
            .map_or(DateProblem::NotADate, |days| DateProblem::NoSuchDay {
                year,
                month,
                days,
            })
    })
}

/// How many days `month` of `year` has (`None` for a month that is not one).
fn month_length(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some(
        first
            .checked_add_months(chrono::Months::new(1))?
            .signed_duration_since(first)
            .num_days() as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numeric_date_past_its_months_end_says_so() {
        // 31/09/2026 can only be day 31 of September, which has 30 days.
        assert_eq!(
            parse_text_date("31/09/2026", None),
            Err(DateProblem::NoSuchDay {
                year: 2026,
                month: 9,
                days: 30
            })
        );
        assert_eq!(
            parse_text_date("02/30/2026", Some(DateOrder::Mdy)),
            Err(DateProblem::NoSuchDay {
                year: 2026,
                month: 2,
                days: 28
            })
        );
        assert_eq!(
            parse_text_date("31/13/2026", None),
            Err(DateProblem::NotADate)
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_dates_in_the_forms_people_type() {
        for text in [
            "2026-09-30",
            "2026-09-30T00:00:00",
            "2026/09/30",
            "30 Sep 2026",
            "30 Sept 2026",
            "30 september 2026",
            "30-Sep-2026",
            "Sep 30, 2026",
            "September 30 2026",
            " 30/09/2026 ",
            "09/30/2026",
            // Timestamps exported by ticketing and GRC tools: the day counts.
            "9/30/2026 2:15:00 PM",
            "09/30/2026 14:15",
            "30/09/2026 23:59:59.500",
            "30 Sep 2026 08:00",
            "Sep 30, 2026 8:00 a.m.",
            // Days typed as ordinals, months in capitals.
            "30th September 2026",
            "September 30th, 2026",
            "30TH SEP 2026",
            // Excel's long date as text; year first without zero padding.
            "Wednesday, September 30, 2026",
            "Wed 30 Sep 2026",
            "2026-9-30",
            "2026.09.30",
            // Excel's d-mmm-yy as a CSV export writes it: a month name settles the order.
            "30-Sep-26",
            "Sep 30, 26",
            "30 September 26 14:15",
        ] {
            assert_eq!(parse_text_date(text, None), Ok(d(2026, 9, 30)), "{text}");
            let two_digits = text.contains(" 26") || text.contains("-26");
            assert_eq!(two_digit_year(text), two_digits.then_some(2026), "{text}");
        }
    }

    #[test]
    fn dotted_dates_are_day_first_unless_an_order_says_otherwise() {
        assert_eq!(parse_text_date("03.10.2025", None), Ok(d(2025, 10, 3)));
        assert_eq!(parse_text_date("3.10.2025", None), Ok(d(2025, 10, 3)));
        assert_eq!(
            parse_text_date("03.10.2025", Some(DateOrder::Mdy)),
            Ok(d(2025, 3, 10))
        );
    }

    #[test]
    fn ambiguous_dates_need_an_order() {
        assert_eq!(
            parse_text_date("03/04/2026", None),
            Err(DateProblem::Ambiguous)
        );
        assert_eq!(
            parse_text_date("03/04/2026", Some(DateOrder::Dmy)),
            Ok(d(2026, 4, 3))
        );
        assert_eq!(
            parse_text_date("03/04/2026", Some(DateOrder::Mdy)),
            Ok(d(2026, 3, 4))
        );
        assert_eq!(parse_text_date("n/a", None), Err(DateProblem::NotADate));
        // Neither 31 nor 13 is a month: not a date, not a question of order.
        assert_eq!(
            parse_text_date("31/13/2026", None),
            Err(DateProblem::NotADate)
        );
        // 31 can only be the day, and February has no 31st: said as such.
        assert_eq!(
            parse_text_date("31/02/2026", None),
            Err(DateProblem::NoSuchDay {
                year: 2026,
                month: 2,
                days: 28
            })
        );
        assert_eq!(
            parse_text_date("03/04/26", None),
            Err(DateProblem::TwoDigitYear)
        );
        assert_eq!(
            parse_text_date("30/09/26", Some(DateOrder::Dmy)),
            Err(DateProblem::TwoDigitYear)
        );
        // A time does not settle the order, and a time alone is no date.
        assert_eq!(
            parse_text_date("03/04/2026 10:00", None),
            Err(DateProblem::Ambiguous)
        );
        assert_eq!(parse_text_date("14:15", None), Err(DateProblem::NotADate));
        assert_eq!(
            parse_text_date("30/09/2026 25:00", None),
            Err(DateProblem::NotADate)
        );
    }
}

#[cfg(test)]
mod impossible_days {
    use super::*;

    #[test]
    fn a_day_past_the_month_end_is_named_as_such() {
        assert_eq!(
            parse_text_date("2026-02-30", None),
            Err(DateProblem::NoSuchDay {
                year: 2026,
                month: 2,
                days: 28
            })
        );
        assert_eq!(
            parse_text_date("2028-02-30", None),
            Err(DateProblem::NoSuchDay {
                year: 2028,
                month: 2,
                days: 29
            })
        );
        assert_eq!(
            parse_text_date("2026-04-31", None),
            Err(DateProblem::NoSuchDay {
                year: 2026,
                month: 4,
                days: 30
            })
        );
        assert_eq!(
            parse_text_date("2026-13-01", None),
            Err(DateProblem::NotADate)
        );
        assert_eq!(
            parse_text_date("2026-02-28", None),
            Ok(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap())
        );
    }
}
