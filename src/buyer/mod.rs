//! The reference buyer's cXML side: what a procurement system sends and how
//! it reads the returned cart, written with absim's own models. The suite
//! runner, the tests and `absim buyer` use it.

pub mod api;
pub mod system;
pub mod web;

use base64::Engine as _;
use rust_decimal::Decimal;
use smallvec::smallvec;

use crate::cxml::order_message::{ItemIn, PunchOutOrderMessage};
use crate::cxml::order_request::{ItemOut, OrderRequest, OrderRequestHeader};
use crate::cxml::punchout_setup::{PunchOutSetupRequest, SetupItemOut};
use crate::cxml::{
    Address, AddressHolder, Contact, Country, Credential, Cxml, Email, Extrinsic, Header,
    MoneyHolder, Name, Party, PostalAddress, ReadError, Sender, UrlHolder, read, write,
};
use crate::domain::marketplace::{Marketplaces, SampleAddress};

/// Who the buyer is and where its cart comes back.
#[derive(Debug, Clone)]
pub struct BuyerConfig {
    pub identity: String,
    pub shared_secret: String,
    pub hook_url: String,
    pub user_email: String,
    pub user_agent: String,
    /// Where its POs ship and bill to: its store's sample address, or any
    /// other (a US order to Oregon, say, where no sales tax is due).
    pub address: SampleAddress,
}

impl BuyerConfig {
    fn header(&self) -> Header {
        let mut sender = Credential::new("NetworkId", &self.identity);
        sender.shared_secret = Some(self.shared_secret.as_str().into());
        Header {
            from: Party {
                credentials: smallvec![Credential::new("NetworkId", &self.identity)],
            },
            to: Party {
                credentials: smallvec![Credential::new("NetworkId", "Amazon")],
            },
            sender: Sender {
                credentials: smallvec![sender],
                user_agent: Some(self.user_agent.as_str().into()),
            },
        }
    }
}

/// A payloadID for the buyer's documents.
pub fn payload_id(n: impl std::fmt::Display) -> String {
    format!(
        "{}.{}.{n}@buyer.absim",
        chrono::Utc::now().timestamp_millis(),
        std::process::id()
    )
}

/// The orderID a document absim posts refers to (its first `orderID`
/// attribute), found without reading the document: the buyer files what
/// arrives under the order it belongs to.
pub fn order_id_in(body: &str) -> String {
    body.split("orderID=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// A PunchOutSetupRequest. `cart` carries the returned items for `edit`
/// and `inspect`; `scenario` names an absim scenario through an extrinsic.
pub fn setup_request(
    cfg: &BuyerConfig,
    operation: &str,
    buyer_cookie: &str,
    cart: &[ItemIn],
    scenario: Option<&str>,
) -> String {
    let mut extrinsics = vec![Extrinsic::new("UserEmail", cfg.user_email.clone())];
    if let Some(s) = scenario {
        extrinsics.push(Extrinsic::new("absim.scenario", s));
    }
    let items = cart
        .iter()
        .enumerate()
        .map(|(i, item)| SetupItemOut {
            quantity: item.quantity.clone(),
            line_number: Some((i + 1).to_string()),
            item_id: item.item_id.clone(),
            item_detail: Some(item.item_detail.clone()),
        })
        .collect();
    let doc = write::request(
        payload_id("setup"),
        cfg.header(),
        "test",
        PunchOutSetupRequest {
            operation: operation.into(),
            buyer_cookie: buyer_cookie.into(),
            extrinsics,
            browser_form_post: Some(UrlHolder {
                url: cfg.hook_url.clone(),
            }),
            contacts: Vec::new(),
            supplier_setup: None,
            ship_to: None,
            selected_item: None,
            items,
        },
    );
    write::document(&doc)
}

/// Why a returned cart could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("the form has no cxml-urlencoded or cxml-base64 field")]
    NoField,
    #[error("the cxml-base64 field is not base64: {0}")]
    Base64(String),
    #[error("the cart is not a PunchOutOrderMessage: {0}")]
    Cxml(#[from] ReadError),
}

/// Reads the cart from the fields of the form posted to the hook, as a
/// careful buyer does: either field, any case.
pub fn cart_from_form(
    fields: &[(String, String)],
) -> Result<Cxml<PunchOutOrderMessage>, CartError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let xml = if let Some(v) = field("cxml-urlencoded") {
        v.as_bytes().to_vec()
    } else if let Some(v) = field("cxml-base64") {
        base64::engine::general_purpose::STANDARD
            .decode(v.trim())
            .map_err(|e| CartError::Base64(e.to_string()))?
    } else {
        return Err(CartError::NoField);
    };
    Ok(read::<PunchOutOrderMessage>(&xml)?.doc)
}

/// The sample address (`[sample_address]`) of a store absim ships with,
/// by its code; None for a code it does not have.
pub fn store_address(code: &str) -> Option<SampleAddress> {
    // Parsed once: the buyer asks for it per order and the tests per test.
    static SHIPPED: std::sync::LazyLock<Option<Marketplaces>> =
        std::sync::LazyLock::new(|| Marketplaces::embedded().ok());
    SHIPPED
        .as_ref()?
        .get(code)
        .map(|m| m.sample_address.clone())
}

/// A ShipTo or BillTo at `a`, named `name` (the head office, its accounts).
pub fn address(a: &SampleAddress, name: &str) -> AddressHolder {
    AddressHolder {
        address: Address {
            iso_country_code: Some(a.iso_country_code.as_str().into()),
            address_id: Some("HQ".into()),
            name: Name {
                lang: Some(a.lang.as_str().into()),
                value: name.into(),
            },
            postal_address: Some(PostalAddress {
                name: Some("default".into()),
                deliver_to: smallvec![a.deliver_to.as_str().into()],
                street: smallvec![a.street.as_str().into()],
                city: a.city.as_str().into(),
                state: a.state.as_deref().map(Into::into),
                postal_code: Some(a.postal_code.as_str().into()),
                country: Country {
                    iso_country_code: a.iso_country_code.as_str().into(),
                    name: a.country.as_str().into(),
                },
            }),
            email: None,
        },
    }
}

/// The PO a buyer sends for a returned cart: every ItemIn echoed as an
/// ItemOut with its line number, the cart's Total in the cart's currency,
/// ShipTo and BillTo at the buyer's address.
pub fn order_request(
    cfg: &BuyerConfig,
    cart: &PunchOutOrderMessage,
    order_id: &str,
    payload_id: &str,
) -> Cxml<OrderRequest> {
    let items: Vec<ItemOut> = cart
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| ItemOut {
            quantity: item.quantity.as_str().into(),
            line_number: Some(compact_str::format_compact!("{}", i + 1)),
            requested_delivery_date: None,
            item_id: item.item_id.clone(),
            item_detail: Some(item.item_detail.clone()),
        })
        .collect();
    // The cart's own currency: a buyer orders in what the store priced.
    let currency = Some(&cart.header.total.money.currency)
        .filter(|c| !c.trim().is_empty())
        .or_else(|| {
            cart.items
                .first()
                .map(|i| &i.item_detail.unit_price.money.currency)
        })
        .map_or("JPY", |c| c.as_str());
    let total: Decimal = cart
        .items
        .iter()
        .map(|i| {
            i.item_detail.unit_price.money.amount().unwrap_or_default()
                * i.quantity.trim().parse::<Decimal>().unwrap_or_default()
        })
        .sum();
    let mut doc = write::request(
        payload_id.to_owned(),
        cfg.header(),
        "test",
        OrderRequest {
            header: OrderRequestHeader {
                order_id: order_id.into(),
                order_date: crate::cxml::time::format(&crate::cxml::time::now()).into(),
                kind: Some("new".into()),
                total: Some(MoneyHolder::of(currency, total)),
                ship_to: Some(address(&cfg.address, &cfg.address.ship_to_name)),
                bill_to: Some(address(&cfg.address, &cfg.address.bill_to_name)),
                contacts: vec![Contact {
                    role: Some("endUser".into()),
                    name: Name {
                        lang: Some(cfg.address.lang.as_str().into()),
                        value: cfg.address.contact.as_str().into(),
                    },
                    email: vec![Email {
                        name: None,
                        value: cfg.user_email.as_str().into(),
                    }],
                }],
                extrinsics: Vec::new(),
            },
            items,
        },
    );
    doc.payload_id = payload_id.into();
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cxml::punchout_setup::PunchOutSetupRequest;

    fn cfg() -> BuyerConfig {
        BuyerConfig {
            identity: "Buyer01".into(),
            shared_secret: "secret1".into(),
            hook_url: "http://127.0.0.1:9/hook".into(),
            user_email: "a@example.jp".into(),
            user_agent: "absim reference buyer".into(),
            address: store_address("JP").unwrap(),
        }
    }

    #[test]
    fn the_setup_request_reads_back_strictly() {
        let xml = setup_request(&cfg(), "create", "c1", &[], Some("basic"));
        let got = read::<PunchOutSetupRequest>(xml.as_bytes()).unwrap();
        assert!(got.deviations.is_empty(), "{:?}", got.deviations);
        let p = got.doc.payload().unwrap();
        assert_eq!(p.user_email(), Some("a@example.jp"));
        assert_eq!(
            crate::cxml::extrinsic(&p.extrinsics, "absim.scenario"),
            Some("basic")
        );
    }

    #[test]
    fn a_cart_field_is_found_in_any_case_and_encoding() {
        let poom = "<cXML payloadID=\"x\" timestamp=\"2026-01-01T00:00:00+09:00\"><Message><PunchOutOrderMessage><BuyerCookie>c</BuyerCookie><PunchOutOrderMessageHeader operationAllowed=\"create\"><Total><Money currency=\"JPY\">0</Money></Total></PunchOutOrderMessageHeader></PunchOutOrderMessage></Message></cXML>";
        let b64 = base64::engine::general_purpose::STANDARD.encode(poom);
        for fields in [
            vec![("cXML-urlencoded".to_owned(), poom.to_owned())],
            vec![("CXML-BASE64".to_owned(), b64)],
        ] {
            let cart = cart_from_form(&fields).unwrap();
            assert_eq!(cart.payload().unwrap().buyer_cookie, "c");
        }
        assert!(matches!(cart_from_form(&[]), Err(CartError::NoField)));
    }

    #[test]
    fn a_documents_order_id_is_its_first_order_id_attribute() {
        let body = r#"<ConfirmationHeader confirmID="C1"/><OrderReference orderID="PO-7" orderDate="x"><DocumentReference payloadID="p"/></OrderReference><X orderID="other"/>"#;
        assert_eq!(order_id_in(body), "PO-7");
        assert_eq!(order_id_in("<Status code=\"200\"/>"), "");
    }
}
