//! `absim lint FILE...`: reads cXML documents as absim would receive them
//! and prints every error and deviation with its line and the DTD rule
//! involved. Exit code 1 when a document has an error (something absim
//! would refuse).

use std::fmt::Write as _;

use serde::de::DeserializeOwned;

use crate::cxml::confirmation::ConfirmationRequest;
use crate::cxml::invoice::InvoiceDetailRequest;
use crate::cxml::order_message::PunchOutOrderMessage;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::punchout_setup::{PunchOutSetupRequest, PunchOutSetupResponse};
use crate::cxml::ship_notice::ShipNoticeRequest;
use crate::cxml::{Cxml, Deviation, Payload, ReadError, Status, read};
use crate::domain::Group;
use crate::domain::order::validate_order;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub error: bool,
    pub code: String,
    pub message: String,
    pub rule: &'static str,
}

/// The DTD (or Amazon) rule behind a finding.
fn rule_of(code: &str) -> &'static str {
    match code {
        "timestamp-form" | "timestamp-unreadable" | "no-timestamp" => {
            "cXML.dtd: <!ATTLIST cXML timestamp %datetime.tz; #REQUIRED> — time zone is required (e.g. +09:00)"
        }
        "no-user-agent" => "cXML.dtd: <!ELEMENT Sender (Credential+, UserAgent)>",
        "no-bill-to" | "no-total" => {
            "cXML.dtd: <!ELEMENT OrderRequestHeader (Total, ShipTo?, BillTo, ...)>"
        }
        "no-classification" => {
            "cXML.dtd: <!ELEMENT ItemDetail (UnitPrice, Description+, ..., UnitOfMeasure, ..., Classification+, ...)>"
        }
        "no-line-number" => {
            "cXML.dtd: <!ATTLIST ItemOut lineNumber %uint;> — confirmations and ship notices refer to it"
        }
        "no-xml-declaration" => {
            "XML 1.0: a document should start with <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        }
        "no-doctype" | "doctype-host-case" => {
            "cXML: <!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/<version>/cXML.dtd\">"
        }
        "element-order" => "the DTD's content model fixes the order of child elements",
        "networkid-case" => "Amazon writes the Credential domain NetworkId",
        "bom" | "encoding-declared" | "encoding-decoded" => "cXML is UTF-8",
        "root-case" => "cXML.dtd: the root element is <cXML>",
        "001-001" => "Amazon Business: OrderRequestHeader type must be \"new\" (001-001)",
        "001-005" => "Amazon Business: an order needs a ShipTo (001-005)",
        "hook-url" => "Amazon Business: PunchOutSetupRequest needs BrowserFormPost/URL",
        "no-shared-secret" | "401" => {
            "Amazon Business: the Sender Credential carries the group's system login (Identity) and password (SharedSecret)"
        }
        "to-not-amazon" => "Amazon Business: To is Credential domain=\"NetworkId\" Identity Amazon",
        "from-mismatch" => {
            "cXML: From names the originator; Amazon expects the system login there too"
        }
        "email" => "Amazon Business: PunchOutSetupRequest needs the user's e-mail",
        _ => "cXML DTD",
    }
}

/// Where in the text a deviation most likely is.
fn needle(code: &str) -> Option<&'static str> {
    Some(match code {
        "timestamp-form" | "timestamp-unreadable" | "no-timestamp" => "timestamp=",
        "no-user-agent" => "<Sender",
        "networkid-case" => "\"NetworkID\"",
        "no-bill-to" | "no-total" => "<OrderRequestHeader",
        "no-classification" => "<ItemDetail",
        "no-line-number" => "<ItemOut",
        "doctype-host-case" => "<!DOCTYPE",
        "element-order" => return None,
        _ => return None,
    })
}

fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map(|i| text[..i].matches('\n').count() + 1)
        .unwrap_or(1)
}

fn deviation(text: &str, d: &Deviation) -> Finding {
    Finding {
        line: d
            .line
            .unwrap_or_else(|| needle(&d.code).map(|n| line_of(text, n)).unwrap_or(1)),
        error: false,
        code: d.code.clone(),
        message: d.message.clone(),
        rule: rule_of(&d.code),
    }
}

fn error(text: &str, e: &ReadError) -> Finding {
    let message = e.to_string();
    let line = message
        .split("line ")
        .nth(1)
        .and_then(|s| {
            s.trim_end_matches(')')
                .split(|c: char| !c.is_ascii_digit())
                .next()
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let _ = text;
    Finding {
        line,
        error: true,
        code: "unreadable".into(),
        message,
        rule: "XML 1.0 well-formedness and the cXML DTD",
    }
}

/// Lints one document's bytes.
pub fn lint(bytes: &[u8]) -> Vec<Finding> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let name = match crate::cxml::read::payload_name(bytes) {
        Ok(n) => n,
        Err(e) => return vec![error(&text, &e)],
    };
    match name.as_str() {
        "PunchOutSetupRequest" => lint_setup(&text, bytes),
        "OrderRequest" => lint_order(&text, bytes),
        "PunchOutOrderMessage" => deviations_of::<PunchOutOrderMessage>(&text, bytes),
        "ConfirmationRequest" => deviations_of::<ConfirmationRequest>(&text, bytes),
        "ShipNoticeRequest" => deviations_of::<ShipNoticeRequest>(&text, bytes),
        "InvoiceDetailRequest" => deviations_of::<InvoiceDetailRequest>(&text, bytes),
        "PunchOutSetupResponse" => deviations_of::<PunchOutSetupResponse>(&text, bytes),
        "an empty Response" => match crate::cxml::read::read_status(bytes) {
            Ok(_) => Vec::new(),
            Err(e) => vec![error(&text, &e)],
        },
        other => vec![unsupported(other)],
    }
}

fn findings(text: &str, deviations: &[Deviation]) -> Vec<Finding> {
    deviations.iter().map(|d| deviation(text, d)).collect()
}

/// A document absim reads without further checks: its deviations, or why
/// it cannot be read.
fn deviations_of<P: Payload + DeserializeOwned>(text: &str, bytes: &[u8]) -> Vec<Finding> {
    read::<P>(bytes)
        .map(|d| findings(text, &d.deviations))
        .unwrap_or_else(|e| vec![error(text, &e)])
}

fn lint_setup(text: &str, bytes: &[u8]) -> Vec<Finding> {
    let d = match read::<PunchOutSetupRequest>(bytes) {
        Ok(d) => d,
        Err(e) => return vec![error(text, &e)],
    };
    let mut out = findings(text, &d.deviations);
    if let Some(p) = d.doc.payload() {
        out.extend(setup_refusals(text, p));
    }
    out
}

/// What absim (like Amazon) refuses with 403 in a setup request that reads
/// well: no hook URL, no user e-mail.
fn setup_refusals(text: &str, p: &PunchOutSetupRequest) -> Vec<Finding> {
    let at = line_of(text, "<PunchOutSetupRequest");
    let mut out = Vec::new();
    if p.hook_url().is_none() {
        out.push(Finding {
            line: at,
            error: true,
            code: "hook-url".into(),
            message: format!(
                "no BrowserFormPost/URL: absim (like Amazon) answers 403 ({})",
                crate::cxml::punchout_setup::HOOK_URL_PATH
            ),
            rule: rule_of("hook-url"),
        });
    }
    if p.user_email().is_none() {
        out.push(Finding {
            line: at,
            error: true,
            code: "email".into(),
            message: format!(
                "no user e-mail in {}: absim answers 403",
                crate::cxml::punchout_setup::EMAIL_PATHS
            ),
            rule: rule_of("email"),
        });
    }
    out
}

/// Checks a PO as the PO endpoint would, against the group its own
/// credentials stand in for.
fn lint_order(text: &str, bytes: &[u8]) -> Vec<Finding> {
    let mut d = match read::<OrderRequest>(bytes) {
        Ok(d) => d,
        Err(e) => return vec![error(text, &e)],
    };
    let (group, missing_secret) = standing_in_group(text, &mut d.doc);
    let mut out = Vec::from_iter(missing_secret);
    match validate_order(&d.doc, &group, d.deviations.clone()) {
        Ok(v) => out.extend(findings(text, &v.deviations)),
        Err(rejection) => {
            out.extend(findings(text, &d.deviations));
            out.push(refusal(text, &rejection.status));
        }
    }
    out
}

/// The group a PO is checked against: its Sender credential stands in for
/// the group's system login and password, since lint cannot know the
/// password. It can see that there is none: that is a finding (absim
/// answers 401), and a stand-in secret lets the other checks run.
fn standing_in_group(text: &str, doc: &mut Cxml<OrderRequest>) -> (Group, Option<Finding>) {
    let mut group = Group::generate(1, "lint");
    let Some(c) = doc
        .header
        .as_mut()
        .and_then(|h| h.sender.credentials.first_mut())
    else {
        return (group, None);
    };
    let mut missing = None;
    if c.shared_secret
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        missing = Some(Finding {
            line: line_of(text, "<Sender"),
            error: true,
            code: "no-shared-secret".into(),
            message: "the Sender Credential has no SharedSecret: absim answers 401".into(),
            rule: rule_of("no-shared-secret"),
        });
        c.shared_secret = Some("lint".into());
    }
    group.identity = c.identity.trim().to_owned();
    group.shared_secret = c
        .shared_secret
        .clone()
        .unwrap_or_default()
        .trim()
        .to_owned();
    (group, missing)
}

/// The finding for a PO absim would refuse, under Amazon's code where the
/// refusal has one (`001-001`), else under its cXML status code.
fn refusal(text: &str, status: &Status) -> Finding {
    let code = if status.text.starts_with("001-") {
        status.text.clone()
    } else {
        format!("{}", status.code)
    };
    Finding {
        line: line_of(text, "<OrderRequestHeader"),
        error: true,
        rule: rule_of(&code),
        code,
        message: format!(
            "absim would answer {} {}: {}",
            status.code, status.text, status.message
        ),
    }
}

fn unsupported(name: &str) -> Finding {
    Finding {
        line: 1,
        error: true,
        code: "unsupported".into(),
        message: format!("absim does not read {name} documents"),
        rule: "absim reads PunchOutSetupRequest and its Response, OrderRequest, PunchOutOrderMessage, ConfirmationRequest, ShipNoticeRequest, InvoiceDetailRequest and Status responses",
    }
}

/// Lints files; the text to print and whether any had an error.
pub fn lint_files(paths: &[std::path::PathBuf]) -> (String, bool) {
    let mut out = String::new();
    let mut failed = false;
    for path in paths {
        let name = path.display();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(out, "{name}: error: cannot read the file: {e}");
                failed = true;
                continue;
            }
        };
        let findings = lint(&bytes);
        if findings.is_empty() {
            let _ = writeln!(out, "{name}: ok");
        }
        for f in findings {
            failed |= f.error;
            let _ = writeln!(
                out,
                "{name}:{}: {} [{}] {}\n    rule: {}",
                f.line,
                if f.error { "error" } else { "deviation" },
                f.code,
                f.message,
                f.rule
            );
        }
    }
    (out, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD_PO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="1@b" timestamp="2026-11-29T10:00:00+09:00">
<Header><From><Credential domain="NetworkId"><Identity>Buyer01</Identity></Credential></From>
<To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
<Sender><Credential domain="NetworkId"><Identity>Buyer01</Identity><SharedSecret>abc123</SharedSecret></Credential><UserAgent>t</UserAgent></Sender></Header>
<Request><OrderRequest><OrderRequestHeader orderID="PO-1" orderDate="2026-11-29T10:00:00+09:00" type="new">
<Total><Money currency="JPY">100</Money></Total>
<ShipTo><Address><Name xml:lang="ja">本社</Name></Address></ShipTo><BillTo><Address><Name xml:lang="ja">本社</Name></Address></BillTo>
</OrderRequestHeader>
<ItemOut quantity="1" lineNumber="1"><ItemID><SupplierPartID>B087JWRCP5</SupplierPartID></ItemID>
<ItemDetail><UnitPrice><Money currency="JPY">100</Money></UnitPrice><Description xml:lang="ja">x</Description><UnitOfMeasure>EA</UnitOfMeasure><Classification domain="UNSPSC">1</Classification></ItemDetail></ItemOut>
</OrderRequest></Request></cXML>"#;

    #[test]
    fn a_clean_po_has_no_findings() {
        assert_eq!(lint(GOOD_PO.as_bytes()), Vec::new());
    }

    #[test]
    fn errors_and_deviations_carry_lines_and_rules() {
        let bad = GOOD_PO
            .replace("type=\"new\"", "type=\"update\"")
            .replace("+09:00\">\n<Header>", "Z\">\n<Header>")
            .replace("<UserAgent>t</UserAgent>", "");
        let findings = lint(bad.as_bytes());
        let update = findings.iter().find(|f| f.code == "001-001").unwrap();
        assert!(update.error);
        assert_eq!(update.line, 7);
        assert!(update.rule.contains("001-001"));
        let ua = findings.iter().find(|f| f.code == "no-user-agent").unwrap();
        assert!(!ua.error);
        assert_eq!(ua.line, 6);
        assert!(ua.rule.contains("UserAgent"));
        assert!(
            findings
                .iter()
                .any(|f| f.code == "timestamp-form" && f.line == 3)
        );
    }

    #[test]
    fn unreadable_documents_are_errors_with_the_parsers_line() {
        let f = &lint(b"<cXML>\n<Request>\n</cXML>")[0];
        assert!(f.error);
        assert_eq!(f.line, 3);
    }

    #[test]
    fn files_are_reported_and_the_outcome_says_whether_any_failed() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.xml");
        let bad = dir.path().join("bad.xml");
        std::fs::write(&good, GOOD_PO).unwrap();
        std::fs::write(
            &bad,
            GOOD_PO.replace(
                "<ShipTo><Address><Name xml:lang=\"ja\">本社</Name></Address></ShipTo>",
                "",
            ),
        )
        .unwrap();
        let (text, failed) = lint_files(std::slice::from_ref(&good));
        assert!(!failed);
        assert!(text.contains("good.xml: ok"));
        let (text, failed) = lint_files(&[good, bad]);
        assert!(failed);
        assert!(text.contains("error [001-005]"), "{text}");
    }

    #[test]
    fn a_setup_request_without_hook_url_or_email_has_two_errors_on_its_line() {
        let text = "<cXML>\n<Request>\n<PunchOutSetupRequest operation=\"create\"/>";
        let found = setup_refusals(text, &PunchOutSetupRequest::default());
        let codes: Vec<(&str, usize, bool)> = found
            .iter()
            .map(|f| (f.code.as_str(), f.line, f.error))
            .collect();
        assert_eq!(codes, [("hook-url", 3, true), ("email", 3, true)]);
        assert!(found[0].message.contains("BrowserFormPost/URL"));
    }

    #[test]
    fn a_po_without_a_shared_secret_is_an_error_and_still_checked_with_a_stand_in() {
        let without = GOOD_PO.replace("<SharedSecret>abc123</SharedSecret>", "");
        let mut doc = read::<OrderRequest>(without.as_bytes()).unwrap().doc;
        let (group, missing) = standing_in_group(&without, &mut doc);
        let missing = missing.expect("a finding for the missing secret");
        assert_eq!(missing.code, "no-shared-secret");
        assert_eq!(missing.line, 6);
        assert_eq!(group.identity, "Buyer01");
        assert_eq!(group.shared_secret, "lint");

        let mut doc = read::<OrderRequest>(GOOD_PO.as_bytes()).unwrap().doc;
        let (group, missing) = standing_in_group(GOOD_PO, &mut doc);
        assert!(missing.is_none());
        assert_eq!(group.shared_secret, "abc123");
    }

    #[test]
    fn a_refusal_is_filed_under_amazons_code_where_it_has_one() {
        let amazon = Status::new(400, "001-005", "no ShipTo");
        let f = refusal(GOOD_PO, &amazon);
        assert_eq!((f.code.as_str(), f.line), ("001-005", 7));
        assert!(f.rule.contains("001-005"));
        assert_eq!(f.message, "absim would answer 400 001-005: no ShipTo");

        let f = refusal(GOOD_PO, &Status::new(401, "Unauthorized", "wrong password"));
        assert_eq!(f.code, "401");
        assert!(f.rule.contains("SharedSecret"));
    }

    #[test]
    fn a_document_absim_does_not_read_is_an_error_naming_it() {
        let f = &lint(
            br#"<cXML payloadID="1" timestamp="2026-01-01T00:00:00+09:00"><Request><QuoteRequest/></Request></cXML>"#,
        )[0];
        assert!(f.error);
        assert_eq!(f.code, "unsupported");
        assert_eq!(f.message, "absim does not read QuoteRequest documents");
    }
}
