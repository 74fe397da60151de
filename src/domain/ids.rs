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
