//! cXML timestamps: absim writes only the numeric-offset form the cXML guide
//! asks for (`2020-09-01T18:06:16+09:00`) and reads every form senders use,
//! naming each deviation.

use std::fmt;

use chrono::format::{Fixed, Item, Numeric, Pad};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Japan Standard Time, the offset absim writes (the product speaks Japanese
/// first).
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

pub fn now() -> DateTime<FixedOffset> {
    Utc::now().with_timezone(&jst())
}

/// `2026-11-29T13:27:31+09:00`: seconds and a numeric offset with a colon.
pub fn format(t: &DateTime<FixedOffset>) -> String {
    stamp(t).to_string()
}

/// A timestamp as [`format()`] writes it, on the stack (the Status answer to
/// every PO carries one).
pub type Stamp = arrayvec::ArrayString<32>;

/// `%Y-%m-%dT%H:%M:%S%.f` as chrono's items, without parsing a format
/// string for every time: the fraction's digits only where they are not
/// zero. [`write_with_offset`] adds the offset.
pub const LOCAL_TIME: [Item<'static>; 12] = [
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Day, Pad::Zero),
    Item::Literal("T"),
    Item::Numeric(Numeric::Hour, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Minute, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Second, Pad::Zero),
    Item::Fixed(Fixed::Nanosecond),
];

/// [`LOCAL_TIME`] without the fraction: what [`stamp()`] writes (RFC 3339
/// with whole seconds and `+00:00` rather than `Z`).
const WHOLE_SECONDS: &[Item<'static>] = LOCAL_TIME.as_slice().split_at(11).0;

/// [`format()`] without a String (a timestamp is at most 32 bytes for
/// years 0 to 9999, so the writes cannot fail).
pub fn stamp(t: &DateTime<FixedOffset>) -> Stamp {
    let mut out = Stamp::new();
    let _ = write_with_offset(&mut out, t, WHOLE_SECONDS);
    out
}

/// Writes `t`'s local date and time with `local`, then its offset as
/// `+09:00`, straight into `out`. chrono's `DateTime::format_with_items`
/// would make a String of the offset's name on every call
/// (`DelayedFormat::new_with_offset`); the naive time's formatter makes
/// none, and `write_to` does not format into a String first as
/// `DelayedFormat`'s `Display` does.
pub fn write_with_offset(
    out: &mut impl fmt::Write,
    t: &DateTime<FixedOffset>,
    local: &[Item<'_>],
) -> fmt::Result {
    t.naive_local()
        .format_with_items(local.iter())
        .write_to(out)?;
    write!(out, "{}", t.offset())
}

/// How a received timestamp departs from the numeric-offset form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampDeviation {
    /// `Z` or `-00:00` instead of a numeric offset.
    Utc,
    /// `-0800`: an offset without the colon.
    OffsetWithoutColon,
    /// No offset at all; read as JST.
    NoOffset,
    /// A date without a time.
    DateOnly,
}

impl TimestampDeviation {
    /// A stable name of the form: utc, offset-without-colon, no-offset,
    /// date-only.
    pub fn as_str(self) -> &'static str {
        match self {
            TimestampDeviation::Utc => "utc",
            TimestampDeviation::OffsetWithoutColon => "offset-without-colon",
            TimestampDeviation::NoOffset => "no-offset",
            TimestampDeviation::DateOnly => "date-only",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            TimestampDeviation::Utc => {
                "uses 'Z' (or -00:00) instead of a numeric offset such as +09:00"
            }
            TimestampDeviation::OffsetWithoutColon => {
                "writes the offset without a colon (e.g. -0800 instead of -08:00)"
            }
            TimestampDeviation::NoOffset => "has no time zone offset; read as JST (+09:00)",
            TimestampDeviation::DateOnly => "is a date without a time; read as 00:00 JST",
        }
    }
}

/// Reads a timestamp leniently. Returns the instant and, when the text is
/// not in the numeric-offset form, how it deviates.
pub fn parse_lenient(
    text: &str,
) -> Result<(DateTime<FixedOffset>, Option<TimestampDeviation>), String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("timestamp is empty".into());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let utc_form = s.ends_with('Z') || s.ends_with('z') || s.ends_with("-00:00");
        return Ok((t, utc_form.then_some(TimestampDeviation::Utc)));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Ok((t, Some(TimestampDeviation::OffsetWithoutColon)));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return local(t).map(|t| (t, Some(TimestampDeviation::NoOffset)));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let t = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        return local(t).map(|t| (t, Some(TimestampDeviation::DateOnly)));
    }
    Err(format!(
        "'{s}' is not a date and time (expected the form 2020-09-01T18:06:16+09:00)"
    ))
}

fn local(t: NaiveDateTime) -> Result<DateTime<FixedOffset>, String> {
    jst()
        .from_local_datetime(&t)
        .single()
        .ok_or_else(|| format!("{t} does not exist in JST"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_is_rfc_3339_with_whole_seconds_and_a_numeric_offset() {
        for text in [
            "2020-09-01T18:06:16.848+09:00",
            "2026-12-31T23:59:59-08:00",
            "0999-01-02T03:04:05+00:00",
            "9999-12-31T23:59:59+14:00",
        ] {
            let t = DateTime::parse_from_rfc3339(text).unwrap();
            let expected = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            assert_eq!(stamp(&t).as_str(), expected);
            assert_eq!(format(&t), expected);
        }
    }

    #[test]
    fn numeric_offset_is_read_without_deviation() {
        let (t, dev) = parse_lenient("2020-09-01T18:06:16+09:00").unwrap();
        assert_eq!(format(&t), "2020-09-01T18:06:16+09:00");
        assert_eq!(dev, None);
    }

    #[test]
    fn absim_writes_whole_seconds_and_a_numeric_offset_even_for_utc() {
        let t = DateTime::parse_from_rfc3339("2020-09-01T09:06:16.848Z").unwrap();
        assert_eq!(format(&t), "2020-09-01T09:06:16+00:00");
        let t = DateTime::parse_from_rfc3339("2020-09-01T01:06:16-08:00").unwrap();
        assert_eq!(format(&t), "2020-09-01T01:06:16-08:00");
    }

    #[test]
    fn every_sender_form_is_read_and_named() {
        let cases = [
            ("2020-09-01T09:06:16.848Z", TimestampDeviation::Utc),
            ("2020-09-01T09:06:16-00:00", TimestampDeviation::Utc),
            (
                "2015-12-07T09:30:06-0800",
                TimestampDeviation::OffsetWithoutColon,
            ),
            ("2020-09-01T18:06:16", TimestampDeviation::NoOffset),
            ("2020-09-01", TimestampDeviation::DateOnly),
        ];
        for (text, expected) in cases {
            let (_, dev) = parse_lenient(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(dev, Some(expected), "{text}");
        }
    }

    #[test]
    fn utc_and_offset_forms_agree_on_the_instant() {
        let (a, _) = parse_lenient("2020-09-01T09:06:16Z").unwrap();
        let (b, _) = parse_lenient("2020-09-01T18:06:16+0900").unwrap();
        let (c, _) = parse_lenient("2020-09-01T18:06:16").unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
    }

    #[test]
    fn garbage_is_refused_with_the_expected_form() {
        let err = parse_lenient("yesterday").unwrap_err();
        assert!(err.contains("2020-09-01T18:06:16+09:00"), "{err}");
    }
}
