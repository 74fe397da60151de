//! The PO against what came before it: its punchout session, the last cart
//! returned, and its own header.

use rust_decimal::Decimal;

use super::evidence::{Evidence, last_cart};
use super::outcome::Check;
use crate::domain::order::{Order, OrderLine};
use crate::domain::pricing::Currency;
use crate::domain::session::ReturnedLine;
use crate::i18n::Value;
use crate::note;

/// The one name of every check of the lines against the cart, so that a CI
/// report keeps them as one test case.
const LINES_MATCH: &str = "PO lines match the cart";

const LINKED: &str = "PO linked to its punchout";

/// The checks of the punchout a PO comes from. A PO linked to none still
/// has each of them, failed with the reason, so that a CI report keeps the
/// same test cases whatever happened.
pub(super) fn check_setup(e: &Evidence, checks: &mut Vec<Check>) {
    const OF_THE_PUNCHOUT: [&str; 3] = [
        "punchout credentials",
        "punchout e-mail",
        "punchout hook URL",
    ];
    let Some(s) = e.session else {
        checks.push(Check::fail(LINKED, note!("check-po-unlinked")));
        for name in OF_THE_PUNCHOUT {
            checks.push(Check::fail(name, note!("check-without-punchout")));
        }
        return;
    };
    checks.push(Check::pass(LINKED, note!("check-po-linked")));
    checks.push(Check::pass_if(
        "punchout credentials",
        s.setup.credentials_valid,
        note!("check-punchout-credentials"),
    ));
    checks.push(Check::pass_if(
        "punchout e-mail",
        s.setup.email.is_some(),
        note!("check-punchout-email"),
    ));
    checks.push(Check::pass_if(
        "punchout hook URL",
        s.setup.hook_url.is_some(),
        note!("check-punchout-hook"),
    ));
}

pub(super) fn check_lines(e: &Evidence, checks: &mut Vec<Check>) {
    if e.session.is_none() {
        // No cart to hold the lines to: what each line lacks, said directly.
        checks.extend(e.order.lines.iter().map(|l| {
            let n = l.line_number;
            Check::fail(
                LINES_MATCH,
                match &l.aux_id {
                    None => note!("check-line-aux-missing", line = n),
                    Some(aux) => note!("check-line-aux-in-no-cart", line = n, aux = aux),
                },
            )
        }));
        return;
    }
    let Some(cart) = last_cart(e) else {
        checks.push(Check::fail(LINES_MATCH, note!("check-po-before-cart")));
        return;
    };
    let before = checks.len();
    for line in &e.order.lines {
        checks.extend(compare_with_cart(line, cart, e.currency));
    }
    if checks.len() == before {
        checks.push(Check::pass(LINES_MATCH, note!("check-lines-match")));
    }
}

/// Where a PO line departs from the cart line its SupplierPartAuxiliaryID
/// names: a failed check per field, with the expected and the received
/// value; none when the line matches. `currency` is the group's store's:
/// the cart was priced in it.
pub(super) fn compare_with_cart(
    l: &OrderLine,
    cart: &[ReturnedLine],
    currency: &Currency,
) -> Vec<Check> {
    let n = l.line_number;
    let Some(aux) = &l.aux_id else {
        return vec![Check::fail(
            LINES_MATCH,
            note!("check-line-aux-missing", line = n),
        )];
    };
    let Some(c) = cart.iter().find(|c| c.aux_id == *aux) else {
        return vec![Check::fail(
            LINES_MATCH,
            note!("check-line-aux-unknown", line = n, aux = aux),
        )];
    };
    // `field` chooses the field's name in each language.
    let mismatch = |field: &'static str, expected: Value, got: Value| {
        Check::fail(
            LINES_MATCH,
            note!(
                "check-line-differs",
                line = n,
                field = field,
                expected = expected,
                received = got
            ),
        )
    };
    let mut problems = Vec::new();
    if l.asin != c.asin {
        problems.push(mismatch(
            "asin",
            c.asin.as_str().into(),
            l.asin.as_str().into(),
        ));
    }
    if l.quantity != Decimal::from(c.quantity) {
        problems.push(mismatch(
            "quantity",
            c.quantity.into(),
            l.quantity.normalize().into(),
        ));
    }
    if l.unit_price != c.unit_price {
        problems.push(mismatch(
            "unit-price",
            currency.value(c.unit_price),
            currency.value(l.unit_price),
        ));
    }
    if !l.currency.eq_ignore_ascii_case(&currency.code) {
        problems.push(mismatch(
            "currency",
            currency.code.as_str().into(),
            l.currency.as_str().into(),
        ));
    }
    problems
}

pub(super) fn check_header(order: &Order, currency: &Currency, checks: &mut Vec<Check>) {
    let sum: Decimal = order.lines.iter().map(|l| l.total()).sum();
    match order.po_total {
        Some(total) => checks.push(Check::pass_if(
            "PO Total",
            total == sum,
            if total == sum {
                note!(
                    "check-po-total-equal",
                    total = currency.value(total),
                    sum = currency.value(sum)
                )
            } else {
                note!(
                    "check-po-total-differs",
                    total = currency.value(total),
                    sum = currency.value(sum)
                )
            },
        )),
        None => checks.push(Check::fail("PO Total", note!("check-po-total-missing"))),
    }
    checks.push(Check::pass(
        "orderID unique",
        note!("check-order-id-unique", order_id = order.order_id.as_str()),
    ));
    let no_bill_to = order.deviations.iter().any(|d| d.code == "no-bill-to");
    checks.push(Check::pass_if(
        "ShipTo and BillTo",
        !no_bill_to,
        if no_bill_to {
            note!("check-no-bill-to")
        } else {
            note!("check-ship-to-and-bill-to")
        },
    ));
}
