//! Why a PO is refused: the cXML Status the buyer receives, the same reason
//! in Japanese, and the record the test log keeps of it.

use serde::{Deserialize, Serialize};

use crate::cxml::Status;
use crate::domain::scenario::PoRefusal;
use crate::i18n::{Lang, Note};
use crate::note;

/// How a refused PO was answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Refusal {
    pub code: u16,
    pub text: String,
    /// The message as sent to the buyer.
    pub message: String,
    /// The same reason for the test log, in the page's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// The reason in Japanese, as refusals recorded it before they had
    /// notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ja: Option<String>,
}

impl Refusal {
    /// The reason in a page's language: the note, else the Japanese an
    /// older record kept, else the message as sent.
    pub fn message_in(&self, lang: Lang) -> String {
        match (&self.note, &self.message_ja, lang) {
            (Some(note), _, _) => note.render(lang),
            (None, Some(ja), Lang::Ja) => ja.clone(),
            _ => self.message.clone(),
        }
    }
}

/// Why a PO is refused: the cXML Status the buyer receives (in English, as
/// Amazon answers) and the same reason as a note for the test log.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub status: Status,
    /// Boxed: a refusal is rare, and every intake step returns one.
    pub note: Option<Box<Note>>,
}

impl From<Status> for Rejection {
    /// A refusal whose reason exists in English only.
    fn from(status: Status) -> Rejection {
        Rejection { status, note: None }
    }
}

impl Rejection {
    /// The record the test log keeps of it.
    pub fn refusal(&self) -> Refusal {
        Refusal {
            code: self.status.code,
            text: self.status.text.clone(),
            message: self.status.message.clone(),
            note: self.note.as_deref().cloned(),
            message_ja: None,
        }
    }
}

impl From<&crate::cxml::read::ReadError> for Rejection {
    /// A document that could not be read: its Status, and what went wrong
    /// in Japanese (the parser's own detail stays as it is).
    fn from(e: &crate::cxml::read::ReadError) -> Rejection {
        use crate::cxml::read::ReadError as E;
        let note = match e {
            E::Empty => note!("read-empty"),
            E::NotUtf8(d) => note!("read-not-utf8", detail = d.as_str()),
            E::EntityDeclared => note!("read-entity-declared"),
            E::NotXml(d) => note!("read-not-xml", detail = d.as_str()),
            E::TooDeep => note!("read-too-deep"),
            E::WrongRoot(r) => note!("read-wrong-root", root = r.as_str()),
            E::WrongPayload {
                expected,
                container,
                found,
            } => note!(
                "read-wrong-payload",
                container = *container,
                expected = *expected,
                found = found.as_str()
            ),
            E::Malformed(d) => note!("read-malformed", detail = d.as_str()),
        };
        Rejection {
            status: e.status(),
            note: Some(Box::new(note)),
        }
    }
}

impl From<&PoRefusal> for Rejection {
    fn from(r: &PoRefusal) -> Rejection {
        Rejection {
            status: Status::new(r.code, r.text.clone(), r.message.clone()),
            // A scenario's refusal is written in English and Japanese.
            note: r.message_ja.clone().map(|ja| {
                Box::new(Note::Written {
                    ja,
                    en: r.message.clone(),
                })
            }),
        }
    }
}
