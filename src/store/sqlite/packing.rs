//! Document bodies stored compressed: an LZ4 block (lz4_flex) in `body`,
//! the length of the bytes as sent in `packed_size`; NULL there means the
//! body is stored as it is (short bodies, bodies LZ4 does not shrink, and
//! every document written before this existed).
//!
//! Why: a PO's documents are most of what a PO writes, and on one core the
//! writer's WAL frames, checkpoint copies and page-cache work cost more per
//! byte than LZ4 does; cXML compresses well (docs/performance.md has the
//! figures). The bytes read back are the bytes received: `unpack` checks
//! the length. The PostgreSQL engine needs none of this: it compresses
//! large values itself (TOAST).
//!
//! Every query that reads a body reads `unpack(body, packed_size)`, an SQL
//! function registered on each connection, so the journal's join and the
//! copy a reset makes into the journal stay single statements.

use bytes::Bytes;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::store::model::StoreError;

/// Bodies shorter than this are stored as they are: a status answer (325
/// bytes) would shrink by a few dozen bytes for the work of packing it.
const PACK_FROM: usize = 1024;

/// A body as it is written: `body` is what the column holds, `size` the
/// length sent (None: `body` is that).
#[derive(Debug, Clone)]
pub(super) struct Packed {
    pub body: Bytes,
    pub size: Option<i64>,
}

/// Packs `body` when that saves at least an eighth of it.
pub(super) fn pack(body: &Bytes) -> Packed {
    if body.len() >= PACK_FROM {
        let block = lz4_flex::block::compress(body);
        if block.len() <= body.len() - body.len() / 8 {
            return Packed {
                body: Bytes::from(block),
                size: Some(body.len() as i64),
            };
        }
    }
    Packed {
        body: body.clone(),
        size: None,
    }
}

/// The bytes sent, from a stored `body` and its `packed_size`.
pub(super) fn unpack(body: &[u8], size: Option<i64>) -> Result<Vec<u8>, StoreError> {
    let Some(size) = size else {
        return Ok(body.to_vec());
    };
    let corrupt = |why: String| StoreError::Corrupt(format!("a packed document body {why}"));
    // An LZ4 block expands at most 255 times (plus a little): a larger
    // size is damage, and is not allocated.
    let expected = usize::try_from(size)
        .ok()
        .filter(|&n| n <= body.len().saturating_mul(255).saturating_add(64))
        .ok_or_else(|| corrupt(format!("of {} bytes claims a size of {size}", body.len())))?;
    let bytes = lz4_flex::block::decompress(body, expected)
        .map_err(|e| corrupt(format!("does not unpack: {e}")))?;
    if bytes.len() != expected {
        return Err(corrupt(format!(
            "unpacks to {} bytes, not the {expected} stored",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// Registers `unpack(body, packed_size)` on `c`: NULL for a NULL body (a
/// LEFT JOIN that found no document), else the bytes sent as a BLOB.
pub(super) fn register(c: &Connection) -> rusqlite::Result<()> {
    c.create_scalar_function(
        "unpack",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            use rusqlite::types::ValueRef;
            let body = match ctx.get_raw(0) {
                ValueRef::Blob(b) | ValueRef::Text(b) => b,
                _ => return Ok(None),
            };
            unpack(body, ctx.get(1)?)
                .map(Some)
                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn po() -> Bytes {
        let line = "<ItemOut quantity=\"1\"><ItemID><SupplierPartID>B0000</SupplierPartID></ItemID></ItemOut>\n";
        Bytes::from(format!("<cXML>{}</cXML>", line.repeat(40)))
    }

    #[test]
    fn a_document_comes_back_byte_for_byte() {
        let body = po();
        let packed = pack(&body);
        assert_eq!(packed.size, Some(body.len() as i64));
        assert!(packed.body.len() < body.len() / 2, "{}", packed.body.len());
        assert_eq!(unpack(&packed.body, packed.size).unwrap(), body);
    }

    #[test]
    fn short_or_incompressible_bodies_are_stored_as_they_are() {
        let short = Bytes::from_static(b"<cXML><Response><Status code=\"200\"/></Response></cXML>");
        let packed = pack(&short);
        assert_eq!((packed.body.as_ref(), packed.size), (short.as_ref(), None));

        // Random bytes do not shrink by an eighth.
        let noise: Vec<u8> = (0..4096).map(|_| rand::random::<u8>()).collect();
        let noise = Bytes::from(noise);
        let packed = pack(&noise);
        assert_eq!((packed.body.as_ref(), packed.size), (noise.as_ref(), None));
        assert_eq!(unpack(&packed.body, None).unwrap(), noise);
    }

    #[test]
    fn a_damaged_body_is_an_error_not_a_panic() {
        let packed = pack(&po());
        let size = packed.size;
        let cut = &packed.body[..packed.body.len() / 2];
        assert!(matches!(unpack(cut, size), Err(StoreError::Corrupt(_))));
        let wrong_size = size.map(|s| s + 1);
        assert!(matches!(
            unpack(&packed.body, wrong_size),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            unpack(&packed.body, Some(-1)),
            Err(StoreError::Corrupt(_))
        ));
        // A size no block of this length could unpack to is not allocated.
        assert!(matches!(
            unpack(&packed.body, Some(i64::MAX)),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn the_sql_function_unpacks_and_passes_null_through() {
        let c = Connection::open_in_memory().unwrap();
        register(&c).unwrap();
        let body = po();
        let packed = pack(&body);
        let back: Vec<u8> = c
            .query_row(
                "SELECT unpack(?1, ?2)",
                rusqlite::params![&packed.body[..], packed.size],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(back, body);
        let plain: Vec<u8> = c
            .query_row("SELECT unpack(x'3c613e', NULL)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(plain, b"<a>");
        let none: Option<Vec<u8>> = c
            .query_row("SELECT unpack(NULL, NULL)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(none, None);
        let err = c
            .query_row("SELECT unpack(x'00ff', 100)", [], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .unwrap_err();
        assert!(err.to_string().contains("packed document body"), "{err}");
    }
}
