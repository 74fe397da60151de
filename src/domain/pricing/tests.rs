use super::*;
use crate::domain::marketplace::Marketplace;

fn store(code: &str) -> Marketplace {
    crate::fixtures::markets().get(code).unwrap().clone()
}

fn line(n: u32, amount: &str, class: &'static str) -> Taxable<'static> {
    Taxable {
        line_number: n,
        amount: amount.parse().unwrap(),
        class,
    }
}

fn to(region: Option<&str>) -> Destination {
    Destination {
        region: region.map(str::to_owned),
        exempt: false,
    }
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn the_guides_example_prices_exactly() {
    let q = store("JP")
        .pricing
        .price(&[line(1, "16182", "standard")], &to(None), None);
    assert_eq!(
        (q.tax, q.shipping, q.discount, q.total),
        (d("1618"), d("373"), d("373"), d("17800"))
    );
    assert_eq!(q.taxes.len(), 1, "one rounding for the order's one rate");
    assert_eq!(q.taxes[0].basis, TaxBasis::Order);
}

#[test]
fn below_the_threshold_shipping_is_charged() {
    let jp = store("JP").pricing;
    let q = jp.price(&[line(1, "1999", "standard")], &to(None), None);
    assert_eq!((q.tax, q.discount), (d("199"), Decimal::ZERO));
    assert_eq!(q.total, d("2571"));
    let at = jp.price(&[line(1, "2000", "standard")], &to(None), None);
    assert_eq!(at.discount, d("373"));
}

#[test]
fn japan_rounds_each_rate_down_once_for_the_whole_order() {
    // 8% on 1069 + 1780 = 227.92 -> 227; 10% on 528 + 528 = 105.6 -> 105.
    let q = store("JP").pricing.price(
        &[
            line(1, "1069", "reduced"),
            line(2, "528", "standard"),
            line(3, "1780", "reduced"),
            line(4, "528", "standard"),
        ],
        &to(None),
        None,
    );
    let by_rate: Vec<(Decimal, Decimal)> = q.taxes.iter().map(|c| (c.rate, c.amount)).collect();
    assert_eq!(by_rate, [(d("8"), d("227")), (d("10"), d("105"))]);
    assert_eq!(q.tax, d("332"));
}

#[test]
fn a_scenarios_shipping_fee_replaces_the_stores() {
    let q = store("JP")
        .pricing
        .price(&[line(1, "1500", "standard")], &to(None), Some(d("5000")));
    assert_eq!((q.shipping, q.discount), (d("5000"), Decimal::ZERO));
}

#[test]
fn germany_charges_vat_per_line_rounded_half_up_and_on_taxed_shipping() {
    // 19% of 12.99 = 2.4681 -> 2.47; 7% of 4.45 = 0.3115 -> 0.31; shipping
    // 4.99 under 29.00 pays 19%: 0.9481 -> 0.95.
    let q = store("DE").pricing.price(
        &[line(1, "12.99", "standard"), line(2, "4.45", "reduced")],
        &to(None),
        None,
    );
    let charges: Vec<(TaxBasis, &str, Decimal, Decimal)> = q
        .taxes
        .iter()
        .map(|c| (c.basis, c.category.as_str(), c.rate, c.amount))
        .collect();
    assert_eq!(
        charges,
        [
            (TaxBasis::Line(1), "vat", d("19"), d("2.47")),
            (TaxBasis::Line(2), "vat", d("7"), d("0.31")),
            (TaxBasis::Shipping, "vat", d("19"), d("0.95")),
        ]
    );
    assert_eq!(q.tax, d("3.73"));
    assert_eq!(q.total, d("12.99") + d("4.45") + d("3.73") + d("4.99"));
}

#[test]
fn us_sales_tax_follows_the_ship_to_state_and_an_exempt_group_pays_none() {
    let us = store("US").pricing;
    let lines = [line(1, "100.00", "standard")];
    let wa = us.price(&lines, &to(Some("WA")), None);
    assert_eq!(wa.tax, d("6.50"));
    assert_eq!(wa.taxes[0].region.as_deref(), Some("WA"));
    let oregon = us.price(&lines, &to(Some("OR")), None);
    assert_eq!(oregon.tax, Decimal::ZERO);
    let exempt = Destination {
        region: Some("WA".into()),
        exempt: true,
    };
    let q = us.price(&lines, &exempt, None);
    assert!(q.exempt && q.taxes.is_empty() && q.tax.is_zero());
}

#[test]
fn canada_charges_each_provinces_components() {
    let ca = store("CA").pricing;
    let lines = [line(1, "100.00", "standard"), line(2, "10.00", "reduced")];
    let components = |region: &str| -> Vec<(String, Decimal)> {
        ca.price(&lines, &to(Some(region)), Some(Decimal::ZERO))
            .taxes
            .iter()
            .map(|c| (c.category.to_string(), c.amount))
            .collect()
    };
    assert_eq!(components("ON"), [("hst".to_owned(), d("13.00"))]);
    assert_eq!(
        components("QC"),
        [("gst".to_owned(), d("5.00")), ("qst".to_owned(), d("9.98"))]
    );
    assert_eq!(
        components("BC"),
        [("gst".to_owned(), d("5.00")), ("pst".to_owned(), d("7.00"))]
    );
}

#[test]
fn india_charges_cgst_and_sgst_within_the_sellers_state_and_igst_across() {
    let india = store("IN").pricing;
    let lines = [line(1, "1000.00", "standard")];
    let within = india.price(&lines, &to(Some("KA")), Some(Decimal::ZERO));
    let names: Vec<(&str, Decimal)> = within
        .taxes
        .iter()
        .map(|c| (c.category.as_str(), c.amount))
        .collect();
    assert_eq!(names, [("cgst", d("90.00")), ("sgst", d("90.00"))]);
    let across = india.price(&lines, &to(Some("MH")), Some(Decimal::ZERO));
    assert_eq!(across.taxes.len(), 1);
    assert_eq!(
        (across.taxes[0].category.as_str(), across.tax),
        ("igst", d("180.00"))
    );
}

#[test]
fn an_empty_cart_costs_nothing() {
    assert_eq!(
        store("DE").pricing.price(&[], &to(None), None),
        Quote::default()
    );
}

#[test]
fn a_currency_rounds_half_up_and_knows_its_decimals() {
    let eur = store("DE").pricing.currency;
    assert_eq!(eur.round(d("0.125")), d("0.13"));
    assert!(eur.fits(d("104.99")) && !eur.fits(d("1.005")));
    let yen = store("JP").pricing.currency;
    assert!(yen.fits(d("16182.00")) && !yen.fits(d("0.5")));
}

#[test]
fn an_amount_for_people_has_its_symbol_sign_separators_and_the_currencys_decimals() {
    use crate::i18n::Lang;
    let (yen, eur, inr) = (
        store("JP").pricing.currency,
        store("DE").pricing.currency,
        store("IN").pricing.currency,
    );
    assert_eq!(yen.display(Lang::Ja, d("17800.00")), "￥17,800");
    assert_eq!(yen.display(Lang::Ja, d("-373")), "-￥373");
    assert_eq!(eur.display(Lang::En, d("1249.9")), "€1,249.90");
    assert_eq!(eur.display(Lang::De, d("-39.9")), "-39,90\u{a0}€");
    assert_eq!(inr.display(Lang::En, Decimal::ZERO), "₹0.00");
    // A PO's price with more decimals than the currency has is shown as
    // sent, not rounded away.
    assert_eq!(yen.display(Lang::Ja, d("0.5")), "￥0.5");
    assert_eq!(eur.display(Lang::En, d("1.005")), "€1.005");
}
