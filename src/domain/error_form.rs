//! How a refused cXML request is carried over HTTP: a group's setting that a
//! scenario may override. It lives apart from `account` and `scenario` so
//! that each can name it without naming the other.

use serde::{Deserialize, Serialize};

/// How a refused cXML request is carried over HTTP. Real suppliers do both;
/// an integrator tests that their system sees a refusal either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorForm {
    /// The HTTP status equals the cXML code (401, 409, ...).
    #[default]
    Code,
    /// HTTP 200, the code only in the cXML Status.
    #[serde(rename = "http-200")]
    Http200,
}

impl ErrorForm {
    pub fn name(self) -> &'static str {
        match self {
            ErrorForm::Code => "code",
            ErrorForm::Http200 => "http-200",
        }
    }

    pub fn parse(s: &str) -> Result<ErrorForm, crate::i18n::Note> {
        match s.trim() {
            "code" => Ok(ErrorForm::Code),
            "http-200" | "200" => Ok(ErrorForm::Http200),
            _ => Err(crate::i18n::Note::unknown_value(
                "cxml-errors",
                s,
                &["code", "http-200"],
            )),
        }
    }
}
