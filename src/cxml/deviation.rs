//! What a lenient reading accepted that a strict one would have refused: a
//! leaf of its own, since the reader, the child-order check and the domain's
//! checks all report in it.

/// A departure from strict cXML that absim accepted. `code` is stable (tests
/// and the API use it); `message` is for people, in English (the journal,
/// the API, `absim lint`); `values` are what the message names, so that a
/// page can say it in its own language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deviation {
    pub code: String,
    pub message: String,
    /// The line it is on, where the reader knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The message's values by name; None in a record written before
    /// deviations kept them (a page then shows the English message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<(String, String)>>,
}

impl Deviation {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Deviation {
            code: code.to_owned(),
            message: message.into(),
            line: None,
            values: Some(Vec::new()),
        }
    }

    /// The deviation with the value `name` set.
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        self.values
            .get_or_insert_with(Vec::new)
            .push((name.to_owned(), value.to_string()));
        self
    }
}
