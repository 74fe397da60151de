//! One scenario played as a well-behaved buyer: punch out, fill and return
//! the cart (and punch out again to edit or inspect it where the scenario
//! asks), send the PO (wrong on purpose where the scenario expects a
//! refusal), then wait for absim's verdict on the log entry.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::RunGroup;
use super::target::Target;
use crate::buyer::{self, BuyerConfig};
use crate::cxml::order_message::{ItemIn, PunchOutOrderMessage};
use crate::cxml::order_request::OrderRequest;
use crate::cxml::{Cxml, Extrinsic, read, write};
use crate::domain::scenario::{Expectation, Scenario};

const DESK: &str = "B087JWRCP5";
const PEN: &str = "B001TK8QMA";

/// Runs one scenario as a well-behaved buyer; returns the failed checks'
/// sentences and the log entry.
pub(super) async fn play_one(
    t: &Target,
    cfg: &BuyerConfig,
    group: &RunGroup,
    s: &Scenario,
    n: usize,
    timeout: Duration,
) -> anyhow::Result<(Vec<String>, Option<u64>)> {
    let id = s.id.as_str();
    // The store in the orderID: the group's log keeps the orders of every
    // store a run played, and an orderID may not come twice.
    let order_id = format!("RUN-{id}-{}-{n}-{}", group.marketplace, std::process::id());
    let po_url = group.po_url.as_str();
    if s.po_faults.is_some() {
        // absim injects a scenario's fault once per group: a run before this
        // one against the same absim (another store's, say) has used it.
        let reset = format!("/api/v1/groups/1/scenarios/{id}/reset");
        t.json(reqwest::Method::POST, &reset, None).await?;
    }
    let sid = open(t, cfg, "create", &[], id).await?;
    set_cart(t, &sid, &items_for(s)).await?;
    if s.expect.contains(&Expectation::NoOrder) {
        // A well-behaved buyer sends no PO for an empty cart.
        let cart = checkout(t, &sid, true).await?;
        return Ok((empty_cart_failures(&cart)?, None));
    }
    let mut cart = checkout(t, &sid, false).await?;
    if let Some(operation) = second_setup(&s.expect) {
        cart = set_up_again(t, cfg, operation, cart, id).await?;
    }
    let mut po = purchase_order(cfg, &cart, &order_id, id)?;
    let twice = make_refusal(&mut po, s.refusal.as_deref())?;
    let retries = s.expect.contains(&Expectation::RetriedAfterFault);
    send_po(t, po_url, &mut po, retries, twice, &order_id).await?;
    let no = entry_of(t, &order_id).await?;
    Ok((await_verdict(t, no, timeout).await?, Some(no)))
}

/// The cart a scenario's buyer builds: products every store sells, the
/// shipping scenario's below every store's free-shipping amount (a unit
/// test holds the stores to it).
pub(super) fn items_for(s: &Scenario) -> Vec<(&'static str, u32)> {
    if s.shipping.is_some() {
        // Below the free-shipping threshold, so that shipping is charged.
        vec![(PEN, 1)]
    } else {
        vec![(DESK, 1), (PEN, 3)]
    }
}

async fn open(
    t: &Target,
    cfg: &BuyerConfig,
    operation: &str,
    cart: &[ItemIn],
    scenario: &str,
) -> anyhow::Result<String> {
    let setup = buyer::setup_request(
        cfg,
        operation,
        &format!("run-{scenario}"),
        cart,
        Some(scenario),
    );
    let (status, body) = t.post_xml("/eprocurement/punchout", setup).await?;
    if status != 200 {
        bail!("the punchout ({operation}) was answered {status}: {body}");
    }
    let doc = read::<crate::cxml::punchout_setup::PunchOutSetupResponse>(body.as_bytes())?;
    let url = doc
        .doc
        .payload()
        .map(|p| p.start_page.url.clone())
        .context("a StartPage")?;
    Ok(url.rsplit('/').next().unwrap_or_default().to_owned())
}

async fn checkout(
    t: &Target,
    sid: &str,
    empty: bool,
) -> anyhow::Result<Cxml<PunchOutOrderMessage>> {
    let v = t
        .json(
            reqwest::Method::POST,
            &format!("/api/v1/sessions/{sid}/checkout"),
            Some(json!({ "empty": empty })),
        )
        .await?;
    let xml = v["punch_out_order_message"]
        .as_str()
        .context("a PunchOutOrderMessage")?;
    Ok(read::<PunchOutOrderMessage>(xml.as_bytes())?.doc)
}

async fn set_cart(t: &Target, sid: &str, items: &[(&str, u32)]) -> anyhow::Result<()> {
    let lines: Vec<Value> = items
        .iter()
        .map(|(a, q)| json!({ "asin": a, "quantity": q }))
        .collect();
    t.json(
        reqwest::Method::PUT,
        &format!("/api/v1/sessions/{sid}/cart"),
        Some(json!({ "lines": lines })),
    )
    .await?;
    Ok(())
}

/// What is wrong with the cart an emptied session returned: it must carry
/// no items and a Status 204.
pub(super) fn empty_cart_failures(
    cart: &Cxml<PunchOutOrderMessage>,
) -> anyhow::Result<Vec<String>> {
    let m = cart.message.as_ref().context("a Message")?;
    let mut failures = Vec::new();
    if !m.payload.items.is_empty() {
        failures.push("the empty cart came back with items".to_owned());
    }
    if m.status.as_ref().map(|s| s.code) != Some(204) {
        failures.push("the empty cart's PunchOutOrderMessage has no Status 204".to_owned());
    }
    Ok(failures)
}

/// The second punchout a scenario asks for, with the returned cart: `edit`
/// or `inspect`.
pub(super) fn second_setup(expect: &[Expectation]) -> Option<&'static str> {
    if expect.contains(&Expectation::EditSetup) {
        Some("edit")
    } else if expect.contains(&Expectation::InspectSetup) {
        Some("inspect")
    } else {
        None
    }
}

/// Punches out again with the cart's items. An edit changes the cart to
/// two pens, and the cart it returns is the one ordered; an inspect returns
/// the cart unchanged, and the first one is ordered.
async fn set_up_again(
    t: &Target,
    cfg: &BuyerConfig,
    operation: &str,
    cart: Cxml<PunchOutOrderMessage>,
    id: &str,
) -> anyhow::Result<Cxml<PunchOutOrderMessage>> {
    let items = cart.payload().context("a cart")?.items.clone();
    let again = open(t, cfg, operation, &items, id).await?;
    if operation == "edit" {
        set_cart(t, &again, &[(PEN, 2)]).await?;
    }
    let returned = checkout(t, &again, false).await?;
    Ok(if operation == "edit" { returned } else { cart })
}

/// The buyer's PO for the cart, naming the scenario it plays.
fn purchase_order(
    cfg: &BuyerConfig,
    cart: &Cxml<PunchOutOrderMessage>,
    order_id: &str,
    scenario: &str,
) -> anyhow::Result<Cxml<OrderRequest>> {
    let mut po = buyer::order_request(
        cfg,
        cart.payload().context("a cart")?,
        order_id,
        &format!("{order_id}.1@runner.absim"),
    );
    let request = &mut po.request.as_mut().context("a Request")?.payload;
    request
        .header
        .extrinsics
        .push(Extrinsic::new("absim.scenario", scenario));
    Ok(po)
}

/// Makes the PO wrong the way the scenario's expected refusal needs: an
/// `update` order (001-001), no ShipTo (001-005), a wrong password (401).
/// True when the refusal is a duplicate (409): the PO goes twice.
pub(super) fn make_refusal(
    po: &mut Cxml<OrderRequest>,
    refusal: Option<&str>,
) -> anyhow::Result<bool> {
    let header = &mut po.request.as_mut().context("a Request")?.payload.header;
    match refusal {
        Some("001-001") => header.kind = Some("update".into()),
        Some("001-005") => header.ship_to = None,
        Some("409") => return Ok(true),
        Some("401") => {
            if let Some(h) = po.header.as_mut()
                && let Some(c) = h.sender.credentials.first_mut()
            {
                c.shared_secret = Some("wrongSecret1".into());
            }
        }
        _ => {}
    }
    Ok(false)
}

/// Posts the PO: again after a 5xx when the scenario expects a retry (the
/// same document, so the same payloadID), and a second time under a new
/// payloadID when it is sent `twice`.
async fn send_po(
    t: &Target,
    po_url: &str,
    po: &mut Cxml<OrderRequest>,
    retries: bool,
    twice: bool,
    order_id: &str,
) -> anyhow::Result<()> {
    let (status, answer) = t.post_xml(po_url, write::document(po)).await?;
    if (500..600).contains(&answer_code(status, &answer)) && retries {
        t.post_xml(po_url, write::document(po)).await?;
    }
    if twice {
        po.payload_id = compact_str::format_compact!("{order_id}.2@runner.absim");
        t.post_xml(po_url, write::document(po)).await?;
    }
    Ok(())
}

/// The code an answer carries: a refusal may come as HTTP 200 with the
/// code only in the cXML Status.
pub(super) fn answer_code(status: u16, answer: &str) -> u16 {
    crate::cxml::read::read_status(answer.as_bytes()).map_or(status, |s| s.code)
}

/// The number of the log entry the PO `order_id` made.
async fn entry_of(t: &Target, order_id: &str) -> anyhow::Result<u64> {
    let list = t
        .json(
            reqwest::Method::GET,
            &format!("/api/v1/groups/1/orders?po={order_id}&limit=1"),
            None,
        )
        .await?;
    list["orders"][0]["no"]
        .as_u64()
        .with_context(|| format!("no log entry for {order_id}"))
}

/// Waits for entry `no`'s verdict, once its documents are through; gives
/// the failed checks' sentences.
async fn await_verdict(t: &Target, no: u64, timeout: Duration) -> anyhow::Result<Vec<String>> {
    let started = Instant::now();
    loop {
        let detail = t
            .json(
                reqwest::Method::GET,
                &format!("/api/v1/groups/1/orders/{no}"),
                None,
            )
            .await?;
        if let Some(failures) = failed_checks(&detail) {
            return Ok(failures);
        }
        if started.elapsed() > timeout {
            bail!(
                "the documents of entry {no} were not through within {} s",
                timeout.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The failed checks' sentences of an entry with a verdict; None while it
/// is pending.
pub(super) fn failed_checks(detail: &Value) -> Option<Vec<String>> {
    if detail["verdict"].as_str().unwrap_or_default() == "pending" {
        return None;
    }
    Some(
        detail["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["outcome"] == "fail")
            .map(|c| c["en"].as_str().unwrap_or_default().to_owned())
            .collect(),
    )
}
