//! The request journal's inbound side: a middleware on the cXML endpoints
//! that records each request and its answer, raw, with the reason when the
//! answer was not a success (the cXML Status message, which names the near
//! miss: which credential or token did not match, and how).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::cxml::Status;
use crate::store::{Exchange, StoredBodies};

/// Marks an answer whose request and body the handler stored as documents
/// (a PO and absim's answer to it): the journal then refers to those
/// documents instead of keeping a second copy.
pub fn stored_reply(mut response: Response, bodies: StoredBodies) -> Response {
    response.extensions_mut().insert(bodies);
    response
}

/// The group a request belonged to, as its handler found it: the journal
/// files the exchange under it without looking the group up again.
#[derive(Debug, Clone, Copy)]
pub struct OfGroup(pub u32);

/// Files an answer's exchange under a group.
pub fn of_group(mut response: Response, group_id: u32) -> Response {
    response.extensions_mut().insert(OfGroup(group_id));
    response
}

pub async fn inbound(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.to_string();
    let target = parts.uri.path().to_owned();
    let limit = state.settings.max_body_bytes;
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            // The handler never runs: find the group here.
            let group_id = match target.strip_prefix("/po/") {
                Some(token) => state
                    .store
                    .group_by_token(token)
                    .await
                    .ok()
                    .flatten()
                    .map(|g| g.id),
                None => None,
            };
            let status = Status::new(
                413,
                "Request Entity Too Large",
                format!("the body is larger than {limit} bytes (--max-body-bytes)"),
            );
            let answer = super::cxml_error(&state, status);
            let exchange = Exchange {
                at: crate::cxml::time::now(),
                direction: "in".into(),
                method,
                target,
                status: Some(413),
                group_id,
                note: Some(format!("body over {limit} bytes; not read")),
                request: Bytes::new(),
                response: Bytes::new(),
                request_doc: None,
                response_doc: None,
                replica: String::new(),
            };
            if let Err(e) = state.store.record_exchange(exchange) {
                tracing::warn!(error = %e, "the journal could not record an exchange");
            }
            return answer;
        }
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    let (mut rparts, rbody) = response.into_parts();
    let stored = rparts.extensions.remove::<StoredBodies>();
    let group_id = rparts.extensions.remove::<OfGroup>().map(|g| g.0);
    let rbytes = axum::body::to_bytes(rbody, usize::MAX)
        .await
        .unwrap_or_else(|_| Bytes::new());
    let status = rparts.status.as_u16();
    let note = (status != 200 || !rbytes.windows(10).any(|w| w == b"code=\"200\"")).then(|| {
        crate::cxml::read::read_status(&rbytes)
            .map(|s| format!("{} {}: {}", s.code, s.text, s.message))
            .unwrap_or_else(|_| format!("HTTP {status}, not a cXML answer"))
    });
    let exchange = Exchange {
        at: crate::cxml::time::now(),
        direction: "in".into(),
        method,
        target,
        status: Some(status),
        group_id,
        note,
        request: bytes,
        response: rbytes.clone(),
        // Stored as documents already: the journal refers to them.
        request_doc: stored.map(|s| s.request),
        response_doc: stored.map(|s| s.response),
        replica: String::new(),
    };
    // Queued before the answer leaves; the journal's readers wait for every
    // queued entry, so a client reading it right after its answer finds the
    // exchange there. (The order itself was committed by the handler.)
    if let Err(e) = state.store.record_exchange(exchange) {
        tracing::warn!(error = %e, "the journal could not record an exchange");
    }
    (rparts, Body::from(rbytes)).into_response()
}
