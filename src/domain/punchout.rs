//! What a PunchOutSetupRequest gets: who sent it, then one decision over
//! the request, given its group. The decision is either a refusal (the
//! Status the buyer receives) or the punchout session to open, with the
//! cart an edit or inspect brings back. Like [`super::intake::decide`] for
//! a PO: the web layer reads the request, finds the candidate groups in the
//! store, asks here, and records what is decided.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use super::account::{Group, secrets_match, validate_endpoint};
use super::catalog::Catalog;
use super::ids;
use super::order::header_deviations;
use super::scenario::Scenarios;
use super::session::{Cart, Session, SetupRecord};
use crate::cxml::punchout_setup::{EMAIL_PATHS, HOOK_URL_PATH, PunchOutSetupRequest};
use crate::cxml::{Credential, Cxml, Deviation, Status, extrinsic};
use crate::oci::OciLogin;

/// A setup request whose Sender no group recognises: the 401 that says how
/// close its credentials came, and the group whose system login it carried
/// (with the wrong password), whose test log shows it.
#[derive(Debug)]
pub struct Unrecognized {
    pub status: Status,
    pub near: Option<u32>,
}

/// The group whose system login and password the Sender carries, among
/// `known`: the groups the store has for the Sender's identities. Or 401,
/// saying how close the credentials came: a known system login with the
/// wrong password, or a login no group has.
pub fn authenticate(
    sender: &[Credential],
    known: &[Arc<Group>],
) -> Result<Arc<Group>, Unrecognized> {
    let mut near = None;
    for c in sender {
        let id = c.identity.trim();
        let Some(g) = known.iter().find(|g| g.identity == id) else {
            continue;
        };
        let secret = c.shared_secret.as_deref().map(str::trim);
        if secret.is_some_and(|s| secrets_match(s, &g.shared_secret)) {
            return Ok(g.clone());
        }
        near.get_or_insert((id, g));
    }
    let why = match (near, sender.first()) {
        (Some((id, g)), _) => format!(
            "the Sender Identity '{id}' is the system login of group {} ({}), but the SharedSecret (パスワード) does not match it",
            g.id, g.name
        ),
        (None, Some(c)) => format!(
            "no group has the system login (Sender Identity) '{}'",
            c.identity.trim()
        ),
        (None, None) => "the Sender has no Credential".to_owned(),
    };
    Err(Unrecognized {
        status: Status::new(
            401,
            "Unauthorized",
            format!("Invalid or unrecognized sender credentials: {why}"),
        ),
        near: near.map(|(_, g)| g.id),
    })
}

/// Everything about a setup request's arrival that is not in the request.
pub struct SetupArrival<'a> {
    /// The group its Sender authenticated as.
    pub group: &'a Group,
    pub catalog: &'a Catalog,
    pub scenarios: &'a Scenarios,
    pub received_at: DateTime<FixedOffset>,
    pub now_ms: i64,
}

/// Decides what a setup request gets: the session to open, or the refusal.
/// `deviations` are those noted while reading it.
pub fn decide(
    doc: &Cxml<PunchOutSetupRequest>,
    mut deviations: Vec<Deviation>,
    at: &SetupArrival,
) -> Result<Session, Status> {
    let request = doc.payload().ok_or_else(|| {
        Status::new(
            400,
            "Bad Request",
            "the request carries no PunchOutSetupRequest",
        )
    })?;
    let operation = operation(&request.operation)?;
    let (hook, email) = required(request, &doc.payload_id)?;
    let hook = checked_hook(hook)?;
    deviations.extend(header_deviations(doc.header.as_ref(), at.group));
    let (scenario, note) = at.scenarios.choose(
        extrinsic(&request.extrinsics, "absim.scenario"),
        &at.group.selected_scenario,
    );
    deviations.extend(note);
    let (cart_ref, cart) = match operation {
        Operation::Create => (ids::cart_reference(), Cart::default()),
        Operation::Edit | Operation::Inspect => reopen_cart(request, at.catalog, &mut deviations),
    };
    Ok(Session {
        id: ids::session_id(at.now_ms),
        group_id: at.group.id,
        setup: SetupRecord {
            received_at: at.received_at,
            payload_id: doc.payload_id.to_string(),
            operation: operation.as_str().to_owned(),
            buyer_cookie: request.buyer_cookie.clone(),
            credentials_valid: true,
            email: Some(email.to_owned()),
            hook_url: Some(hook),
            first_name: request.first_name().map(str::to_owned),
            last_name: request.last_name().map(str::to_owned),
            ubu: request.user_business_unit().map(str::to_owned),
            deviations,
        },
        cart_ref,
        cart,
        returns: Vec::new(),
        read_only: operation == Operation::Inspect,
        scenario: scenario.into(),
        oci: None,
        touched_at_ms: at.now_ms,
        run_id: at.group.run_at(at.now_ms),
    })
}

/// The operations absim opens a session for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Edit,
    Inspect,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Edit => "edit",
            Operation::Inspect => "inspect",
        }
    }
}

/// The request's operation: create, edit and inspect open a session;
/// sourcing is refused with 450 (Not Implemented), anything else with 400.
pub fn operation(op: &str) -> Result<Operation, Status> {
    match op.trim() {
        "create" => Ok(Operation::Create),
        "edit" => Ok(Operation::Edit),
        "inspect" => Ok(Operation::Inspect),
        "source" => Err(Status::new(
            450,
            "Not Implemented",
            "operation=\"source\" (sourcing) is not supported; use create, edit or inspect",
        )),
        op => Err(Status::new(
            400,
            "Bad Request",
            format!(
                "operation=\"{op}\" is not one of create, edit, inspect, source; absim needs create"
            ),
        )),
    }
}

/// The hook URL and the user's e-mail, which Amazon requires: without
/// either, 403 in Amazon's own wording, naming each missing path.
pub fn required<'r>(
    request: &'r PunchOutSetupRequest,
    payload_id: &str,
) -> Result<(&'r str, &'r str), Status> {
    let (hook, email) = (request.hook_url(), request.user_email());
    if let (Some(hook), Some(email)) = (hook, email) {
        return Ok((hook, email));
    }
    let mut missing = String::new();
    if hook.is_none() {
        missing.push_str(&format!(
            " The HOOK URL element, found at {HOOK_URL_PATH}, is missing."
        ));
    }
    if email.is_none() {
        missing.push_str(&format!(
            " The EMAIL element, found at {EMAIL_PATHS}, is missing."
        ));
    }
    Err(Status::new(
        403,
        "failure",
        format!(
            "CXML POSR with payloadId {{{payload_id}}} is missing the following Mandatory data.{missing}"
        ),
    ))
}

/// The hook URL, which must be http(s): the cart goes back there.
fn checked_hook(hook: &str) -> Result<String, Status> {
    match validate_endpoint(hook) {
        Ok(_) => Ok(hook.to_owned()),
        Err(e) => Err(Status::new(
            400,
            "Bad Request",
            format!("BrowserFormPost/URL {e}; the cart can only be returned to an http(s) URL"),
        )),
    }
}

/// The cart an edit or inspect punchout carries back in its ItemOut: the
/// same cart reference and line numbers when the SupplierPartAuxiliaryIDs
/// are absim's, so that they stay stable. Items absim does not sell are
/// left out, each noted as a deviation.
pub fn reopen_cart(
    request: &PunchOutSetupRequest,
    catalog: &Catalog,
    deviations: &mut Vec<Deviation>,
) -> (String, Cart) {
    let refs: Vec<(&str, u32)> = request
        .items
        .iter()
        .filter_map(|i| ids::parse_aux_id(i.item_id.supplier_part_auxiliary_id.as_deref()?))
        .collect();
    let cart_ref = refs
        .first()
        .map(|(c, _)| *c)
        .filter(|c| refs.iter().all(|(other, _)| other == c))
        .map_or_else(ids::cart_reference, str::to_owned);
    if request.items.is_empty() {
        deviations.push(
            Deviation::new(
                "edit-without-items",
                format!(
                    "operation=\"{}\" carried no ItemOut, so the cart starts empty",
                    request.operation.trim()
                ),
            )
            .with("operation", request.operation.trim()),
        );
    }
    let mut cart = Cart::default();
    let mut next = refs.iter().map(|(_, l)| *l).max().unwrap_or(0);
    for item in &request.items {
        let asin = item.item_id.supplier_part_id.trim();
        if catalog.get(asin).is_none() {
            deviations.push(
                Deviation::new(
                    "unknown-item",
                    format!(
                        "ItemOut {asin} is not in absim's catalogue; it was left out of the cart"
                    ),
                )
                .with("asin", asin),
            );
            continue;
        }
        let line = match item
            .item_id
            .supplier_part_auxiliary_id
            .as_deref()
            .and_then(ids::parse_aux_id)
        {
            Some((c, l)) if c == cart_ref => l,
            _ => {
                next += 1;
                next
            }
        };
        cart.restore(line, asin, whole_quantity(&item.quantity));
    }
    (cart_ref, cart)
}

/// An ItemOut's quantity as whole units: a fraction is cut, and anything
/// unreadable or under one counts as one.
fn whole_quantity(quantity: &str) -> u32 {
    quantity
        .trim()
        .parse::<rust_decimal::Decimal>()
        .ok()
        .and_then(|q| rust_decimal::prelude::ToPrimitive::to_u32(&q.trunc()))
        .filter(|q| *q > 0)
        .unwrap_or(1)
}

/// Everything about an SAP OCI login's arrival that is not in its fields.
pub struct OciArrival<'a> {
    /// The group whose system login and password the login carries.
    pub group: &'a Group,
    pub scenarios: &'a Scenarios,
    pub received_at: DateTime<FixedOffset>,
    pub now_ms: i64,
}

/// The session an SAP OCI login opens, or why its HOOK_URL is refused.
/// A `~OkCode` other than SAP's ADDI is a deviation.
pub fn open_oci(login: &OciLogin, at: &OciArrival) -> Result<Session, String> {
    validate_endpoint(&login.hook_url).map_err(|m| format!("HOOK_URL {m}"))?;
    let (scenario, _) = at.scenarios.choose(None, &at.group.selected_scenario);
    let mut deviations = Vec::new();
    if !login.ret.ok_code.eq_ignore_ascii_case("ADDI") {
        deviations.push(
            Deviation::new(
                "oci-okcode",
                format!("~OkCode is '{}'; SAP expects ADDI", login.ret.ok_code),
            )
            .with("ok_code", &login.ret.ok_code),
        );
    }
    Ok(Session {
        id: ids::session_id(at.now_ms),
        group_id: at.group.id,
        setup: SetupRecord {
            received_at: at.received_at,
            payload_id: String::new(),
            operation: "oci".into(),
            buyer_cookie: String::new(),
            credentials_valid: true,
            email: None,
            hook_url: Some(login.hook_url.clone()),
            first_name: None,
            last_name: None,
            ubu: None,
            deviations,
        },
        cart_ref: ids::cart_reference(),
        cart: Cart::default(),
        returns: Vec::new(),
        scenario: scenario.into(),
        read_only: false,
        oci: Some(login.ret.clone()),
        touched_at_ms: at.now_ms,
        run_id: at.group.run_at(at.now_ms),
    })
}

#[cfg(test)]
mod tests;
