//! The marketplace files as written (`marketplaces/FORMAT.md`), and their
//! checked conversion into a [`Marketplace`].

use std::collections::BTreeMap;

use indexmap::IndexMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{AddressRules, Endpoints, Marketplace, SampleAddress, Texts};
use crate::domain::catalog::{Catalog, Category, Product};
use crate::domain::pricing::{
    Component, Currency, Pricing, Rounding, ShippingRule, TaxRules, When,
};

/// `products.toml`: what every store shares about a product.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProductsFile {
    /// Each category's English name, in the order the storefront lists them.
    categories: IndexMap<String, String>,
    /// In the order the storefront's home shows them.
    products: IndexMap<String, SharedProduct>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SharedProduct {
    title_en: String,
    unspsc: String,
    manufacturer: String,
    part_number: String,
    category: String,
    sub_category: String,
    stock: u32,
    tax_class: String,
}

/// A store's file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StoreFile {
    code: String,
    name: String,
    site: String,
    country: String,
    language: String,
    #[serde(default)]
    unconfirmed: Vec<String>,
    currency: CurrencyFile,
    shipping: ShippingFile,
    tax: TaxFile,
    address: AddressFile,
    texts: TextsFile,
    endpoints: Endpoints,
    /// Amounts the scenarios name, in the store's currency.
    scenario_amounts: BTreeMap<String, Decimal>,
    sample_address: SampleAddress,
    categories: BTreeMap<String, String>,
    products: BTreeMap<String, StoreProduct>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CurrencyFile {
    code: String,
    minor_units: u32,
    symbol: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShippingFile {
    fee: Decimal,
    free_from: Decimal,
    taxed: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxFile {
    rounding: String,
    #[serde(default)]
    default_region: String,
    #[serde(default)]
    seller_region: String,
    #[serde(default)]
    exempt_allowed: bool,
    components: Vec<ComponentFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentFile {
    category: String,
    name: String,
    #[serde(default)]
    rates: BTreeMap<String, Decimal>,
    #[serde(default)]
    by_region: BTreeMap<String, Decimal>,
    #[serde(default)]
    classes: Vec<String>,
    #[serde(default = "always")]
    when: String,
}

fn always() -> String {
    "always".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressFile {
    region_required: bool,
    postal_code: String,
    postal_code_example: String,
    #[serde(default)]
    regions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextsFile {
    shipping: String,
    tax: String,
    #[serde(default)]
    cart_shipping: Option<String>,
    #[serde(default)]
    cart_tax: Option<String>,
    test_carrier: String,
    #[serde(default)]
    active_carrier: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreProduct {
    #[serde(default)]
    title: Option<String>,
    price: Decimal,
    #[serde(default)]
    manufacturer: Option<String>,
    #[serde(default)]
    tax_class: Option<String>,
}

/// The tax classes a product may have.
pub(super) const TAX_CLASSES: [&str; 3] = ["standard", "reduced", "zero"];

impl StoreFile {
    /// The marketplace this file describes, every rule checked: the
    /// currency, the rates, the regions, every shared product priced and
    /// titled with the currency's decimals.
    pub(super) fn into_marketplace(self, shared: &ProductsFile) -> Result<Marketplace, String> {
        let currency = currency(&self.currency)?;
        let tax = self.tax_rules()?;
        let address = self.address_rules()?;
        check_regions(&tax, &address)?;
        let catalog = self.catalog(shared, &currency, &tax)?;
        if let Some((name, a)) = self
            .scenario_amounts
            .iter()
            .find(|(_, a)| !currency.fits(**a))
        {
            return Err(format!(
                "scenario_amounts.{name} {a} has more decimals than {}",
                currency.code
            ));
        }
        let sample_address = self.sample_address(&address)?;
        let default_region = non_empty(&self.tax.default_region);
        if let Some(r) = &default_region {
            check_region(&address, r, "tax.default_region")?;
        }
        let pricing = Pricing {
            currency,
            shipping: ShippingRule {
                fee: self.shipping.fee,
                free_from: self.shipping.free_from,
                taxed: self.shipping.taxed,
            },
            tax,
        };
        Ok(Marketplace {
            code: self.code.to_ascii_uppercase(),
            name: self.name,
            site: self.site,
            country: self.country.to_ascii_uppercase(),
            language: self.language,
            unconfirmed: self.unconfirmed,
            pricing,
            default_region,
            exempt_allowed: self.tax.exempt_allowed,
            address,
            texts: Texts {
                cart_shipping: self
                    .texts
                    .cart_shipping
                    .unwrap_or_else(|| self.texts.shipping.clone()),
                cart_tax: self
                    .texts
                    .cart_tax
                    .unwrap_or_else(|| self.texts.tax.clone()),
                shipping: self.texts.shipping,
                tax: self.texts.tax,
                test_carrier: self.texts.test_carrier,
                active_carrier: self
                    .texts
                    .active_carrier
                    .unwrap_or_else(|| "Amazon Logistics".into()),
            },
            endpoints: self.endpoints,
            scenario_amounts: self.scenario_amounts,
            sample_address,
            catalog,
        })
    }

    fn tax_rules(&self) -> Result<TaxRules, String> {
        let rounding = match self.tax.rounding.as_str() {
            "line" => Rounding::Line,
            "order-floor" => Rounding::OrderFloor,
            other => {
                return Err(format!(
                    "tax.rounding '{other}' is neither line nor order-floor"
                ));
            }
        };
        let components = self
            .tax
            .components
            .iter()
            .map(component)
            .collect::<Result<Vec<_>, _>>()?;
        if components.is_empty() {
            return Err("tax has no components".into());
        }
        Ok(TaxRules {
            components,
            rounding,
            seller_region: non_empty(&self.tax.seller_region),
        })
    }

    fn address_rules(&self) -> Result<AddressRules, String> {
        let postal_code = regex::Regex::new(&self.address.postal_code)
            .map_err(|e| format!("address.postal_code is not a regular expression: {e}"))?;
        if !postal_code.is_match(&self.address.postal_code_example) {
            return Err(format!(
                "address.postal_code_example '{}' does not match address.postal_code",
                self.address.postal_code_example
            ));
        }
        Ok(AddressRules {
            region_required: self.address.region_required,
            postal_code,
            postal_code_example: self.address.postal_code_example.clone(),
            regions: self.address.regions.clone(),
        })
    }

    /// The sample address, checked against the store's own rules: a postal
    /// code of its form, a state it knows (one where it needs one, none
    /// where it has none), every line written.
    fn sample_address(&self, rules: &AddressRules) -> Result<SampleAddress, String> {
        let mut a = self.sample_address.clone();
        let lines = [
            &a.ship_to_name,
            &a.bill_to_name,
            &a.contact,
            &a.deliver_to,
            &a.street,
            &a.city,
            &a.country,
        ];
        if lines.iter().any(|l| l.trim().is_empty()) {
            return Err("sample_address has an empty line".into());
        }
        if !rules.postal_code.is_match(&a.postal_code) {
            return Err(format!(
                "sample_address.postal_code '{}' does not match address.postal_code",
                a.postal_code
            ));
        }
        a.state = a.state.as_deref().and_then(non_empty);
        match &a.state {
            Some(s) => check_region(rules, s, "sample_address.state")?,
            None if rules.region_required => {
                return Err("sample_address needs a state: address.region_required".into());
            }
            None => {}
        }
        a.iso_country_code = self.country.to_ascii_uppercase();
        a.lang = self.language.clone();
        Ok(a)
    }

    /// The store's catalogue: each shared product with this store's title,
    /// price, and any override.
    fn catalog(
        &self,
        shared: &ProductsFile,
        currency: &Currency,
        tax: &TaxRules,
    ) -> Result<Catalog, String> {
        let mut categories = Vec::new();
        for (code, en) in &shared.categories {
            let name = self
                .categories
                .get(code)
                .ok_or_else(|| format!("category {code} has no name in [categories]"))?;
            categories.push(Category {
                code: code.clone(),
                name: name.clone(),
                en: en.clone(),
            });
        }
        if let Some(asin) = self
            .products
            .keys()
            .find(|a| !shared.products.contains_key(*a))
        {
            return Err(format!("product {asin} is not in products.toml"));
        }
        let mut products = Vec::new();
        for (asin, p) in &shared.products {
            products.push(self.product(asin, p, currency, tax)?);
        }
        Catalog::new(categories, products)
    }

    fn product(
        &self,
        asin: &str,
        p: &SharedProduct,
        currency: &Currency,
        tax: &TaxRules,
    ) -> Result<Product, String> {
        let own = self
            .products
            .get(asin)
            .ok_or_else(|| format!("product {asin} has no price in this store"))?;
        if own.price <= Decimal::ZERO || !currency.fits(own.price) {
            return Err(format!(
                "product {asin}'s price {} is not a positive amount of {} with at most {} decimals",
                own.price, currency.code, currency.minor_units
            ));
        }
        let tax_class = own.tax_class.clone().unwrap_or_else(|| p.tax_class.clone());
        if !TAX_CLASSES.contains(&tax_class.as_str()) {
            return Err(format!(
                "product {asin}'s tax class '{tax_class}' is not one of {TAX_CLASSES:?}"
            ));
        }
        let charged = tax
            .components
            .iter()
            .any(|c| !c.by_region.is_empty() || c.rates.contains_key(&tax_class));
        if !charged {
            return Err(format!(
                "no tax component has a rate for product {asin}'s class '{tax_class}'"
            ));
        }
        if asin.len() != 10 || !asin.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("ASIN '{asin}' must be 10 letters or digits"));
        }
        Ok(Product::new(
            asin.to_owned(),
            own.title.clone().unwrap_or_else(|| p.title_en.clone()),
            p.title_en.clone(),
            own.price,
            p.unspsc.clone(),
            own.manufacturer
                .clone()
                .unwrap_or_else(|| p.manufacturer.clone()),
            p.part_number.clone(),
            (p.category.clone(), p.sub_category.clone()),
            p.stock,
            tax_class,
        ))
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_ascii_uppercase())
}

/// An ISO 4217 currency, with the minor units ISO gives it.
fn currency(c: &CurrencyFile) -> Result<Currency, String> {
    let iso = iso_currency::Currency::from_code(&c.code)
        .ok_or_else(|| format!("currency '{}' is not an ISO 4217 code", c.code))?;
    if iso.exponent().map(u32::from) != Some(c.minor_units) {
        return Err(format!(
            "currency {} has {} minor units, not {:?}",
            c.code,
            c.minor_units,
            iso.exponent()
        ));
    }
    Ok(Currency {
        code: c.code.as_str().into(),
        minor_units: c.minor_units,
        symbol: c.symbol.clone(),
    })
}

fn component(c: &ComponentFile) -> Result<Component, String> {
    let when = match c.when.as_str() {
        "always" => When::Always,
        "same-region" => When::SameRegion,
        "other-region" => When::OtherRegion,
        other => {
            return Err(format!(
                "tax component {}: when '{other}' is not always, same-region or other-region",
                c.category
            ));
        }
    };
    if c.rates.is_empty() == c.by_region.is_empty() {
        return Err(format!(
            "tax component {} needs rates by class or by region (one of the two)",
            c.category
        ));
    }
    let percent = |r: &Decimal| (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(r);
    if let Some(bad) = c
        .rates
        .values()
        .chain(c.by_region.values())
        .find(|r| !percent(r))
    {
        return Err(format!(
            "tax component {}: rate {bad} is not a percentage",
            c.category
        ));
    }
    if let Some(class) = c
        .rates
        .keys()
        .chain(&c.classes)
        .find(|k| !TAX_CLASSES.contains(&k.as_str()))
    {
        return Err(format!(
            "tax component {}: '{class}' is not a tax class",
            c.category
        ));
    }
    Ok(Component {
        category: c.category.as_str().into(),
        name: c.name.clone(),
        rates: c.rates.clone(),
        by_region: c
            .by_region
            .iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), *v))
            .collect(),
        classes: c.classes.clone(),
        when,
    })
}

/// Every region a rate names is one of the store's regions.
fn check_regions(tax: &TaxRules, address: &AddressRules) -> Result<(), String> {
    for c in &tax.components {
        for region in c.by_region.keys() {
            check_region(address, region, &format!("tax component {}", c.category))?;
        }
    }
    if let Some(r) = &tax.seller_region {
        check_region(address, r, "tax.seller_region")?;
    }
    Ok(())
}

fn check_region(address: &AddressRules, region: &str, what: &str) -> Result<(), String> {
    if address
        .regions
        .iter()
        .any(|r| r.eq_ignore_ascii_case(region))
    {
        Ok(())
    } else {
        Err(format!(
            "{what} names region '{region}', which is not in address.regions"
        ))
    }
}
