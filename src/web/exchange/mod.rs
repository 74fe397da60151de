//! The edge of the cXML endpoints (the punchout setup and PO intake): every
//! exchange there is a request in and an answer out, both recorded in the
//! request journal with the reason when the answer was not a success (the
//! cXML Status message, which names the near miss: which credential or
//! token did not match, and how).
//!
//! A handler takes a [`Received`] body, the extractor that reads it under
//! the size limit (refusing and journaling a body too large or broken
//! off), decides with `domain`, and gives [`Received::answer`] its
//! [`CxmlResult`]: that writes an error's Status document, journals the
//! exchange and sends the answer.

mod answer;
mod body;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub use answer::{CxmlError, CxmlResult, Reply};

use crate::AppState;
use crate::cxml::{Status, Text};
use crate::store::Exchange;
use body::{Unread, read_body};

/// A cXML request's body, read whole, with what the journal records of the
/// request.
pub struct Received {
    pub body: Bytes,
    method: Text,
    target: String,
}

impl FromRequest<AppState> for Received {
    /// A body too large or broken off is answered here, and journaled:
    /// the handler never runs.
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let received = |body| Received {
            body,
            method: Text::from(parts.method.as_str()),
            target: parts.uri.path().to_owned(),
        };
        match read_body(body, state.settings.max_body_bytes).await {
            Ok(bytes) => Ok(received(bytes)),
            Err(unread) => Err(received(Bytes::new()).refuse_unread(state, unread).await),
        }
    }
}

impl Received {
    /// Sends a handler's answer (an error as its Status document) and
    /// records the exchange in the journal first, so that a client reading
    /// the journal right after its answer finds it there.
    pub fn answer(self, state: &AppState, outcome: CxmlResult) -> Response {
        let reply = outcome.unwrap_or_else(|e| e.reply(&state.payload_ids));
        self.record(state, &reply, None);
        reply.into_response()
    }

    /// Answers a body absim did not read whole: 413 past the limit, 400
    /// when it broke off; the connection is not reused.
    async fn refuse_unread(self, state: &AppState, unread: Unread) -> Response {
        let limit = state.settings.max_body_bytes;
        let (status, note) = match unread {
            Unread::TooLarge(seen) => {
                tracing::warn!(
                    target = %self.target,
                    limit,
                    received = seen,
                    "refused a request for its size (--max-body-bytes)"
                );
                (
                    Status::new(
                        413,
                        "Request Entity Too Large",
                        format!("the body is larger than {limit} bytes (--max-body-bytes)"),
                    ),
                    format!("body over {limit} bytes ({seen} received, discarded); not read"),
                )
            }
            Unread::Broken(why) => (
                Status::new(
                    400,
                    "Bad Request",
                    format!("the body could not be read whole: {why}"),
                ),
                format!("the body broke off: {why}"),
            ),
        };
        // The handler never runs: find the group here.
        let group = match self.target.strip_prefix("/po/") {
            Some(token) => state.store.group_by_token(token).await.ok().flatten(),
            None => None,
        };
        let form = group.as_ref().map(|g| g.cxml_errors).unwrap_or_default();
        let mut refusal = CxmlError::refused_as(form, status);
        if let Some(g) = &group {
            refusal = refusal.of_group(g.id);
        }
        let reply = refusal.reply(&state.payload_ids);
        self.record(state, &reply, Some(note));
        let mut response = reply.into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        response
    }

    /// Records the exchange. `note` says why, when the answer was not a
    /// success; by default the answer's own Status message.
    fn record(self, state: &AppState, reply: &Reply, note: Option<String>) {
        let status = reply.status.as_u16();
        let unread = note.is_some();
        let note = note.or_else(|| failure_note(status, &reply.body));
        let exchange = Exchange {
            at: crate::cxml::time::now(),
            direction: "in".into(),
            method: self.method,
            target: self.target,
            status: Some(status),
            group_id: reply.group_id,
            note,
            // An unread body is not kept; a stored one is referred to.
            request: if unread { Bytes::new() } else { self.body },
            response: if unread {
                Bytes::new()
            } else {
                reply.body.clone()
            },
            request_doc: reply.stored.map(|s| s.request),
            response_doc: reply.stored.map(|s| s.response),
            replica: Default::default(),
        };
        // Queued before the answer leaves; the journal's readers wait for
        // every queued entry. (An order was committed by its handler.)
        if let Err(e) = state.store.record_exchange(exchange) {
            tracing::warn!(error = %e, "the journal could not record an exchange");
        }
    }
}

/// Any method but POST on a cXML endpoint: 405, journaled like every
/// exchange there.
pub async fn other_method(
    axum::extract::State(state): axum::extract::State<AppState>,
    received: Received,
) -> Response {
    let reply = Reply::other(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "text/plain; charset=utf-8",
        Bytes::new(),
    );
    received.record(&state, &reply, None);
    let mut response = reply.into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// Why an answer was not a success, for the journal: its Status, or that
/// it was no cXML answer at all (an injected fault's). None for a success.
fn failure_note(status: u16, answer: &[u8]) -> Option<String> {
    let succeeded = status == 200 && answer.windows(10).any(|w| w == b"code=\"200\"");
    (!succeeded).then(|| {
        crate::cxml::read::read_status(answer)
            .map(|s| format!("{} {}: {}", s.code, s.text, s.message))
            .unwrap_or_else(|_| format!("HTTP {status}, not a cXML answer"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_has_no_note_and_a_refusal_or_a_fault_says_why() {
        let ok = br#"<cXML><Response><Status code="200" text="OK"/></Response></cXML>"#;
        assert_eq!(failure_note(200, ok), None);
        let refused =
            br#"<cXML><Response><Status code="409" text="Conflict">seen before</Status></Response></cXML>"#;
        assert_eq!(
            failure_note(200, refused).as_deref(),
            Some("409 Conflict: seen before")
        );
        assert_eq!(
            failure_note(503, b"Service Unavailable").as_deref(),
            Some("HTTP 503, not a cXML answer")
        );
    }
}
