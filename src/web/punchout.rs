//! `POST /eprocurement/punchout`, `/punchout` (each also with `/test`): the
//! PunchOutSetupRequest.
//! The handler reads the request, finds the groups its Sender names, and
//! leaves the decision to [`crate::domain::punchout`]; the session it opens
//! and both documents are stored before the StartPage leaves.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use super::exchange::{CxmlError, CxmlResult, Received, Reply};
use crate::AppState;
use crate::cxml::punchout_setup::PunchOutSetupRequest;
use crate::cxml::{Cxml, read, time, write};
use crate::domain::Group;
use crate::domain::documents;
use crate::domain::order::{DocKind, Document};
use crate::domain::punchout::{self, SetupArrival};

pub async fn setup(State(state): State<AppState>, received: Received) -> Response {
    let outcome = open_session(&state, &received.body).await;
    received.answer(&state, outcome)
}

async fn open_session(state: &AppState, body: &Bytes) -> CxmlResult {
    let received_at = time::now();
    let inbound = read::<PunchOutSetupRequest>(body).map_err(|e| CxmlError::refused(e.status()))?;
    let group = sender_group(state, &inbound.doc).await?;
    let arrival = SetupArrival {
        group: &group,
        catalog: &state.market(&group).catalog,
        scenarios: &state.scenarios,
        received_at,
        now_ms: state.clock.now_ms(),
    };
    let session = punchout::decide(&inbound.doc, inbound.deviations, &arrival)
        .map_err(|status| CxmlError::refused_as(group.cxml_errors, status))?;
    let start_page = format!("{}/s/{}", state.settings.base_url, session.id);
    let response = Bytes::from(write::document(&documents::setup_response(
        state.payload_ids.next(),
        start_page,
    )));
    let documents = vec![
        Document {
            kind: DocKind::SetupRequest,
            at: received_at,
            body: body.clone(),
        },
        Document::new(DocKind::SetupResponse, response.clone()),
    ];
    let session_id = session.id.clone();
    state
        .store
        .insert_session(session, documents, state.settings.max_sessions)
        .await?;
    tracing::info!(group = group.id, session = %session_id, "punchout session opened");
    Ok(Reply::document(200, response))
}

/// The group the request's Sender authenticates as, among those the store
/// has for its identities; or the 401 that says how close it came.
async fn sender_group(
    state: &AppState,
    doc: &Cxml<PunchOutSetupRequest>,
) -> Result<Arc<Group>, CxmlError> {
    let sender = doc
        .header
        .as_ref()
        .map(|h| h.sender.credentials.as_slice())
        .unwrap_or_default();
    let mut known = Vec::with_capacity(sender.len());
    for c in sender {
        if let Some(g) = state.store.group_by_identity(c.identity.trim()).await? {
            known.push(g);
        }
    }
    punchout::authenticate(sender, &known).map_err(|u| {
        let refused = CxmlError::refused(u.status);
        match u.near {
            Some(group) => refused.of_group(group),
            None => refused,
        }
    })
}
