//! What the domain says (a check's verdict, a decision, a refusal, a
//! setting it will not take) as a message id of `locales/domain/` and its
//! values: the domain knows no language, and each page renders the note in
//! its own.

use std::borrow::Cow;

use fluent_bundle::FluentArgs;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Lang;

/// A message id and its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Note {
    Said {
        id: Cow<'static, str>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        args: Vec<(Cow<'static, str>, Value)>,
    },
    /// A text in two languages as its author wrote them (a scenario's
    /// refusal), or a record written by an absim whose notes had no ids.
    Written { ja: String, en: String },
    /// A text in one language as its author wrote it (a scenario's reason
    /// for a rejection), or an older record's reason: shown as it is.
    Plain(String),
}

/// A note's value: a text (a number where it reads as one, so that plural
/// rules choose by it) or an amount, which each language writes its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Money {
        amount: Decimal,
        symbol: String,
        minor_units: u32,
    },
    /// Before [`Value::Note`]: a string is a text (a note of one plain
    /// text reads back as the same text).
    Text(String),
    /// A note inside another ("Not within 60 s: <the check's note>").
    Note(Box<Note>),
}

impl Value {
    /// `amount` of a currency marked `symbol` with `minor_units` decimals.
    pub fn money(amount: Decimal, symbol: &str, minor_units: u32) -> Value {
        Value::Money {
            amount,
            symbol: symbol.to_owned(),
            minor_units,
        }
    }
}

macro_rules! text_values {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Text(v.to_string())
            }
        }
    )*};
}

text_values!(
    &str,
    &String,
    String,
    compact_str::CompactString,
    &compact_str::CompactString,
    u16,
    u32,
    u64,
    i64,
    usize,
    Decimal,
    &Decimal
);

impl From<Note> for Value {
    fn from(n: Note) -> Value {
        Value::Note(Box::new(n))
    }
}

/// A [`Note`]: `note!("check-po-total-equal", total = x, sum = y)`. The id is a
/// literal, so that a test can find every id the code uses in the
/// catalogue.
#[macro_export]
macro_rules! note {
    ($id:literal $(, $key:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Note::new($id)$(.with(stringify!($key), $value))*
    };
}

impl Note {
    pub fn new(id: &'static str) -> Note {
        Note::Said {
            id: Cow::Borrowed(id),
            args: Vec::new(),
        }
    }

    /// The note with the value `key` set.
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Note {
        if let Note::Said { args, .. } = &mut self {
            args.push((Cow::Borrowed(key), value.into()));
        }
        self
    }

    /// Why a setting's value is refused: it is none of `choices`.
    /// `setting` names the setting (`marketplace`, `fault`, `mode`...).
    pub fn unknown_value(setting: &'static str, value: &str, choices: &[&str]) -> Note {
        note!(
            "setting-unknown-value",
            setting = setting,
            value = value.trim(),
            choices = choices.join(", ")
        )
    }

    /// The id, for a test or a CI report that matches on it.
    pub fn id(&self) -> &str {
        match self {
            Note::Said { id, .. } => id,
            Note::Written { .. } | Note::Plain(_) => "",
        }
    }

    /// The note in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Note::Said { id, args } => {
                let mut fluent = FluentArgs::new();
                for (key, value) in args {
                    let value = match value {
                        Value::Text(t) => super::bundles::number_or_text(t.clone()),
                        Value::Money {
                            amount,
                            symbol,
                            minor_units,
                        } => super::money(lang, symbol, *minor_units, *amount).into(),
                        Value::Note(note) => note.render(lang).into(),
                    };
                    fluent.set(key.clone(), value);
                }
                super::bundles::format_id(lang, id, &fluent)
            }
            Note::Written { ja, en } if lang == Lang::Ja => ja.clone(),
            Note::Written { en, .. } => en.clone(),
            Note::Plain(text) => text.clone(),
        }
    }
}

/// In English: the words of the JSON API, the command line and the logs.
impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// In English, for code that reports errors as text (the command line,
/// the JSON API).
impl From<Note> for String {
    fn from(n: Note) -> String {
        n.render(Lang::En)
    }
}

#[cfg(test)]
mod tests;
