//! cXML documents a buyer sends, the shared samples, the DTD check, and
//! reading pages.

use super::*;

/// The StartPage URL of a PunchOutSetupResponse.
pub fn start_page(body: &str) -> String {
    let doc =
        absim::cxml::read::<absim::cxml::punchout_setup::PunchOutSetupResponse>(body.as_bytes())
            .unwrap_or_else(|e| panic!("not a setup response ({e}): {body}"));
    doc.doc
        .payload()
        .expect("a StartPage")
        .start_page
        .url
        .clone()
}

/// The storefront session id at the end of a StartPage URL.
pub fn session_id(start_page_url: &str) -> String {
    start_page_url.rsplit('/').next().unwrap().to_owned()
}

/// Whether a missing `../shared` (the DTDs, the validator, the samples)
/// fails the tests instead of skipping what needs it: under CI, or with
/// `ABSIM_REQUIRE_SHARED=1` (`.ci/run` sets it).
fn shared_required() -> bool {
    std::env::var_os("CI").is_some()
        || std::env::var_os("ABSIM_REQUIRE_SHARED").is_some_and(|v| v == "1")
}

/// `../shared`, or None (a test that needs it says it was skipped) where
/// it is missing and not required.
fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let there = dir.join("tools/validate-cxml").exists();
    assert!(
        there || !shared_required(),
        "../shared/tools/validate-cxml is missing, and CI or ABSIM_REQUIRE_SHARED=1 requires it: check out the shared folder beside the project"
    );
    there.then_some(dir)
}

/// Reads a sample from `../shared/cxml/samples`, if present.
pub fn shared_sample(name: &str) -> Option<String> {
    shared_file(&format!("cxml/samples/{name}"))
}

/// Reads `../shared/{path}`, if present.
pub fn shared_file(path: &str) -> Option<String> {
    let dir = shared_dir()?;
    let text = std::fs::read_to_string(dir.join(path)).ok();
    assert!(
        text.is_some() || !shared_required(),
        "../shared/{path} is missing, and CI or ABSIM_REQUIRE_SHARED=1 requires it"
    );
    text
}

/// Runs validate-cxml over the documents. Skips (saying so) where
/// `../shared` or xmllint is missing, except under CI, where xmllint must be
/// there.
pub fn validate_documents(docs: &[(String, String)]) {
    let Some(shared) = shared_dir() else {
        eprintln!("DTD check skipped: ../shared/tools/validate-cxml is not there");
        return;
    };
    let have_xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok();
    if !have_xmllint {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is missing under CI: .ci/run must install libxml2-utils"
        );
        eprintln!("DTD check skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return;
    }
    assert!(!docs.is_empty(), "no documents to validate");
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, (name, body)) in docs.iter().enumerate() {
        let p = dir.path().join(format!("{i:02}-{name}.xml"));
        std::fs::write(&p, body).unwrap();
        paths.push(p);
    }
    let out = std::process::Command::new("bash")
        .arg(shared.join("tools/validate-cxml"))
        .args(&paths)
        .output()
        .expect("validate-cxml runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "absim emitted DTD-invalid cXML:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("VALID")).count(),
        docs.len(),
        "{text}"
    );
}

/// The Header of a buyer's request: From and Sender the group's system
/// login, the password as the Sender's SharedSecret.
fn buyer_header(identity: &str, secret: &str) -> String {
    format!(
        r#"  <Header>
    <From><Credential domain="NetworkId"><Identity>{identity}</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
    <Sender><Credential domain="NetworkId"><Identity>{identity}</Identity><SharedSecret>{secret}</SharedSecret></Credential><UserAgent>absim tests</UserAgent></Sender>
  </Header>"#
    )
}

/// A PunchOutSetupRequest as a buyer sends it.
pub fn setup_request(identity: &str, secret: &str, hook: &str) -> String {
    let header = buyer_header(identity, secret);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="{}@buyer.example" timestamp="2026-11-29T10:00:00+09:00">
{header}
  <Request deploymentMode="test">
    <PunchOutSetupRequest operation="create">
      <BuyerCookie>cookie-42</BuyerCookie>
      <Extrinsic name="UserEmail">tanaka@example.co.jp</Extrinsic>
      <BrowserFormPost><URL>{hook}</URL></BrowserFormPost>
    </PunchOutSetupRequest>
  </Request>
</cXML>"#,
        unique()
    )
}

/// A fresh id for payloadIDs and orderIDs.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// One line of an OrderRequest.
#[derive(Clone, Copy)]
pub struct PoLine<'a> {
    pub asin: &'a str,
    pub aux: Option<&'a str>,
    pub quantity: u32,
    pub price: &'a str,
}

/// The guide's desk (B087JWRCP5 at 16182 yen), once: the line most tests
/// order.
pub const DESK_LINE: PoLine<'static> = PoLine {
    asin: "B087JWRCP5",
    aux: None,
    quantity: 1,
    price: "16182",
};

/// A new PO for the guide's desk, not linked to a punchout, with its own
/// payloadID.
pub fn desk_po(order_id: &str) -> String {
    order_request(
        &format!("{order_id}.{}@buyer.example", unique()),
        order_id,
        "new",
        true,
        &[DESK_LINE],
    )
}

/// An OrderRequest; `header_attrs` may override `type`, and `ship_to`
/// toggles the ShipTo.
pub fn order_request(
    payload_id: &str,
    order_id: &str,
    kind: &str,
    ship_to: bool,
    lines: &[PoLine],
) -> String {
    order_request_as(IDENTITY, SECRET, payload_id, order_id, kind, ship_to, lines)
}

#[allow(clippy::too_many_arguments)]
pub fn order_request_as(
    identity: &str,
    secret: &str,
    payload_id: &str,
    order_id: &str,
    kind: &str,
    ship_to: bool,
    lines: &[PoLine],
) -> String {
    let header = buyer_header(identity, secret);
    let ship_to = if ship_to {
        r#"<ShipTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">本社</Name><PostalAddress name="default"><DeliverTo>田中 太郎</DeliverTo><Street>目黒区下目黒1-8-1</Street><City>東京都</City><PostalCode>153-0064</PostalCode><Country isoCountryCode="JP">日本</Country></PostalAddress></Address></ShipTo>"#
    } else {
        ""
    };
    let items: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let aux = l
                .aux
                .map(|a| format!("<SupplierPartAuxiliaryID>{a}</SupplierPartAuxiliaryID>"))
                .unwrap_or_default();
            format!(
                r#"<ItemOut quantity="{q}" lineNumber="{n}"><ItemID><SupplierPartID>{asin}</SupplierPartID>{aux}</ItemID><ItemDetail><UnitPrice><Money currency="JPY">{price}</Money></UnitPrice><Description xml:lang="ja">品目 {n}</Description><UnitOfMeasure>EA</UnitOfMeasure><Classification domain="UNSPSC">56101703</Classification></ItemDetail></ItemOut>"#,
                q = l.quantity,
                n = i + 1,
                asin = l.asin,
                price = l.price
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="{payload_id}" timestamp="2026-11-29T10:05:00+09:00">
{header}
  <Request deploymentMode="test">
    <OrderRequest>
      <OrderRequestHeader orderID="{order_id}" orderDate="2026-11-29T10:04:00+09:00" type="{kind}">
        <Total><Money currency="JPY">16182</Money></Total>
        {ship_to}
        <BillTo><Address><Name xml:lang="ja">経理部</Name></Address></BillTo>
      </OrderRequestHeader>
      {items}
    </OrderRequest>
  </Request>
</cXML>"#
    )
}

/// Text of the first element matching `selector`.
pub fn text_of(html: &Html, selector: &str) -> String {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text()
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Texts of every element matching `selector`, text nodes joined by one
/// space.
pub fn texts_of(html: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// An attribute of the first element matching `selector`.
pub fn attr_of(html: &Html, selector: &str, attr: &str) -> String {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .value()
        .attr(attr)
        .unwrap_or_else(|| panic!("{selector} has no {attr}"))
        .to_owned()
}
