//! The suite runner's decisions: which scenarios run, what a scenario's
//! outcome means, and how a scenario's buyer behaves.

use serde_json::json;

use super::scenario::{
    answer_code, empty_cart_failures, failed_checks, items_for, make_refusal, second_setup,
};
use super::*;
use crate::cxml::order_message::PunchOutOrderMessage;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Cxml, read};
use crate::domain::scenario::Expectation;

fn options(scenarios: &[&str]) -> SuiteOptions {
    SuiteOptions {
        scenarios: scenarios.iter().map(|s| s.to_string()).collect(),
        ..SuiteOptions::default()
    }
}

#[test]
fn every_scenario_runs_when_none_is_named_and_named_ones_in_their_order() {
    let scenarios = Scenarios::embedded().unwrap();
    let all = choose(&options(&[]), &scenarios).unwrap();
    assert!(all.len() > 2);
    assert_eq!(all[0].section, Section::ALL[0]);
    let (first, second) = (all[1].id.clone(), all[0].id.clone());
    let named = choose(&options(&[&first, &second]), &scenarios).unwrap();
    let ids: Vec<&str> = named.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [first.as_str(), second.as_str()]);
}

#[test]
fn an_unknown_scenario_is_refused_by_name() {
    let scenarios = Scenarios::embedded().unwrap();
    let err = choose(&options(&["no-such"]), &scenarios).unwrap_err();
    assert_eq!(err.to_string(), "there is no scenario 'no-such'");
}

#[test]
fn a_scenario_passes_only_when_it_finished_without_failed_checks() {
    let scenarios = Scenarios::embedded().unwrap();
    let s = scenarios.get(crate::domain::scenario::BASIC).unwrap();
    let passed = result_of(s, Ok((Vec::new(), Some(3))), 1.5);
    assert!(passed.passed);
    assert_eq!(passed.entry, Some(3));
    let failed = result_of(s, Ok((vec!["no ship notice".into()], Some(4))), 1.5);
    assert!(!failed.passed);
    let broken = result_of(s, Err(anyhow::anyhow!("connection refused")), 0.1);
    assert!(!broken.passed);
    assert_eq!(
        broken.failures,
        ["the run could not finish: connection refused"]
    );
    assert_eq!(broken.entry, None);
}

fn returned_cart(items: &str, status: &str) -> Cxml<PunchOutOrderMessage> {
    let xml = format!(
        "<cXML payloadID=\"x\" timestamp=\"2026-01-01T00:00:00+09:00\"><Message>{status}<PunchOutOrderMessage><BuyerCookie>c</BuyerCookie><PunchOutOrderMessageHeader operationAllowed=\"create\"><Total><Money currency=\"JPY\">0</Money></Total></PunchOutOrderMessageHeader>{items}</PunchOutOrderMessage></Message></cXML>"
    );
    read::<PunchOutOrderMessage>(xml.as_bytes()).unwrap().doc
}

#[test]
fn an_empty_cart_must_come_back_without_items_and_with_status_204() {
    let good = returned_cart("", "<Status code=\"204\" text=\"No Content\"/>");
    assert!(empty_cart_failures(&good).unwrap().is_empty());
    let item = "<ItemIn quantity=\"1\"><ItemID><SupplierPartID>B087JWRCP5</SupplierPartID></ItemID></ItemIn>";
    let bad = returned_cart(item, "");
    assert_eq!(
        empty_cart_failures(&bad).unwrap(),
        [
            "the empty cart came back with items",
            "the empty cart's PunchOutOrderMessage has no Status 204"
        ]
    );
}

#[test]
fn an_edit_wins_over_an_inspect_and_most_scenarios_punch_out_once() {
    use Expectation::*;
    assert_eq!(second_setup(&[InspectSetup, EditSetup]), Some("edit"));
    assert_eq!(second_setup(&[InspectSetup]), Some("inspect"));
    assert_eq!(second_setup(&[SeveralLines, NoOrder]), None);
}

fn po() -> Cxml<OrderRequest> {
    read::<OrderRequest>(crate::fixtures::order_request(1, 1).as_bytes())
        .unwrap()
        .doc
}

#[test]
fn each_expected_refusal_makes_the_po_wrong_its_own_way() {
    let header = |po: &Cxml<OrderRequest>| po.request.as_ref().unwrap().payload.header.clone();

    let mut update = po();
    assert!(!make_refusal(&mut update, Some("001-001")).unwrap());
    assert_eq!(header(&update).order_type(), "update");

    let mut no_ship_to = po();
    make_refusal(&mut no_ship_to, Some("001-005")).unwrap();
    assert!(header(&no_ship_to).ship_to.is_none());

    let mut wrong_secret = po();
    make_refusal(&mut wrong_secret, Some("401")).unwrap();
    let sender = &wrong_secret.header.as_ref().unwrap().sender;
    assert_eq!(
        sender.credentials[0].shared_secret.as_deref(),
        Some("wrongSecret1")
    );

    let mut duplicate = po();
    assert!(
        make_refusal(&mut duplicate, Some("409")).unwrap(),
        "sent twice"
    );
    let mut plain = po();
    assert!(!make_refusal(&mut plain, None).unwrap());
    assert_eq!(header(&plain).order_type(), "new");
}

#[test]
fn a_refusal_inside_an_http_200_counts_by_its_cxml_code() {
    let refused = crate::cxml::write::status_document(
        "1@t",
        &crate::cxml::Status::new(500, "Internal Server Error", "down"),
    );
    assert_eq!(answer_code(200, &refused), 500);
    assert_eq!(answer_code(503, "<html>busy</html>"), 503);
}

#[test]
fn a_pending_entry_has_no_verdict_yet_and_a_decided_one_gives_its_failed_checks() {
    assert_eq!(failed_checks(&json!({ "verdict": "pending" })), None);
    let decided = json!({
        "verdict": "fail",
        "checks": [
            { "outcome": "pass", "en": "the PO was accepted" },
            { "outcome": "fail", "en": "no ship notice arrived" },
        ],
    });
    assert_eq!(
        failed_checks(&decided),
        Some(vec!["no ship notice arrived".to_owned()])
    );
}

#[test]
fn the_runners_carts_are_sold_in_every_store_and_the_shipping_one_pays_shipping() {
    let scenarios = Scenarios::embedded().unwrap();
    let markets = crate::domain::marketplace::Marketplaces::embedded().unwrap();
    for m in markets.all() {
        for s in Section::ALL.iter().flat_map(|x| scenarios.section(*x)) {
            let subtotal: rust_decimal::Decimal = items_for(s)
                .iter()
                .map(|(asin, n)| {
                    let p = m.catalog.get(asin);
                    p.unwrap_or_else(|| panic!("{} sells no {asin}", m.code))
                        .price
                        * rust_decimal::Decimal::from(*n)
                })
                .sum();
            if s.shipping.is_some() {
                assert!(
                    subtotal < m.pricing.shipping.free_from,
                    "{}: {subtotal} ships free",
                    m.code
                );
            }
        }
    }
}

#[test]
fn a_marketplace_is_all_one_code_in_any_case_or_the_groups_own() {
    assert_eq!(MarketChoice::parse(None).unwrap(), MarketChoice::Group);
    assert_eq!(MarketChoice::parse(Some("ALL")).unwrap(), MarketChoice::All);
    assert_eq!(
        MarketChoice::parse(Some(" de ")).unwrap(),
        MarketChoice::One("DE".into())
    );
    let refused = MarketChoice::parse(Some("GB")).unwrap_err().to_string();
    assert!(
        refused.contains("not one of CA, DE") && refused.contains("or all"),
        "{refused}"
    );
}
