//! Dates in `published:` filters: parsing them into half-open ranges, and
//! writing ranges back in the query syntax.
//!
//! A value is either a day (`2024-05-01`, all of that UTC day) or an
//! instant (RFC 3339, `2024-05-01T12:00:00Z`, compared to the second).
//! Every range is turned into `from <= published < to`, both ends whole
//! UTC seconds, so `>`, `>=`, `<`, `<=` and `[a TO b]` all reduce to the
//! same two bounds.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// Lower and upper bounds of a half-open range; `None` is open.
pub(crate) type Bounds = (Option<OffsetDateTime>, Option<OffsetDateTime>);

/// A publication time as queries compare it: UTC, whole seconds.
///
/// The index and the alert matcher store a story's `published` through
/// this, so a story published at 12:00:00.7 is in `published:<=12:00:00`.
pub fn indexed_time(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Why a `published:` value does not read as a date filter; the parser
/// adds its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DateError {
    #[error(transparent)]
    NotATime(#[from] newsterm_story::TimeError),
    #[error("a date range is written [FROM TO UNTIL], e.g. [2024-01-01 TO 2024-01-31]")]
    RangeShape,
    #[error("expected `TO` between the dates of a range, found `{0}`")]
    MissingTo(String),
    #[error("the date range ends before it starts")]
    Backwards,
    #[error("no time is after the end of the calendar")]
    PastTheCalendar,
}

/// One end of a date filter as written.
#[derive(Debug, Clone, Copy)]
enum Point {
    Day(Date),
    Instant(OffsetDateTime),
}

impl Point {
    fn parse(text: &str) -> Result<Point, DateError> {
        let day_format = format_description!("[year]-[month]-[day]");
        if let Ok(day) = Date::parse(text, &day_format) {
            return Ok(Point::Day(day));
        }
        Ok(Point::Instant(indexed_time(newsterm_story::parse_time(
            text,
        )?)))
    }

    /// First second the point covers.
    fn start(self) -> OffsetDateTime {
        match self {
            Point::Day(d) => d.midnight().assume_utc(),
            Point::Instant(t) => t,
        }
    }

    /// First second after the point; `None` past the end of the calendar.
    fn end(self) -> Option<OffsetDateTime> {
        match self {
            Point::Day(d) => d.next_day().map(|n| n.midnight().assume_utc()),
            Point::Instant(t) => t.checked_add(Duration::SECOND),
        }
    }
}

/// Parses what follows `published:`: a date or time, optionally behind
/// `>`, `>=`, `<` or `<=`.
pub(crate) fn parse_value(text: &str) -> Result<Bounds, DateError> {
    let (op, rest) = ["<=", ">=", "<", ">"]
        .into_iter()
        .find_map(|op| text.strip_prefix(op).map(|rest| (op, rest)))
        .unwrap_or(("", text));
    let point = Point::parse(rest)?;
    let bounds = match op {
        ">=" => (Some(point.start()), None),
        ">" => (Some(end_of(point)?), None),
        "<" => (None, Some(point.start())),
        "<=" => (None, point.end()),
        _ => (Some(point.start()), point.end()),
    };
    Ok(bounds)
}

/// Parses the inside of `[FROM TO UNTIL]`, both ends inclusive, `*` open.
pub(crate) fn parse_range(inner: &str) -> Result<Bounds, DateError> {
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let [from, to_keyword, until] = parts[..] else {
        return Err(DateError::RangeShape);
    };
    if to_keyword != "TO" {
        return Err(DateError::MissingTo(to_keyword.to_string()));
    }
    let from = match from {
        "*" => None,
        text => Some(Point::parse(text)?.start()),
    };
    let until = match until {
        "*" => None,
        text => Point::parse(text)?.end(),
    };
    if let (Some(f), Some(u)) = (from, until)
        && f >= u
    {
        return Err(DateError::Backwards);
    }
    Ok((from, until))
}

fn end_of(point: Point) -> Result<OffsetDateTime, DateError> {
    point.end().ok_or(DateError::PastTheCalendar)
}

/// Writes a range as a `published:` filter that parses back to the same
/// bounds, using plain dates where both ends fall on midnight UTC.
pub(crate) fn format_range(from: Option<OffsetDateTime>, to: Option<OffsetDateTime>) -> String {
    let whole_days = [from, to].into_iter().flatten().all(is_midnight);
    let day = Duration::DAY;
    let second = Duration::SECOND;
    match (from, to) {
        (Some(f), Some(t)) if whole_days && t - f == day => {
            format!("published:{}", format_point(f, true))
        }
        (Some(f), Some(t)) => {
            let last = t - if whole_days { day } else { second };
            format!(
                "published:[{} TO {}]",
                format_point(f, whole_days),
                format_point(last, whole_days)
            )
        }
        (Some(f), None) => format!("published:>={}", format_point(f, whole_days)),
        (None, Some(t)) => format!("published:<{}", format_point(t, whole_days)),
        (None, None) => "published:[* TO *]".to_string(),
    }
}

fn is_midnight(t: OffsetDateTime) -> bool {
    let t = t.to_offset(UtcOffset::UTC);
    t.time() == time::Time::MIDNIGHT
}

fn format_point(t: OffsetDateTime, as_day: bool) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    if as_day {
        let day_format = format_description!("[year]-[month]-[day]");
        if let Ok(s) = t.date().format(&day_format) {
            return s;
        }
    }
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_day_covers_midnight_to_midnight() {
        assert_eq!(
            parse_value("2024-05-01").unwrap(),
            (
                Some(datetime!(2024-05-01 0:00 UTC)),
                Some(datetime!(2024-05-02 0:00 UTC))
            )
        );
    }

    #[test]
    fn comparisons_on_days_include_or_exclude_the_whole_day() {
        let may1 = datetime!(2024-05-01 0:00 UTC);
        let may2 = datetime!(2024-05-02 0:00 UTC);
        assert_eq!(parse_value(">=2024-05-01").unwrap(), (Some(may1), None));
        assert_eq!(parse_value(">2024-05-01").unwrap(), (Some(may2), None));
        assert_eq!(parse_value("<2024-05-01").unwrap(), (None, Some(may1)));
        assert_eq!(parse_value("<=2024-05-01").unwrap(), (None, Some(may2)));
    }

    #[test]
    fn instants_compare_to_the_second_in_utc() {
        let t = datetime!(2024-05-01 10:00:00 UTC);
        assert_eq!(
            parse_value(">2024-05-01T12:00:00.9+02:00").unwrap(),
            (Some(t + Duration::SECOND), None)
        );
        assert_eq!(
            parse_value("2024-05-01T10:00:00Z").unwrap(),
            (Some(t), Some(t + Duration::SECOND))
        );
    }

    #[test]
    fn ranges_are_inclusive_and_may_be_open() {
        assert_eq!(
            parse_range("2024-01-01 TO 2024-01-31").unwrap(),
            (
                Some(datetime!(2024-01-01 0:00 UTC)),
                Some(datetime!(2024-02-01 0:00 UTC))
            )
        );
        assert_eq!(
            parse_range("* TO 2024-01-31T00:00:00Z").unwrap(),
            (None, Some(datetime!(2024-01-31 0:00:01 UTC)))
        );
        assert_eq!(parse_range("* TO *").unwrap(), (None, None));
    }

    #[test]
    fn bad_dates_and_ranges_say_why() {
        assert!(
            parse_value("2024-13-01")
                .unwrap_err()
                .to_string()
                .contains("2024-13-01")
        );
        assert!(
            parse_value("yesterday")
                .unwrap_err()
                .to_string()
                .contains("RFC 3339")
        );
        assert!(
            parse_range("2024-01-01 2024-02-01")
                .unwrap_err()
                .to_string()
                .contains("[FROM TO UNTIL]")
        );
        assert!(
            parse_range("2024-01-01 UNTIL 2024-02-01")
                .unwrap_err()
                .to_string()
                .contains("`TO`")
        );
        assert!(
            parse_range("2024-02-01 TO 2024-01-01")
                .unwrap_err()
                .to_string()
                .contains("before")
        );
    }

    #[test]
    fn formatted_ranges_parse_back_to_the_same_bounds() {
        for written in [
            "2024-05-01",
            ">=2024-05-01",
            "<2024-05-01",
            "<=2024-05-01T10:20:30Z",
            ">2024-05-01T10:20:30Z",
            "2024-05-01T10:20:30Z",
        ] {
            let (from, to) = parse_value(written).unwrap();
            let formatted = format_range(from, to);
            let value = formatted.trim_start_matches("published:");
            let reparsed = match value.strip_prefix('[') {
                Some(inner) => parse_range(inner.trim_end_matches(']')).unwrap(),
                None => parse_value(value).unwrap(),
            };
            assert_eq!(reparsed, (from, to), "{written} -> {formatted}");
        }
    }

    #[test]
    fn indexed_time_drops_subseconds_and_offset() {
        let t = datetime!(2024-05-01 12:00:00.75 +02:00);
        assert_eq!(indexed_time(t), datetime!(2024-05-01 10:00:00 UTC));
    }
}
