//! Test scenarios as data: one TOML file each in `scenarios/` (embedded at
//! build time; `--scenarios DIR` reads another folder at start). A scenario
//! says how it is shown (section, names, steps, what to look for), what it
//! needs first, what changes between the cart and the PO, how absim confirms,
//! ships and invoices, which faults its POs get, and what is expected of the
//! buyer. The README documents the format with an annotated example.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde::Deserialize;

use super::error_form::ErrorForm;
use super::fault::FaultPlan;

/// A scenario's text in the pages' languages: Japanese and English always,
/// German, French, Italian and Spanish in absim's own scenarios (a team's
/// scenario may leave them out: its English shows).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub ja: String,
    pub en: String,
    pub de: Option<String>,
    pub fr: Option<String>,
    pub it: Option<String>,
    pub es: Option<String>,
}

impl Text {
    /// The text in the page's language, or in English where it has none.
    pub fn get(&self, lang_code: &str) -> &str {
        let other = match lang_code {
            "ja" => return &self.ja,
            "de" => &self.de,
            "fr" => &self.fr,
            "it" => &self.it,
            "es" => &self.es,
            _ => &None,
        };
        other.as_deref().unwrap_or(&self.en)
    }

    /// The languages the text lacks (absim's own scenarios lack none).
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("de", &self.de),
            ("fr", &self.fr),
            ("it", &self.it),
            ("es", &self.es),
        ]
        .into_iter()
        .filter(|(_, t)| t.as_deref().is_none_or(str::is_empty))
        .map(|(code, _)| code)
        .collect()
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Basic,
    Checkout,
    Safeguard,
    Advanced,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Basic,
        Section::Checkout,
        Section::Safeguard,
        Section::Advanced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Basic => "basic",
            Section::Checkout => "checkout",
            Section::Safeguard => "safeguard",
            Section::Advanced => "advanced",
        }
    }
}

/// A change on Amazon's side between the cart and the PO.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct LineChange {
    /// The PO line (1-based); 0 means every line.
    pub line: u32,
    /// The unit price rises (or falls) by this percentage.
    pub price_percent: Option<Decimal>,
    /// Or by this amount of the store's currency.
    #[serde(alias = "price_yen")]
    pub price_amount: Option<Decimal>,
    /// Units in stock.
    pub stock: Option<u32>,
    /// Days until delivery.
    pub delivery_days: Option<u32>,
    /// Fulfilled by someone other than Amazon.
    pub third_party: bool,
}

impl LineChange {
    pub fn applies_to(&self, line_position: u32) -> bool {
        self.line == 0 || self.line == line_position
    }
}

/// Status of part of a confirmed line.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartStatus {
    Accept,
    Backordered,
    Reject,
}

/// A quantity in a plan: a number, or what is left of the line.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Quantity {
    Units(u32),
    Rest(Rest),
}

impl Quantity {
    /// The units this quantity comes to when `rest` are left of the line:
    /// the number (no more than is left), or all that is left.
    pub fn resolve(self, rest: Decimal) -> Decimal {
        match self {
            Quantity::Units(n) => Decimal::from(n).min(rest),
            Quantity::Rest(_) => rest,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Rest {
    Rest,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PartPlan {
    pub status: PartStatus,
    #[serde(default = "rest")]
    pub quantity: Quantity,
    /// For backordered parts: days until delivery.
    #[serde(default)]
    pub delivery_days: Option<u32>,
    /// For rejected parts: the reason, written in Comments.
    #[serde(default)]
    pub reason: Option<String>,
}

fn rest() -> Quantity {
    Quantity::Rest(Rest::Rest)
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LineConfirmation {
    /// The PO line (1-based); 0 means every line.
    #[serde(default)]
    pub line: u32,
    pub parts: Vec<PartPlan>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ConfirmationPlan {
    /// Header type; derived from the lines when absent.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Header Comments (the reason of a rejected order).
    pub reason: Option<String>,
    pub lines: Vec<LineConfirmation>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ShipmentLine {
    pub line: u32,
    #[serde(default = "rest")]
    pub quantity: Quantity,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ShipmentPlan {
    /// Seconds after the previous document (the group's ship-notice delay
    /// when absent).
    pub delay: Option<u64>,
    /// What ships; every accepted unit not shipped yet when empty.
    pub lines: Vec<ShipmentLine>,
    /// Ship the back-ordered units (after their delay).
    pub backordered: bool,
}

/// Checks beyond the standard ones: what this scenario expects of the buyer.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Expectation {
    /// The PO's lines are those of the last cart returned (after an edit).
    PoReflectsLastCart,
    /// The punchout used operation="edit" and carried the earlier cart.
    EditSetup,
    /// The punchout used operation="inspect".
    InspectSetup,
    /// The cart has at least two lines, one with a quantity above one.
    SeveralLines,
    /// Descriptions in the PO are the catalogue's titles, unharmed.
    JapaneseTextIntact,
    /// The PO came in spite of injected faults (the buyer retried).
    RetriedAfterFault,
    /// A delivery to the buyer needed more than one attempt and got through.
    DeliveredAfterRetry,
    /// The buyer sends no PO (the cart came back empty).
    NoOrder,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    id: String,
    section: Section,
    #[serde(default)]
    position: u32,
    name: Text,
    description: Text,
    #[serde(default)]
    steps: Vec<Text>,
    #[serde(default)]
    look_for: Vec<Text>,
    requires: Option<Vec<String>>,
    #[serde(default)]
    changes: Vec<LineChange>,
    #[serde(default)]
    shipping: Option<String>,
    #[serde(default)]
    cart_age_days: Option<u32>,
    #[serde(default)]
    confirmation: ConfirmationPlan,
    #[serde(default)]
    shipments: Vec<ShipmentPlan>,
    #[serde(default)]
    invoice: bool,
    #[serde(default)]
    po_faults: Option<FaultPlan>,
    #[serde(default)]
    expect: Vec<Expectation>,
    /// What a buyer's PO is refused with in this scenario (documentation
    /// and the suite's expectations), e.g. "001-001".
    #[serde(default)]
    refusal: Option<String>,
    /// absim refuses this scenario's POs itself, with this Status.
    #[serde(default)]
    refuse_po: Option<PoRefusal>,
    /// How this scenario's refusals are carried over HTTP, whatever the
    /// group's setting: code or http-200.
    #[serde(default)]
    cxml_errors: Option<ErrorForm>,
}

/// A refusal absim answers a scenario's POs with.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PoRefusal {
    pub code: u16,
    pub text: String,
    /// The message the buyer receives.
    pub message: String,
    /// The same reason in Japanese, for the test log.
    #[serde(default)]
    pub message_ja: Option<String>,
}

/// A loaded scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub id: String,
    pub section: Section,
    pub position: u32,
    pub name: Text,
    pub description: Text,
    pub steps: Vec<Text>,
    pub look_for: Vec<Text>,
    /// Scenarios that must be marked 成功 first.
    pub requires: Vec<String>,
    pub changes: Vec<LineChange>,
    /// The shipping estimate of this order, replacing the store's: the
    /// name of an amount each store's file gives in `[scenario_amounts]`.
    pub shipping: Option<String>,
    /// The PO is treated as arriving this many days after the cart.
    pub cart_age_days: Option<u32>,
    pub confirmation: ConfirmationPlan,
    pub shipments: Vec<ShipmentPlan>,
    pub invoice: bool,
    pub po_faults: Option<FaultPlan>,
    pub expect: Vec<Expectation>,
    pub refusal: Option<String>,
    /// absim refuses this scenario's POs itself, with this Status.
    pub refuse_po: Option<PoRefusal>,
    /// How this scenario's refusals are carried over HTTP, whatever the
    /// group's setting.
    pub cxml_errors: Option<ErrorForm>,
    /// Where it was read from.
    pub origin: String,
}

pub const BASIC: &str = "basic";

/// Every scenario, by id, with the section order the pages use.
#[derive(Debug, Clone, Default)]
pub struct Scenarios {
    scenarios: BTreeMap<String, Scenario>,
}

/// A scenario file's problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct ScenarioError {
    pub file: String,
    pub reason: String,
}

/// The scenario files shipped with absim.
static EMBEDDED: include_dir::Dir<'_> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/scenarios");

impl Scenarios {
    /// Parses one scenario file. `origin` names it in errors; the toml
    /// crate's messages carry the line and column.
    pub fn parse_one(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let err = |reason: String| ScenarioError {
            file: origin.to_owned(),
            reason,
        };
        let f: ScenarioFile = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if f.id.is_empty()
            || !f
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(err(format!(
                "id '{}' must be lower-case letters, digits and hyphens",
                f.id
            )));
        }
        for c in &f.confirmation.lines {
            if c.parts.is_empty() {
                return Err(err(format!("confirmation line {} has no parts", c.line)));
            }
        }
        if let Some(kind) = &f.confirmation.kind
            && ![
                "accept",
                "detail",
                "reject",
                "backordered",
                "except",
                "allDetail",
            ]
            .contains(&kind.as_str())
        {
            return Err(err(format!(
                "confirmation type '{kind}' is not one of accept, detail, reject, backordered, except"
            )));
        }
        if let Some(p) = &f.po_faults {
            p.validate().map_err(|n| err(n.into()))?;
        }
        let requires = f.requires.unwrap_or_else(|| {
            if f.section == Section::Basic {
                Vec::new()
            } else {
                vec![BASIC.to_owned()]
            }
        });
        Ok(Scenario {
            id: f.id,
            section: f.section,
            position: f.position,
            name: f.name,
            description: f.description,
            steps: f.steps,
            look_for: f.look_for,
            requires,
            changes: f.changes,
            shipping: f.shipping,
            cart_age_days: f.cart_age_days,
            confirmation: f.confirmation,
            shipments: f.shipments,
            invoice: f.invoice,
            po_faults: f.po_faults,
            expect: f.expect,
            refusal: f.refusal,
            refuse_po: f.refuse_po,
            cxml_errors: f.cxml_errors,
            origin: origin.to_owned(),
        })
    }

    /// Builds the scenarios from (origin, text) pairs, checking ids are unique
    /// and requirements exist.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (String, &'a str)>,
    ) -> Result<Scenarios, ScenarioError> {
        let mut scenarios = BTreeMap::new();
        for (origin, text) in files {
            let s = Scenarios::parse_one(text, &origin)?;
            if let Some(prev) = scenarios.get(&s.id) {
                let prev: &Scenario = prev;
                return Err(ScenarioError {
                    file: origin,
                    reason: format!("id '{}' is already used by {}", s.id, prev.origin),
                });
            }
            scenarios.insert(s.id.clone(), s);
        }
        if !scenarios.contains_key(BASIC) {
            return Err(ScenarioError {
                file: "scenarios".into(),
                reason: "there is no scenario with id 'basic'".into(),
            });
        }
        let ids: HashSet<&String> = scenarios.keys().collect();
        for s in scenarios.values() {
            for r in &s.requires {
                if !ids.contains(r) {
                    return Err(ScenarioError {
                        file: s.origin.clone(),
                        reason: format!("requires '{r}', which no scenario has as id"),
                    });
                }
            }
        }
        Ok(Scenarios { scenarios })
    }

    /// The scenarios shipped with absim.
    pub fn embedded() -> Result<Scenarios, ScenarioError> {
        let files = EMBEDDED
            .files()
            .filter(|f| {
                f.path().extension().is_some_and(|e| e == "toml")
                    && f.path().file_name().is_some_and(|n| n != "catalog.toml")
            })
            .map(|f| {
                (
                    format!("scenarios/{}", f.path().display()),
                    f.contents_utf8().unwrap_or(""),
                )
            });
        Scenarios::from_files(files)
    }

    /// The scenario files of a folder (every `*.toml` but `catalog.toml`).
    pub fn load_dir(dir: &std::path::Path) -> Result<Scenarios, ScenarioError> {
        let mut texts = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| ScenarioError {
            file: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml")
                && path.file_name().is_some_and(|n| n != "catalog.toml")
            {
                let text = std::fs::read_to_string(&path).map_err(|e| ScenarioError {
                    file: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                texts.push((path.display().to_string(), text));
            }
        }
        Scenarios::from_files(texts.iter().map(|(o, t)| (o.clone(), t.as_str())))
    }

    pub fn get(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.get(id)
    }

    pub fn basic(&self) -> &Scenario {
        &self.scenarios[BASIC]
    }

    /// A recorded scenario id's scenario; the basic order for an id the
    /// current scenario files no longer have.
    pub fn get_or_basic(&self, id: &str) -> &Scenario {
        self.get(id).unwrap_or_else(|| self.basic())
    }

    /// The scenario an order or session belongs to: the one named by an
    /// `absim.scenario` extrinsic if it exists, else `fallback` (the
    /// session's, or the group's selection; the basic order when that is
    /// gone). An unknown name is a deviation.
    pub fn choose(
        &self,
        named: Option<&str>,
        fallback: &str,
    ) -> (crate::cxml::Text, Option<crate::cxml::Deviation>) {
        let fallback = if self.get(fallback).is_some() {
            fallback
        } else {
            BASIC
        };
        match named {
            Some(id) if self.get(id).is_some() => (id.into(), None),
            Some(id) => (
                fallback.into(),
                Some(crate::cxml::Deviation::new(
                    "unknown-scenario",
                    format!(
                        "Extrinsic absim.scenario names '{id}', which is not a scenario; used '{fallback}'"
                    ),
                )
                .with("id", id)
                .with("fallback", fallback)),
            ),
            None => (fallback.into(), None),
        }
    }

    /// The scenarios of a section, in their position order.
    pub fn section(&self, section: Section) -> Vec<&Scenario> {
        let mut v: Vec<&Scenario> = self
            .scenarios
            .values()
            .filter(|s| s.section == section)
            .collect();
        v.sort_by_key(|s| (s.position, s.id.clone()));
        v
    }

    pub fn all(&self) -> impl Iterator<Item = &Scenario> {
        self.scenarios.values()
    }

    pub fn len(&self) -> usize {
        self.scenarios.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scenarios.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_scenarios_load_with_every_section() {
        let c = Scenarios::embedded().unwrap();
        assert_eq!(c.basic().section, Section::Basic);
        for s in Section::ALL {
            assert!(!c.section(s).is_empty(), "{s:?} has scenarios");
        }
    }

    #[test]
    fn a_malformed_file_is_refused_with_file_line_and_reason() {
        let err = Scenarios::parse_one(
            "id = \"x\"\nsection = \"basic\"\nname = { ja = \"a\", en = \"b\" }\ndescription = 5\n",
            "scenarios/x.toml",
        )
        .unwrap_err();
        assert_eq!(err.file, "scenarios/x.toml");
        assert!(err.reason.contains("line 4"), "{}", err.reason);
        assert!(err.reason.contains("description"), "{}", err.reason);
    }

    #[test]
    fn unknown_keys_and_bad_ids_are_refused() {
        let base = "section = \"checkout\"\nname = { ja = \"a\", en = \"b\" }\ndescription = { ja = \"a\", en = \"b\" }\n";
        let err = Scenarios::parse_one(&format!("id = \"Bad Id\"\n{base}"), "f.toml").unwrap_err();
        assert!(err.reason.contains("lower-case"), "{}", err.reason);
        let err = Scenarios::parse_one(&format!("id = \"ok\"\n{base}colour = 1\n"), "f.toml")
            .unwrap_err();
        assert!(err.reason.contains("colour"), "{}", err.reason);
        let ok = Scenarios::parse_one(&format!("id = \"ok\"\n{base}"), "f.toml").unwrap();
        assert_eq!(
            ok.requires,
            ["basic"],
            "non-basic scenarios need the basic order"
        );
    }

    #[test]
    fn requirements_must_name_existing_scenarios() {
        let basic = "id = \"basic\"\nsection = \"basic\"\nname = { ja = \"a\", en = \"b\" }\ndescription = { ja = \"a\", en = \"b\" }\n";
        let other = "id = \"x\"\nsection = \"advanced\"\nrequires = [\"nope\"]\nname = { ja = \"a\", en = \"b\" }\ndescription = { ja = \"a\", en = \"b\" }\n";
        let err =
            Scenarios::from_files([("b.toml".to_owned(), basic), ("x.toml".to_owned(), other)])
                .unwrap_err();
        assert_eq!(err.file, "x.toml");
        assert!(err.reason.contains("nope"));
    }

    #[test]
    fn absims_own_scenarios_speak_every_language_of_the_pages() {
        let scenarios = Scenarios::embedded().unwrap();
        let mut missing = Vec::new();
        for s in scenarios.all() {
            let texts = [&s.name, &s.description]
                .into_iter()
                .chain(&s.steps)
                .chain(&s.look_for);
            for t in texts {
                for lang in t.missing() {
                    missing.push(format!("{} lacks {lang}: {}", s.id, t.en));
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        let basic = scenarios.basic();
        assert_eq!(basic.name.get("de"), basic.name.de.as_deref().unwrap());
        assert_eq!(basic.name.get("pt"), basic.name.en);
    }
}
