//! Reading a cXML request's body under the size limit, with a lingering
//! close past it.

use axum::body::{Body, Bytes};

/// How much of an oversized body absim still reads (and discards) before
/// it answers 413, and for how long: a client that writes its whole body
/// before reading the answer gets the 413 instead of a reset connection
/// (a lingering close, as mature servers do).
const LINGER_BYTES: usize = 64 * 1024 * 1024;
const LINGER_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a body was not read whole.
pub(super) enum Unread {
    /// Over the limit: how many bytes came before absim stopped reading.
    TooLarge(usize),
    /// The client broke off.
    Broken(String),
}

/// Reads a body up to `limit` bytes; past it, reads on and discards up to
/// [`LINGER_BYTES`] for at most [`LINGER_TIME`]. A body that arrives in one
/// frame (a PO usually does) is kept as it came, without a copy.
pub(super) async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, Unread> {
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
