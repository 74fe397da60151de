use super::*;
use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
use crate::domain::fulfilment::plan;
use crate::domain::marketplace::Marketplaces;
use crate::domain::order::{OrderLine, price_order};
use crate::domain::pricing::Charging;
use crate::domain::safeguard::Tolerances;
use crate::domain::scenario::Scenarios;

/// The desk ordered twice (line 7) in `market`'s currency, planned as
/// the basic scenario plans it.
fn order_in(market: &Marketplace, order_date: &str) -> Order {
    let desk = market.catalog.get("B087JWRCP5").unwrap();
    let lines = vec![OrderLine {
        line_number: 7,
        asin: "B087JWRCP5".into(),
        aux_id: None,
        description: "desk".into(),
        unit_price: desk.price,
        currency: market.pricing.currency.code.clone(),
        quantity: Decimal::from(2),
        unit_of_measure: "EA".into(),
        tax_class: desk.tax_class.as_str().into(),
    }];
    let scenarios = Scenarios::embedded().unwrap();
    let charging = Charging {
        pricing: &market.pricing,
        to: market.destination(None, false),
        shipping_fee: None,
    };
    let mut fulfilment = plan(
        &lines,
        scenarios.basic(),
        &Tolerances::default(),
        &charging,
        None,
    );
    fulfilment.shipments[0].shipment_id = "test12345678901234567".into();
    fulfilment.shipments[0].tracking = TEST_SHIPMENT_IDENTIFIER.into();
    Order {
        no: 1,
        group_id: 1,
        order_id: "PO-1".into(),
        order_date: order_date.into(),
        payload_id: "p@b".into(),
        scenario: "basic".into(),
        session_id: None,
        received_at: time::now(),
        quote: price_order(&lines, &charging),
        lines,
        po_total: None,
        confirm_id: "111-2222222-3333333".into(),
        delivery_number: "test12345678901234567".into(),
        shipment_identifier: TEST_SHIPMENT_IDENTIFIER.into(),
        carrier: market.texts.test_carrier.as_str().into(),
        deployment_mode: "test".into(),
        mark: None,
        deviations: vec![],
        fulfilment: Some(fulfilment),
        refusal: None,
        run_id: None,
    }
}

fn order(order_date: &str) -> Order {
    order_in(Marketplaces::embedded().unwrap().japan(), order_date)
}

fn confirm_in(market: &Marketplace, o: &Order) -> Cxml<ConfirmationRequest> {
    let g = Group::generate(1, DEFAULT_GROUP_NAME);
    confirmation(
        "x@absim".into(),
        (&g, market),
        o,
        o.fulfilment.as_ref().unwrap(),
    )
}

fn confirm(o: &Order) -> Cxml<ConfirmationRequest> {
    confirm_in(Marketplaces::embedded().unwrap().japan(), o)
}

#[test]
fn the_order_reference_is_written_with_a_numeric_offset() {
    let c = confirm(&order("2026-11-29T01:04:00Z"));
    let r = &c.payload().unwrap().order_reference;
    assert_eq!(r.order_date.as_deref(), Some("2026-11-29T01:04:00+00:00"));
    let unreadable = confirm(&order("someday"));
    assert_eq!(
        unreadable.payload().unwrap().order_reference.order_date,
        None
    );
}

#[test]
fn confirmation_and_ship_notice_use_the_po_line_numbers() {
    let g = Group::generate(1, DEFAULT_GROUP_NAME);
    let o = order("2026-11-29T10:04:00+09:00");
    let c = confirm(&o);
    let item = &c.payload().unwrap().items[0];
    assert_eq!(
        (item.line_number.as_str(), item.quantity.as_str()),
        ("7", "2")
    );
    let plan = o.fulfilment.as_ref().unwrap();
    let s = ship_notice(
        "z@absim".into(),
        (&g, crate::fixtures::markets().japan()),
        &o,
        &plan.shipments[0],
    );
    let sn = &s.payload().unwrap().portions[0].items[0];
    assert_eq!((sn.line_number.as_str(), sn.quantity.as_str()), ("7", "2"));
    assert_eq!(
        c.payload()
            .unwrap()
            .header
            .total
            .as_ref()
            .unwrap()
            .money
            .value,
        "35600.00"
    );
}

#[test]
fn a_japanese_confirmation_carries_the_order_tax_only() {
    let o = order("2026-11-29T10:04:00+09:00");
    let c = confirm(&o);
    let header = &c.payload().unwrap().header;
    let tax = header.tax.as_ref().unwrap();
    assert_eq!(tax.money.value, "3236.00");
    assert!(tax.details.is_empty());
    let status = &c.payload().unwrap().items[0].statuses[0];
    assert!(status.tax.is_none(), "Japan writes no line taxes");
}

#[test]
fn a_german_confirmation_carries_each_lines_vat_in_euros() {
    let markets = Marketplaces::embedded().unwrap();
    let de = markets.get("DE").unwrap();
    let o = order_in(de, "2026-11-29T10:04:00+01:00");
    let c = confirm_in(de, &o);
    let confirmation = c.payload().unwrap();
    let status = &confirmation.items[0].statuses[0];
    assert_eq!(status.unit_price.as_ref().unwrap().money.currency, "EUR");
    let tax = status.tax.as_ref().unwrap();
    let detail = &tax.details[0];
    assert_eq!(
        (detail.category.as_str(), detail.percentage_rate.as_deref()),
        ("vat", Some("19.00"))
    );
    // Two desks at 104.99: 209.98 at 19% = 39.8962 -> 39.90.
    assert_eq!(detail.tax_amount.money.value, "39.90");
    assert_eq!(
        tax.description.text(),
        "Steuern, einschließlich Steuer für Versand"
    );
    assert_eq!(
        confirmation.header.total.as_ref().unwrap().money.value,
        "249.88"
    );
}

/// Random carts, quantities and ship-to regions in every marketplace: the
/// confirmation's amounts add up (total = subtotal + tax + shipping -
/// discount), its line and shipping taxes make its header's tax where the
/// store taxes per line, and no amount has more decimals than the store's
/// currency.
mod properties {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::confirmation;
    use crate::cxml::confirmation::ConfirmationRequest;
    use crate::cxml::{Cxml, Money, read, write};
    use crate::domain::account::{DEFAULT_GROUP_NAME, Group};
    use crate::domain::fulfilment::plan;
    use crate::domain::marketplace::Marketplace;
    use crate::domain::order::{Order, OrderLine, price_order};
    use crate::domain::pricing::Charging;
    use crate::domain::safeguard::Tolerances;
    use crate::domain::scenario::Scenarios;
    use crate::fixtures::markets;

    /// A cart: (product index, quantity) pairs, picked modulo the catalogue.
    type Cart = Vec<(usize, u32)>;

    fn order_lines(market: &Marketplace, cart: &Cart) -> Vec<OrderLine> {
        let products = market.catalog.products();
        cart.iter()
            .enumerate()
            .map(|(i, (pick, qty))| {
                let p = &products[pick % products.len()];
                OrderLine {
                    line_number: i as u32 + 1,
                    asin: p.asin.as_str().into(),
                    aux_id: None,
                    description: p.title.as_str().into(),
                    unit_price: p.price,
                    currency: market.pricing.currency.code.clone(),
                    quantity: Decimal::from(*qty),
                    unit_of_measure: "EA".into(),
                    tax_class: p.tax_class.as_str().into(),
                }
            })
            .collect()
    }

    /// The confirmation of `cart` shipped to `region` (or the store's default).
    fn confirm(
        market: &Marketplace,
        cart: &Cart,
        region: Option<&str>,
        exempt: bool,
    ) -> Cxml<ConfirmationRequest> {
        let lines = order_lines(market, cart);
        let charging = Charging {
            pricing: &market.pricing,
            to: market.destination(region, exempt),
            shipping_fee: None,
        };
        let scenarios = Scenarios::embedded().unwrap();
        let fulfilment = plan(
            &lines,
            scenarios.basic(),
            &Tolerances::default(),
            &charging,
            None,
        );
        let order = Order {
            no: 1,
            group_id: 1,
            order_id: "PO-1".into(),
            order_date: "2026-12-07T10:00:00+09:00".into(),
            payload_id: "p@b".into(),
            scenario: "basic".into(),
            session_id: None,
            received_at: crate::cxml::time::now(),
            quote: price_order(&lines, &charging),
            lines,
            po_total: None,
            confirm_id: "111-2222222-3333333".into(),
            delivery_number: "test1".into(),
            shipment_identifier: "1".into(),
            carrier: market.texts.test_carrier.as_str().into(),
            deployment_mode: "test".into(),
            mark: None,
            deviations: vec![],
            fulfilment: None,
            refusal: None,
            run_id: None,
        };
        let group = Group::generate(1, DEFAULT_GROUP_NAME);
        // Read back from its text, as the buyer reads it.
        let doc = confirmation("p@absim".into(), (&group, market), &order, &fulfilment);
        read::<ConfirmationRequest>(write::document(&doc).as_bytes())
            .expect("absim reads its own confirmation")
            .doc
    }

    fn amount(money: &Money, market: &Marketplace) -> Decimal {
        assert_eq!(
            money.currency, market.pricing.currency.code,
            "every Money in the store's currency"
        );
        let a: Decimal = money.value.parse().expect("a number");
        assert!(
            market.pricing.currency.fits(a),
            "{} {} has more decimals than {} allows",
            money.value,
            money.currency,
            market.code
        );
        a
    }

    fn check(market: &Marketplace, doc: &Cxml<ConfirmationRequest>) {
        let c = doc.payload().expect("a confirmation");
        let h = &c.header;
        let total = amount(&h.total.as_ref().unwrap().money, market);
        let tax = amount(&h.tax.as_ref().unwrap().money, market);
        let shipping_el = h.shipping.as_ref().unwrap();
        let shipping = amount(&shipping_el.money, market);
        let discount = shipping_el.discount();
        let mut subtotal = Decimal::ZERO;
        let mut line_taxes = Decimal::ZERO;
        for item in &c.items {
            for s in &item.statuses {
                if let Some(price) = &s.unit_price {
                    let qty: Decimal = s.quantity.parse().unwrap();
                    subtotal += qty * amount(&price.money, market);
                }
                if let Some(t) = &s.tax {
                    line_taxes += amount(&t.money, market);
                }
            }
        }
        assert_eq!(
            total,
            subtotal + tax + shipping - discount,
            "{}: the total adds up",
            market.code
        );
        if !h.tax.as_ref().unwrap().details.is_empty() || line_taxes > Decimal::ZERO {
            let shipping_tax: Decimal = h
                .tax
                .as_ref()
                .unwrap()
                .details
                .iter()
                .filter_map(|d| d.tax_amount.money.amount())
                .sum();
            assert_eq!(
                tax,
                line_taxes + shipping_tax,
                "{}: line and shipping taxes make the tax",
                market.code
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn every_stores_confirmation_adds_up_and_fits_its_currency(
            store in 0usize..9,
            cart in prop::collection::vec((0usize..64, 1u32..25), 1..6),
            region in 0usize..64,
            exempt in any::<bool>(),
        ) {
            let all: Vec<&Marketplace> = markets().all().collect();
            let market = all[store % all.len()];
            let regions = &market.address.regions;
            let region = (!regions.is_empty()).then(|| regions[region % regions.len()].as_str());
            let exempt = exempt && market.exempt_allowed;
            check(market, &confirm(market, &cart, region, exempt));
        }
    }
}
