//! The Amazon Business stores absim plays, as data: one file per store in
//! `marketplaces/` (embedded at build time; `--marketplaces DIR` reads a
//! folder instead) and `marketplaces/products.toml` for what they share.
//! A store is its currency, its pricing and tax rules, the form of its
//! addresses, the words of its documents, its real endpoints and its
//! catalogue. Each group belongs to one; Japan is the default. Adding a
//! store is a new file: `marketplaces/FORMAT.md` says what it holds.

mod file;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::catalog::Catalog;
use super::pricing::{Destination, Pricing};
use file::{ProductsFile, StoreFile};

/// The store a group belongs to unless it says otherwise.
pub const DEFAULT: &str = "JP";

/// The marketplace files shipped with absim.
static EMBEDDED: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/marketplaces");

/// One Amazon Business store.
#[derive(Debug, Clone)]
pub struct Marketplace {
    /// JP, US, CA, UK, DE, FR, IT, ES, IN.
    pub code: String,
    pub name: String,
    /// The store's host (`www.amazon.de`): detailPageURLs and soldBy.
    pub site: String,
    /// ISO 3166-1 alpha-2 of its addresses (GB for UK).
    pub country: String,
    /// `xml:lang` of its documents' descriptions, the catalogue's language.
    pub language: String,
    /// The file's keys no source settled (said in the README).
    pub unconfirmed: Vec<String>,
    pub pricing: Pricing,
    /// Where a cart's tax is estimated before a PO names its ShipTo.
    pub default_region: Option<String>,
    /// A group may be tax-exempt (the US exemption program).
    pub exempt_allowed: bool,
    pub address: AddressRules,
    pub texts: Texts,
    pub endpoints: Endpoints,
    /// Amounts the scenarios name (`high_shipping`), in the currency.
    pub scenario_amounts: BTreeMap<String, rust_decimal::Decimal>,
    /// The business address the reference buyer ships to in this store.
    pub sample_address: SampleAddress,
    pub catalog: Catalog,
}

/// A plausible business address of the store's country (`[sample_address]`):
/// the reference buyer's ShipTo and BillTo, so that its POs are taxed and
/// checked as a buyer of that country's would be.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleAddress {
    /// The ShipTo's and the BillTo's Name (a head office, its accounts).
    pub ship_to_name: String,
    pub bill_to_name: String,
    /// The PO's end user (Contact role="endUser").
    pub contact: String,
    pub deliver_to: String,
    pub street: String,
    pub city: String,
    /// The state or province code, as the store's tax rules name regions;
    /// absent where the store has none.
    #[serde(default)]
    pub state: Option<String>,
    pub postal_code: String,
    /// The country's name as the address prints it (日本, Deutschland).
    pub country: String,
    /// The store's country (ISO 3166-1) and language, set from the file's
    /// top-level keys so that the address carries everything a PO needs.
    #[serde(skip)]
    pub iso_country_code: String,
    #[serde(skip)]
    pub lang: String,
}

/// How the store's addresses are formed.
#[derive(Debug, Clone)]
pub struct AddressRules {
    /// A PO's ShipTo must name its state or province (tax depends on it).
    pub region_required: bool,
    pub postal_code: regex::Regex,
    pub postal_code_example: String,
    /// Every valid state or province code.
    pub regions: Vec<String>,
}

/// The words Amazon's documents of the store carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    /// Shipping's and tax's descriptions in a confirmation.
    pub shipping: String,
    pub tax: String,
    /// The same in the cart (PunchOutOrderMessage).
    pub cart_shipping: String,
    pub cart_tax: String,
    /// The carrier of test mode's ship notices, and of active mode's.
    pub test_carrier: String,
    pub active_carrier: String,
}

/// What the real store's URLs look like, shown beside absim's.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    pub punchout: String,
    pub punchout_test: String,
    pub po_request: String,
    /// Where the documents' detailPageURLs point: empty for absim's own
    /// product pages; absent for the store's (`https://<site>`).
    #[serde(default)]
    pub detail_page: Option<String>,
}

impl Endpoints {
    /// The path of the store's punchout URL, or of its test one
    /// (`/punchout/test`): absim answers the same paths, so that going live
    /// changes only the host.
    pub fn punchout_path(&self, test: bool) -> Option<String> {
        let url = if test {
            &self.punchout_test
        } else {
            &self.punchout
        };
        url::Url::parse(url).ok().map(|u| u.path().to_owned())
    }
}

impl Marketplace {
    /// Whether no source settled the file's `key` (`endpoints.punchout`).
    pub fn is_unconfirmed(&self, key: &str) -> bool {
        self.unconfirmed.iter().any(|k| k == key)
    }

    /// `soldBy` of the store's own offers: `Amazon.de`, `Amazon.co.jp`.
    pub fn sold_by(&self) -> String {
        let host = self.site.trim_start_matches("www.");
        format!("Amazon.{}", host.trim_start_matches("amazon."))
    }

    /// The base of the detailPageURLs of the store's documents: the
    /// store's site, or absim's own pages (`absim`) where the file says so.
    pub fn detail_page_base(&self, absim: &str) -> String {
        match self.endpoints.detail_page.as_deref() {
            Some("") => absim.to_owned(),
            Some(base) => base.trim_end_matches('/').to_owned(),
            None => format!("https://{}", self.site),
        }
    }

    /// Where an order to `region` (a ShipTo's state or province) is taxed,
    /// for a group that is (or is not) tax-exempt.
    pub fn destination(&self, region: Option<&str>, exempt: bool) -> Destination {
        Destination {
            region: region
                .map(|r| r.trim().to_ascii_uppercase())
                .filter(|r| !r.is_empty())
                .or_else(|| self.default_region.clone()),
            exempt: exempt && self.exempt_allowed,
        }
    }

    /// The amount a scenario names, in the store's currency.
    pub fn scenario_amount(&self, name: &str) -> Option<rust_decimal::Decimal> {
        self.scenario_amounts.get(name).copied()
    }

    /// Whether `region` is one of the store's states or provinces.
    pub fn knows_region(&self, region: &str) -> bool {
        self.address
            .regions
            .iter()
            .any(|r| r.eq_ignore_ascii_case(region.trim()))
    }
}

/// Every store absim plays, by code.
#[derive(Debug, Clone)]
pub struct Marketplaces {
    by_code: BTreeMap<String, Marketplace>,
}

/// A marketplace file's problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct MarketplaceError {
    pub file: String,
    pub reason: String,
}

impl Marketplaces {
    /// The stores shipped with absim.
    pub fn embedded() -> Result<Marketplaces, MarketplaceError> {
        let files = EMBEDDED
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .map(|f| {
                (
                    format!("marketplaces/{}", f.path().display()),
                    f.contents_utf8().unwrap_or("").to_owned(),
                )
            })
            .collect();
        Marketplaces::from_files(files)
    }

    /// The store files of a folder, with its `products.toml`.
    pub fn load_dir(dir: &std::path::Path) -> Result<Marketplaces, MarketplaceError> {
        let unreadable = |file: String, e: std::io::Error| MarketplaceError {
            file,
            reason: e.to_string(),
        };
        let mut files = Vec::new();
        let entries =
            std::fs::read_dir(dir).map_err(|e| unreadable(dir.display().to_string(), e))?;
        for path in entries.flatten().map(|e| e.path()) {
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| unreadable(path.display().to_string(), e))?;
                files.push((path.display().to_string(), text));
            }
        }
        Marketplaces::from_files(files)
    }

    /// Reads `(origin, text)` pairs: one named `products.toml`, the others
    /// a store each; the default store must be among them.
    fn from_files(files: Vec<(String, String)>) -> Result<Marketplaces, MarketplaceError> {
        let fail = |file: &str, reason: String| MarketplaceError {
            file: file.to_owned(),
            reason,
        };
        let (products_origin, products_text) = files
            .iter()
            .find(|(origin, _)| origin.ends_with("products.toml"))
            .ok_or_else(|| fail("marketplaces", "there is no products.toml".into()))?;
        let shared: ProductsFile =
            toml::from_str(products_text).map_err(|e| fail(products_origin, e.to_string()))?;
        let mut by_code = BTreeMap::new();
        for (origin, text) in files.iter().filter(|(o, _)| !o.ends_with("products.toml")) {
            let store: StoreFile = toml::from_str(text).map_err(|e| fail(origin, e.to_string()))?;
            let market = store
                .into_marketplace(&shared)
                .map_err(|r| fail(origin, r))?;
            if by_code.contains_key(&market.code) {
                return Err(fail(
                    origin,
                    format!("store {} is defined twice", market.code),
                ));
            }
            by_code.insert(market.code.clone(), market);
        }
        if !by_code.contains_key(DEFAULT) {
            return Err(fail("marketplaces", format!("there is no {DEFAULT} store")));
        }
        let titles = titles_by_language(&by_code);
        for market in by_code.values_mut() {
            market.catalog.give_titles(&titles);
        }
        Ok(Marketplaces { by_code })
    }

    pub fn get(&self, code: &str) -> Option<&Marketplace> {
        self.by_code.get(&code.trim().to_ascii_uppercase())
    }

    /// A recorded code's store; Japan for a code the files no longer have.
    pub fn get_or_default(&self, code: &str) -> &Marketplace {
        self.get(code).unwrap_or_else(|| self.japan())
    }

    pub fn japan(&self) -> &Marketplace {
        &self.by_code[DEFAULT]
    }

    /// Every store, in the order of their codes.
    pub fn all(&self) -> impl Iterator<Item = &Marketplace> {
        self.by_code.values()
    }

    /// The codes, for messages that list them.
    pub fn codes(&self) -> Vec<&str> {
        self.by_code.keys().map(String::as_str).collect()
    }

    /// A code as a group takes it: upper case, one of the stores, or the
    /// reason it is not.
    pub fn check_code(&self, code: &str) -> Result<String, String> {
        self.get(code).map(|m| m.code.clone()).ok_or_else(|| {
            format!(
                "marketplace '{}' is not one of {}",
                code.trim(),
                self.codes().join(", ")
            )
        })
    }
}

/// Each product's title in each language the pages speak, by ASIN: the
/// title the first store of that language gives it (a store's own title,
/// not the English one it falls back on), and the English of
/// `products.toml`. The ASINs are the same in every store.
fn titles_by_language(
    by_code: &BTreeMap<String, Marketplace>,
) -> std::collections::HashMap<String, Vec<Option<String>>> {
    let mut titles = std::collections::HashMap::new();
    for market in by_code.values() {
        let lang = crate::i18n::Lang::parse(&market.language);
        for p in market.catalog.products() {
            let entry = titles
                .entry(p.asin.clone())
                .or_insert_with(|| vec![None; crate::i18n::Lang::ALL.len()]);
            entry[crate::i18n::Lang::En.index()] = Some(p.title_en.clone());
            if let Some(lang) = lang.filter(|_| p.title != p.title_en) {
                entry[lang.index()].get_or_insert_with(|| p.title.clone());
            }
        }
    }
    titles
}

#[cfg(test)]
mod tests;
