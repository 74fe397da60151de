//! What a cXML handler answers: a [`Reply`] (a document absim wrote, or an
//! injected fault's answer) or a [`CxmlError`] (a refusal, or absim failing
//! inside). Handlers return [`CxmlResult`] and use `?`; the exchange's edge
//! ([`super::Received::answer`]) writes an error's Status document, because
//! every cXML document needs a payloadID from this replica's generator, and
//! then journals the exchange and sends it.
//!
//! Error policy: a refusal is the buyer's problem and is logged at info
//! with its reason (never with credentials); an internal failure is logged
//! once at error with its cause and answered opaquely: 503 when the
//! database is unreachable (nothing was kept; send again), else 500.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::cxml::Status;
use crate::cxml::write::{PayloadIds, status_document};
use crate::domain::ErrorForm;
use crate::store::{StoreError, StoredBodies};

/// What a cXML handler gives its edge.
pub type CxmlResult = Result<Reply, CxmlError>;

const XML: &str = "text/xml; charset=utf-8";

/// An answer ready to send: its HTTP status, content type and body, and
/// what the journal files it under.
#[derive(Debug)]
pub struct Reply {
    pub(super) status: StatusCode,
    content_type: &'static str,
    retry_after: Option<&'static str>,
    pub(super) body: Bytes,
    /// The group the exchange is filed under in the journal.
    pub(super) group_id: Option<u32>,
    /// Set when the request and this answer were stored as an order's
    /// documents: the journal then refers to them instead of copying.
    pub(super) stored: Option<StoredBodies>,
}

impl Reply {
    /// A cXML document answering with Status `code`, carried with the HTTP
    /// status that matches it (a code HTTP does not know becomes 500, 400
    /// or 200 by its class).
    pub fn document(code: u16, body: impl Into<Bytes>) -> Reply {
        Reply::new(http_status(code), XML, body.into())
    }

    /// A cXML document carried as `form` says: with the HTTP status that
    /// matches its code, or always HTTP 200 (the code only in the Status).
    pub fn document_as(form: ErrorForm, code: u16, body: impl Into<Bytes>) -> Reply {
        match form {
            ErrorForm::Code => Reply::document(code, body),
            ErrorForm::Http200 => Reply::document(200, body),
        }
    }

    /// Any other answer (an injected fault's).
    pub fn other(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
        Reply::new(status, content_type, body.into())
    }

    fn new(status: StatusCode, content_type: &'static str, body: Bytes) -> Reply {
        Reply {
            status,
            content_type,
            retry_after: None,
            body,
            group_id: None,
            stored: None,
        }
    }

    /// Asks the buyer to wait this many seconds before it tries again.
    pub fn retry_after(mut self, seconds: &'static str) -> Reply {
        self.retry_after = Some(seconds);
        self
    }

    /// Files the exchange under a group the handler found.
    pub fn of_group(mut self, group_id: u32) -> Reply {
        self.group_id = Some(group_id);
        self
    }

    /// Marks the request and this answer as stored documents.
    pub fn stored(mut self, bodies: StoredBodies) -> Reply {
        self.stored = Some(bodies);
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        // Sized once for the headers every answer gets (the content type,
        // the security headers, `Connection` while draining), so that the
        // map does not grow on the way out.
        let headers = response.headers_mut();
        headers.reserve(6);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
        }
        response
    }
}

/// The HTTP status that goes with a cXML Status code.
fn http_status(code: u16) -> StatusCode {
    StatusCode::from_u16(code)
        .ok()
        .filter(|s| s.canonical_reason().is_some() && !s.is_informational())
        .unwrap_or(if code >= 500 {
            StatusCode::INTERNAL_SERVER_ERROR
        } else if code >= 400 {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        })
}

/// Why a cXML request was not answered with a document of the handler's.
#[derive(Debug)]
pub enum CxmlError {
    /// Refused with this Status, carried over HTTP as `form` says.
    Refused {
        status: Status,
        form: ErrorForm,
        group_id: Option<u32>,
    },
    /// absim failed inside.
    Internal {
        error: StoreError,
        group_id: Option<u32>,
    },
}

impl From<StoreError> for CxmlError {
    fn from(error: StoreError) -> Self {
        CxmlError::Internal {
            error,
            group_id: None,
        }
    }
}

impl CxmlError {
    /// A refusal whose HTTP status is its code (the group is not known).
    pub fn refused(status: Status) -> CxmlError {
        CxmlError::refused_as(ErrorForm::Code, status)
    }

    /// A refusal carried as a group's `form` says.
    pub fn refused_as(form: ErrorForm, status: Status) -> CxmlError {
        CxmlError::Refused {
            status,
            form,
            group_id: None,
        }
    }

    /// Files the exchange under a group the handler found.
    pub fn of_group(mut self, id: u32) -> CxmlError {
        match &mut self {
            CxmlError::Refused { group_id, .. } | CxmlError::Internal { group_id, .. } => {
                *group_id = Some(id)
            }
        }
        self
    }

    /// The answer: the Status document, logged as the policy above says.
    pub fn reply(self, ids: &PayloadIds) -> Reply {
        let (status, form, group_id) = match self {
            CxmlError::Refused {
                status,
                form,
                group_id,
            } => {
                tracing::info!(code = status.code, text = %status.text, reason = %status.message, "refused a cXML request");
                (status, form, group_id)
            }
            CxmlError::Internal { error, group_id } => {
                tracing::error!(error = %error, "a cXML request failed inside absim");
                (internal_status(&error), ErrorForm::Code, group_id)
            }
        };
        let reply = Reply::document_as(form, status.code, status_document(&ids.next(), &status));
        Reply { group_id, ..reply }
    }
}

/// The Status of an internal failure: 503 when the database is
/// unreachable, else an opaque 500. Buyers retry both.
fn internal_status(e: &StoreError) -> Status {
    match e {
        StoreError::Unavailable(_) => Status::new(
            503,
            "Service Unavailable",
            "absim's database is unavailable, so nothing was kept; send the same document again shortly",
        ),
        _ => Status::new(
            500,
            "Internal Server Error",
            "absim could not process the request; try again",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_code_is_carried_with_its_http_status_or_its_class() {
        assert_eq!(http_status(409), StatusCode::CONFLICT);
        assert_eq!(http_status(450), StatusCode::BAD_REQUEST);
        assert_eq!(http_status(560), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(http_status(201), StatusCode::CREATED);
        assert_eq!(http_status(100), StatusCode::OK);
    }

    #[test]
    fn a_refusal_as_http_200_keeps_its_code_in_the_status_only() {
        let ids = PayloadIds::new("r", "absim.test");
        let refused = CxmlError::refused_as(
            ErrorForm::Http200,
            Status::new(401, "Unauthorized", "no such login"),
        )
        .of_group(4)
        .reply(&ids);
        assert_eq!(refused.status, StatusCode::OK);
        assert_eq!(refused.group_id, Some(4));
        let text = std::str::from_utf8(&refused.body).unwrap();
        assert!(text.contains("code=\"401\""), "{text}");
    }

    #[test]
    fn an_unreachable_database_is_a_503_and_other_failures_an_opaque_500() {
        let ids = PayloadIds::new("r", "absim.test");
        let down = CxmlError::from(StoreError::Unavailable("refused".into())).reply(&ids);
        assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
        let broken = CxmlError::from(StoreError::Corrupt("secret detail".into())).reply(&ids);
        assert_eq!(broken.status, StatusCode::INTERNAL_SERVER_ERROR);
        let text = std::str::from_utf8(&broken.body).unwrap();
        assert!(!text.contains("secret detail"), "{text}");
    }
}
