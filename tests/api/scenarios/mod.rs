//! Every scenario of the catalogue, end to end: the documents absim
//! produces, and the automatic checks for a well-behaved buyer and for a
//! buyer that makes the mistake the scenario is about. Every document is
//! DTD-checked.

mod advanced;
mod checkout;
mod safeguard;

use absim::cxml::confirmation::ConfirmationRequest;
use absim::cxml::invoice::InvoiceDetailRequest;
use absim::cxml::read;
use absim::cxml::ship_notice::ShipNoticeRequest;
use absim::domain::fault::FaultKind;
use absim::domain::safeguard::{Action, QuantityAction, Tolerances};
use rust_decimal::Decimal;

use crate::helpers::*;

const DESK: &str = "B087JWRCP5"; // 16182
const PEN: &str = "B001TK8QMA"; // 528
const TEA: &str = "B074J5TWYL"; // 699

async fn app() -> TestApp {
    spawn_app_steppable(|_| {}).await
}

async fn tolerances(app: &TestApp, t: Tolerances) {
    app.state
        .store
        .update_group(1, |g| {
            g.tolerances = t;
            Ok(())
        })
        .await
        .unwrap();
}

/// Shops `items`, returns the cart, sends its PO, settles the deliveries
/// and gives the entry number.
async fn order(app: &mut TestApp, scenario: &str, items: &[(&str, u32)]) -> u64 {
    let sid = app.open_store("create", &[], Some(scenario)).await;
    for (asin, q) in items {
        app.add_to_cart(&sid, asin, *q).await;
    }
    let cart = app.return_cart(&sid, false).await;
    let po = app.po_for(&cart, &format!("PO-{scenario}-{}", unique()));
    let r = app.send_po(&po).await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.settle().await;
    app.last_entry().await
}

/// The mistake most scenarios are about: the buyer cannot take the document
/// the scenario produces (answers cXML 400 at `path`). The checks must say so.
async fn buyer_refuses(app: &mut TestApp, path: &str, scenario: &str, items: &[(&str, u32)]) {
    app.receiver.answer(path, Answer::cxml(400));
    let no = order(app, scenario, items).await;
    let checks = app.checks(no).await;
    assert!(
        checks.failure_mentions("could not be delivered"),
        "{scenario}: {checks:?}"
    );
    assert!(checks.verdict.starts_with("Failure"), "{scenario}");
    app.receiver.answer(path, Answer::cxml(200));
    app.collect_posts();
}

fn confirmation(app: &mut TestApp) -> absim::cxml::Cxml<ConfirmationRequest> {
    let posts = app.collect_posts();
    let (_, conf) = posts
        .iter()
        .find(|(p, _)| p == "/confirm")
        .expect("a confirmation was posted");
    read::<ConfirmationRequest>(conf.body.as_bytes())
        .unwrap()
        .doc
}

fn ship_notices(app: &TestApp) -> Vec<ShipNoticeRequest> {
    app.emitted
        .iter()
        .filter(|(name, _)| name == "ship")
        .map(|(_, body)| {
            read::<ShipNoticeRequest>(body.as_bytes())
                .unwrap()
                .doc
                .payload()
                .unwrap()
                .clone()
        })
        .collect()
}

/// Spoils a PO in the way a refusal scenario is about.
type Spoil = fn(&mut absim::cxml::Cxml<absim::cxml::order_request::OrderRequest>);

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn basic_a_matching_po_passes_and_a_changed_quantity_fails() {
    let mut app = app().await;
    let no = order(&mut app, "basic", &[(DESK, 1)]).await;
    let checks = app.checks(no).await;
    checks.assert_all_pass();
    assert!(checks.verdict.starts_with("Success"), "{}", checks.verdict);
    assert!(
        checks
            .passed
            .iter()
            .any(|c| c.starts_with("Every PO line matches the cart")),
        "{checks:?}"
    );
    app.collect_posts();

    // The mistake: the PO's quantity differs from the cart.
    let sid = app.open_store("create", &[], Some("basic")).await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let mut po = app.po_for(&cart, "PO-BASIC-WRONG");
    po.request.as_mut().unwrap().payload.items[0].quantity = "2".into();
    assert_eq!(app.send_po(&po).await.status, 200);
    app.settle().await;
    let checks = app.checks(app.last_entry().await).await;
    checks.assert_fails_with("Line 1: quantity — expected '1', received '2'");
    assert!(checks.verdict.starts_with("Failure"));
    app.collect_posts();
    app.validate_emitted();
}
