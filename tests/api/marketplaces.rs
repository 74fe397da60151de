//! The basic order in each store, through the storefront and the reference
//! buyer's PO, with every figure worked out by hand below; groups of two
//! stores side by side in one absim (on both engines: the `postgres` binary
//! runs this module too).

use absim::cxml::confirmation::ConfirmationRequest;
use absim::cxml::order_message::PunchOutOrderMessage;
use absim::cxml::{AddressHolder, Cxml, Money, Tax, read};
use rust_decimal::Decimal;

use absim::buyer::BuyerConfig;

use crate::helpers::*;

/// A ship-to: country, state or province, postal code, city.
pub(crate) type Place = (
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);

/// One store's basic order and what it must cost.
struct Case {
    store: &'static str,
    ship_to: Place,
    /// (ASIN, quantity) put in the cart.
    cart: &'static [(&'static str, u32)],
    currency: &'static str,
    subtotal: &'static str,
    shipping: &'static str,
    discount: &'static str,
    /// The confirmation's tax and total, for the PO's ship-to.
    tax: &'static str,
    total: &'static str,
    /// Each line's TaxDetails in the confirmation: line, category, rate,
    /// amount. Empty where the store writes the order's tax only (JP).
    details: &'static [(u32, &'static str, &'static str, &'static str)],
}

const DESK: &str = "B087JWRCP5";
/// Ground coffee: food, the reduced class in most stores.
const COFFEE: &str = "B00CDS9JAW";
const DESK_AND_COFFEE: &[(&str, u32)] = &[(DESK, 1), (COFFEE, 2)];

/// Every store's desk is over its free-shipping threshold, so shipping is
/// charged and given back as a discount, and the net shipping pays no tax.
const CASES: &[Case] = &[
    // The guide: 16182 × 10% = 1618.2, rounded down; 16182 + 1618 = 17800.
    Case {
        store: "JP",
        ship_to: ("JP", None, "153-0064", "東京都"),
        cart: &[(DESK, 1)],
        currency: "JPY",
        subtotal: "16182",
        shipping: "373",
        discount: "373",
        tax: "1618",
        total: "17800",
        details: &[],
    },
    // Washington 6.5%: 124.99 → 8.12435 → 8.12; 2 × 15.99 = 31.98 → 2.0787
    // → 2.08. 156.97 + 10.20 = 167.17.
    Case {
        store: "US",
        ship_to: ("US", Some("WA"), "98109", "Seattle"),
        cart: DESK_AND_COFFEE,
        currency: "USD",
        subtotal: "156.97",
        shipping: "5.99",
        discount: "5.99",
        tax: "10.20",
        total: "167.17",
        details: &[(1, "sales", "6.5", "8.12"), (2, "sales", "6.5", "2.08")],
    },
    // Oregon has no sales tax: a line pays a 0% detail, the order none.
    Case {
        store: "US",
        ship_to: ("US", Some("OR"), "97204", "Portland"),
        cart: DESK_AND_COFFEE,
        currency: "USD",
        subtotal: "156.97",
        shipping: "5.99",
        discount: "5.99",
        tax: "0.00",
        total: "156.97",
        details: &[(1, "sales", "0", "0.00"), (2, "sales", "0", "0.00")],
    },
    // Ontario HST 13% on the desk: 169.99 → 22.0987 → 22.10; coffee is a
    // zero-rated grocery. 169.99 + 2 × 21.99 = 213.97; + 22.10 = 236.07.
    Case {
        store: "CA",
        ship_to: ("CA", Some("ON"), "M5V 3L9", "Toronto"),
        cart: DESK_AND_COFFEE,
        currency: "CAD",
        subtotal: "213.97",
        shipping: "6.99",
        discount: "6.99",
        tax: "22.10",
        total: "236.07",
        details: &[(1, "hst", "13", "22.10")],
    },
    // Quebec: GST 5% (8.4995 → 8.50) and QST 9.975% (16.956503 → 16.96) on
    // the desk, each its own detail. 213.97 + 25.46 = 239.43.
    Case {
        store: "CA",
        ship_to: ("CA", Some("QC"), "H2Y 1C6", "Montréal"),
        cart: DESK_AND_COFFEE,
        currency: "CAD",
        subtotal: "213.97",
        shipping: "6.99",
        discount: "6.99",
        tax: "25.46",
        total: "239.43",
        details: &[(1, "gst", "5", "8.50"), (1, "qst", "9.975", "16.96")],
    },
    // VAT 20%: 92.99 → 18.598 → 18.60; coffee zero-rated. 92.99 + 2 × 11.99
    // = 116.97; + 18.60 = 135.57.
    Case {
        store: "UK",
        ship_to: ("GB", None, "SW1A 1AA", "London"),
        cart: DESK_AND_COFFEE,
        currency: "GBP",
        subtotal: "116.97",
        shipping: "4.49",
        discount: "4.49",
        tax: "18.60",
        total: "135.57",
        details: &[(1, "vat", "20", "18.60"), (2, "vat", "0", "0.00")],
    },
    // MwSt. 19%: 104.99 → 19.9481 → 19.95; 7% on 2 × 13.99 = 27.98 → 1.9586
    // → 1.96. 132.97 + 21.91 = 154.88.
    Case {
        store: "DE",
        ship_to: ("DE", None, "10115", "Berlin"),
        cart: DESK_AND_COFFEE,
        currency: "EUR",
        subtotal: "132.97",
        shipping: "4.99",
        discount: "4.99",
        tax: "21.91",
        total: "154.88",
        details: &[(1, "vat", "19", "19.95"), (2, "vat", "7", "1.96")],
    },
    // TVA 20%: 109.99 → 21.998 → 22.00; 5.5% on 27.98 → 1.5389 → 1.54.
    // 137.97 + 23.54 = 161.51.
    Case {
        store: "FR",
        ship_to: ("FR", None, "75008", "Paris"),
        cart: DESK_AND_COFFEE,
        currency: "EUR",
        subtotal: "137.97",
        shipping: "4.99",
        discount: "4.99",
        tax: "23.54",
        total: "161.51",
        details: &[(1, "vat", "20", "22.00"), (2, "vat", "5.5", "1.54")],
    },
    // IVA 22% on both (coffee for home use is standard-rated): 109.99 →
    // 24.1978 → 24.20; 27.98 → 6.1556 → 6.16. 137.97 + 30.36 = 168.33.
    Case {
        store: "IT",
        ship_to: ("IT", None, "00184", "Roma"),
        cart: DESK_AND_COFFEE,
        currency: "EUR",
        subtotal: "137.97",
        shipping: "4.99",
        discount: "4.99",
        tax: "30.36",
        total: "168.33",
        details: &[(1, "vat", "22", "24.20"), (2, "vat", "22", "6.16")],
    },
    // IVA 21%: 104.99 → 22.0479 → 22.05; 10% on 2 × 12.99 = 25.98 → 2.598
    // → 2.60. 130.97 + 24.65 = 155.62.
    Case {
        store: "ES",
        ship_to: ("ES", None, "28001", "Madrid"),
        cart: DESK_AND_COFFEE,
        currency: "EUR",
        subtotal: "130.97",
        shipping: "4.99",
        discount: "4.99",
        tax: "24.65",
        total: "155.62",
        details: &[(1, "vat", "21", "22.05"), (2, "vat", "10", "2.60")],
    },
    // Within Karnataka, the seller's state: CGST 9% + SGST 9% on 10999
    // (989.91 each), 2.5% + 2.5% on 2 × 1399 = 2798 (69.95 each).
    // 13797 + 2119.72 = 15916.72.
    Case {
        store: "IN",
        ship_to: ("IN", Some("KA"), "560001", "Bengaluru"),
        cart: DESK_AND_COFFEE,
        currency: "INR",
        subtotal: "13797.00",
        shipping: "40.00",
        discount: "40.00",
        tax: "2119.72",
        total: "15916.72",
        details: &[
            (1, "cgst", "9", "989.91"),
            (1, "sgst", "9", "989.91"),
            (2, "cgst", "2.5", "69.95"),
            (2, "sgst", "2.5", "69.95"),
        ],
    },
    // To Maharashtra, another state: IGST 18% (1979.82) and 5% (139.90).
    Case {
        store: "IN",
        ship_to: ("IN", Some("MH"), "400001", "Mumbai"),
        cart: DESK_AND_COFFEE,
        currency: "INR",
        subtotal: "13797.00",
        shipping: "40.00",
        discount: "40.00",
        tax: "2119.72",
        total: "15916.72",
        details: &[(1, "igst", "18", "1979.82"), (2, "igst", "5", "139.90")],
    },
];

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn amount(money: &Money, currency: &str) -> Decimal {
    assert_eq!(money.currency, currency, "{money:?}");
    d(&money.value)
}

/// A desk ordered through the storefront and shipped to `place`: the
/// order's log entry and the confirmation the group received.
pub(crate) async fn order_to(app: &mut TestApp, place: Place) -> (u64, String) {
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let mut po = app.po_for(&cart, &format!("PO-{}", unique()));
    po.request.as_mut().unwrap().payload.header.ship_to = Some(address(place));
    let answer = app.send_po(&po).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let confirmation = app.receiver.next("/confirm").await.body;
    (app.last_entry().await, confirmation)
}

/// The reference buyer's address, moved to `place`.
fn address((country, state, postal, city): Place) -> AddressHolder {
    let mut a = absim::buyer::address(&absim::buyer::store_address("JP").unwrap(), "Head office");
    a.address.iso_country_code = Some(country.into());
    let p = a.address.postal_address.as_mut().unwrap();
    p.country.iso_country_code = country.into();
    p.country.name = country.into();
    p.state = state.map(Into::into);
    p.postal_code = Some(postal.into());
    p.city = city.into();
    p.street = smallvec::smallvec!["1 Test Street".into()];
    a
}

/// Each line's TaxDetails (line, category, rate, amount), in order.
fn line_details(
    taxes: impl Iterator<Item = (u32, Option<Tax>)>,
    currency: &str,
) -> Vec<(u32, String, String, Decimal)> {
    taxes
        .flat_map(|(line, tax)| {
            tax.into_iter().flat_map(move |t| {
                t.details.into_iter().map(move |dt| {
                    let rate = dt
                        .percentage_rate
                        .map(|r| d(&r).normalize().to_string())
                        .unwrap_or_default();
                    (
                        line,
                        dt.category.to_string(),
                        rate,
                        amount(&dt.tax_amount.money, currency),
                    )
                })
            })
        })
        .collect()
}

fn expected_details(case: &Case) -> Vec<(u32, String, String, Decimal)> {
    case.details
        .iter()
        .map(|(l, c, r, a)| (*l, c.to_string(), r.to_string(), d(a)))
        .collect()
}

/// The cart as the store's estimate prices it: its currency on every
/// amount, shipping and its discount, and a line Tax per line where the
/// store taxes per line.
fn check_cart(case: &Case, cart: &Cxml<PunchOutOrderMessage>) {
    let m = cart.payload().unwrap();
    let cur = case.currency;
    assert_eq!(
        amount(&m.header.total.money, cur),
        d(case.subtotal),
        "{}: the cart's Total",
        case.store
    );
    let shipping = m.header.shipping.as_ref().unwrap();
    assert_eq!(amount(&shipping.money, cur), d(case.shipping));
    assert_eq!(shipping.discount(), d(case.discount));
    for item in &m.items {
        amount(&item.item_detail.unit_price.money, cur);
        assert_eq!(
            item.tax.is_some(),
            case.store != "JP",
            "{}: a line's Tax",
            case.store
        );
    }
}

fn check_confirmation(case: &Case, body: &str) {
    let conf = read::<ConfirmationRequest>(body.as_bytes()).unwrap().doc;
    let c = conf.payload().unwrap();
    let cur = case.currency;
    let h = &c.header;
    let what = format!("{} to {:?}", case.store, case.ship_to);
    assert_eq!(
        amount(&h.total.as_ref().unwrap().money, cur),
        d(case.total),
        "{what}: total"
    );
    assert_eq!(
        amount(&h.tax.as_ref().unwrap().money, cur),
        d(case.tax),
        "{what}: tax"
    );
    let shipping = h.shipping.as_ref().unwrap();
    assert_eq!(
        amount(&shipping.money, cur),
        d(case.shipping),
        "{what}: shipping"
    );
    assert_eq!(shipping.discount(), d(case.discount), "{what}: discount");
    let taxes = c.items.iter().flat_map(|i| {
        let line: u32 = i.line_number.parse().unwrap();
        i.statuses.iter().map(move |s| (line, s.tax.clone()))
    });
    assert_eq!(
        line_details(taxes, cur),
        expected_details(case),
        "{what}: each line's TaxDetails"
    );
}

async fn basic_order(case: &Case) {
    let mut app = spawn_app_with(|s| s.marketplace = Some(case.store.into())).await;
    let sid = app.open_store("create", &[], None).await;
    for (asin, qty) in case.cart {
        app.add_to_cart(&sid, asin, *qty).await;
    }
    let cart = app.return_cart(&sid, false).await;
    check_cart(case, &cart);
    let mut po = app.po_for(&cart, &format!("PO-{}-{}", case.store, unique()));
    let header = &mut po.request.as_mut().unwrap().payload.header;
    header.ship_to = Some(address(case.ship_to));
    header.bill_to = Some(address(case.ship_to));
    let answer = app.send_po(&po).await;
    assert_eq!(answer.status, 200, "{}: {}", case.store, answer.body);
    let confirmation = app.receiver.next("/confirm").await;
    check_confirmation(case, &confirmation.body);
    app.emitted.push((
        format!("po-{}", case.store),
        absim::cxml::write::document(&po),
    ));
    app.emitted
        .push((format!("confirmation-{}", case.store), confirmation.body));
    let ship_notice = app.receiver.next("/ship").await;
    assert!(ship_notice.body.contains("Test Mode Carrier"));
    app.emitted
        .push((format!("ship-notice-{}", case.store), ship_notice.body));
    app.validate_emitted();
}

#[tokio::test]
async fn the_basic_order_costs_what_each_store_charges_and_every_document_is_valid() {
    for case in CASES {
        basic_order(case).await;
    }
}

#[tokio::test]
async fn a_us_po_without_a_state_is_refused_with_001_005() {
    let mut app = spawn_app_with(|s| s.marketplace = Some("US".into())).await;
    let sid = app.open_store("create", &[], None).await;
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let mut po = app.po_for(&cart, &format!("PO-US-{}", unique()));
    let header = &mut po.request.as_mut().unwrap().payload.header;
    header.ship_to = Some(address(("US", None, "98109", "Seattle")));
    let (code, text, message) = app.send_po(&po).await.cxml_status();
    assert_eq!((code, text.as_str()), (400, "001-005"), "{message}");
    assert!(message.contains("State"), "{message}");
}

/// A confirmation's currency, total and root language.
fn total_of(body: &str) -> (String, Decimal, Option<String>) {
    let conf = read::<ConfirmationRequest>(body.as_bytes()).unwrap().doc;
    let total = &conf.payload().unwrap().header.total.as_ref().unwrap().money;
    (
        total.currency.to_string(),
        d(&total.value),
        conf.lang.as_ref().map(|l| l.to_string()),
    )
}

/// The desk ordered by `cfg`'s group through its storefront, the PO sent
/// to `po_path`: the confirmation the group's endpoint receives.
async fn order_a_desk(
    app: &mut TestApp,
    cfg: &BuyerConfig,
    po_path: &str,
    confirm_path: &str,
) -> String {
    let setup = absim::buyer::setup_request(cfg, "create", "cookie-1", &[], None);
    let r = app.post_punchout_setup(&setup).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sid = session_id(&start_page(&r.body));
    app.add_to_cart(&sid, DESK, 1).await;
    let cart = app.return_cart(&sid, false).await;
    let id = format!("PO-{}", unique());
    let po = absim::buyer::order_request(
        cfg,
        cart.payload().unwrap(),
        &id,
        &format!("{id}@buyer.example"),
    );
    let answer = app
        .post_xml(po_path, &absim::cxml::write::document(&po))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    app.receiver.next(confirm_path).await.body
}

#[tokio::test]
async fn groups_of_two_stores_live_side_by_side_and_keep_their_store_across_a_restart() {
    let storage = Storage::durable().await;
    let mut app = spawn_app_with(storage.settings()).await;
    let confirm_de = app.receiver.url("/confirm-de");
    let de = app
        .state
        .store
        .add_group("Einkauf Berlin", |g| {
            g.marketplace = "DE".into();
            g.order_confirmation_url = Some(confirm_de);
            Ok(())
        })
        .await
        .unwrap();
    let de_buyer = BuyerConfig {
        identity: de.identity.clone(),
        shared_secret: de.shared_secret.clone(),
        ..app.buyer_config()
    };
    let german = order_a_desk(
        &mut app,
        &de_buyer,
        &format!("/po/{}", de.po_token),
        "/confirm-de",
    )
    .await;
    let (_, japanese) = order_to(&mut app, CASES[0].ship_to).await;
    // 104.99 + 19% (19.9481 → 19.95) = 124.94; 16182 + 1618 = 17800.
    assert_eq!(
        total_of(&german),
        ("EUR".into(), d("124.94"), Some("de-DE".into()))
    );
    assert_eq!(
        total_of(&japanese),
        ("JPY".into(), d("17800"), Some("ja-JP".into()))
    );
    app.validate_emitted();

    let receiver = app.stop().await;
    let app = spawn_with_receiver(receiver, storage.settings(), true).await;
    let again = app.state.store.group(de.id).await.unwrap().unwrap();
    assert_eq!(
        (
            again.marketplace.as_str(),
            app.group().await.marketplace.as_str()
        ),
        ("DE", "JP")
    );
    // Each group's log entry shows its order in its own currency (the
    // German order came first).
    for (path, total) in [
        // The German group's page is in German: 124,94 €.
        (format!("/groups/{}/log/1", de.id), "124,94\u{a0}€"),
        // On an English page the German order is still in euros.
        (format!("/groups/{}/log/1?lang=en", de.id), "€124.94"),
        ("/groups/1/log/2".to_owned(), "￥17,800"),
    ] {
        let page = app.get_page(&path).await.html();
        assert_eq!(text_of(&page, "#confirmation [data-field=total]"), total);
    }
}
