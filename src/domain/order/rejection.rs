//! Why a PO is refused: the cXML Status the buyer receives, the same reason
//! in Japanese, and the record the test log keeps of it.

use serde::{Deserialize, Serialize};

use crate::cxml::Status;
use crate::domain::scenario::PoRefusal;

/// How a refused PO was answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Refusal {
    pub code: u16,
    pub text: String,
    /// The message as sent to the buyer.
    pub message: String,
    /// The same reason in Japanese, for the test log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ja: Option<String>,
}

impl Refusal {
    /// The reason in a page's language (English when no Japanese exists).
    pub fn message_in(&self, lang: &str) -> &str {
        match (&self.message_ja, lang) {
            (Some(ja), "ja") => ja,
            _ => &self.message,
        }
    }
}

/// Why a PO is refused: the cXML Status the buyer receives (in English, as
/// Amazon answers) and the same reason in Japanese for the test log.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub status: Status,
    pub ja: Option<String>,
}

impl From<Status> for Rejection {
    /// A refusal whose reason exists in English only.
    fn from(status: Status) -> Rejection {
        Rejection { status, ja: None }
    }
}

impl Rejection {
    /// The record the test log keeps of it.
    pub fn refusal(&self) -> Refusal {
        Refusal {
            code: self.status.code,
            text: self.status.text.clone(),
            message: self.status.message.clone(),
            message_ja: self.ja.clone(),
        }
    }
}

impl From<&crate::cxml::read::ReadError> for Rejection {
    /// A document that could not be read: its Status, and what went wrong
    /// in Japanese (the parser's own detail stays as it is).
    fn from(e: &crate::cxml::read::ReadError) -> Rejection {
        use crate::cxml::read::ReadError as E;
        let ja = match e {
            E::Empty => "本文が空です。cXML 文書を送ってください".to_owned(),
            E::NotUtf8(d) => format!("本文が UTF-8 ではありません ({d})"),
            E::EntityDeclared => {
                "DOCTYPE が実体 (ENTITY) を宣言しています。absim は実体を展開も取得もしません"
                    .to_owned()
            }
            E::NotXml(d) => format!("本文が整形式の XML ではありません: {d}"),
            E::TooDeep => "要素の入れ子が深すぎます".to_owned(),
            E::WrongRoot(r) => format!("ルート要素が <{r}> です。cXML 文書は <cXML> で始まります"),
            E::WrongPayload {
                expected,
                container,
                found,
            } => format!("<{container}> には {expected} が必要ですが、{found} を受け取りました"),
            E::Malformed(d) => format!("文書が cXML の形に合いません: {d}"),
        };
        Rejection {
            status: e.status(),
            ja: Some(ja),
        }
    }
}

impl From<&PoRefusal> for Rejection {
    fn from(r: &PoRefusal) -> Rejection {
        Rejection {
            status: Status::new(r.code, r.text.clone(), r.message.clone()),
            ja: r.message_ja.clone(),
        }
    }
}
