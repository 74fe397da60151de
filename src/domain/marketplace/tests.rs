use rust_decimal::Decimal;

use crate::domain::pricing::Taxable;

use super::*;

fn embedded_files() -> Vec<(String, String)> {
    EMBEDDED
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .map(|f| {
            (
                f.path().display().to_string(),
                f.contents_utf8().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The embedded files with `store`'s text changed by `edit`.
fn with_edit(store: &str, edit: impl Fn(&str) -> String) -> Result<Marketplaces, MarketplaceError> {
    let files = embedded_files()
        .into_iter()
        .map(|(o, t)| {
            let text = if o == store { edit(&t) } else { t };
            (o, text)
        })
        .collect();
    Marketplaces::from_files(files)
}

#[test]
fn every_store_loads_with_each_product_priced_and_titled_in_its_currency() {
    let markets = Marketplaces::embedded().unwrap();
    assert_eq!(
        markets.codes(),
        ["CA", "DE", "ES", "FR", "IN", "IT", "JP", "UK", "US"]
    );
    for m in markets.all() {
        let currency = &m.pricing.currency;
        assert_eq!(currency.code.len(), 3, "{}", m.code);
        assert_eq!(m.catalog.products().len(), 33, "{}", m.code);
        for p in m.catalog.products() {
            assert!(!p.title.trim().is_empty() && !p.title_en.trim().is_empty());
            assert!(
                p.price > Decimal::ZERO && currency.fits(p.price),
                "{}",
                p.asin
            );
        }
        assert_eq!(m.catalog.categories.len(), 6, "{}", m.code);
    }
}

#[test]
fn each_provinces_and_states_components_add_up_to_its_published_rate() {
    let markets = Marketplaces::embedded().unwrap();
    let ca = &markets.get("CA").unwrap().pricing.tax;
    let total = |region: &str| -> Decimal {
        ca.components
            .iter()
            .filter_map(|c| c.rate("standard", Some(region)))
            .sum()
    };
    let expected = [
        ("ON", "13"),
        ("NS", "14"),
        ("NB", "15"),
        ("QC", "14.975"),
        ("BC", "12"),
        ("MB", "12"),
        ("SK", "11"),
        ("AB", "5"),
    ];
    for (region, rate) in expected {
        assert_eq!(total(region), rate.parse::<Decimal>().unwrap(), "{region}");
    }
    let india = &markets.get("IN").unwrap().pricing.tax;
    for class in ["standard", "reduced", "zero"] {
        let rate = |category: &str| {
            india
                .components
                .iter()
                .find(|c| c.category == category)
                .and_then(|c| c.rate(class, None))
                .unwrap()
        };
        assert_eq!(rate("cgst") + rate("sgst"), rate("igst"), "{class}");
    }
}

#[test]
fn japan_is_absim_as_it_was() {
    let jp = Marketplaces::embedded().unwrap().japan().clone();
    assert_eq!(
        (jp.pricing.currency.code.as_str(), jp.language.as_str()),
        ("JPY", "ja")
    );
    let desk = jp.catalog.get("B087JWRCP5").unwrap();
    assert_eq!(desk.price, Decimal::from(16182));
    assert_eq!(desk.manufacturer, "山善(YAMAZEN)");
    assert_eq!(jp.sold_by(), "Amazon.co.jp");
    assert_eq!(jp.texts.active_carrier, "ヤマト運輸");
}

#[test]
fn the_german_store_writes_what_amazons_german_cart_says() {
    let de = Marketplaces::embedded().unwrap().get("de").unwrap().clone();
    assert_eq!(de.language, "de-DE");
    assert_eq!(de.sold_by(), "Amazon.de");
    assert_eq!(
        de.texts.cart_shipping,
        "Versandkosten (Versandsteuern ausgeschlossen)."
    );
}

#[test]
fn a_cart_is_taxed_where_the_store_estimates_until_a_po_names_its_region() {
    let us = Marketplaces::embedded().unwrap().get("US").unwrap().clone();
    assert_eq!(us.destination(None, false).region.as_deref(), Some("WA"));
    assert_eq!(
        us.destination(Some(" ny "), false).region.as_deref(),
        Some("NY")
    );
    assert!(us.destination(None, true).exempt);
    let de = Marketplaces::embedded().unwrap().get("DE").unwrap().clone();
    assert!(
        !de.destination(None, true).exempt,
        "only where the store allows it"
    );
}

/// A store file, how to break it, and what the refusal must say.
type Breakage = (&'static str, fn(&str) -> String, &'static str);

#[test]
fn a_broken_store_file_is_refused_naming_the_file_and_the_problem() {
    let cases: [Breakage; 5] = [
        (
            "de.toml",
            |t| t.replacen("code = \"EUR\"", "code = \"EURO\"", 1),
            "ISO 4217",
        ),
        (
            "de.toml",
            |t| t.replacen("price = \"104.99\"", "price = \"104.995\"", 1),
            "decimals",
        ),
        ("us.toml", |t| t.replacen("\"WY\",", "", 1), "'WY'"),
        (
            "fr.toml",
            |t| t.replacen("rounding = \"line\"", "rounding = \"sometimes\"", 1),
            "rounding",
        ),
        (
            "jp.toml",
            |t| t.replacen("[products.B087JWRCP5]", "[products.B087JWRCP6]", 1),
            "B087JWRCP6",
        ),
    ];
    for (file, edit, says) in cases {
        let err = with_edit(file, edit).unwrap_err();
        assert_eq!(err.file, file);
        assert!(err.reason.contains(says), "{file}: {}", err.reason);
    }
}

#[test]
fn a_code_is_checked_and_named_in_upper_case() {
    let markets = Marketplaces::embedded().unwrap();
    assert_eq!(markets.check_code(" de ").unwrap(), "DE");
    let refused = markets.check_code("GB").unwrap_err();
    assert!(refused.contains("not one of CA, DE"), "{refused}");
    assert_eq!(markets.get_or_default("XX").code, "JP");
}

#[test]
fn a_tenth_store_is_a_new_file() {
    // The Netherlands, written as a copy of Germany's file with its own code,
    // site, language and standard VAT rate.
    let (_, de) = embedded_files()
        .into_iter()
        .find(|(o, _)| o.ends_with("de.toml"))
        .unwrap();
    let nl = de
        .replacen("code = \"DE\"", "code = \"NL\"", 1)
        .replacen("site = \"www.amazon.de\"", "site = \"www.amazon.nl\"", 1)
        .replacen("country = \"DE\"", "country = \"NL\"", 1)
        .replacen("language = \"de-DE\"", "language = \"nl-NL\"", 1)
        .replacen("standard = \"19\"", "standard = \"21\"", 1);
    let mut files = embedded_files();
    files.push(("marketplaces/nl.toml".into(), nl));
    let markets = Marketplaces::from_files(files).unwrap();
    assert_eq!(markets.check_code("nl"), Ok("NL".to_owned()));
    let netherlands = markets.get("NL").unwrap();
    assert_eq!(netherlands.sold_by(), "Amazon.nl");
    let desk = netherlands.catalog.get("B087JWRCP5").unwrap();
    let quote = netherlands.pricing.price(
        &[crate::domain::pricing::Taxable {
            line_number: 1,
            amount: desk.price,
            class: &desk.tax_class,
        }],
        &netherlands.destination(None, false),
        None,
    );
    // 104.99 × 21% = 22.0479 → 22.05.
    assert_eq!(quote.tax, Decimal::new(2205, 2));
    assert_eq!(markets.all().count(), 10);
}

#[test]
fn every_stores_sample_address_is_of_its_form_and_taxed_where_it_lies() {
    let markets = Marketplaces::embedded().unwrap();
    for m in markets.all() {
        let a = &m.sample_address;
        assert!(m.address.postal_code.is_match(&a.postal_code), "{}", m.code);
        assert_eq!((&a.iso_country_code, &a.lang), (&m.country, &m.language));
        match &a.state {
            Some(state) => {
                assert!(m.knows_region(state), "{}: {state}", m.code);
                // A store that taxes by region has a rate for this one (in
                // one of its components: Ontario pays HST, not PST or QST).
                let by_region: Vec<_> = m
                    .pricing
                    .tax
                    .components
                    .iter()
                    .filter(|c| !c.by_region.is_empty())
                    .collect();
                assert!(
                    by_region.is_empty()
                        || by_region.iter().any(|c| c.by_region.contains_key(state)),
                    "{} {state}",
                    m.code
                );
            }
            None => assert!(!m.address.region_required && m.address.regions.is_empty()),
        }
        // A standard-rated line shipped there pays tax: the address is one
        // the store's rules price as a real order.
        let line = Taxable {
            line_number: 1,
            amount: Decimal::ONE_HUNDRED,
            class: "standard",
        };
        let to = m.destination(a.state.as_deref(), false);
        assert!(
            m.pricing.price(&[line], &to, None).tax > Decimal::ZERO,
            "{}",
            m.code
        );
    }
}

#[test]
fn japans_sample_address_is_the_tokyo_head_office_the_buyer_always_sent() {
    let markets = Marketplaces::embedded().unwrap();
    let a = &markets.japan().sample_address;
    assert_eq!(
        (
            a.ship_to_name.as_str(),
            a.bill_to_name.as_str(),
            a.deliver_to.as_str()
        ),
        ("本社", "経理部", "総務部")
    );
    assert_eq!(
        (
            a.street.as_str(),
            a.city.as_str(),
            a.postal_code.as_str(),
            a.country.as_str()
        ),
        ("目黒区下目黒1-8-1", "東京都", "153-0064", "日本")
    );
    assert_eq!((a.state.as_deref(), a.lang.as_str()), (None, "ja"));
}

#[test]
fn a_sample_address_that_breaks_its_stores_rules_is_refused() {
    let cases: [Breakage; 4] = [
        (
            "de.toml",
            |t| t.replacen("postal_code = \"10117\"", "postal_code = \"1011\"", 1),
            "sample_address.postal_code",
        ),
        (
            "us.toml",
            |t| t.replacen("state = \"WA\"\n", "", 1),
            "sample_address needs a state",
        ),
        (
            "ca.toml",
            |t| t.replacen("state = \"ON\"", "state = \"XX\"", 1),
            "sample_address.state",
        ),
        (
            "fr.toml",
            |t| t.replacen("city = \"Paris\"", "city = \"Paris\"\nstate = \"IDF\"", 1),
            "sample_address.state",
        ),
    ];
    for (file, edit, says) in cases {
        let err = with_edit(file, edit).unwrap_err();
        assert_eq!(err.file, file);
        assert!(err.reason.contains(says), "{file}: {}", err.reason);
    }
}

/// Every store sells the same ASINs: each product has a title in each
/// language the stores speak, and a page finds it by the title in its own.
#[test]
fn every_product_has_a_title_in_each_stores_language_and_search_matches_the_pages() {
    use crate::i18n::Lang;
    let stores = Marketplaces::embedded().unwrap();
    let languages: Vec<Lang> = stores.all().map(|m| Lang::of_store(&m.language)).collect();
    for market in stores.all() {
        for p in market.catalog.products() {
            for lang in &languages {
                assert!(
                    p.title_in(*lang).is_some_and(|t| !t.is_empty()),
                    "{} {} has no {lang:?} title",
                    market.code,
                    p.asin
                );
            }
        }
    }
    // The Japanese store on a German page finds the desk by its German
    // title, and by its Japanese one, but not by German words on a
    // Japanese page.
    let japan = stores.japan();
    for (query, lang, found) in [
        ("Schreibtisch höhenverstellbar", Lang::De, true),
        ("パソコンデスク", Lang::De, true),
        ("Schreibtisch höhenverstellbar", Lang::Ja, false),
        ("bureau réglable", Lang::Fr, true),
    ] {
        let asins: Vec<&str> = japan
            .catalog
            .search(query, None, lang)
            .iter()
            .map(|p| p.asin.as_str())
            .collect();
        assert_eq!(
            asins.contains(&"B087JWRCP5"),
            found,
            "{query} on {lang:?}: {asins:?}"
        );
    }
}
