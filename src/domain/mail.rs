//! PO確認のメール: the order confirmation e-mail Amazon sends after an
//! order, listing every accepted and refused item, to the punchout user
//! and/or the administrator as the group's settings say. absim writes each
//! one to its outbox (and sends it by SMTP when a server is configured).

use super::account::Group;
use super::fulfilment::Fulfilment;
use super::order::Order;
use super::pricing::yen;
use super::scenario::PartStatus;

/// An e-mail to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// The order confirmation e-mails of an accepted order. `user_email` is
/// the punchout user's address (from the setup request).
pub fn order_mails(
    group: &Group,
    order: &Order,
    plan: &Fulfilment,
    user_email: Option<&str>,
    title_of: impl Fn(&str) -> String,
) -> Vec<NewMail> {
    let mut recipients = Vec::new();
    if group.mail.to_user
        && let Some(u) = user_email
    {
        recipients.push(u.to_owned());
    }
    if group.mail.to_admin
        && let Some(a) = &group.mail.admin_email
        && !recipients.contains(a)
    {
        recipients.push(a.clone());
    }
    if recipients.is_empty() {
        return Vec::new();
    }
    let subject = format!(
        "Amazonビジネス: ご注文の確認 (注文番号 {}, 発注番号 {})",
        order.confirm_id, order.order_id
    );
    let mut accepted = String::new();
    let mut refused = String::new();
    for l in &plan.lines {
        let title = order
            .lines
            .iter()
            .find(|o| o.line_number == l.line_number)
            .map(|o| title_of(&o.asin))
            .unwrap_or_default();
        for p in &l.parts {
            let row = format!(
                "  行{} {} × {} ￥{}{}\n",
                l.line_number,
                title,
                p.quantity.normalize(),
                yen(l.unit_price),
                p.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
            match p.status {
                PartStatus::Reject => refused.push_str(&row),
                PartStatus::Accept | PartStatus::Backordered => accepted.push_str(&row),
            }
        }
    }
    let q = &plan.quote;
    let body = format!(
        "{group} 様\n\nAmazonビジネスをご利用いただきありがとうございます。以下のご注文を承りました。\n\
         これはテストモード (absim) の注文です。商品は発送されず、請求も発生しません。\n\n\
         注文番号: {confirm}\n発注番号: {order_id}\n\n\
         承認された商品:\n{accepted}\n否認された商品:\n{refused}\n\
         小計: ￥{subtotal}\n税金の見積もり: ￥{tax}\n配送料の見積もり: ￥{shipping}\n割引: -￥{discount}\n合計金額: ￥{total}\n",
        group = group.name,
        confirm = order.confirm_id,
        order_id = order.order_id,
        accepted = if accepted.is_empty() {
            "  (なし)\n".into()
        } else {
            accepted
        },
        refused = if refused.is_empty() {
            "  (なし)\n".into()
        } else {
            refused
        },
        subtotal = yen(q.subtotal),
        tax = yen(q.tax),
        shipping = yen(q.shipping),
        discount = yen(q.discount),
        total = yen(q.total),
    );
    recipients
        .into_iter()
        .map(|recipient| NewMail {
            recipient,
            subject: subject.clone(),
            body: body.clone(),
        })
        .collect()
}
