//! The lenient reader: deviations, refusals and the scan.

use super::*;
use crate::cxml::order_request::OrderRequest;
use crate::cxml::punchout_setup::PunchOutSetupRequest;

const MINIMAL_SETUP: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="1@buyer" timestamp="2026-01-01T10:00:00+09:00"><Header>
<From><Credential domain="NetworkId"><Identity>buyer</Identity></Credential></From>
<To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
<Sender><Credential domain="NetworkId"><Identity>buyer</Identity><SharedSecret>s3cret1</SharedSecret></Credential><UserAgent>test</UserAgent></Sender>
</Header><Request><PunchOutSetupRequest operation="create"><BuyerCookie>c1</BuyerCookie>
<Extrinsic name="UserEmail">a@example.com</Extrinsic>
<BrowserFormPost><URL>http://buyer/hook</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>"#;

#[test]
fn a_strict_document_has_no_deviations() {
    let got = read::<PunchOutSetupRequest>(MINIMAL_SETUP.as_bytes()).unwrap();
    assert!(got.deviations.is_empty(), "{:?}", got.deviations);
    let p = got.doc.payload().unwrap();
    assert_eq!(p.buyer_cookie, "c1");
    assert_eq!(p.user_email(), Some("a@example.com"));
    assert_eq!(p.hook_url(), Some("http://buyer/hook"));
}

#[test]
fn a_document_of_another_type_is_refused_with_406_naming_both() {
    let err = read::<OrderRequest>(MINIMAL_SETUP.as_bytes()).unwrap_err();
    let status = err.status();
    assert_eq!(status.code, 406);
    assert!(
        status.message.contains("OrderRequest"),
        "{}",
        status.message
    );
    assert!(
        status.message.contains("PunchOutSetupRequest"),
        "{}",
        status.message
    );
}

#[test]
fn entity_declarations_are_refused_not_expanded() {
    let doc = r#"<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><cXML payloadID="&x;"/>"#;
    assert_eq!(
        read::<OrderRequest>(doc.as_bytes()).unwrap_err(),
        ReadError::EntityDeclared
    );
}

#[test]
fn malformed_xml_names_the_parser_reason_and_line() {
    let err = read::<OrderRequest>(b"<cXML>\n<Request>\n</cXML>").unwrap_err();
    match &err {
        ReadError::NotXml(m) => assert!(m.contains("line"), "{m}"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.status().code, 400);
}

#[test]
fn empty_and_non_utf8_bodies_are_refused() {
    assert_eq!(read::<OrderRequest>(b"  \n").unwrap_err(), ReadError::Empty);
    assert!(matches!(
        read::<OrderRequest>(b"<cXML>\xff</cXML>").unwrap_err(),
        ReadError::NotUtf8(_)
    ));
}

#[test]
fn shift_jis_is_decoded_and_named_and_unknown_encodings_are_refused() {
    let doc = MINIMAL_SETUP
        .replace("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"")
        .replace("a@example.com", "山田@example.com");
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&doc);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "really Shift_JIS bytes"
    );
    let got = read::<PunchOutSetupRequest>(&bytes).unwrap();
    assert_eq!(
        got.doc.payload().unwrap().user_email(),
        Some("山田@example.com")
    );
    let codes: Vec<&str> = got.deviations.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["encoding-decoded"]);
    let odd = [
        b"<?xml version=\"1.0\" encoding=\"x-martian\"?><cXML>".as_slice(),
        b"\xff</cXML>",
    ]
    .concat();
    match read::<PunchOutSetupRequest>(&odd).unwrap_err() {
        ReadError::NotUtf8(m) => assert!(m.contains("x-martian"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn elements_out_of_dtd_order_are_accepted_and_named() {
    let doc = MINIMAL_SETUP.replace(
        "<Extrinsic name=\"UserEmail\">a@example.com</Extrinsic>\n<BrowserFormPost><URL>http://buyer/hook</URL></BrowserFormPost>",
        "<BrowserFormPost><URL>http://buyer/hook</URL></BrowserFormPost><Extrinsic name=\"UserEmail\">a@example.com</Extrinsic>",
    );
    let got = read::<PunchOutSetupRequest>(doc.as_bytes()).unwrap();
    assert_eq!(
        got.doc.payload().unwrap().user_email(),
        Some("a@example.com")
    );
    let dev = got
        .deviations
        .iter()
        .find(|d| d.code == "element-order")
        .expect("the order deviation");
    assert!(
        dev.message
            .contains("<Extrinsic> comes after <BrowserFormPost>"),
        "{}",
        dev.message
    );
}

#[test]
fn deep_nesting_is_refused() {
    let mut doc = String::from("<cXML><Request><OrderRequest>");
    for _ in 0..100 {
        doc.push_str("<a>");
    }
    for _ in 0..100 {
        doc.push_str("</a>");
    }
    doc.push_str("</OrderRequest></Request></cXML>");
    assert_eq!(
        read::<OrderRequest>(doc.as_bytes()).unwrap_err(),
        ReadError::TooDeep
    );
}

#[test]
fn the_depth_bound_counts_every_open_element() {
    // cXML, Request and OrderRequest, then `inner` more.
    let nested = |inner: usize| {
        let mut doc = String::from("<cXML><Request><OrderRequest>");
        doc.push_str(&"<a>".repeat(inner));
        doc.push_str(&"</a>".repeat(inner));
        doc.push_str("</OrderRequest></Request></cXML>");
        read::<OrderRequest>(doc.as_bytes())
    };
    assert_ne!(nested(MAX_DEPTH - 3).err(), Some(ReadError::TooDeep));
    assert_eq!(nested(MAX_DEPTH - 2).err(), Some(ReadError::TooDeep));
}

#[test]
fn lenient_forms_are_accepted_and_each_is_named() {
    let doc = MINIMAL_SETUP
        .replace(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd\">\n",
            "",
        )
        .replace("+09:00", "Z")
        .replace("<UserAgent>test</UserAgent>", "")
        .replace("NetworkId", "NetworkID");
    let got = read::<PunchOutSetupRequest>(doc.as_bytes()).unwrap();
    let codes: Vec<&str> = got.deviations.iter().map(|d| d.code.as_str()).collect();
    for expected in [
        "no-xml-declaration",
        "no-doctype",
        "timestamp-form",
        "no-user-agent",
        "networkid-case",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
}

#[test]
fn only_the_five_predefined_entities_may_be_referenced() {
    for name in ["amp", "lt", "gt", "quot", "apos"] {
        assert_eq!(check_entity(name, || 1), Ok(()), "&{name};");
    }
    let err = check_entity("nbsp", || 7).unwrap_err();
    match err {
        ReadError::NotXml(m) => assert!(m.contains("&nbsp;") && m.contains("line 7"), "{m}"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_non_utf8_declaration_on_a_utf8_body_is_a_deviation_unless_the_body_was_decoded() {
    let mut deviations = Vec::new();
    check_declared_encoding("UTF-8", &mut deviations);
    check_declared_encoding("utf8", &mut deviations);
    assert!(deviations.is_empty(), "{deviations:?}");

    check_declared_encoding("Shift_JIS", &mut deviations);
    assert_eq!(deviations.len(), 1);
    assert_eq!(deviations[0].code, "encoding-declared");
    assert!(deviations[0].message.contains("shift_jis"));

    let mut decoded = vec![Deviation::new("encoding-decoded", "decoded")];
    check_declared_encoding("Shift_JIS", &mut decoded);
    assert_eq!(decoded.len(), 1, "decoding already said it: {decoded:?}");
}

#[test]
fn the_end_of_a_scan_refuses_a_rootless_document_and_notes_a_missing_prologue() {
    let mut deviations = Vec::new();
    assert_eq!(
        Checks::default().finish(&mut deviations).unwrap_err(),
        ReadError::NotXml("no root element".into())
    );

    let mut checks = Checks::default();
    note_element(&mut checks.sniff, 0, "cXML");
    checks.finish(&mut deviations).unwrap();
    let codes: Vec<&str> = deviations.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["no-xml-declaration", "no-doctype"]);

    let mut deviations = Vec::new();
    let mut checks = Checks {
        saw_decl: true,
        saw_doctype: true,
        ..Checks::default()
    };
    note_element(&mut checks.sniff, 0, "cXML");
    checks.finish(&mut deviations).unwrap();
    assert!(deviations.is_empty(), "{deviations:?}");
}

#[test]
fn an_element_out_of_order_gets_the_line_it_opens_on() {
    let mut checks = Checks::default();
    let mut deviations = Vec::new();
    for name in ["cXML", "Header", "To"] {
        checks.open_element(name, &mut deviations, || 2).unwrap();
        if name == "To" {
            checks.open.pop();
        }
    }
    assert!(deviations.is_empty());
    checks.open_element("From", &mut deviations, || 9).unwrap();
    assert_eq!(deviations.len(), 1);
    assert_eq!(deviations[0].code, "element-order");
    assert_eq!(deviations[0].line, Some(9));
}

#[test]
fn the_envelope_is_the_root_the_container_and_the_first_element_beside_its_status() {
    let mut sniff = Sniff::default();
    for (depth, name) in [
        (0, "cXML"),
        (1, "Header"),
        (1, "Response"),
        (2, "Status"),
        (2, "PunchOutSetupResponse"),
        (2, "Later"),
    ] {
        note_element(&mut sniff, depth, name);
    }
    assert_eq!(sniff.root, "cXML");
    assert_eq!(sniff.container.as_deref(), Some("Response"));
    assert_eq!(sniff.payload.as_deref(), Some("PunchOutSetupResponse"));
}
