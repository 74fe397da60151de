//! Sample documents and the buyer they come from, shared by the unit tests,
//! the integration tests, the micro benchmarks and `absim bench`: a PO of
//! the guide's desk (any number of lines) and a punchout setup, both from
//! the bench buyer's credentials. Not used by the server itself.

/// The bench buyer's system login (the default group's, in a fixture).
pub const IDENTITY: &str = "BenchBuyer01";
/// The bench buyer's password.
pub const SECRET: &str = "benchSecret01";

/// The reference buyer as the benchmark and the fixtures play it.
pub fn bench_buyer() -> crate::buyer::BuyerConfig {
    crate::buyer::BuyerConfig {
        identity: IDENTITY.into(),
        shared_secret: SECRET.into(),
        hook_url: "http://127.0.0.1:9/hook".into(),
        user_email: "bench@example.co.jp".into(),
        user_agent: "absim bench".into(),
        address: crate::buyer::store_address("JP").expect("the Japanese store"),
    }
}

/// A PunchOutSetupRequest with a unique payloadID, from the bench buyer.
pub fn setup_request(n: u64) -> String {
    let cfg = bench_buyer();
    crate::buyer::setup_request(&cfg, "create", &format!("bench-{n}"), &[], None)
}

/// A 3 KB OrderRequest (for two lines) with a unique orderID and payloadID.
pub fn order_request(n: u64, lines: usize) -> String {
    let items: String = (1..=lines)
        .map(|i| {
            format!(
                r#"
      <ItemOut quantity="1" lineNumber="{i}">
        <ItemID><SupplierPartID>B087JWRCP5</SupplierPartID><SupplierPartAuxiliaryID>000-0000000-0000000,{i}</SupplierPartAuxiliaryID></ItemID>
        <ItemDetail>
          <UnitPrice><Money currency="JPY">16182.00</Money></UnitPrice>
          <Description xml:lang="ja">[山善] パソコンデスク (手動昇降式) 幅81cm 在宅勤務 ゲーミングデスク マットブラック</Description>
          <UnitOfMeasure>EA</UnitOfMeasure>
          <Classification domain="UNSPSC">56101703</Classification>
          <ManufacturerPartID>CGD-8055(MBK)</ManufacturerPartID>
          <ManufacturerName>山善(YAMAZEN)</ManufacturerName>
          <Extrinsic name="soldBy">Amazon.co.jp</Extrinsic>
          <Extrinsic name="fulfilledBy">Amazon</Extrinsic>
          <Extrinsic name="category">FURNITURE</Extrinsic>
        </ItemDetail>
      </ItemOut>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="{n}.{pid}@bench.example" timestamp="2026-11-29T10:05:00+09:00" xml:lang="ja-JP">
  <Header>
    <From><Credential domain="NetworkId"><Identity>{IDENTITY}</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>Amazon</Identity></Credential></To>
    <Sender><Credential domain="NetworkId"><Identity>{IDENTITY}</Identity><SharedSecret>{SECRET}</SharedSecret></Credential><UserAgent>absim bench</UserAgent></Sender>
  </Header>
  <Request deploymentMode="test">
    <OrderRequest>
      <OrderRequestHeader orderID="BENCH-{pid}-{n}" orderDate="2026-11-29T10:04:00+09:00" type="new">
        <Total><Money currency="JPY">16182.00</Money></Total>
        <ShipTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">本社</Name><PostalAddress name="default"><DeliverTo>田中 太郎</DeliverTo><Street>目黒区下目黒1-8-1</Street><City>東京都</City><PostalCode>153-0064</PostalCode><Country isoCountryCode="JP">日本</Country></PostalAddress></Address></ShipTo>
        <BillTo><Address isoCountryCode="JP" addressID="HQ"><Name xml:lang="ja">経理部</Name><PostalAddress name="default"><Street>目黒区下目黒1-8-1</Street><City>東京都</City><PostalCode>153-0064</PostalCode><Country isoCountryCode="JP">日本</Country></PostalAddress></Address></BillTo>
        <Contact role="endUser"><Name xml:lang="ja">田中 太郎</Name><Email>tanaka@example.co.jp</Email></Contact>
      </OrderRequestHeader>{items}
    </OrderRequest>
  </Request>
</cXML>"#,
        pid = std::process::id()
    )
}

/// The embedded marketplaces, read once for every test that prices or
/// writes an order.
pub fn markets() -> &'static crate::domain::Marketplaces {
    static MARKETS: std::sync::LazyLock<crate::domain::Marketplaces> =
        std::sync::LazyLock::new(|| {
            crate::domain::Marketplaces::embedded().expect("the embedded marketplaces load")
        });
    &MARKETS
}
