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

use std::borrow::Cow;

use crate::AppState;
use crate::cxml::Deviation;
use crate::domain::order::{Mark, TestResult};
use crate::i18n::{Lang, Note, Texts, Value};

/// The name of a scenario id in the page's language.
pub(super) fn scenario_name(state: &AppState, t: &Texts, id: &str) -> String {
    state
        .scenarios
        .get(id)
        .map(|s| s.name.get(t.lang_code.as_str()).to_owned())
        .unwrap_or_else(|| id.to_owned())
}

/// A deviation as a page shows it: its code, and what it says in the
/// page's language (`deviation-<code>` of `locales/domain/`, the English
/// message as `$message`); a record without values shows its English.
pub struct DeviationRow {
    pub code: String,
    pub text: String,
}

pub(super) fn deviation_rows<'d>(
    deviations: impl IntoIterator<Item = &'d Deviation>,
    lang: Lang,
) -> Vec<DeviationRow> {
    deviations
        .into_iter()
        .map(|d| DeviationRow {
            code: d.code.clone(),
            text: match &d.values {
                Some(values) => {
                    let mut args: Vec<(Cow<'static, str>, Value)> = values
                        .iter()
                        .map(|(k, v)| (Cow::Owned(k.clone()), Value::Text(v.clone())))
                        .collect();
                    args.push((Cow::Borrowed("message"), Value::Text(d.message.clone())));
                    Note::Said {
                        id: Cow::Owned(format!("deviation-{}", d.code)),
                        args,
                    }
                    .render(lang)
                }
                None => d.message.clone(),
            },
        })
        .collect()
}

pub(super) fn mark_line(t: &Texts, mark: &Mark) -> String {
    match mark.result {
        TestResult::Success => t.f(t.marked_success, &mark.by),
        TestResult::Failure => t.f(t.marked_failure, &mark.by),
    }
}
