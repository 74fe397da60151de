//! The fast reader against the serde reader, its reference.

use crate::cxml::order_request::OrderRequest;
use crate::cxml::read::fast_reader_agrees;

/// Whether the fast reader answered; panics when it disagrees with serde.
fn answered(doc: &str) -> bool {
    fast_reader_agrees::<OrderRequest>(doc.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn po(lines: usize) -> String {
    crate::fixtures::order_request(7, lines)
}

#[test]
fn reads_what_buyers_send_as_serde_does() {
    for lines in [0, 1, 3, 50] {
        assert!(answered(&po(lines)), "{lines} lines");
    }
    for sample in [
        "friendsofcxml_OrderRequest.xml",
        "officeluv_purchase_order_request_200.xml",
    ] {
        let path = std::path::Path::new("../shared/cxml/samples").join(sample);
        match std::fs::read_to_string(&path) {
            Ok(doc) => assert!(answered(&doc), "{sample}"),
            Err(_) => eprintln!("skipped {sample}: ../shared is not here"),
        }
    }
}

#[test]
fn text_is_read_as_serde_reads_it() {
    let base = po(1);
    for (from, to) in [
        // Whitespace kept inside text, blank runs dropped.
        ("<City>東京都</City>", "<City>\n   東京都 \t</City>"),
        // An ideographic space is text, not XML whitespace.
        ("<City>東京都</City>", "<City>\u{3000}</City>"),
        // References, CDATA and a comment inside one run.
        (
            "<City>東京都</City>",
            "<City>A &amp; B&#x3042;<![CDATA[<c>]]><!-- x -->d</City>",
        ),
        ("<City>東京都</City>", "<City> &lt; </City>"),
        // Whitespace held back until text, CDATA or a reference joins
        // it (across comments), or dropped with the run.
        ("<City>東京都</City>", "<City>\n <!-- c --> 東京 </City>"),
        ("<City>東京都</City>", "<City>\n <![CDATA[x]]></City>"),
        ("<City>東京都</City>", "<City> <!-- c -->\t</City>"),
        (
            "<Street>目黒区下目黒1-8-1</Street>",
            "<Street>\n  <!-- c --></Street>",
        ),
        // Escapes, references and line ends in attribute values (a
        // literal line end or tab is a space; a reference is kept).
        ("addressID=\"HQ\"", "addressID=\"H&amp;Q&#10;x\ny\tz\""),
        ("version=\"1.0\"", "version=\"1.1\""),
        // Lists out of DTD order, unknown elements and attributes.
        (
            "<UnitOfMeasure>EA</UnitOfMeasure>",
            "<Extrinsic name=\"early\">1</Extrinsic><UnitOfMeasure x=\"y\">EA</UnitOfMeasure><Unknown><Deep>z</Deep></Unknown>",
        ),
        ("\r\n", "\r\n"),
    ] {
        let doc = base.replacen(from, to, 1).replace('\n', "\r\n");
        assert!(doc != base || from == to, "{from} is in the fixture");
        answered(&doc);
    }
}

/// The scan skips the whitespace that starts a text run (`read::skipped`);
/// the tree gets it back wherever it belongs to a text.
#[test]
fn whitespace_the_scan_skips_is_read_back_into_text() {
    let base = po(1);
    for to in [
        "<City>  東京 </City>",
        "<City>\n\t&amp; x</City>",
        "<City>  &#x3042;</City>",
        "<City>x &amp;  y</City>",
        "<City>x<!-- c -->  <!-- d -->y</City>",
        "<City>x<!-- c -->  </City>",
        "<City>x<?pi?>\n y</City>",
        "<City> <![CDATA[ c ]]> </City>",
        "<City>\r\n 東京\r\n</City>",
    ] {
        let doc = base.replacen("<City>東京都</City>", to, 1);
        assert_ne!(doc, base);
        assert!(answered(&doc), "{to}");
    }
    // No whitespace between elements at all, and more of it everywhere.
    let tight: String = base.lines().map(str::trim).collect();
    assert!(answered(&tight));
    assert!(answered(&base.replace(">\n", ">\n \t\r\n ")));
}

#[test]
fn gives_up_on_what_it_does_not_model() {
    let base = po(1);
    let cases = [
        // A repeated element the model holds once.
        ("<City>東京都</City>", "<City>a</City><City>b</City>"),
        // An empty element where text is expected.
        ("<City>東京都</City>", "<City/>"),
        // Markup inside a Description.
        (
            "マットブラック</Description>",
            "<ShortName>desk</ShortName></Description>",
        ),
        // Text beside the payload (serde refuses it) or in a structure.
        ("<OrderRequest>", "x <OrderRequest>"),
        ("<ItemID>", "<ItemID>stray text"),
        // No Sender in the Header (serde refuses it).
        ("Sender>", "Sender2>"),
        // An attribute given twice (not well-formed: serde refuses it).
        ("addressID=\"HQ\"", "addressID=\"HQ\" addressID=\"HQ2\""),
    ];
    gives_up_on(&base, &cases, answered);
}

/// Each `(from, to)` replaced in `base` makes `read` give up (and not
/// disagree with serde).
fn gives_up_on(base: &str, cases: &[(&str, &str)], read: fn(&str) -> bool) {
    for (from, to) in cases {
        let doc = base.replace(from, to);
        assert_ne!(doc, base, "{from} is in the fixture");
        assert!(!read(&doc), "{to}");
    }
}

#[test]
fn a_repeated_attribute_is_refused_as_such() {
    let doc = po(1).replacen("addressID=\"HQ\"", "addressID=\"HQ\" addressID=\"x\"", 1);
    let err = crate::cxml::read::read::<OrderRequest>(doc.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("duplicated attribute"), "{err}");
}

/// Whether the setup request's fast reader answered; panics when it
/// disagrees with serde.
fn setup_answered(doc: &str) -> bool {
    use crate::cxml::punchout_setup::PunchOutSetupRequest;
    fast_reader_agrees::<PunchOutSetupRequest>(doc.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// An `edit` setup carrying the lines of the 3-line PO, a contact and a
/// ship-to address: every part the setup reader reads.
fn edit_setup() -> String {
    use crate::cxml::punchout_setup::{PunchOutSetupRequest, SelectedItem, SetupItemOut};
    use crate::cxml::{common::UrlHolder, write};
    let po = crate::cxml::read::read::<OrderRequest>(po(3).as_bytes())
        .unwrap()
        .doc;
    let header = po.header.clone().unwrap();
    let order = po.payload().unwrap();
    let doc = write::request(
        "s-1@buyer".into(),
        header,
        "test",
        PunchOutSetupRequest {
            operation: "edit".into(),
            buyer_cookie: "cookie-1".into(),
            extrinsics: order.header.extrinsics.clone(),
            browser_form_post: Some(UrlHolder {
                url: "https://buyer.example/hook?a=1&b=2".into(),
            }),
            contacts: order.header.contacts.clone(),
            supplier_setup: Some(UrlHolder {
                url: "https://absim.example/".into(),
            }),
            ship_to: order.header.ship_to.clone(),
            selected_item: Some(SelectedItem {
                item_id: order.items[0].item_id.clone(),
            }),
            items: order
                .items
                .iter()
                .map(|i| SetupItemOut {
                    quantity: i.quantity.to_string(),
                    line_number: i.line_number.as_deref().map(Into::into),
                    item_id: i.item_id.clone(),
                    item_detail: i.item_detail.clone(),
                })
                .collect(),
        },
    );
    write::document(&doc)
}

#[test]
fn reads_setup_requests_as_serde_does() {
    assert!(setup_answered(&crate::fixtures::setup_request(7)));
    let edit = edit_setup();
    assert!(setup_answered(&edit));
    assert!(edit.contains("<ItemOut") && edit.contains("<ShipTo>") && edit.contains("<Contact"));
    let path =
        std::path::Path::new("../shared/cxml/samples/friendsofcxml_PunchOutSetupRequest.xml");
    match std::fs::read_to_string(path) {
        Ok(doc) => {
            // Its Descriptions hold a ShortName: serde reads those.
            assert!(!setup_answered(&doc));
            let plain = doc.replace("<ShortName>", "").replace("</ShortName>", "");
            assert!(setup_answered(&plain));
        }
        Err(_) => eprintln!("skipped the setup sample: ../shared is not here"),
    }
}

#[test]
fn the_setup_reader_gives_up_on_what_it_does_not_model() {
    let base = edit_setup();
    let cases = [
        (
            "<BuyerCookie>cookie-1</BuyerCookie>",
            "<BuyerCookie>a</BuyerCookie><BuyerCookie>b</BuyerCookie>",
        ),
        ("<BuyerCookie>cookie-1</BuyerCookie>", "<BuyerCookie/>"),
        ("<BrowserFormPost>", "<BrowserFormPost>stray"),
        ("<SelectedItem>", "<SelectedItem>stray"),
        ("</PunchOutSetupRequest>", "</PunchOutSetupRequest><Other/>"),
    ];
    gives_up_on(&base, &cases, setup_answered);
}

/// Whitespace, comments, PIs, references, CDATA and stray text put
/// between the markup of a PO and of a setup at random places (a fixed
/// seed): wherever the fast readers answer, they answer what serde does
/// (`answered` and `setup_answered` panic otherwise), and they still
/// answer for most of the documents.
#[test]
fn inserts_between_markup_never_make_the_fast_readers_disagree() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    const PIECES: [&str; 10] = [
        " ",
        "\n\t ",
        "\r\n",
        "<!-- c -->",
        "<?pi x?>",
        "&amp;",
        "&#x20;",
        "<![CDATA[ z ]]>",
        "x",
        " y ",
    ];
    let mut rng = StdRng::seed_from_u64(15);
    for (base, read) in [
        (po(2), answered as fn(&str) -> bool),
        (edit_setup(), setup_answered),
    ] {
        let ends: Vec<usize> = base.match_indices('>').map(|(i, _)| i + 1).collect();
        let mut fast = 0;
        for _ in 0..150 {
            let mut doc = base.clone();
            // From the last place back, so that earlier places stay put.
            let mut at: Vec<usize> = (0..3)
                .map(|_| ends[rng.random_range(0..ends.len())])
                .collect();
            at.sort_unstable();
            for &i in at.iter().rev() {
                doc.insert_str(i, PIECES[rng.random_range(0..PIECES.len())]);
            }
            fast += usize::from(read(&doc));
        }
        assert!(fast >= 50, "the fast reader answered {fast} of 150");
    }
}
