//! The account settings an administrator sees: punchout groups, their
//! purchasing system, system login ("From Identity"), password
//! ("SharedSecret"), PO Request URL token, buyer endpoints, cart-return field,
//! and test versus active mode. Credential rules follow Amazon's setup screen.

use rand::Rng;
use rand::distr::Alphanumeric;
use serde::{Deserialize, Serialize};

use super::error_form::ErrorForm;

use crate::i18n::Note;
use crate::note;

/// The purchasing systems the guide's setup screen offers.
pub const PURCHASING_SYSTEMS: [&str; 5] = [
    "JW_HomeGrown",
    "Kobuy",
    "LINE_WORKS",
    "Oracle-iProcurement",
    "Other-Procurement-System",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PurchasingSystem(String);

impl PurchasingSystem {
    pub fn parse(s: &str) -> Result<Self, Note> {
        PURCHASING_SYSTEMS
            .iter()
            .find(|p| **p == s.trim())
            .map(|p| PurchasingSystem((*p).to_owned()))
            .ok_or_else(|| Note::unknown_value("purchasing-system", s, &PURCHASING_SYSTEMS))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// テスト or アクティブ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Test,
    Active,
}

impl Mode {
    /// The cXML `deploymentMode` documents carry in this mode.
    pub fn deployment_mode(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Active => "production",
        }
    }
}

/// The form field that carries the returned cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartField {
    #[serde(rename = "cxml-urlencoded")]
    UrlEncoded,
    #[serde(rename = "cxml-base64")]
    Base64,
}

impl CartField {
    pub fn name(self) -> &'static str {
        match self {
            CartField::UrlEncoded => "cxml-urlencoded",
            CartField::Base64 => "cxml-base64",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Note> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cxml-urlencoded" => Ok(CartField::UrlEncoded),
            "cxml-base64" => Ok(CartField::Base64),
            _ => Err(Note::unknown_value(
                "cart-field",
                s,
                &["cxml-urlencoded", "cxml-base64"],
            )),
        }
    }
}

/// 共通 (set by the administrator) or 個別 (each user's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Shared,
    Individual,
}

/// 支払い方法.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentMethod {
    /// クレジットカード
    CreditCard,
    /// 請求書払い
    Invoice,
}

/// PO確認のメール: who gets the order confirmation e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// パンチアウトユーザー: the user whose e-mail came with the punchout.
    pub to_user: bool,
    /// 管理者
    pub to_admin: bool,
    pub admin_email: Option<String>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            to_user: true,
            to_admin: false,
            admin_email: None,
        }
    }
}

/// A punchout group (パンチアウトグループ) and its purchasing-system settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: u32,
    pub name: String,
    pub purchasing_system: PurchasingSystem,
    /// システムログイン: cXML From/Sender Identity.
    pub identity: String,
    /// パスワード: cXML Sender SharedSecret.
    pub shared_secret: String,
    /// The last path segment of the group's PO Request URL.
    pub po_token: String,
    pub mode: Mode,
    pub order_confirmation_url: Option<String>,
    pub ship_notice_url: Option<String>,
    /// Where invoices (InvoiceDetailRequest) go, for scenarios that send one.
    #[serde(default)]
    pub invoice_url: Option<String>,
    pub cart_field: CartField,
    /// Faults injected into this group's PO answers (off by default).
    #[serde(default)]
    pub faults: super::fault::FaultPlan,
    /// テストシナリオを選択します: the scenario new punchouts and orders get.
    #[serde(default = "basic_scenario")]
    pub selected_scenario: String,
    /// 許容値設定: the order safeguards.
    #[serde(default)]
    pub tolerances: super::safeguard::Tolerances,
    /// How many POs each scenario's injected faults have answered.
    #[serde(default)]
    pub scenario_fault_uses: std::collections::BTreeMap<String, u32>,
    /// 支払い方法: 共通 or 個別, and the shared method.
    #[serde(default)]
    pub payment_scope: Scope,
    #[serde(default)]
    pub payment_method: Option<PaymentMethod>,
    /// 配送先住所: 共通 or 個別, and the shared addresses.
    #[serde(default)]
    pub address_scope: Scope,
    #[serde(default)]
    pub delivery_addresses: Vec<String>,
    /// PO確認のメール.
    #[serde(default)]
    pub mail: MailSettings,
    /// How refusals of this group's cXML requests are carried over HTTP.
    #[serde(default)]
    pub cxml_errors: ErrorForm,
    /// The Amazon Business store the group buys from (JP, US, DE, ...):
    /// its currency, taxes, documents and catalogue.
    #[serde(default = "default_marketplace")]
    pub marketplace: String,
    /// The group is exempt from sales tax (where its store allows it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tax_exempt: bool,
    /// The CI run open for this group, if any: what the group receives
    /// until it closes (or until its deadline) belongs to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_run: Option<OpenRun>,
}

/// A group's open CI run, as the group keeps it (see `domain::run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRun {
    pub id: String,
    /// Its deadline (Unix ms): after it nothing more belongs to it.
    pub until_ms: i64,
}

fn basic_scenario() -> String {
    super::scenario::BASIC.to_owned()
}

fn default_marketplace() -> String {
    super::marketplace::DEFAULT.to_owned()
}

pub const DEFAULT_GROUP_NAME: &str = "パンチアウトグループ";

impl Group {
    /// How headings name the group: its name, and its purchasing system
    /// when the name does not already say it.
    pub fn label(&self) -> String {
        if self.name == self.purchasing_system.as_str() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.purchasing_system.as_str())
        }
    }

    /// A new group in test mode with generated credentials.
    pub fn generate(id: u32, name: &str) -> Group {
        Group {
            id,
            name: name.to_owned(),
            purchasing_system: PurchasingSystem("LINE_WORKS".into()),
            identity: generate_identity(),
            shared_secret: generate_secret(),
            po_token: generate_token(48),
            mode: Mode::Test,
            order_confirmation_url: None,
            ship_notice_url: None,
            invoice_url: None,
            cart_field: CartField::UrlEncoded,
            faults: Default::default(),
            selected_scenario: basic_scenario(),
            tolerances: Default::default(),
            scenario_fault_uses: Default::default(),
            payment_scope: Scope::Shared,
            payment_method: None,
            address_scope: Scope::Shared,
            delivery_addresses: Vec::new(),
            mail: MailSettings::default(),
            cxml_errors: ErrorForm::Code,
            marketplace: default_marketplace(),
            tax_exempt: false,
            open_run: None,
        }
    }

    /// The run what the group receives now belongs to.
    pub fn run_at(&self, now_ms: i64) -> Option<String> {
        self.open_run
            .as_ref()
            .filter(|r| now_ms < r.until_ms)
            .map(|r| r.id.clone())
    }

    /// Decides whether this PO of `scenario` gets the scenario's injected
    /// fault, counting its uses per scenario.
    pub fn take_scenario_fault(
        &mut self,
        scenario: &str,
        plan: &super::fault::FaultPlan,
        unit: f64,
    ) -> Option<super::fault::FaultKind> {
        let kind = plan.kind?;
        let used = self.scenario_fault_uses.get(scenario).copied().unwrap_or(0);
        let taken = match plan.remaining {
            Some(n) => used < n,
            None => plan
                .share_percent
                .is_some_and(|p| unit * 100.0 < f64::from(p.min(100))),
        };
        if taken {
            self.scenario_fault_uses
                .insert(scenario.to_owned(), used + 1);
        }
        taken.then_some(kind)
    }
}

impl Group {
    /// Moves the group to the store `code` names (any case) and sets its
    /// tax exemption; what is None stays. Checked as a whole, so that a
    /// tax-exempt group cannot move to a store without exemption unnoticed:
    /// the reasons name the field (`marketplace`, `tax_exempt`) and the
    /// codes that would do.
    pub fn choose_marketplace(
        &mut self,
        stores: &super::marketplace::Marketplaces,
        code: Option<&str>,
        tax_exempt: Option<bool>,
    ) -> Result<(), Note> {
        let market = match code {
            Some(c) => stores
                .get(c)
                .ok_or_else(|| Note::unknown_value("marketplace", c, &stores.codes()))?,
            None => stores.get_or_default(&self.marketplace),
        };
        let exempt = tax_exempt.unwrap_or(self.tax_exempt);
        if exempt && !market.exempt_allowed {
            let allowed: Vec<&str> = stores
                .all()
                .filter(|m| m.exempt_allowed)
                .map(|m| m.code.as_str())
                .collect();
            return Err(note!(
                "setting-no-tax-exemption",
                marketplace = market.code.as_str(),
                allowed = allowed.join(", ")
            ));
        }
        self.marketplace = market.code.clone();
        self.tax_exempt = exempt;
        Ok(())
    }
}

/// システムログイン: 4 to 64 letters, digits, hyphens, underscores.
pub fn validate_identity(s: &str) -> Result<(), Note> {
    let n = s.chars().count();
    if !(4..=64).contains(&n)
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(note!("setting-identity", identity = s));
    }
    Ok(())
}

/// パスワード: 6 to 30 letters and digits, at least one of each.
pub fn validate_secret(s: &str) -> Result<(), Note> {
    let n = s.chars().count();
    let ok = (6..=30).contains(&n)
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s.chars().any(|c| c.is_ascii_alphabetic())
        && s.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return Err(note!("setting-secret"));
    }
    Ok(())
}

/// A system login in Amazon's shape: a name and ten digits.
pub fn generate_identity() -> String {
    let digits: u64 = rand::rng().random_range(1_000_000_000..10_000_000_000);
    format!("AbsimPunchoutGroup{digits}")
}

/// A 30-character password of letters and digits with at least one of each.
pub fn generate_secret() -> String {
    loop {
        let s = generate_token(30);
        if validate_secret(&s).is_ok() {
            return s;
        }
    }
}

/// An unguessable token of letters and digits (log2(62) ≈ 5.95 bits each).
pub fn generate_token(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Compares a presented secret with the stored one in constant time, so
/// that timing does not tell how many leading bytes matched.
pub fn secrets_match(presented: &str, stored: &str) -> bool {
    use subtle::ConstantTimeEq;
    presented.as_bytes().ct_eq(stored.as_bytes()).into()
}

/// Why a system login cannot be taken: another group has it.
pub fn identity_taken(identity: &str) -> Note {
    note!("setting-identity-taken", identity = identity)
}

/// Buyer endpoints must be http(s) URLs.
pub fn validate_endpoint(s: &str) -> Result<Option<String>, Note> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(Some(s.to_owned()))
        }
        _ => Err(note!("setting-endpoint", url = s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_credentials_follow_the_rules() {
        for _ in 0..50 {
            let g = Group::generate(1, DEFAULT_GROUP_NAME);
            validate_identity(&g.identity).unwrap();
            validate_secret(&g.shared_secret).unwrap();
            assert!(g.po_token.len() >= 40);
            assert_eq!(g.mode, Mode::Test);
        }
    }

    #[test]
    fn identity_rule_is_enforced_with_the_rule_in_the_message() {
        assert!(validate_identity("abc").is_err());
        assert!(validate_identity(&"a".repeat(65)).is_err());
        let err = validate_identity("has space")
            .unwrap_err()
            .render(crate::i18n::Lang::Ja);
        assert!(err.contains("4～64"), "{err}");
        validate_identity("Buyer-01_x").unwrap();
    }

    #[test]
    fn secret_rule_is_enforced_with_the_rule_in_the_message() {
        for bad in [
            "abc12",
            "abcdefgh",
            "12345678",
            "abc-12345",
            &"a1".repeat(16),
        ] {
            let err = validate_secret(bad)
                .unwrap_err()
                .render(crate::i18n::Lang::Ja);
            assert!(err.contains("6～30"), "{bad}: {err}");
        }
        validate_secret("abc123").unwrap();
    }

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(secrets_match("abc123", "abc123"));
        assert!(!secrets_match("abc124", "abc123"));
        assert!(!secrets_match("abc1234", "abc123"));
        assert!(!secrets_match("", "abc123"));
    }

    #[test]
    fn a_group_moves_to_a_store_by_its_code_in_any_case() {
        let stores = crate::domain::marketplace::Marketplaces::embedded().unwrap();
        let mut g = Group::generate(1, DEFAULT_GROUP_NAME);
        g.choose_marketplace(&stores, Some(" us "), Some(true))
            .unwrap();
        assert_eq!((g.marketplace.as_str(), g.tax_exempt), ("US", true));
        let err = g
            .choose_marketplace(&stores, Some("XX"), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'XX' is not a marketplace"), "{err}");
        assert!(err.contains("DE") && err.contains("JP"), "{err}");
        assert_eq!(g.marketplace, "US");
    }

    #[test]
    fn only_a_store_with_exemption_takes_a_tax_exempt_group() {
        let stores = crate::domain::marketplace::Marketplaces::embedded().unwrap();
        let mut g = Group::generate(1, DEFAULT_GROUP_NAME);
        let err = g
            .choose_marketplace(&stores, None, Some(true))
            .unwrap_err()
            .to_string();
        assert!(err.contains("tax_exempt") && err.contains("US"), "{err}");
        g.choose_marketplace(&stores, Some("US"), Some(true))
            .unwrap();
        // An exempt group cannot move to Germany unless it gives the
        // exemption up in the same change.
        let err = g
            .choose_marketplace(&stores, Some("DE"), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("marketplace DE has no tax exemption"), "{err}");
        assert_eq!((g.marketplace.as_str(), g.tax_exempt), ("US", true));
        g.choose_marketplace(&stores, Some("de"), Some(false))
            .unwrap();
        assert_eq!((g.marketplace.as_str(), g.tax_exempt), ("DE", false));
    }

    #[test]
    fn endpoints_must_be_http() {
        assert_eq!(validate_endpoint(" ").unwrap(), None);
        assert!(validate_endpoint("javascript:alert(1)").is_err());
        assert!(validate_endpoint("http://127.0.0.1:9/x").unwrap().is_some());
    }
}
