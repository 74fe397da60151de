//! The request journal's inbound side: a middleware on the cXML endpoints
//! that records each request and its answer, raw, with the reason when the
//! answer was not a success (the cXML Status message, which names the near
//! miss: which credential or token did not match, and how).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::cxml::Status;
use crate::store::{Exchange, StoredBodies};

/// Marks an answer whose request and body the handler stored as documents
/// (a PO and absim's answer to it): the journal then refers to those
/// documents instead of keeping a second copy.
pub fn stored_reply(mut response: Response, bodies: StoredBodies) -> Response {
    filing(&mut response).stored = Some(bodies);
    response
}

/// Files an answer's exchange under a group, as its handler found it: the
/// journal does not look the group up again.
pub fn of_group(mut response: Response, group_id: u32) -> Response {
    filing(&mut response).group_id = Some(group_id);
    response
}

/// Gives the journal an answer's body as the handler made it: the journal
/// records it without reading the body back (and building a new one).
pub fn answered(response: &mut Response, body: Bytes) {
    filing(response).answer = Some(body);
}

/// What a handler tells the journal about its answer, in one extension.
#[derive(Debug, Clone, Default)]
struct Filing {
    group_id: Option<u32>,
    stored: Option<StoredBodies>,
    answer: Option<Bytes>,
}

/// A cXML request's body: the journal reads it whole and hands it to the
/// handler in the request's extensions, so that it is neither wrapped in
/// a new body nor collected a second time. Outside the journal (a handler
/// mounted without it), the body itself.
#[derive(Debug, Clone)]
pub struct Received(pub Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Received {
    type Rejection = axum::extract::rejection::BytesRejection;

    async fn from_request(mut request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match request.extensions_mut().remove::<Received>() {
            Some(received) => Ok(received),
            None => Bytes::from_request(request, state).await.map(Received),
        }
    }
}

fn filing(response: &mut Response) -> &mut Filing {
    response.extensions_mut().get_or_insert_default()
}

/// How much of an oversized body absim still reads (and discards) before
/// it answers 413, and for how long: a client that writes its whole body
/// before reading the answer gets the 413 instead of a reset connection
/// (a lingering close, as mature servers do).
pub const LINGER_BYTES: usize = 64 * 1024 * 1024;
pub const LINGER_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a body was not read whole.
enum Unread {
    /// Over the limit: how many bytes came before absim stopped reading.
    TooLarge(usize),
    /// The client broke off.
    Broken(String),
}

/// Reads a body up to `limit` bytes; past it, reads on and discards up to
/// [`LINGER_BYTES`] for at most [`LINGER_TIME`]. A body that arrives in one
/// frame (a PO usually does) is kept as it came, without a copy.
async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, Unread> {
    use http_body_util::BodyExt;
    let mut first: Option<Bytes> = None;
    let mut buf = bytes::BytesMut::new();
    loop {
        match body.frame().await {
            None => return Ok(first.unwrap_or_else(|| buf.freeze())),
            Some(Err(e)) => return Err(Unread::Broken(e.to_string())),
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                let read = first.as_ref().map_or(buf.len(), Bytes::len);
                if read + data.len() > limit {
                    let mut seen = read + data.len();
                    drop((first, buf));
                    let deadline = tokio::time::Instant::now() + LINGER_TIME;
                    while seen < LINGER_BYTES {
                        match tokio::time::timeout_at(deadline, body.frame()).await {
                            Ok(Some(Ok(f))) => seen += f.data_ref().map_or(0, |d| d.len()),
                            _ => break,
                        }
                    }
                    return Err(Unread::TooLarge(seen));
                }
                match first.take() {
                    None if buf.is_empty() => first = Some(data),
                    earlier => {
                        if let Some(earlier) = earlier {
                            buf.extend_from_slice(&earlier);
                        }
                        buf.extend_from_slice(&data);
                    }
                }
            }
        }
    }
}

pub async fn inbound(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let method = crate::cxml::Text::from(parts.method.as_str());
    let target = parts.uri.path().to_owned();
    let limit = state.settings.max_body_bytes;
    let bytes = match read_body(body, limit).await {
        Ok(b) => b,
        Err(unread) => {
            // The handler never runs: find the group here.
            let group = match target.strip_prefix("/po/") {
                Some(token) => state.store.group_by_token(token).await.ok().flatten(),
                None => None,
            };
            let (status, note) = match unread {
                Unread::TooLarge(seen) => {
                    tracing::warn!(
                        target = %target,
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
            let code = status.code;
            let form = group.as_ref().map(|g| g.cxml_errors).unwrap_or_default();
            let mut answer = super::cxml_error_as(&state, form, status);
            // The connection is not reused after a body absim did not read.
            answer.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            let exchange = Exchange {
                at: crate::cxml::time::now(),
                direction: "in".into(),
                method,
                target,
                status: Some(code),
                group_id: group.map(|g| g.id),
                note: Some(note),
                request: Bytes::new(),
                response: Bytes::new(),
                request_doc: None,
                response_doc: None,
                replica: Default::default(),
            };
            if let Err(e) = state.store.record_exchange(exchange) {
                tracing::warn!(error = %e, "the journal could not record an exchange");
            }
            return answer;
        }
    };
    parts.extensions.insert(Received(bytes.clone()));
    let response = next.run(Request::from_parts(parts, Body::empty())).await;
    let (mut rparts, rbody) = response.into_parts();
    let Filing {
        group_id,
        stored,
        answer,
    } = rparts.extensions.remove().unwrap_or_default();
    let (rbytes, rbody) = match answer {
        Some(answer) => (answer, rbody),
        // Not a cXML answer of absim's (a fault injected as plain text, a
        // timeout): read back to be recorded.
        None => {
            let read = axum::body::to_bytes(rbody, usize::MAX)
                .await
                .unwrap_or_else(|_| Bytes::new());
            (read.clone(), Body::from(read))
        }
    };
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
        response: rbytes,
        // Stored as documents already: the journal refers to them.
        request_doc: stored.map(|s| s.request),
        response_doc: stored.map(|s| s.response),
        replica: Default::default(),
    };
    // Queued before the answer leaves; the journal's readers wait for every
    // queued entry, so a client reading it right after its answer finds the
    // exchange there. (The order itself was committed by the handler.)
    if let Err(e) = state.store.record_exchange(exchange) {
        tracing::warn!(error = %e, "the journal could not record an exchange");
    }
    Response::from_parts(rparts, rbody)
}

#[cfg(test)]
mod tests {
    use axum::extract::FromRequest;

    use super::*;

    #[tokio::test]
    async fn a_handler_gets_the_body_the_journal_read_or_else_the_request_body() {
        let plain = Request::new(Body::from("<cXML/>"));
        let Received(body) = Received::from_request(plain, &()).await.unwrap();
        assert_eq!(&body[..], b"<cXML/>");

        let mut handed = Request::new(Body::empty());
        handed
            .extensions_mut()
            .insert(Received(Bytes::from_static(b"<PO/>")));
        let Received(body) = Received::from_request(handed, &()).await.unwrap();
        assert_eq!(&body[..], b"<PO/>");
    }
}
