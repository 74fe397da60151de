//! Automatic checks of a test-log entry: each a pass, a failure or not yet
//! decided, with a sentence in Japanese and English that names the line, the
//! field, the expected and the received value. Together they suggest a
//! verdict; the person testing still marks 成功 or 失敗.

use rust_decimal::Decimal;

use super::delivery::{Attempt, Delivery, DeliveryKind, DeliveryState};
use super::fault::FaultRecord;
use super::order::Order;
use super::scenario::{Expectation, Scenario};
use super::session::{ReturnedLine, Session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    /// Not decided yet (a document is still owed).
    Pending,
    /// Does not apply here (no endpoint configured, say).
    NotApplicable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What is checked, in a few stable English words ("PO Total",
    /// "confirmation"): the same whether it passes or fails, so that a CI
    /// report keeps one test case per name.
    pub name: String,
    pub outcome: Outcome,
    pub ja: String,
    pub en: String,
}

impl Check {
    pub fn new(
        name: impl Into<String>,
        outcome: Outcome,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Check {
        Check {
            name: name.into(),
            outcome,
            ja: ja.into(),
            en: en.into(),
        }
    }

    pub fn pass(name: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> Check {
        Check::new(name, Outcome::Pass, ja, en)
    }

    pub fn fail(name: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> Check {
        Check::new(name, Outcome::Fail, ja, en)
    }

    pub fn pass_if(
        name: impl Into<String>,
        ok: bool,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Check {
        Check::new(name, if ok { Outcome::Pass } else { Outcome::Fail }, ja, en)
    }

    pub fn text(&self, lang_code: &str) -> &str {
        if lang_code == "en" {
            &self.en
        } else {
            &self.ja
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Success,
    Failure,
    Pending,
}

pub fn verdict(checks: &[Check]) -> Verdict {
    if checks.iter().any(|c| c.outcome == Outcome::Fail) {
        Verdict::Failure
    } else if checks.iter().any(|c| c.outcome == Outcome::Pending) {
        Verdict::Pending
    } else {
        Verdict::Success
    }
}

/// What the checks look at.
pub struct Evidence<'a> {
    pub order: &'a Order,
    pub scenario: &'a Scenario,
    /// The order's punchout session.
    pub session: Option<&'a Session>,
    /// Every session of the same cart (the create, and any edit or inspect).
    pub cart_sessions: &'a [std::sync::Arc<Session>],
    pub deliveries: &'a [(Delivery, Vec<Attempt>)],
    /// Faults injected into the group's PO answers.
    pub faults: &'a [FaultRecord],
}

fn kind_name(kind: DeliveryKind) -> (&'static str, &'static str) {
    match kind {
        DeliveryKind::Confirmation => ("注文確認 (ConfirmationRequest)", "the ConfirmationRequest"),
        DeliveryKind::ShipNotice => ("出荷通知 (ShipNoticeRequest)", "the ShipNoticeRequest"),
        DeliveryKind::Invoice => ("請求書 (InvoiceDetailRequest)", "the InvoiceDetailRequest"),
    }
}

/// The last cart returned among the cart's sessions.
fn last_cart<'a>(e: &'a Evidence) -> Option<&'a [ReturnedLine]> {
    e.cart_sessions
        .iter()
        .map(|s| &**s)
        .chain(e.session)
        .flat_map(|s| s.returns.iter())
        .max_by_key(|r| r.sent_at)
        .map(|r| r.lines.as_slice())
}

/// Runs every check of an entry.
pub fn run(e: &Evidence) -> Vec<Check> {
    let order = e.order;
    if let Some(refusal) = &order.refusal {
        return match &e.scenario.refusal {
            Some(expected)
                if refusal.text == *expected || refusal.code.to_string() == *expected =>
            {
                vec![Check::pass(
                    "refusal",
                    format!("発注書はシナリオどおり {expected} で拒否されました。"),
                    format!("The PO was refused with {expected}, as the scenario expects."),
                )]
            }
            Some(expected) => vec![Check::fail(
                "refusal",
                format!(
                    "このシナリオでは {expected} での拒否を想定していますが、{} {} で拒否されました: {}",
                    refusal.code, refusal.text, refusal.message
                ),
                format!(
                    "The scenario expects a refusal with {expected}, but the PO was refused with {} {}: {}",
                    refusal.code, refusal.text, refusal.message
                ),
            )],
            None => vec![Check::fail(
                "refusal",
                format!(
                    "発注書が拒否されました ({} {}): {}",
                    refusal.code, refusal.text, refusal.message
                ),
                format!(
                    "The PO was refused ({} {}): {}",
                    refusal.code, refusal.text, refusal.message
                ),
            )],
        };
    }
    let mut checks = Vec::new();
    if let Some(expected) = &e.scenario.refusal {
        checks.push(Check::fail(
            "refusal",
            format!(
                "このシナリオでは発注書が {expected} で拒否されるはずですが、受け付けられました。"
            ),
            format!(
                "The scenario expects the PO to be refused with {expected}, but it was accepted."
            ),
        ));
    }
    if e.scenario.expect.contains(&Expectation::NoOrder) {
        checks.push(Check::fail(
            "no PO after an empty cart",
            "カートが空で返却されたため、発注書は送信されないはずでした。",
            "The cart came back empty: no PO should have been sent.",
        ));
    }
    setup_checks(e, &mut checks);
    line_checks(e, &mut checks);
    header_checks(order, &mut checks);
    delivery_checks(e, &mut checks);
    expectation_checks(e, &mut checks);
    checks
}

fn setup_checks(e: &Evidence, checks: &mut Vec<Check>) {
    let Some(s) = e.session else {
        checks.push(Check::fail(
            "PO linked to its punchout",
            "発注書をパンチアウトセッションに結び付けられません: どの行の SupplierPartAuxiliaryID もカートと一致しません。",
            "The PO cannot be linked to a punchout session: no line's SupplierPartAuxiliaryID matches a cart.",
        ));
        return;
    };
    checks.push(Check::pass_if(
        "punchout credentials",
        s.setup.credentials_valid,
        "パンチアウトの認証情報は有効でした。",
        "The punchout credentials were valid.",
    ));
    checks.push(Check::pass_if(
        "punchout e-mail",
        s.setup.email.is_some(),
        "パンチアウトでメールアドレスを受け取りました。",
        "The punchout carried the user's e-mail.",
    ));
    checks.push(Check::pass_if(
        "punchout hook URL",
        s.setup.hook_url.is_some(),
        "パンチアウトでフックURLを受け取りました。",
        "The punchout carried the hook URL.",
    ));
}

fn line_checks(e: &Evidence, checks: &mut Vec<Check>) {
    let order = e.order;
    let Some(cart) = last_cart(e) else {
        if e.session.is_some() {
            checks.push(Check::fail(
                "PO lines match the cart",
                "カートが購入システムに返却される前に発注書が届きました。",
                "The PO arrived before any cart was returned to the purchasing system.",
            ));
        }
        return;
    };
    let mut all_ok = true;
    for l in &order.lines {
        let n = l.line_number;
        let Some(aux) = &l.aux_id else {
            all_ok = false;
            checks.push(Check::fail(
                "PO lines match the cart",
                format!("行{n}: SupplierPartAuxiliaryID がありません (カートの値をそのまま返してください)。"),
                format!("Line {n}: no SupplierPartAuxiliaryID (echo the cart's value)."),
            ));
            continue;
        };
        let Some(c) = cart.iter().find(|c| c.aux_id == *aux) else {
            all_ok = false;
            checks.push(Check::fail(
                "PO lines match the cart",
                format!(
                    "行{n}: SupplierPartAuxiliaryID「{aux}」は最後に返却したカートにありません。"
                ),
                format!(
                    "Line {n}: SupplierPartAuxiliaryID '{aux}' is not in the last cart returned."
                ),
            ));
            continue;
        };
        let mut mismatch = |field_ja: &str, field_en: &str, expected: String, got: String| {
            all_ok = false;
            checks.push(Check::fail(
                "PO lines match the cart",
                format!("行{n}: {field_ja} — 期待値「{expected}」、受信値「{got}」"),
                format!("Line {n}: {field_en} — expected '{expected}', received '{got}'"),
            ));
        };
        if l.asin != c.asin {
            mismatch(
                "ASIN (SupplierPartID)",
                "ASIN (SupplierPartID)",
                c.asin.clone(),
                l.asin.to_string(),
            );
        }
        if l.quantity != Decimal::from(c.quantity) {
            mismatch(
                "数量",
                "quantity",
                c.quantity.to_string(),
                l.quantity.normalize().to_string(),
            );
        }
        if l.unit_price != c.unit_price {
            mismatch(
                "単価",
                "unit price",
                format!("{:.2}", c.unit_price),
                format!("{:.2}", l.unit_price),
            );
        }
        if !l.currency.eq_ignore_ascii_case("JPY") {
            mismatch("通貨", "currency", "JPY".into(), l.currency.to_string());
        }
    }
    if all_ok {
        checks.push(Check::pass(
            "PO lines match the cart",
            "発注書の各行 (ASIN、SupplierPartAuxiliaryID、数量、単価、通貨) がカートと一致しています。",
            "Every PO line matches the cart (ASIN, SupplierPartAuxiliaryID, quantity, unit price, currency).",
        ));
    }
}

fn header_checks(order: &Order, checks: &mut Vec<Check>) {
    let sum: Decimal = order.lines.iter().map(|l| l.total()).sum();
    match order.po_total {
        Some(total) => checks.push(Check::pass_if(
            "PO Total",
            total == sum,
            format!(
                "発注書の合計 {total:.2} は行の合計 {sum:.2} と一致{}。",
                if total == sum {
                    "しています"
                } else {
                    "しません"
                }
            ),
            format!(
                "The PO Total {total:.2} {} the sum of its lines {sum:.2}.",
                if total == sum {
                    "equals"
                } else {
                    "differs from"
                }
            ),
        )),
        None => checks.push(Check::fail(
            "PO Total",
            "発注書に Total がありません。",
            "The PO has no Total.",
        )),
    }
    checks.push(Check::pass(
        "orderID unique",
        format!(
            "発注番号 (orderID)「{}」はこのグループで一意です。",
            order.order_id
        ),
        format!("The orderID '{}' is unique in this group.", order.order_id),
    ));
    let no_bill_to = order.deviations.iter().any(|d| d.code == "no-bill-to");
    checks.push(Check::pass_if(
        "ShipTo and BillTo",
        !no_bill_to,
        if no_bill_to {
            "発注書に BillTo がありません (ShipTo はあります)。"
        } else {
            "発注書に ShipTo と BillTo があります。"
        },
        if no_bill_to {
            "The PO has no BillTo (it has a ShipTo)."
        } else {
            "The PO has a ShipTo and a BillTo."
        },
    ));
}

fn delivery_checks(e: &Evidence, checks: &mut Vec<Check>) {
    let Some(plan) = &e.order.fulfilment else {
        return;
    };
    let owed = 1 + plan.steps_after_confirmation();
    for (d, attempts) in e.deliveries {
        let (ja, en) = kind_name(d.kind);
        let step = if d.kind == DeliveryKind::ShipNotice {
            format!(" {}", d.step + 1)
        } else {
            String::new()
        };
        let name = format!("{}{step}", d.kind.as_str().replace('_', " "));
        checks.push(match d.state {
            DeliveryState::Delivered if d.target.is_none() => Check::new(
                &name,
                Outcome::NotApplicable,
                format!("{ja}{step}: 送信先URLが未設定のため、購入システムの応答は確認できません。"),
                format!("{en}{step}: no endpoint is configured, so the buyer's answer cannot be checked."),
            ),
            DeliveryState::Delivered => Check::pass(
                &name,
                format!("{ja}{step} に購入システムが cXML {} で応答しました ({}回目の試行)。", d.last_cxml.unwrap_or(200), attempts.len()),
                format!("The buyer answered {en}{step} with cXML {} (attempt {}).", d.last_cxml.unwrap_or(200), attempts.len()),
            ),
            DeliveryState::Failed => Check::fail(
                &name,
                format!("{ja}{step} を届けられませんでした: {}", d.last_error.clone().unwrap_or_default()),
                format!("{en}{step} could not be delivered: {}", d.last_error.clone().unwrap_or_default()),
            ),
            DeliveryState::Pending | DeliveryState::InFlight if d.attempts > 0 => {
                let last = d.last_error.clone().unwrap_or_else(|| {
                    format!(
                        "HTTP {}",
                        d.last_http.map_or("-".to_owned(), |h| h.to_string())
                    )
                });
                Check::new(
                    &name,
                    Outcome::Pending,
                    format!(
                        "{ja}{step} は購入システムにまだ受け付けられていません ({}回目: {last})。再送します。",
                        d.attempts
                    ),
                    format!(
                        "The buyer has not acknowledged {en}{step} yet (attempt {}: {last}); absim retries.",
                        d.attempts
                    ),
                )
            }
            DeliveryState::Pending | DeliveryState::InFlight => Check::new(
                &name,
                Outcome::Pending,
                format!("{ja}{step} はまだ送信待ちです。"),
                format!("{en}{step} is still waiting to be sent."),
            ),
        });
    }
    let failed = e
        .deliveries
        .iter()
        .any(|(d, _)| d.state == DeliveryState::Failed);
    if e.deliveries.len() < owed && !failed {
        checks.push(Check::new(
            "documents still owed",
            Outcome::Pending,
            format!(
                "まだ送信していない文書が{}通あります。",
                owed - e.deliveries.len()
            ),
            format!(
                "{} more document(s) are still to be sent.",
                owed - e.deliveries.len()
            ),
        ));
    }
}

/// Whether a session of the order's cart was opened with `operation`;
/// the sentences say so when it was (`[0]`) and when not (`[1]`).
fn setup_operation_check(e: &Evidence, operation: &str, ja: [&str; 2], en: [&str; 2]) -> Check {
    let seen = e
        .cart_sessions
        .iter()
        .map(|s| &**s)
        .chain(e.session)
        .any(|s| s.setup.operation == operation);
    let pick = usize::from(!seen);
    Check::pass_if(
        format!("punchout with operation=\"{operation}\""),
        seen,
        ja[pick],
        en[pick],
    )
}

fn expectation_checks(e: &Evidence, checks: &mut Vec<Check>) {
    let order = e.order;
    for expectation in &e.scenario.expect {
        match expectation {
            Expectation::EditSetup => checks.push(setup_operation_check(
                e,
                "edit",
                [
                    "カートは operation=\"edit\" で開き直されました。",
                    "このカートは operation=\"edit\" で開き直されていません。",
                ],
                [
                    "The cart was reopened with operation=\"edit\".",
                    "The cart was never reopened with operation=\"edit\".",
                ],
            )),
            Expectation::InspectSetup => checks.push(setup_operation_check(
                e,
                "inspect",
                [
                    "カートは operation=\"inspect\" で参照されました。",
                    "このカートは operation=\"inspect\" で参照されていません。",
                ],
                [
                    "The cart was opened with operation=\"inspect\".",
                    "The cart was never opened with operation=\"inspect\".",
                ],
            )),
            Expectation::PoReflectsLastCart => {
                let Some(cart) = last_cart(e) else { continue };
                let missing: Vec<&ReturnedLine> = cart
                    .iter()
                    .filter(|c| {
                        !order
                            .lines
                            .iter()
                            .any(|l| l.aux_id.as_deref() == Some(&c.aux_id))
                    })
                    .collect();
                let list = missing
                    .iter()
                    .map(|c| format!("{} ({})", c.aux_id, c.asin))
                    .collect::<Vec<_>>()
                    .join(", ");
                checks.push(Check::pass_if(
                    "PO reflects the edited cart",
                    missing.is_empty(),
                    if missing.is_empty() {
                        "発注書は編集後のカートを反映しています。".to_owned()
                    } else {
                        format!("編集後のカートの行が発注書にありません: {list}")
                    },
                    if missing.is_empty() {
                        "The PO reflects the edited cart.".to_owned()
                    } else {
                        format!("Lines of the edited cart are missing from the PO: {list}")
                    },
                ));
            }
            Expectation::SeveralLines => {
                let ok =
                    order.lines.len() >= 2 && order.lines.iter().any(|l| l.quantity > Decimal::ONE);
                checks.push(Check::pass_if(
                    "several lines",
                    ok,
                    format!(
                        "発注書は{}行で、数量2以上の行が{}。",
                        order.lines.len(),
                        if ok {
                            "あります"
                        } else {
                            "ないか、行が2行未満です"
                        }
                    ),
                    format!(
                        "The PO has {} line(s){}.",
                        order.lines.len(),
                        if ok {
                            ", one with a quantity above one"
                        } else {
                            "; the scenario needs two or more, one with a quantity above one"
                        }
                    ),
                ));
            }
            Expectation::JapaneseTextIntact => {
                let Some(cart) = last_cart(e) else { continue };
                let mut ok = true;
                for l in &order.lines {
                    let Some(c) = cart
                        .iter()
                        .find(|c| Some(c.aux_id.as_str()) == l.aux_id.as_deref())
                    else {
                        continue;
                    };
                    if l.description != c.description {
                        ok = false;
                        checks.push(Check::fail(
                            "Japanese text intact",
                            format!("行{}: Description が文字化けしています — 期待値「{}」、受信値「{}」", l.line_number, c.description, l.description),
                            format!("Line {}: the Description was damaged — expected '{}', received '{}'", l.line_number, c.description, l.description),
                        ));
                    }
                }
                if ok {
                    checks.push(Check::pass(
                        "Japanese text intact",
                        "日本語の商品名は発注書まで損なわれずに届きました。",
                        "The Japanese titles reached the PO unharmed.",
                    ));
                }
            }
            Expectation::RetriedAfterFault => {
                let same_payload = e
                    .faults
                    .iter()
                    .any(|f| f.payload_id.as_deref() == Some(order.payload_id.as_str()));
                let same_order = e
                    .faults
                    .iter()
                    .any(|f| f.order_id.as_deref() == Some(order.order_id.as_str()));
                checks.push(if same_payload {
                    Check::pass(
                        "PO sent again after the fault",
                        "障害応答の後、購入システムは同じ発注書 (同じ payloadID) を再送しました。",
                        "After the injected fault the buyer sent the same PO again (same payloadID).",
                    )
                } else if same_order {
                    Check::fail(
                        "PO sent again after the fault",
                        "再送された発注書の payloadID が最初の送信と異なります (同じ文書の再送には同じ payloadID を使います)。",
                        "The PO was sent again with a new payloadID; a resend of the same document keeps its payloadID.",
                    )
                } else {
                    Check::fail(
                        "PO sent again after the fault",
                        "この発注書の前に障害応答がありません: 再送を確認できません。",
                        "No injected fault preceded this PO: the retry cannot be seen.",
                    )
                });
            }
            Expectation::DeliveredAfterRetry => {
                let retried = e
                    .deliveries
                    .iter()
                    .any(|(d, a)| d.state == DeliveryState::Delivered && a.len() > 1);
                let pending = e.deliveries.iter().any(|(d, _)| {
                    matches!(d.state, DeliveryState::Pending | DeliveryState::InFlight)
                });
                checks.push(if retried {
                    Check::pass(
                        "delivery retried",
                        "購入システムのエンドポイントは一時的な障害の後、再送を受け付けました。",
                        "The buyer's endpoint accepted a document after failing at first.",
                    )
                } else if pending {
                    Check::new(
                        "delivery retried",
                        Outcome::Pending,
                        "再送の結果を待っています。",
                        "Waiting for the retries to finish.",
                    )
                } else {
                    Check::fail(
                        "delivery retried",
                        "再送が起きていません: エンドポイントを一時的にエラーにして試してください。",
                        "No delivery needed a retry: make the endpoint fail for a while and try again.",
                    )
                });
            }
            Expectation::NoOrder => {}
        }
    }
}
