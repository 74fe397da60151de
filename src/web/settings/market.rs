//! The setup screen's marketplace part: the stores a group may buy from, its
//! tax exemption, and the store's real URLs beside absim's, so that a user
//! sees what to change in the purchasing system when going live.

use crate::AppState;
use crate::domain::Group;
use crate::i18n::Texts;
use crate::web::page::PUNCHOUT_PATHS;

/// A store in the select: its name and code.
pub struct StoreChoice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// One URL as the real store has it and as absim has it.
pub struct LiveUrl {
    pub label: &'static str,
    /// The element ids of the pair: `live-<id>-amazon`, `live-<id>-absim`.
    pub id: &'static str,
    pub amazon: String,
    pub absim: String,
    /// No source settled the store's URL (the marketplace file says so).
    pub unconfirmed: bool,
}

pub struct MarketView {
    pub choices: Vec<StoreChoice>,
    /// The group's store, by name and code.
    pub store: String,
    /// The codes of the stores with a tax exemption, for the help text.
    pub exempt_stores: String,
    pub live_urls: Vec<LiveUrl>,
}

pub fn view(state: &AppState, t: &'static Texts, group: &Group) -> MarketView {
    let market = state.market(group);
    let choices = state
        .marketplaces
        .all()
        .map(|m| StoreChoice {
            code: m.code.clone(),
            label: format!("{} — {}", m.code, m.name),
            selected: m.code == market.code,
        })
        .collect();
    let exempt_stores: Vec<&str> = state
        .marketplaces
        .all()
        .filter(|m| m.exempt_allowed)
        .map(|m| m.code.as_str())
        .collect();
    // absim answers the store's own punchout paths where it knows them, so
    // that going live changes only the host.
    let absim_punchout = |test: bool| {
        let fallback = if test {
            "/eprocurement/punchout/test"
        } else {
            "/eprocurement/punchout"
        };
        let path = market
            .endpoints
            .punchout_path(test)
            .filter(|p| PUNCHOUT_PATHS.contains(&p.as_str()))
            .unwrap_or_else(|| fallback.to_owned());
        format!("{}{path}", state.settings.base_url)
    };
    let e = &market.endpoints;
    let live_urls = vec![
        LiveUrl {
            label: t.punchout_url.as_str(),
            id: "punchout",
            amazon: e.punchout.clone(),
            absim: absim_punchout(false),
            unconfirmed: market.is_unconfirmed("endpoints.punchout"),
        },
        LiveUrl {
            label: t.punchout_test_url.as_str(),
            id: "punchout-test",
            amazon: e.punchout_test.clone(),
            absim: absim_punchout(true),
            unconfirmed: market.is_unconfirmed("endpoints.punchout_test"),
        },
        LiveUrl {
            label: t.po_url.as_str(),
            id: "po",
            amazon: e.po_request.clone(),
            absim: state.po_url(group),
            unconfirmed: market.is_unconfirmed("endpoints.po_request"),
        },
    ];
    MarketView {
        choices,
        store: format!("{} ({})", market.name, market.code),
        exempt_stores: exempt_stores.join(", "),
        live_urls,
    }
}
