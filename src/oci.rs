//! SAP OCI (Open Catalog Interface): the login fields a buyer's system sends
//! to open the catalogue, and the `NEW_ITEM-*` fields the cart goes back in,
//! at the lengths OCI allows (REFERENCE.md §11). Pure: no HTTP, no storage.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The OCI 4.0/5.0 maximum lengths of the fields absim returns.
pub const FIELD_LENGTHS: [(&str, usize); 11] = [
    ("DESCRIPTION", 40),
    ("QUANTITY", 15),
    ("UNIT", 3),
    ("PRICE", 15),
    ("PRICEUNIT", 5),
    ("CURRENCY", 5),
    ("LEADTIME", 5),
    ("VENDORMAT", 40),
    ("MANUFACTMAT", 40),
    ("MATGROUP", 10),
    ("EXT_PRODUCT_ID", 40),
];

/// Where and how the cart goes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OciReturnInfo {
    /// `~TARGET`: the frame the form posts into (default `_top`).
    pub target: String,
    /// `~OkCode` (`ADDI`).
    pub ok_code: String,
    /// `~CALLER` (`CTLG`).
    pub caller: String,
}

/// What an OCI catalogue call carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciLogin {
    pub username: String,
    pub password: String,
    pub hook_url: String,
    pub ret: OciReturnInfo,
    /// `LANGU`: the SAP language key (`J`, `JA`, `E`, `EN`, ...).
    pub language: Option<String>,
}

impl OciLogin {
    /// Reads the login fields (names in any case, as SAP systems vary).
    pub fn parse(params: &[(String, String)]) -> Result<OciLogin, String> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let missing: Vec<&str> = ["USERNAME", "PASSWORD", "HOOK_URL"]
            .into_iter()
            .filter(|n| get(n).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the OCI call lacks {} (USERNAME and PASSWORD are the system login and password, HOOK_URL the return address)",
                missing.join(", ")
            ));
        }
        Ok(OciLogin {
            username: get("USERNAME").unwrap_or_default(),
            password: get("PASSWORD").unwrap_or_default(),
            hook_url: get("HOOK_URL").unwrap_or_default(),
            ret: OciReturnInfo {
                target: get("~TARGET").unwrap_or_else(|| "_top".into()),
                ok_code: get("~OkCode").unwrap_or_else(|| "ADDI".into()),
                caller: get("~CALLER").unwrap_or_else(|| "CTLG".into()),
            },
            language: get("LANGU"),
        })
    }

    /// Whether `LANGU` asks for English.
    pub fn wants_english(&self) -> bool {
        self.language
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("E") || l.eq_ignore_ascii_case("EN"))
    }
}

/// One cart line as OCI carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciItem {
    pub description: String,
    pub quantity: u32,
    pub unit: String,
    pub price: Decimal,
    pub currency: String,
    pub lead_time_days: u32,
    pub vendor_material: String,
    pub manufacturer_material: String,
    pub material_group: String,
    pub product_id: String,
}

/// The fields of the return form, and what had to be cut to fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciCart {
    pub fields: Vec<(String, String)>,
    pub truncations: Vec<String>,
}

fn max_len(name: &str) -> usize {
    FIELD_LENGTHS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, l)| *l)
        .unwrap_or(usize::MAX)
}

/// The `NEW_ITEM-*` fields of a cart, cut to OCI's lengths (in
/// characters), the full title in `LONGTEXT_n:132[]`.
pub fn cart_fields(items: &[OciItem], ret: &OciReturnInfo) -> OciCart {
    let mut fields = Vec::new();
    let mut truncations = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let values = [
            ("DESCRIPTION", item.description.clone()),
            ("QUANTITY", item.quantity.to_string()),
            ("UNIT", item.unit.clone()),
            ("PRICE", format!("{:.2}", item.price)),
            ("PRICEUNIT", "1".to_owned()),
            ("CURRENCY", item.currency.clone()),
            ("LEADTIME", item.lead_time_days.to_string()),
            ("VENDORMAT", item.vendor_material.clone()),
            ("MANUFACTMAT", item.manufacturer_material.clone()),
            ("MATGROUP", item.material_group.clone()),
            ("EXT_PRODUCT_ID", item.product_id.clone()),
        ];
        for (name, value) in values {
            let max = max_len(name);
            let count = value.chars().count();
            let value = if count > max {
                truncations.push(format!(
                    "NEW_ITEM-{name}[{n}] was cut from {count} to {max} characters (OCI's limit)"
                ));
                value.chars().take(max).collect()
            } else {
                value
            };
            fields.push((format!("NEW_ITEM-{name}[{n}]"), value));
        }
        fields.push((
            format!("NEW_ITEM-LONGTEXT_{n}:132[]"),
            item.description.clone(),
        ));
    }
    fields.push(("~OkCode".into(), ret.ok_code.clone()));
    fields.push(("~TARGET".into(), ret.target.clone()));
    fields.push(("~CALLER".into(), ret.caller.clone()));
    OciCart {
        fields,
        truncations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn login_fields_are_read_in_any_case_with_defaults() {
        let l = OciLogin::parse(&params(&[
            ("username", "Buyer01"),
            ("PASSWORD", "secret1"),
            ("HOOK_URL", "http://sap/hook"),
            ("~Target", "_parent"),
            ("LANGU", "EN"),
        ]))
        .unwrap();
        assert_eq!(l.username, "Buyer01");
        assert_eq!(l.ret.target, "_parent");
        assert_eq!(l.ret.ok_code, "ADDI");
        assert!(l.wants_english());
        let err = OciLogin::parse(&params(&[("USERNAME", "x")])).unwrap_err();
        assert!(err.contains("PASSWORD, HOOK_URL"), "{err}");
    }

    #[test]
    fn long_values_are_cut_to_oci_lengths_and_reported() {
        let item = OciItem {
            description: "あ".repeat(50),
            quantity: 2,
            unit: "EA".into(),
            price: Decimal::from(16182),
            currency: "JPY".into(),
            lead_time_days: 2,
            vendor_material: "B087JWRCP5".into(),
            manufacturer_material: "CGD-8055(MBK)".into(),
            material_group: "56101703".into(),
            product_id: "B087JWRCP5".into(),
        };
        let ret = OciReturnInfo {
            target: "_top".into(),
            ok_code: "ADDI".into(),
            caller: "CTLG".into(),
        };
        let cart = cart_fields(&[item], &ret);
        let get = |k: &str| {
            cart.fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("NEW_ITEM-DESCRIPTION[1]").unwrap().chars().count(), 40);
        assert_eq!(
            get("NEW_ITEM-LONGTEXT_1:132[]").unwrap().chars().count(),
            50
        );
        assert_eq!(get("NEW_ITEM-PRICE[1]").as_deref(), Some("16182.00"));
        assert_eq!(get("NEW_ITEM-MATGROUP[1]").as_deref(), Some("56101703"));
        assert_eq!(get("~OkCode").as_deref(), Some("ADDI"));
        assert_eq!(cart.truncations.len(), 1);
        assert!(cart.truncations[0].contains("from 50 to 40"));
    }
}
