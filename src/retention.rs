//! Data retention in the background: every `--retention-interval` (a
//! minute) the store deletes, in small batches, what `--retain-days`,
//! `--retain-orders` and the journal bounds no longer keep. On PostgreSQL
//! one replica at a time runs a pass. Tests call [`pass`].

use tokio::sync::watch;

use crate::AppState;
use crate::store::{Retained, StoreError};

/// One retention pass, now.
pub async fn pass(state: &AppState) -> Result<Retained, StoreError> {
    let done = state
        .store
        .retain(&state.settings.retention, crate::cxml::time::now())
        .await?;
    if done != Retained::default() {
        tracing::info!(
            orders = done.orders,
            journal = done.journal,
            "retention deleted the oldest records"
        );
    }
    Ok(done)
}

/// Runs a pass at start and then every interval, until `stop` turns true.
pub async fn prune_until_stopped(state: AppState, mut stop: watch::Receiver<bool>) {
    if state.settings.retention.is_off() {
        return;
    }
    let mut every = tokio::time::interval(state.settings.retention_interval);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        if let Err(e) = pass(&state).await {
            tracing::warn!(error = %e, "a retention pass failed; the next one tries again");
        }
    }
}
