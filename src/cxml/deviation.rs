//! What a lenient reading accepted that a strict one would have refused: a
//! leaf of its own, since the reader, the child-order check and the domain's
//! checks all report in it.

/// A departure from strict cXML that absim accepted. `code` is stable (tests
/// and the API use it); `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deviation {
    pub code: String,
    pub message: String,
    /// The line it is on, where the reader knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Deviation {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Deviation {
            code: code.to_owned(),
            message: message.into(),
            line: None,
        }
    }
}
