//! Elements shared by several cXML documents: header and credentials, money,
//! descriptions, addresses, item identification and details, references.

use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::{Few, Text};

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Header {
    #[serde(rename = "From")]
    pub from: Party,
    #[serde(rename = "To")]
    pub to: Party,
    #[serde(rename = "Sender")]
    pub sender: Sender,
}

/// `From` or `To`: one or more credentials naming an organisation.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Party {
    #[serde(rename = "Credential", default)]
    pub credentials: Few<Credential>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Sender {
    #[serde(rename = "Credential", default)]
    pub credentials: Few<Credential>,
    #[serde(rename = "UserAgent", skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Credential {
    #[serde(rename = "@domain", default)]
    pub domain: Text,
    #[serde(rename = "Identity", default)]
    pub identity: Text,
    #[serde(rename = "SharedSecret", skip_serializing_if = "Option::is_none")]
    pub shared_secret: Option<Text>,
}

impl Credential {
    pub fn new(domain: &str, identity: &str) -> Self {
        Credential {
            domain: domain.into(),
            identity: identity.into(),
            shared_secret: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Status {
    #[serde(rename = "@code")]
    pub code: u16,
    #[serde(rename = "@text", default)]
    pub text: String,
    #[serde(rename = "@xml:lang", skip_serializing_if = "Option::is_none", default)]
    pub lang: Option<String>,
    #[serde(rename = "$text", default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl Status {
    pub fn ok() -> Self {
        Status {
            code: 200,
            text: "OK".into(),
            lang: None,
            message: String::new(),
        }
    }

    pub fn new(code: u16, text: impl Into<String>, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Status {
            code,
            text: text.into(),
            lang: (!message.is_empty()).then(|| "en".to_owned()),
            message,
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

/// An amount in a currency. The amount is kept as the text received so that
/// nothing is lost; [`Money::amount`] parses it.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Money {
    #[serde(rename = "@currency", default)]
    pub currency: Text,
    #[serde(rename = "$text", default)]
    pub value: Text,
}

impl Money {
    /// An amount of `currency` with two decimals, as Amazon's documents
    /// write prices (yen included).
    pub fn of(currency: &str, amount: Decimal) -> Self {
        Money {
            currency: currency.into(),
            value: compact_str::format_compact!("{:.2}", amount.round_dp(2)),
        }
    }

    /// Japanese yen, as [`Money::of`] writes them.
    pub fn jpy(amount: Decimal) -> Self {
        Money::of("JPY", amount)
    }

    pub fn amount(&self) -> Option<Decimal> {
        self.value.trim().parse().ok()
    }
}

/// `Total`, `UnitPrice`, `DeductionAmount`, `OriginalPrice`: elements that
/// wrap one Money.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct MoneyHolder {
    #[serde(rename = "Money", default)]
    pub money: Money,
}

impl MoneyHolder {
    pub fn of(currency: &str, amount: Decimal) -> Self {
        MoneyHolder {
            money: Money::of(currency, amount),
        }
    }

    pub fn jpy(amount: Decimal) -> Self {
        MoneyHolder::of("JPY", amount)
    }
}

/// `Description`: mixed text and `ShortName`. Read as parts, written as text.
#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
pub struct Description {
    #[serde(rename = "@xml:lang", default)]
    pub lang: Option<Text>,
    #[serde(rename = "$value", default)]
    parts: Few<DescriptionPart>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
enum DescriptionPart {
    #[serde(rename = "$text")]
    Text(String),
    ShortName(String),
}

impl Description {
    pub fn new(lang: &str, text: impl Into<String>) -> Self {
        Description {
            lang: Some(lang.into()),
            parts: smallvec::smallvec![DescriptionPart::Text(text.into())],
        }
    }

    /// The description's text; a `ShortName` stands in when there is no text.
    /// A Description read as text only (the fast OrderRequest reader).
    pub(crate) fn from_text(lang: Option<Text>, text: String) -> Self {
        Description {
            lang,
            parts: smallvec::smallvec![DescriptionPart::Text(text)],
        }
    }

    pub fn text(&self) -> String {
        // Joined as it is read: the usual Description is one run of text.
        let mut text = String::new();
        for run in self.parts.iter().filter_map(|p| match p {
            DescriptionPart::Text(t) => Some(t.trim()),
            DescriptionPart::ShortName(_) => None,
        }) {
            if run.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(run);
        }
        if text.is_empty() {
            text.push_str(self.short_name().unwrap_or_default().trim());
        }
        text
    }

    pub fn short_name(&self) -> Option<&str> {
        self.parts.iter().find_map(|p| match p {
            DescriptionPart::ShortName(s) => Some(s.as_str()),
            DescriptionPart::Text(_) => None,
        })
    }
}

impl Serialize for Description {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Description", 2)?;
        s.serialize_field("@xml:lang", self.lang.as_deref().unwrap_or("en"))?;
        s.serialize_field("$text", &self.text())?;
        s.end()
    }
}

/// `Extrinsic`: a named value outside the standard (`ANY` in the DTD; read
/// as text).
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Extrinsic {
    #[serde(rename = "@name", default)]
    pub name: Text,
    #[serde(rename = "$text", default)]
    pub value: Text,
}

impl Extrinsic {
    pub fn new(name: &str, value: impl Into<Text>) -> Self {
        Extrinsic {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Finds an extrinsic by name, ignoring case (buyers spell them freely).
pub fn extrinsic<'a>(list: &'a [Extrinsic], name: &str) -> Option<&'a str> {
    list.iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
        .map(|e| e.value.trim())
        .filter(|v| !v.is_empty())
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct UrlHolder {
    #[serde(rename = "URL", default)]
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Name {
    #[serde(rename = "@xml:lang", default)]
    pub lang: Option<Text>,
    #[serde(rename = "$text", default)]
    pub value: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Country {
    #[serde(rename = "@isoCountryCode", default)]
    pub iso_country_code: Text,
    #[serde(rename = "$text", default)]
    pub name: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct PostalAddress {
    #[serde(rename = "@name", skip_serializing_if = "Option::is_none", default)]
    pub name: Option<Text>,
    #[serde(rename = "DeliverTo", default)]
    pub deliver_to: Few<Text>,
    #[serde(rename = "Street", default)]
    pub street: Few<Text>,
    #[serde(rename = "City", default)]
    pub city: Text,
    #[serde(rename = "State", skip_serializing_if = "Option::is_none", default)]
    pub state: Option<Text>,
    #[serde(
        rename = "PostalCode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub postal_code: Option<Text>,
    #[serde(rename = "Country", default)]
    pub country: Country,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Email {
    #[serde(rename = "@name", skip_serializing_if = "Option::is_none", default)]
    pub name: Option<Text>,
    #[serde(rename = "$text", default)]
    pub value: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Address {
    #[serde(
        rename = "@isoCountryCode",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub iso_country_code: Option<Text>,
    #[serde(
        rename = "@addressID",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub address_id: Option<Text>,
    #[serde(rename = "Name", default)]
    pub name: Name,
    #[serde(rename = "PostalAddress", skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<PostalAddress>,
    #[serde(rename = "Email", skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
}

/// `ShipTo` and `BillTo` both wrap an Address.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct AddressHolder {
    #[serde(rename = "Address", default)]
    pub address: Address,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Contact {
    #[serde(rename = "@role", skip_serializing_if = "Option::is_none", default)]
    pub role: Option<Text>,
    #[serde(rename = "Name", default)]
    pub name: Name,
    #[serde(rename = "Email", default)]
    pub email: Vec<Email>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct ItemId {
    #[serde(rename = "SupplierPartID", default)]
    pub supplier_part_id: Text,
    #[serde(
        rename = "SupplierPartAuxiliaryID",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub supplier_part_auxiliary_id: Option<Text>,
    #[serde(
        rename = "BuyerPartID",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub buyer_part_id: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Classification {
    #[serde(rename = "@domain", default)]
    pub domain: Text,
    #[serde(rename = "$text", default)]
    pub code: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct ItemDetail {
    #[serde(rename = "UnitPrice", default)]
    pub unit_price: MoneyHolder,
    #[serde(rename = "Description", default)]
    pub description: Few<Description>,
    #[serde(rename = "UnitOfMeasure", default)]
    pub unit_of_measure: Text,
    #[serde(rename = "Classification", default)]
    pub classification: Few<Classification>,
    #[serde(
        rename = "ManufacturerPartID",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub manufacturer_part_id: Option<Text>,
    #[serde(
        rename = "ManufacturerName",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub manufacturer_name: Option<Text>,
    #[serde(rename = "Extrinsic", default)]
    pub extrinsics: Vec<Extrinsic>,
}

impl ItemDetail {
    pub fn description_text(&self) -> String {
        self.description
            .first()
            .map(Description::text)
            .unwrap_or_default()
    }
}

/// Header or line `Shipping`: the cost, what it is, and any discount on it.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Shipping {
    #[serde(rename = "Money", default)]
    pub money: Money,
    #[serde(rename = "Description", default)]
    pub description: Description,
    #[serde(rename = "Modifications", skip_serializing_if = "Option::is_none")]
    pub modifications: Option<Modifications>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Tax {
    #[serde(rename = "Money", default)]
    pub money: Money,
    #[serde(rename = "Description", default)]
    pub description: Description,
    /// Each tax the amount is made of: a rate and category per line.
    #[serde(rename = "TaxDetail", default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<TaxDetail>,
}

/// One tax of a `Tax`: `category` (vat, sales, gst, ...), its rate and the
/// amounts.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct TaxDetail {
    #[serde(rename = "@purpose", skip_serializing_if = "Option::is_none", default)]
    pub purpose: Option<Text>,
    #[serde(rename = "@category", default)]
    pub category: Text,
    #[serde(
        rename = "@percentageRate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub percentage_rate: Option<Text>,
    #[serde(rename = "TaxableAmount", skip_serializing_if = "Option::is_none")]
    pub taxable_amount: Option<MoneyHolder>,
    #[serde(rename = "TaxAmount", default)]
    pub tax_amount: MoneyHolder,
    #[serde(rename = "Description", skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Modifications {
    #[serde(rename = "Modification", default)]
    pub modification: Vec<Modification>,
}

/// A price or shipping modification; absim uses it for the free-shipping
/// discount (割引).
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Modification {
    #[serde(rename = "OriginalPrice", skip_serializing_if = "Option::is_none")]
    pub original_price: Option<MoneyHolder>,
    #[serde(rename = "AdditionalDeduction", default)]
    pub additional_deduction: AdditionalDeduction,
    #[serde(rename = "ModificationDetail", skip_serializing_if = "Option::is_none")]
    pub detail: Option<ModificationDetail>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct AdditionalDeduction {
    #[serde(rename = "@type", skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<String>,
    #[serde(rename = "DeductionAmount", default)]
    pub amount: MoneyHolder,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct ModificationDetail {
    #[serde(rename = "@name", default)]
    pub name: String,
    #[serde(rename = "Description", skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
}

impl Shipping {
    /// A shipping estimate with, when `discount` is not zero, the discount
    /// written as a Modification so that both numbers reach the buyer.
    pub fn with_discount(
        currency: &str,
        (amount, discount): (Decimal, Decimal),
        lang: &str,
        text: &str,
    ) -> Self {
        let modifications = (!discount.is_zero()).then(|| Modifications {
            modification: vec![Modification {
                original_price: Some(MoneyHolder::of(currency, amount)),
                additional_deduction: AdditionalDeduction {
                    kind: Some("discount".into()),
                    amount: MoneyHolder::of(currency, discount),
                },
                detail: Some(ModificationDetail {
                    name: "FreeShipping".into(),
                    description: Some(Description::new(lang, "Free shipping discount")),
                }),
            }],
        });
        Shipping {
            money: Money::of(currency, amount),
            description: Description::new(lang, text),
            modifications,
        }
    }

    /// The discount carried in the Modifications, if any.
    pub fn discount(&self) -> Decimal {
        self.modifications
            .iter()
            .flat_map(|m| &m.modification)
            .filter_map(|m| m.additional_deduction.amount.money.amount())
            .sum()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct DocumentReference {
    #[serde(rename = "@payloadID", default)]
    pub payload_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct OrderReference {
    #[serde(rename = "@orderID", skip_serializing_if = "Option::is_none", default)]
    pub order_id: Option<String>,
    #[serde(
        rename = "@orderDate",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub order_date: Option<String>,
    #[serde(rename = "DocumentReference", default)]
    pub document_reference: DocumentReference,
}

/// `Comments` as absim writes them: text with an optional type.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Comments {
    #[serde(rename = "@xml:lang", skip_serializing_if = "Option::is_none", default)]
    pub lang: Option<String>,
    #[serde(rename = "@type", skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<String>,
    #[serde(rename = "$text", default)]
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::Description;

    fn text(xml: &str) -> String {
        quick_xml::de::from_str::<Description>(xml).unwrap().text()
    }

    #[test]
    fn a_description_reads_as_its_text_runs_or_its_short_name() {
        assert_eq!(
            text("<Description xml:lang=\"ja\">  机 </Description>"),
            "机"
        );
        assert_eq!(
            text("<Description> a <ShortName>s</ShortName> b </Description>"),
            "a b"
        );
        assert_eq!(
            text("<Description><ShortName> s </ShortName></Description>"),
            "s"
        );
        assert_eq!(text("<Description>   </Description>"), "");
        let made = Description::new("ja", " desk ");
        assert_eq!(
            (made.text(), made.lang.as_deref()),
            ("desk".into(), Some("ja"))
        );
    }
}
