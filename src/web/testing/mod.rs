//! The test UI: the scenario page (以下のシナリオのテスト), the test log
//! (テストログ) and the order search (発注の検索), a log entry with every
//! section of the guide, marks, the raw documents, and the outbox of e-mails.

mod entry;
mod entry_actions;
mod log;
mod mail;
mod scenarios;

pub use entry::entry;
pub use entry_actions::{document, mark, resend};
pub use log::{log, order_search};
pub use mail::{mail, outbox};
pub use scenarios::{scenarios, select_scenario};

use crate::AppState;
use crate::domain::order::{Mark, TestResult};
use crate::i18n::Texts;

/// The name of a scenario id in the page's language.
pub(super) fn scenario_name(state: &AppState, t: &Texts, id: &str) -> String {
    state
        .scenarios
        .get(id)
        .map(|s| s.name.get(t.lang_code.as_str()).to_owned())
        .unwrap_or_else(|| id.to_owned())
}

pub(super) fn mark_line(t: &Texts, mark: &Mark) -> String {
    match mark.result {
        TestResult::Success => t.f(t.marked_success, &mark.by),
        TestResult::Failure => t.f(t.marked_failure, &mark.by),
    }
}
