use super::*;
use crate::cxml::read::read;
use crate::domain::scenario::BASIC;

fn credential(identity: &str, secret: Option<&str>) -> Credential {
    let mut c = Credential::new("NetworkId", identity);
    c.shared_secret = secret.map(Into::into);
    c
}

fn group(id: u32, identity: &str, secret: &str) -> Arc<Group> {
    let mut g = Group::generate(id, "購買部");
    g.identity = identity.into();
    g.shared_secret = secret.into();
    Arc::new(g)
}

/// The bench buyer's setup request, with `edit` applied to its text.
fn setup(edit: impl Fn(String) -> String) -> Cxml<PunchOutSetupRequest> {
    let text = edit(crate::fixtures::setup_request(7));
    read::<PunchOutSetupRequest>(text.as_bytes()).unwrap().doc
}

fn decided(
    doc: &Cxml<PunchOutSetupRequest>,
    group: &Group,
    catalog: &Catalog,
) -> Result<Session, Status> {
    let scenarios = Scenarios::embedded().unwrap();
    let at = SetupArrival {
        group,
        catalog,
        scenarios: &scenarios,
        received_at: crate::cxml::time::now(),
        now_ms: 1_765_000_000_000,
    };
    decide(doc, Vec::new(), &at)
}

#[test]
fn the_sender_authenticates_as_the_group_whose_login_and_password_it_carries() {
    let known = [group(1, "Other", "x"), group(2, "Buyer01", "secret01")];
    let sender = [
        credential("Nobody", Some("a")),
        credential(" Buyer01 ", Some("secret01 ")),
    ];
    assert_eq!(authenticate(&sender, &known).unwrap().id, 2);
}

#[test]
fn a_known_login_with_the_wrong_password_is_named_as_a_near_miss() {
    let known = [group(3, "Buyer01", "secret01")];
    let refused = authenticate(&[credential("Buyer01", Some("wrong"))], &known).unwrap_err();
    // Filed under the group whose login it carried: its test log shows it.
    assert_eq!(refused.near, Some(3));
    let refused = refused.status;
    assert_eq!(refused.code, 401);
    assert!(
        refused
            .message
            .starts_with("Invalid or unrecognized sender credentials: ")
    );
    assert!(
        refused
            .message
            .contains("'Buyer01' is the system login of group 3"),
        "{}",
        refused.message
    );
}

#[test]
fn an_unknown_login_and_an_empty_sender_say_which_they_are() {
    let unknown = authenticate(&[credential("Stranger", Some("s"))], &[]).unwrap_err();
    assert_eq!(unknown.near, None);
    let unknown = unknown.status;
    assert!(
        unknown
            .message
            .contains("no group has the system login (Sender Identity) 'Stranger'")
    );
    let empty = authenticate(&[], &[]).unwrap_err().status;
    assert!(empty.message.ends_with("the Sender has no Credential"));
}

#[test]
fn create_edit_and_inspect_open_a_session_sourcing_and_others_are_refused() {
    assert_eq!(operation(" edit ").unwrap(), Operation::Edit);
    assert_eq!(operation("inspect").unwrap(), Operation::Inspect);
    assert_eq!(operation("source").unwrap_err().code, 450);
    let other = operation("cancel").unwrap_err();
    assert_eq!(other.code, 400);
    assert!(other.message.contains("operation=\"cancel\""));
}

#[test]
fn a_setup_without_hook_or_email_is_refused_in_amazons_words_naming_both() {
    let doc = setup(|t| {
        let t = t.replace("bench@example.co.jp", "");
        let start = t.find("<BrowserFormPost>").unwrap();
        let end = t.find("</BrowserFormPost>").unwrap() + "</BrowserFormPost>".len();
        format!("{}{}", &t[..start], &t[end..])
    });
    let refused = required(doc.payload().unwrap(), "p-1").unwrap_err();
    assert_eq!((refused.code, refused.text.as_str()), (403, "failure"));
    assert!(refused.message.starts_with(
        "CXML POSR with payloadId {p-1} is missing the following Mandatory data. The HOOK URL element"
    ));
    assert!(refused.message.contains("The EMAIL element, found at"));
}

#[test]
fn a_hook_that_is_not_http_is_refused() {
    let refused = checked_hook("ftp://buyer.example/hook").unwrap_err();
    assert_eq!(refused.code, 400);
    assert!(refused.message.starts_with("BrowserFormPost/URL "));
    assert_eq!(
        checked_hook("https://buyer.example/hook").unwrap(),
        "https://buyer.example/hook"
    );
}

#[test]
fn a_create_opens_an_empty_cart_for_the_groups_scenario() {
    let g = group(1, crate::fixtures::IDENTITY, crate::fixtures::SECRET);
    let session = decided(
        &setup(|t| t),
        &g,
        &crate::fixtures::markets().japan().catalog,
    )
    .unwrap();
    assert!(session.cart.is_empty());
    assert_eq!(session.setup.operation, "create");
    assert_eq!(session.setup.email.as_deref(), Some("bench@example.co.jp"));
    assert_eq!(session.scenario, BASIC);
    assert!(!session.read_only);
    assert_eq!(session.touched_at_ms, 1_765_000_000_000);
}

#[test]
fn an_unknown_scenario_extrinsic_falls_back_and_is_a_deviation() {
    let g = group(1, crate::fixtures::IDENTITY, crate::fixtures::SECRET);
    let doc = setup(|t| {
        t.replace(
            "<BrowserFormPost>",
            "<Extrinsic name=\"absim.scenario\">no-such</Extrinsic><BrowserFormPost>",
        )
    });
    let session = decided(&doc, &g, &crate::fixtures::markets().japan().catalog).unwrap();
    assert_eq!(session.scenario, BASIC);
    assert!(deviates(&session, "unknown-scenario"));
}

/// Whether the session's setup notes a deviation of this code.
fn deviates(session: &Session, code: &str) -> bool {
    session.setup.deviations.iter().any(|d| d.code == code)
}

/// An inspect setup carrying `items` as ItemOut.
fn inspect_with(items: &str) -> Cxml<PunchOutSetupRequest> {
    setup(|t| {
        t.replace("operation=\"create\"", "operation=\"inspect\"")
            .replace(
                "</PunchOutSetupRequest>",
                &format!("{items}</PunchOutSetupRequest>"),
            )
    })
}

fn item_out(asin: &str, aux: &str, quantity: &str) -> String {
    format!(
        "<ItemOut quantity=\"{quantity}\"><ItemID><SupplierPartID>{asin}</SupplierPartID><SupplierPartAuxiliaryID>{aux}</SupplierPartAuxiliaryID></ItemID></ItemOut>"
    )
}

#[test]
fn an_inspect_reopens_the_cart_with_its_reference_and_line_numbers_read_only() {
    let g = group(1, crate::fixtures::IDENTITY, crate::fixtures::SECRET);
    let doc = inspect_with(&format!(
        "{}{}",
        item_out("B087JWRCP5", "111-2222222-3333333,4", "2"),
        item_out("B0009YD7P2", "111-2222222-3333333,7", "1.5")
    ));
    let session = decided(&doc, &g, &crate::fixtures::markets().japan().catalog).unwrap();
    assert!(session.read_only);
    assert_eq!(session.cart_ref, "111-2222222-3333333");
    let lines: Vec<(u32, &str, u32)> = session
        .cart
        .lines
        .iter()
        .map(|l| (l.line, l.asin.as_str(), l.quantity))
        .collect();
    assert_eq!(lines, [(4, "B087JWRCP5", 2), (7, "B0009YD7P2", 1)]);
}

#[test]
fn items_absim_does_not_sell_are_left_out_and_foreign_lines_numbered_after_absims() {
    let g = group(1, crate::fixtures::IDENTITY, crate::fixtures::SECRET);
    let doc = inspect_with(&format!(
        "{}{}{}",
        item_out("B087JWRCP5", "111-2222222-3333333,2", "1"),
        item_out("NOSUCHASIN", "111-2222222-3333333,3", "1"),
        item_out("B0009YD7P2", "their-own-id", "0")
    ));
    let session = decided(&doc, &g, &crate::fixtures::markets().japan().catalog).unwrap();
    let lines: Vec<(u32, u32)> = session
        .cart
        .lines
        .iter()
        .map(|l| (l.line, l.quantity))
        .collect();
    assert_eq!(lines, [(2, 1), (4, 1)], "quantity 0 counts as one");
    let codes: Vec<&str> = session
        .setup
        .deviations
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert!(codes.contains(&"unknown-item"), "{codes:?}");
}

#[test]
fn an_edit_without_items_starts_empty_and_says_so() {
    let g = group(1, crate::fixtures::IDENTITY, crate::fixtures::SECRET);
    let doc = setup(|t| t.replace("operation=\"create\"", "operation=\"edit\""));
    let session = decided(&doc, &g, &crate::fixtures::markets().japan().catalog).unwrap();
    assert!(session.cart.is_empty());
    assert!(deviates(&session, "edit-without-items"));
}

fn oci_login(fields: &[(&str, &str)]) -> OciLogin {
    let params: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    OciLogin::parse(&params).unwrap()
}

#[test]
fn an_oci_login_opens_a_session_that_returns_its_cart_as_fields() {
    let g = group(5, "Buyer01", "secret01");
    let scenarios = Scenarios::embedded().unwrap();
    let at = OciArrival {
        group: &g,
        scenarios: &scenarios,
        received_at: crate::cxml::time::now(),
        now_ms: 7,
    };
    let login = oci_login(&[
        ("USERNAME", "Buyer01"),
        ("PASSWORD", "secret01"),
        ("HOOK_URL", "https://sap.example/hook"),
        ("~OkCode", "ORDR"),
    ]);
    let session = open_oci(&login, &at).unwrap();
    assert_eq!(session.group_id, 5);
    assert_eq!(session.setup.operation, "oci");
    assert!(session.oci.is_some());
    let codes: Vec<&str> = session
        .setup
        .deviations
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["oci-okcode"], "SAP expects ADDI");

    let ftp = oci_login(&[
        ("USERNAME", "Buyer01"),
        ("PASSWORD", "secret01"),
        ("HOOK_URL", "ftp://sap.example/hook"),
    ]);
    assert!(open_oci(&ftp, &at).unwrap_err().starts_with("HOOK_URL "));
}
