//! The public samples in `../shared/cxml/samples` (read through ../shared,
//! never copied): absim accepts the buyers' documents and reads every kind.
//! Each test says when it is skipped because ../shared is absent.

use absim::cxml::confirmation::ConfirmationRequest;
use absim::cxml::order_message::PunchOutOrderMessage;
use absim::cxml::order_request::OrderRequest;
use absim::cxml::punchout_setup::PunchOutSetupRequest;
use absim::cxml::read;
use absim::cxml::ship_notice::ShipNoticeRequest;

use crate::helpers::*;

fn sample(name: &str) -> Option<String> {
    let s = shared_sample(name);
    if s.is_none() {
        eprintln!("skipped: ../shared/cxml/samples/{name} is not there");
    }
    s
}

/// Swaps the sample's Sender for one carrying the group's credentials, as an
/// integrator configures a/b in their system; nothing else changes.
fn with_group_sender(doc: &str) -> String {
    let start = doc.find("<Sender>").expect("a Sender");
    let end = doc.find("</Sender>").expect("a Sender end") + "</Sender>".len();
    format!(
        "{}<Sender><Credential domain=\"NetworkId\"><Identity>{IDENTITY}</Identity><SharedSecret>{SECRET}</SharedSecret></Credential><UserAgent>sample</UserAgent></Sender>{}",
        &doc[..start],
        &doc[end..]
    )
}

#[tokio::test]
async fn the_friendsofcxml_punchout_setup_request_is_accepted() {
    let Some(doc) = sample("friendsofcxml_PunchOutSetupRequest.xml") else {
        return;
    };
    let parsed = read::<PunchOutSetupRequest>(doc.as_bytes()).unwrap();
    let p = parsed.doc.payload().unwrap();
    assert_eq!(p.items.len(), 2, "its ItemOut are read");
    let app = spawn_app().await;
    let r = app.post_punchout_setup(&with_group_sender(&doc)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(start_page(&r.body).starts_with(&app.base));
}

#[tokio::test]
async fn the_friendsofcxml_and_officeluv_order_requests_are_accepted() {
    let app = spawn_app().await;
    for name in [
        "friendsofcxml_OrderRequest.xml",
        "officeluv_purchase_order_request_200.xml",
    ] {
        let Some(doc) = sample(name) else { return };
        let r = app.post_order(&with_group_sender(&doc)).await;
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        assert_eq!(r.cxml_status().0, 200);
    }
    let (orders, _) = app
        .state
        .store
        .orders(1, &absim::store::OrderFilter::default(), 10)
        .await
        .unwrap();
    assert_eq!(orders.len(), 2);
    let officeluv = orders.iter().find(|o| o.order_id == "6112").unwrap();
    assert_eq!(officeluv.lines.len(), 2);
    assert_eq!(officeluv.lines[1].quantity, 2.into());
    let foc = orders.iter().find(|o| o.order_id == "DO1234").unwrap();
    assert_eq!(foc.lines[0].quantity, 10.into());
    assert_eq!(foc.lines[1].unit_price, "3.20".parse().unwrap());
}

#[test]
fn every_shared_sample_is_read_as_its_type() {
    fn check<P: absim::cxml::Payload + serde::de::DeserializeOwned>(name: &str) {
        let Some(doc) = sample(name) else { return };
        let got = read::<P>(doc.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(got.doc.payload().is_some(), "{name}");
    }
    check::<PunchOutOrderMessage>("amazon_us_poom_2024_reconstructed_from_json.xml");
    check::<PunchOutOrderMessage>("friendsofcxml_PunchoutOrderMessage.xml");
    check::<ConfirmationRequest>("amazon_confirmation_2014.xml");
    check::<ShipNoticeRequest>("amazon_shipnotice_2014.xml");
    check::<ShipNoticeRequest>("friendsofcxml_ShipNoticeRequest.xml");
    check::<OrderRequest>("officeluv_purchase_order_request_200.xml");
    check::<PunchOutSetupRequest>("friendsofcxml_PunchOutSetupRequest.xml");
}

#[test]
fn amazons_2024_poom_reads_like_absims_own() {
    let Some(doc) = sample("amazon_us_poom_2024_reconstructed_from_json.xml") else {
        return;
    };
    let got = read::<PunchOutOrderMessage>(doc.as_bytes()).unwrap();
    let codes: Vec<&str> = got.deviations.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"no-doctype"), "{codes:?}");
    assert!(codes.contains(&"timestamp-form"), "{codes:?}");
    let item = &got.doc.payload().unwrap().items[0];
    assert_eq!(
        item.item_id.supplier_part_auxiliary_id.as_deref(),
        Some("136-4982173-3109337,1")
    );
    assert_eq!(
        absim::domain::ids::parse_aux_id("136-4982173-3109337,1"),
        Some(("136-4982173-3109337", 1))
    );
}
