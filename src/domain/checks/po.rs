//! The PO against what came before it: its punchout session, the last cart
//! returned, and its own header.

use rust_decimal::Decimal;

use super::evidence::{Evidence, last_cart};
use super::outcome::Check;
use crate::domain::order::{Order, OrderLine};
use crate::domain::session::ReturnedLine;

/// The one name of every check of the lines against the cart, so that a CI
/// report keeps them as one test case.
const LINES_MATCH: &str = "PO lines match the cart";

pub(super) fn check_setup(e: &Evidence, checks: &mut Vec<Check>) {
    let Some(s) = e.session else {
        checks.push(Check::fail(
            "PO linked to its punchout",
            "発注書をパンチアウトセッションに結び付けられません: どの行の SupplierPartAuxiliaryID もカートと一致しません。",
            "The PO cannot be linked to a punchout session: no line's SupplierPartAuxiliaryID matches a cart.",
        ));
        return;
    };
    checks.push(Check::pass_if(
        "punchout credentials",
        s.setup.credentials_valid,
        "パンチアウトの認証情報は有効でした。",
        "The punchout credentials were valid.",
    ));
    checks.push(Check::pass_if(
        "punchout e-mail",
        s.setup.email.is_some(),
        "パンチアウトでメールアドレスを受け取りました。",
        "The punchout carried the user's e-mail.",
    ));
    checks.push(Check::pass_if(
        "punchout hook URL",
        s.setup.hook_url.is_some(),
        "パンチアウトでフックURLを受け取りました。",
        "The punchout carried the hook URL.",
    ));
}

pub(super) fn check_lines(e: &Evidence, checks: &mut Vec<Check>) {
    let Some(cart) = last_cart(e) else {
        if e.session.is_some() {
            checks.push(Check::fail(
                LINES_MATCH,
                "カートが購入システムに返却される前に発注書が届きました。",
                "The PO arrived before any cart was returned to the purchasing system.",
            ));
        }
        return;
    };
    let before = checks.len();
    for line in &e.order.lines {
        checks.extend(compare_with_cart(line, cart, e.currency));
    }
    if checks.len() == before {
        checks.push(Check::pass(
            LINES_MATCH,
            "発注書の各行 (ASIN、SupplierPartAuxiliaryID、数量、単価、通貨) がカートと一致しています。",
            "Every PO line matches the cart (ASIN, SupplierPartAuxiliaryID, quantity, unit price, currency).",
        ));
    }
}

/// Where a PO line departs from the cart line its SupplierPartAuxiliaryID
/// names: a failed check per field, with the expected and the received
/// value; none when the line matches. `currency` is the group's store's:
/// the cart was priced in it.
pub(super) fn compare_with_cart(
    l: &OrderLine,
    cart: &[ReturnedLine],
    currency: &str,
) -> Vec<Check> {
    let n = l.line_number;
    let Some(aux) = &l.aux_id else {
        return vec![Check::fail(
            LINES_MATCH,
            format!(
                "行{n}: SupplierPartAuxiliaryID がありません (カートの値をそのまま返してください)。"
            ),
            format!("Line {n}: no SupplierPartAuxiliaryID (echo the cart's value)."),
        )];
    };
    let Some(c) = cart.iter().find(|c| c.aux_id == *aux) else {
        return vec![Check::fail(
            LINES_MATCH,
            format!("行{n}: SupplierPartAuxiliaryID「{aux}」は最後に返却したカートにありません。"),
            format!("Line {n}: SupplierPartAuxiliaryID '{aux}' is not in the last cart returned."),
        )];
    };
    let mismatch = |field_ja: &str, field_en: &str, expected: String, got: String| {
        Check::fail(
            LINES_MATCH,
            format!("行{n}: {field_ja} — 期待値「{expected}」、受信値「{got}」"),
            format!("Line {n}: {field_en} — expected '{expected}', received '{got}'"),
        )
    };
    let mut problems = Vec::new();
    if l.asin != c.asin {
        problems.push(mismatch(
            "ASIN (SupplierPartID)",
            "ASIN (SupplierPartID)",
            c.asin.clone(),
            l.asin.to_string(),
        ));
    }
    if l.quantity != Decimal::from(c.quantity) {
        problems.push(mismatch(
            "数量",
            "quantity",
            c.quantity.to_string(),
            l.quantity.normalize().to_string(),
        ));
    }
    if l.unit_price != c.unit_price {
        problems.push(mismatch(
            "単価",
            "unit price",
            format!("{:.2}", c.unit_price),
            format!("{:.2}", l.unit_price),
        ));
    }
    if !l.currency.eq_ignore_ascii_case(currency) {
        problems.push(mismatch(
            "通貨",
            "currency",
            currency.into(),
            l.currency.to_string(),
        ));
    }
    problems
}

pub(super) fn check_header(order: &Order, checks: &mut Vec<Check>) {
    let sum: Decimal = order.lines.iter().map(|l| l.total()).sum();
    match order.po_total {
        Some(total) => checks.push(Check::pass_if(
            "PO Total",
            total == sum,
            format!(
                "発注書の合計 {total:.2} は行の合計 {sum:.2} と一致{}。",
                if total == sum {
                    "しています"
                } else {
                    "しません"
                }
            ),
            format!(
                "The PO Total {total:.2} {} the sum of its lines {sum:.2}.",
                if total == sum {
                    "equals"
                } else {
                    "differs from"
                }
            ),
        )),
        None => checks.push(Check::fail(
            "PO Total",
            "発注書に Total がありません。",
            "The PO has no Total.",
        )),
    }
    checks.push(Check::pass(
        "orderID unique",
        format!(
            "発注番号 (orderID)「{}」はこのグループで一意です。",
            order.order_id
        ),
        format!("The orderID '{}' is unique in this group.", order.order_id),
    ));
    let no_bill_to = order.deviations.iter().any(|d| d.code == "no-bill-to");
    checks.push(Check::pass_if(
        "ShipTo and BillTo",
        !no_bill_to,
        if no_bill_to {
            "発注書に BillTo がありません (ShipTo はあります)。"
        } else {
            "発注書に ShipTo と BillTo があります。"
        },
        if no_bill_to {
            "The PO has no BillTo (it has a ShipTo)."
        } else {
            "The PO has a ShipTo and a BillTo."
        },
    ));
}
