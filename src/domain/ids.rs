//! Identifiers in Amazon's shapes: order numbers (3-7-7 digits), test-mode
//! delivery numbers (`test` + 17 digits), cart references.

use rand::Rng;

use crate::cxml::Text;

/// `prefix`, then groups of random digits of the given lengths joined by
/// `-`. Every id absim makes fits in a [`Text`]'s 24 bytes: none allocates.
fn digits(prefix: &str, groups: &[usize]) -> Text {
    let mut rng = rand::rng();
    let mut out = Text::from(prefix);
    for (i, &n) in groups.iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        out.extend((0..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))));
    }
    out
}

/// An Amazon order number, `503-1234567-1234567`, used as confirmID.
pub fn amazon_order_number() -> Text {
    digits("", &[3, 7, 7])
}

/// 納品番号 in test mode: `test` followed by 17 digits.
pub fn test_delivery_number() -> Text {
    digits("test", &[17])
}

/// A carrier-style tracking number for active mode.
pub fn tracking_number() -> Text {
    digits("", &[12])
}

/// Base 62 in ASCII order: digits, then capitals, then small letters.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A punchout session's id, which its storefront URL carries: the creation
/// time in milliseconds as eight base-62 characters (ids sort by when they
/// were made), then 32 random letters and digits (190 bits: unguessable).
/// Time-ordered keys keep the database's index on the id writing at its
/// end for new sessions and at its start for evicted ones, where random
/// ids wrote a page in the middle for each.
pub fn session_id(now_ms: i64) -> String {
    let mut out = String::with_capacity(40);
    let mut time = [b'0'; 8];
    let mut rest = now_ms.max(0) as u64;
    for place in time.iter_mut().rev() {
        *place = BASE62[(rest % 62) as usize];
        rest /= 62;
    }
    out.extend(time.iter().map(|&b| char::from(b)));
    out.push_str(&super::account::generate_token(32));
    out
}

/// When a session id of [`session_id`]'s shape was made, in ms: a session
/// the store no longer has can then be told expired rather than unknown.
pub fn session_created_ms(id: &str) -> Option<i64> {
    let time = id.get(..8).filter(|_| id.len() == 40)?;
    time.bytes().try_fold(0i64, |acc, b| {
        let digit = BASE62.iter().position(|&c| c == b)?;
        Some(acc * 62 + digit as i64)
    })
}

/// A cart reference in the order-number shape; each line's
/// SupplierPartAuxiliaryID is `<cart>,<line>` as in Amazon's POOMs.
pub fn cart_reference() -> String {
    amazon_order_number().into()
}

/// Splits a SupplierPartAuxiliaryID into the cart reference and line number.
pub fn parse_aux_id(aux: &str) -> Option<(&str, u32)> {
    let (cart, line) = aux.trim().rsplit_once(',')?;
    Some((cart, line.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_id_says_when_it_was_made() {
        let at = 1_765_170_000_123;
        assert_eq!(session_created_ms(&session_id(at)), Some(at));
        assert_eq!(session_created_ms("short"), None);
        assert_eq!(session_created_ms(&"!".repeat(40)), None);
    }

    #[test]
    fn session_ids_sort_by_creation_and_are_unguessable() {
        let times = [
            0,
            61,
            62,
            999,
            1_764_460_800_000,
            1_764_460_800_001,
            62i64.pow(8) - 1,
        ];
        let ids: Vec<String> = times.iter().map(|&t| session_id(t)).collect();
        for id in &ids {
            assert_eq!(id.len(), 40, "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        }
        for pair in ids.windows(2) {
            assert!(pair[0] < pair[1], "{} !< {}", pair[0], pair[1]);
        }
        assert_eq!(&ids[1][..8], "0000000z");
        assert_eq!(&ids[2][..8], "00000010");
        // The same millisecond: the random part tells them apart.
        assert_ne!(session_id(5), session_id(5));
    }

    #[test]
    fn shapes_match_amazons() {
        let o = amazon_order_number();
        let parts: Vec<&str> = o.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [3, 7, 7]);
        assert!(o.replace('-', "").chars().all(|c| c.is_ascii_digit()));
        let d = test_delivery_number();
        assert_eq!(d.len(), 21);
        assert!(d.starts_with("test") && d[4..].chars().all(|c| c.is_ascii_digit()));
        let t = tracking_number();
        assert!(
            t.len() == 12 && t.chars().all(|c| c.is_ascii_digit()),
            "{t}"
        );
        // Each is written in place, without an allocation.
        for id in [o, d, t] {
            assert!(!id.is_heap_allocated(), "{id}");
        }
    }

    #[test]
    fn aux_ids_round_trip() {
        assert_eq!(
            parse_aux_id("136-4982173-3109337,2"),
            Some(("136-4982173-3109337", 2))
        );
        assert_eq!(parse_aux_id("no-comma"), None);
    }
}
