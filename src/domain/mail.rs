//! PO確認のメール: the order confirmation e-mail Amazon sends after an
//! order, listing every accepted and refused item, to the punchout user
//! and/or the administrator as the group's settings say. absim writes each
//! one to its outbox (and sends it by SMTP when a server is configured).

use std::fmt::Write;

use super::account::Group;
use super::fulfilment::{Fulfilment, PlannedPart};
use super::marketplace::Marketplace;
use super::order::Order;
use super::pricing::{Currency, Quote};
use super::scenario::PartStatus;
use crate::i18n::{Lang, Texts};

/// An e-mail to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// An order's e-mails: nearly always one (to the user or to the
/// administrator), kept in place.
pub type Mails = smallvec::SmallVec<[NewMail; 1]>;

/// The order confirmation e-mails of an accepted order. `user_email` is
/// the punchout user's address (from the setup request).
pub fn order_mails<'t>(
    (group, market): (&Group, &Marketplace),
    order: &Order,
    plan: &Fulfilment,
    user_email: Option<&str>,
    title_of: impl Fn(&str) -> Option<&'t str>,
) -> Mails {
    let mut recipients = recipients(group, user_email);
    if recipients.is_empty() {
        return Mails::new();
    }
    // The e-mail speaks the store's language (Amazon writes to its
    // customers in it), with its amounts as that language writes them.
    let lang = Lang::of_store(&market.language);
    let words = lang.texts();
    let currency = &market.pricing.currency;
    let mut subject = String::with_capacity(96);
    words
        .order_mail_subject
        .push_filled(&mut subject, &order.confirm_id, &order.order_id);
    // Written in place: a String per row, per amount and per reason was a
    // large share of a cart PO's handler. The room is a row with a
    // product's title per line.
    let mut body = String::with_capacity(768 + 256 * plan.lines.len());
    words
        .order_mail_greeting
        .push_filled(&mut body, &group.name, "");
    let _ = write!(
        body,
        "\n\n{thanks}\n{test_mode}\n\n{on}: {confirm}\n{pn}: {order_id}\n\n{accepted}:\n",
        thanks = words.order_mail_thanks,
        test_mode = words.order_mail_test_mode,
        on = words.order_mail_order_number,
        pn = words.order_mail_po_number,
        confirm = order.confirm_id,
        order_id = order.order_id,
        accepted = words.order_mail_accepted,
    );
    let rows = Rows {
        order,
        plan,
        words,
        currency,
    };
    rows.write(&mut body, &title_of, false);
    let _ = write!(body, "\n{}:\n", words.order_mail_refused);
    rows.write(&mut body, &title_of, true);
    body.push('\n');
    write_amounts(&mut body, (words, currency), &plan.quote);
    // The last recipient takes the texts themselves.
    let mut mails = Mails::with_capacity(recipients.len());
    let last = recipients.pop();
    for recipient in recipients {
        mails.push(NewMail {
            recipient: recipient.to_owned(),
            subject: subject.clone(),
            body: body.clone(),
        });
    }
    mails.extend(last.map(|recipient| NewMail {
        recipient: recipient.to_owned(),
        subject,
        body,
    }));
    mails
}

/// Who gets the e-mail: the punchout user and/or the administrator, as the
/// group's settings say; one address given twice gets it once.
fn recipients<'a>(group: &'a Group, user_email: Option<&'a str>) -> arrayvec::ArrayVec<&'a str, 2> {
    let mut recipients = arrayvec::ArrayVec::<&str, 2>::new();
    if group.mail.to_user
        && let Some(u) = user_email
    {
        recipients.push(u);
    }
    if group.mail.to_admin
        && let Some(a) = group.mail.admin_email.as_deref()
        && !recipients.contains(&a)
    {
        recipients.push(a);
    }
    recipients
}

/// The e-mail's amounts, a line each, as the e-mail's language writes them.
fn write_amounts(body: &mut String, (words, currency): (&Texts, &Currency), q: &Quote) {
    let figures = [
        (words.subtotal, q.subtotal),
        (words.tax_estimate, q.tax),
        (words.shipping_estimate, q.shipping),
        (words.discount, -q.discount),
        (words.total, q.total),
    ];
    for (label, amount) in figures {
        body.push_str(&label);
        body.push_str(": ");
        currency.push_display(body, words.lang, amount);
        body.push('\n');
    }
}

/// What an e-mail's rows are written from.
struct Rows<'a> {
    order: &'a Order,
    plan: &'a Fulfilment,
    words: &'static Texts,
    currency: &'a Currency,
}

impl Rows<'_> {
    /// The rows of the parts accepted (or backordered), or of those
    /// refused, one a line; "(なし)" where there are none.
    fn write<'t>(
        &self,
        body: &mut String,
        title_of: &impl Fn(&str) -> Option<&'t str>,
        refused: bool,
    ) {
        let before = body.len();
        let of_this_list = |p: &&PlannedPart| (p.status == PartStatus::Reject) == refused;
        for l in &self.plan.lines {
            // Each pass looks a title up only for the lines it lists.
            if !l.parts.iter().any(|p| of_this_list(&p)) {
                continue;
            }
            let title = self
                .order
                .lines
                .iter()
                .find(|o| o.line_number == l.line_number)
                .map(|o| title_of(&o.asin).unwrap_or(&o.asin))
                .unwrap_or_default();
            for p in l.parts.iter().filter(of_this_list) {
                body.push_str("  ");
                self.words
                    .order_mail_line
                    .push_filled(body, l.line_number, "");
                let _ = write!(body, " {} × {} ", title, p.quantity.normalize());
                self.currency
                    .push_display(body, self.words.lang, l.unit_price);
                if let Some(r) = &p.reason {
                    let _ = write!(body, " ({})", r.render(self.words.lang));
                }
                body.push('\n');
            }
        }
        if body.len() == before {
            let _ = writeln!(body, "  {}", self.words.order_mail_none);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole e-mail for a PO with one line accepted and one refused.
    #[test]
    fn the_mail_lists_each_part_and_the_amounts_in_the_stores_language() {
        let mut group = Group::generate(1, "テスト購買グループ");
        group.mail.to_user = true;
        let order: Order = serde_json::from_str(
            r#"{"group_id":1,"order_id":"PO-1","order_date":"2026-11-29T10:04:00+09:00","payload_id":"p@x","scenario":"basic","received_at":"2026-11-29T10:05:00+09:00",
            "lines":[{"line_number":1,"asin":"A1","aux_id":"c,1","description":"d","unit_price":"16182.00","currency":"JPY","quantity":"2","unit_of_measure":"EA"},
                     {"line_number":2,"asin":"A2","aux_id":"c,2","description":"d","unit_price":"0.5","currency":"JPY","quantity":"1","unit_of_measure":"EA"}],
            "po_total":"32364.50","quote":{"subtotal":"0","tax":"0","shipping":"0","discount":"0","total":"0"},"confirm_id":"145-1","delivery_number":"test1","shipment_identifier":"0","carrier":"Test Mode Carrier","deployment_mode":"test"}"#,
        )
        .unwrap();
        let plan: Fulfilment = serde_json::from_str(
            r#"{"header_type":"detail","lines":[
                {"line_number":1,"ordered":"2","po_price":"16182.00","unit_price":"16182.00","parts":[{"status":"accept","quantity":"2.0"}]},
                {"line_number":2,"ordered":"1","po_price":"0.5","unit_price":"0.5","parts":[{"status":"reject","quantity":"1","reason":"お取り扱いできません"}]}],
              "shipments":[],"invoice":false,
              "quote":{"subtotal":"32364.00","tax":"3236","shipping":"1234567","discount":"373","total":"-1234.5"}}"#,
        )
        .unwrap();
        // A2 is not in the catalogue: its row names the ASIN.
        let japan = crate::fixtures::markets().japan();
        let mails = order_mails(
            (&group, japan),
            &order,
            &plan,
            Some("u@example.jp"),
            |asin| (asin == "A1").then_some("商品A1"),
        );
        assert_eq!(mails.len(), 1);
        assert_eq!(
            mails[0].body,
            "テスト購買グループ 様\n\nAmazonビジネスをご利用いただきありがとうございます。以下のご注文を承りました。\n\
             これはテストモード (absim) の注文です。商品は発送されず、請求も発生しません。\n\n\
             注文番号: 145-1\n発注番号: PO-1\n\n\
             承認された商品:\n  行1 商品A1 × 2 ￥16,182\n\n\
             否認された商品:\n  行2 A2 × 1 ￥0.5 (お取り扱いできません)\n\n\
             小計: ￥32,364\n税金の見積もり: ￥3,236\n配送料の見積もり: ￥1,234,567\n割引: -￥373\n合計金額: -￥1,234.5\n"
        );

        // The administrator too: each gets the same e-mail; one address
        // given twice gets it once.
        group.mail.to_admin = true;
        group.mail.admin_email = Some("admin@example.jp".into());
        let both = order_mails((&group, japan), &order, &plan, Some("u@example.jp"), |_| {
            None
        });
        let to: Vec<&str> = both.iter().map(|m| m.recipient.as_str()).collect();
        assert_eq!(to, ["u@example.jp", "admin@example.jp"]);
        assert_eq!(both[0].subject, both[1].subject);
        assert_eq!(both[0].body, both[1].body);
        assert!(both[0].subject.contains("145-1") && both[0].subject.contains("PO-1"));
        let once = order_mails(
            (&group, japan),
            &order,
            &plan,
            Some("admin@example.jp"),
            |_| None,
        );
        assert_eq!(once.len(), 1);

        // A German group's e-mail: in German, its amounts in euros as
        // German writes them.
        let germany = crate::fixtures::markets().get("DE").unwrap();
        let de = order_mails((&group, germany), &order, &plan, None, |_| {
            Some("Schreibtisch")
        });
        assert_eq!(
            de[0].subject,
            "Amazon Business: Ihre Bestellbestätigung (Bestellung 145-1, Bestellanforderung PO-1)"
        );
        let body = &de[0].body;
        assert!(
            body.starts_with("Guten Tag テスト購買グループ,\n\n"),
            "{body}"
        );
        assert!(
            body.contains("Angenommene Artikel:\n  Position 1 Schreibtisch × 2 16.182,00\u{a0}€\n"),
            "{body}"
        );
        assert!(
            body.ends_with("Rabatt: -373,00\u{a0}€\nGesamtbetrag: -1.234,50\u{a0}€\n"),
            "{body}"
        );
    }
}
