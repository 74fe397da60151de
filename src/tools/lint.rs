//! `absim lint FILE...`: reads cXML documents as absim would receive them
//! and prints every error and deviation with its line and the DTD rule
//! involved. Exit code 1 when a document has an error (something absim
//! would refuse).

use std::fmt::Write as _;

use crate::cxml::confirmation::ConfirmationRequest;
use crate::cxml::invoice::InvoiceDetailRequest;
use crate::cxml::order_message::PunchOutOrderMessage;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::punchout_setup::PunchOutSetupRequest;
use crate::cxml::ship_notice::ShipNoticeRequest;
use crate::cxml::{Deviation, ReadError, read};
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
    let kind = crate::cxml::read::payload_name(bytes);
    let findings = |deviations: &[Deviation]| -> Vec<Finding> {
        deviations.iter().map(|d| deviation(&text, d)).collect()
    };
    let name = match kind {
        Ok(n) => n,
        Err(e) => return vec![error(&text, &e)],
    };
    match name.as_str() {
        "PunchOutSetupRequest" => match read::<PunchOutSetupRequest>(bytes) {
            Ok(d) => {
                let mut out = findings(&d.deviations);
                if let Some(p) = d.doc.payload() {
                    let at = line_of(&text, "<PunchOutSetupRequest");
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
                }
                out
            }
            Err(e) => vec![error(&text, &e)],
        },
        "OrderRequest" => match read::<OrderRequest>(bytes) {
            Ok(mut d) => {
                // Check as the PO endpoint would, with the document's own
                // credentials standing in for a group's (lint cannot know the
                // password; it can see that there is none).
                let mut out = Vec::new();
                let mut group = Group::generate(1, "lint");
                if let Some(c) = d
                    .doc
                    .header
                    .as_mut()
                    .and_then(|h| h.sender.credentials.first_mut())
                {
                    if c.shared_secret
                        .as_deref()
                        .is_none_or(|s| s.trim().is_empty())
                    {
                        out.push(Finding {
                            line: line_of(&text, "<Sender"),
                            error: true,
                            code: "no-shared-secret".into(),
                            message: "the Sender Credential has no SharedSecret: absim answers 401"
                                .into(),
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
                }
                match validate_order(&d.doc, &group, d.deviations.clone()) {
                    Ok(v) => {
                        out.extend(findings(&v.deviations));
                        out
                    }
                    Err(rejection) => {
                        let status = rejection.status;
                        out.extend(findings(&d.deviations));
                        let code = if status.text.starts_with("001-") {
                            status.text.clone()
                        } else {
                            format!("{}", status.code)
                        };
                        out.push(Finding {
                            line: line_of(&text, "<OrderRequestHeader"),
                            error: true,
                            rule: rule_of(&code),
                            code,
                            message: format!(
                                "absim would answer {} {}: {}",
                                status.code, status.text, status.message
                            ),
                        });
                        out
                    }
                }
            }
            Err(e) => vec![error(&text, &e)],
        },
        "PunchOutOrderMessage" => read::<PunchOutOrderMessage>(bytes)
            .map(|d| findings(&d.deviations))
            .unwrap_or_else(|e| vec![error(&text, &e)]),
        "ConfirmationRequest" => read::<ConfirmationRequest>(bytes)
            .map(|d| findings(&d.deviations))
            .unwrap_or_else(|e| vec![error(&text, &e)]),
        "ShipNoticeRequest" => read::<ShipNoticeRequest>(bytes)
            .map(|d| findings(&d.deviations))
            .unwrap_or_else(|e| vec![error(&text, &e)]),
        "InvoiceDetailRequest" => read::<InvoiceDetailRequest>(bytes)
            .map(|d| findings(&d.deviations))
            .unwrap_or_else(|e| vec![error(&text, &e)]),
        "PunchOutSetupResponse" => {
            read::<crate::cxml::punchout_setup::PunchOutSetupResponse>(bytes)
                .map(|d| findings(&d.deviations))
                .unwrap_or_else(|e| vec![error(&text, &e)])
        }
        "an empty Response" => match crate::cxml::read::read_status(bytes) {
            Ok(_) => Vec::new(),
            Err(e) => vec![error(&text, &e)],
        },
        other => vec![Finding {
            line: 1,
            error: true,
            code: "unsupported".into(),
            message: format!("absim does not read {other} documents"),
            rule: "absim reads PunchOutSetupRequest and its Response, OrderRequest, PunchOutOrderMessage, ConfirmationRequest, ShipNoticeRequest, InvoiceDetailRequest and Status responses",
        }],
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
}
