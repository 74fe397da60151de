//! 基本的な注文 end to end over real HTTP: punchout, storefront, cart return,
//! PO, confirmation, ship notice, test log, mark.

use absim::cxml::confirmation::ConfirmationRequest;
use absim::cxml::order_message::PunchOutOrderMessage;
use absim::cxml::ship_notice::ShipNoticeRequest;
use absim::cxml::{extrinsic, read};
use rust_decimal::Decimal;
use scraper::{Html, Selector};

use crate::helpers::*;

const DESK_LINE: &str = "B087JWRCP5";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_basic_order_runs_end_to_end_and_is_marked_successful() {
    let mut order = BasicOrder::start().await;
    let store = order.punch_out().await;
    let cart = order.search_and_add_the_desk(&store).await;
    let checkout = order.proceed_to_checkout(&cart).await;
    let poom = order.request_approval(&checkout).await;
    let aux = order.read_the_returned_cart(&poom);
    order.send_the_po(&aux).await;
    order.receive_the_confirmation().await;
    let shipment_id = order.receive_the_ship_notice().await;
    let entry_href = order.find_the_entry_in_the_log().await;
    let entry = order.read_the_entry(&entry_href, &shipment_id).await;
    order
        .view_and_download_the_documents(&entry, &entry_href)
        .await;
    order.mark_success(&entry).await;
    order.app.validate_emitted();
}

/// The guide's 基本的な注文, one method a step: what the person and the
/// buyer's system do, and what each step shows them.
struct BasicOrder {
    app: TestApp,
    order_id: String,
    payload_id: String,
}

impl BasicOrder {
    async fn start() -> BasicOrder {
        BasicOrder {
            app: spawn_app().await,
            order_id: format!("PO-{}", unique()),
            payload_id: format!("{}@buyer.example", unique()),
        }
    }

    /// Step 1, punch out: the StartPage opens the storefront.
    async fn punch_out(&mut self) -> Html {
        let start = self.app.punch_out().await;
        assert!(
            start.starts_with(&format!("{}/s/", self.app.base)),
            "{start}"
        );
        let home = self.app.get_page(&start).await;
        assert_eq!(home.status, 200);
        home.html()
    }

    /// Step 2, search by ASIN and カートに追加: the cart holds the desk and
    /// offers レジに進む.
    async fn search_and_add_the_desk(&self, store: &Html) -> Html {
        let search_action = attr_of(store, "form.search", "action");
        let results = self
            .app
            .get_page(&format!("{search_action}?q={}", DESK_LINE.to_lowercase()))
            .await;
        let html = results.html();
        let add_buttons = texts_of(&html, "li.product form button");
        assert_eq!(add_buttons, ["カートに追加"]);
        let add_action = attr_of(&html, "li.product form", "action");
        let cart = self
            .app
            .post_form(&add_action, &[("asin", DESK_LINE), ("quantity", "1")])
            .await;
        assert_eq!(cart.status, 200);
        assert!(cart.url.ends_with("/cart"), "{}", cart.url);
        let cart_html = cart.html();
        assert_eq!(
            attr_of(&cart_html, "table.cart tbody tr", "data-asin"),
            DESK_LINE
        );
        assert_eq!(text_of(&cart_html, "#proceed"), "レジに進む");
        cart_html
    }

    /// Step 3, レジに進む: the review shows the guide's numbers and offers
    /// 承認を依頼する.
    async fn proceed_to_checkout(&self, cart: &Html) -> Html {
        let checkout = self
            .app
            .get_page(&attr_of(cart, "#proceed", "href"))
            .await
            .html();
        for (field, expected) in [
            ("subtotal", "￥16,182"),
            ("tax", "￥1,618"),
            ("shipping", "￥373"),
            ("discount", "-￥373"),
            ("total", "￥17,800"),
        ] {
            assert_eq!(
                text_of(&checkout, &format!("#totals [data-field={field}]")),
                expected,
                "{field}"
            );
        }
        assert_eq!(text_of(&checkout, "#request-approval"), "承認を依頼する");
        checkout
    }

    /// Step 4, 承認を依頼する: the page's form takes the POOM to the hook,
    /// url-encoded. Gives the POOM.
    async fn request_approval(&mut self, checkout: &Html) -> String {
        let submit_action = attr_of(checkout, "form.actions", "action");
        let ret = self.app.post_form(&submit_action, &[]).await.html();
        assert_eq!(
            attr_of(&ret, "#cart-return", "action"),
            self.app.receiver.url("/hook")
        );
        assert_eq!(
            attr_of(&ret, "#cart-return input[type=hidden]", "name"),
            "cxml-urlencoded"
        );
        // The browser posts the form; the hook receives it url-encoded.
        post_cart_return(&self.app.http, &ret).await;
        let hook = self.app.receiver.next("/hook").await;
        assert!(
            hook.content_type
                .starts_with("application/x-www-form-urlencoded")
        );
        let poom_xml = url::form_urlencoded::parse(hook.body.as_bytes())
            .find(|(k, _)| k == "cxml-urlencoded")
            .map(|(_, v)| v.into_owned())
            .expect("the hook received cxml-urlencoded");
        self.app.emitted.push(("poom".into(), poom_xml.clone()));
        poom_xml
    }

    /// The returned cart is the guide's: every amount, item field and
    /// extrinsic. Gives the line's SupplierPartAuxiliaryID.
    fn read_the_returned_cart(&self, poom_xml: &str) -> String {
        let poom = read::<PunchOutOrderMessage>(poom_xml.as_bytes()).unwrap();
        assert!(poom.deviations.is_empty(), "{:?}", poom.deviations);
        let message = poom.doc.payload().unwrap();
        assert_eq!(message.buyer_cookie, "cookie-42");
        assert_eq!(message.header.operation_allowed, "create");
        assert_eq!(message.header.total.money.amount(), Some(dec("16182")));
        assert_eq!(message.header.total.money.currency, "JPY");
        let ship = message.header.shipping.as_ref().unwrap();
        assert_eq!(ship.money.amount(), Some(dec("373")));
        assert_eq!(ship.discount(), dec("373"));
        assert_eq!(
            message.header.tax.as_ref().unwrap().money.amount(),
            Some(dec("1618"))
        );
        assert_eq!(message.items.len(), 1);
        let item = &message.items[0];
        assert_eq!(item.quantity, "1");
        assert_eq!(item.item_id.supplier_part_id, DESK_LINE);
        let aux = item
            .item_id
            .supplier_part_auxiliary_id
            .clone()
            .unwrap()
            .to_string();
        assert!(aux.ends_with(",1"), "{aux}");
        let d = &item.item_detail;
        assert_eq!(d.unit_price.money.amount(), Some(dec("16182")));
        assert_eq!(d.description[0].lang.as_deref(), Some("ja"));
        assert!(d.description_text().starts_with("[山善] パソコンデスク"));
        assert_eq!(d.unit_of_measure, "EA");
        assert_eq!(d.classification[0].domain, "UNSPSC");
        assert_eq!(d.classification[0].code.len(), 8);
        assert_eq!(d.manufacturer_part_id.as_deref(), Some("CGD-8055(MBK)"));
        assert!(d.manufacturer_name.is_some());
        for name in [
            "soldBy",
            "fulfilledBy",
            "category",
            "subCategory",
            "itemCondition",
            "qualifiedOffer",
            "detailPageURL",
            "preference",
        ] {
            assert!(extrinsic(&d.extrinsics, name).is_some(), "extrinsic {name}");
        }
        assert_eq!(extrinsic(&d.extrinsics, "category"), Some("FURNITURE"));
        aux
    }

    /// Step 5, the buyer approves and sends the PO, echoing the cart line:
    /// absim answers 200 OK.
    async fn send_the_po(&mut self, aux: &str) {
        let po = order_request(
            &self.payload_id,
            &self.order_id,
            "new",
            true,
            &[PoLine {
                asin: DESK_LINE,
                aux: Some(aux),
                quantity: 1,
                price: "16182.00",
            }],
        );
        let answer = self.app.post_order(&po).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.cxml_status().0, 200);
        self.app
            .emitted
            .push(("po-response".into(), answer.body.clone()));
    }

    /// Step 6, the order confirmation reaches the buyer's endpoint: the
    /// group's credentials, test mode, the confirmID's shape, the PO it
    /// answers and the guide's amounts.
    async fn receive_the_confirmation(&mut self) {
        let conf_xml = self.app.receiver.next("/confirm").await;
        assert!(conf_xml.content_type.starts_with("text/xml"));
        self.app
            .emitted
            .push(("confirmation".into(), conf_xml.body.clone()));
        let conf = read::<ConfirmationRequest>(conf_xml.body.as_bytes()).unwrap();
        assert!(conf.deviations.is_empty(), "{:?}", conf.deviations);
        let sender = &conf.doc.header.as_ref().unwrap().sender.credentials;
        assert!(
            sender
                .iter()
                .any(|c| c.shared_secret.as_deref() == Some(SECRET)),
            "the confirmation carries the group's credentials"
        );
        assert_eq!(conf.doc.deployment_mode(), "test");
        let c = conf.doc.payload().unwrap();
        assert_eq!(c.header.kind, "detail");
        let confirm_id = c.header.confirm_id.clone().unwrap();
        let parts: Vec<usize> = confirm_id.split('-').map(str::len).collect();
        assert_eq!(parts, [3, 7, 7], "{confirm_id}");
        assert_eq!(
            c.order_reference.order_id.as_deref(),
            Some(self.order_id.as_str())
        );
        assert_eq!(
            c.order_reference.document_reference.payload_id,
            self.payload_id
        );
        assert_eq!(
            c.header.tax.as_ref().unwrap().money.amount(),
            Some(dec("1618"))
        );
        let shipping = c.header.shipping.as_ref().unwrap();
        assert_eq!(shipping.money.amount(), Some(dec("373")));
        assert_eq!(shipping.discount(), dec("373"));
        assert_eq!(
            c.header.total.as_ref().unwrap().money.amount(),
            Some(dec("17800"))
        );
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].line_number, "1");
        assert_eq!(c.items[0].quantity, "1");
        assert_eq!(c.items[0].statuses[0].kind, "detail");
    }

    /// Step 7, then the ship notice: a test shipment id, the test carrier,
    /// the PO's one line. Gives the shipment id.
    async fn receive_the_ship_notice(&mut self) -> String {
        let sn_xml = self.app.receiver.next("/ship").await;
        self.app
            .emitted
            .push(("ship-notice".into(), sn_xml.body.clone()));
        let sn = read::<ShipNoticeRequest>(sn_xml.body.as_bytes()).unwrap();
        let s = sn.doc.payload().unwrap();
        let shipment_id = &s.header.shipment_id;
        assert!(shipment_id.starts_with("test"), "{shipment_id}");
        assert_eq!(shipment_id.len(), 21);
        assert!(shipment_id[4..].chars().all(|c| c.is_ascii_digit()));
        assert_eq!(s.controls[0].shipment_identifiers, ["000000000"]);
        assert_eq!(s.controls[0].carriers[0].domain, "companyName");
        assert_eq!(s.controls[0].carriers[0].value, "Test Mode Carrier");
        assert_eq!(
            s.portions[0].order_reference.order_id.as_deref(),
            Some(self.order_id.as_str())
        );
        assert_eq!(s.portions[0].items.len(), 1);
        assert_eq!(s.portions[0].items[0].line_number, "1");
        shipment_id.clone()
    }

    /// Step 8, the test log lists the order, unmarked. Gives its entry's
    /// link.
    async fn find_the_entry_in_the_log(&self) -> String {
        self.app.wait_delivered(self.app.last_entry().await).await;
        let log = self.app.get_page("/groups/1/log").await.html();
        let rows = texts_of(&log, "#log-rows tbody tr");
        assert_eq!(rows.len(), 1);
        assert!(rows[0].contains(&self.order_id), "{rows:?}");
        assert!(rows[0].contains("基本的な注文"), "{rows:?}");
        assert!(rows[0].contains("マークなし"), "{rows:?}");
        attr_of(&log, "#log-rows tbody tr a", "href")
    }

    /// Step 9, the entry shows every section of the guide: the setup, the
    /// POOM, the PO, the confirmation and the ship notice as they were sent.
    async fn read_the_entry(&self, entry_href: &str, shipment_id: &str) -> Html {
        let entry = self.app.get_page(entry_href).await.html();
        assert_eq!(text_of(&entry, "#order-id"), self.order_id);
        let setup = texts_of(&entry, "#setup tr");
        assert_eq!(
            setup,
            [
                "認証情報 * 有効な",
                "メール * 受け取り済み",
                "フックURL * 受け取り済み",
                "名 受け取っていません",
                "姓 受け取っていません",
                "UBU 存在しません",
            ]
        );
        assert!(text_of(&entry, "#poom").contains("送信済み"));
        assert!(text_of(&entry, "#poom").contains("ステータス: OK"));
        let po_line = texts_of(&entry, "#po tbody tr");
        assert!(po_line[0].starts_with("1 B087JWRCP5"), "{po_line:?}");
        // The PO's figures as the page's language writes the store's money.
        assert!(po_line[0].ends_with("￥16,182 1 ￥16,182"), "{po_line:?}");
        assert_eq!(text_of(&entry, "#po [data-field=po-total]"), "￥16,182");
        for (field, expected) in [
            ("tax", "￥1,618"),
            ("shipping", "￥373"),
            ("discount", "-￥373"),
            ("total", "￥17,800"),
        ] {
            assert_eq!(
                text_of(&entry, &format!("#confirmation [data-field={field}]")),
                expected
            );
        }
        assert!(texts_of(&entry, "#confirmation table.lines tbody tr")[0].contains("ORDERED"));
        assert!(text_of(&entry, "#confirmation .delivery").starts_with("送信済み"));
        assert!(text_of(&entry, "#asn .delivery").starts_with("送信済み"));
        assert_eq!(
            text_of(&entry, "#asn [data-field=shipment-identifier]"),
            "000000000"
        );
        assert_eq!(
            text_of(&entry, "#asn [data-field=delivery-number]"),
            shipment_id
        );
        assert_eq!(
            text_of(&entry, "#asn [data-field=carrier]"),
            "Test Mode Carrier"
        );
        assert!(text_of(&entry, "#look-for").contains("注文確認メール"));
        entry
    }

    /// Every raw document can be viewed (as text, never as markup, with a
    /// way back) and downloaded.
    async fn view_and_download_the_documents(&self, entry: &Html, entry_href: &str) {
        let links = Selector::parse("#documents a").unwrap();
        let hrefs: Vec<String> = entry
            .select(&links)
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        // setup request, setup response, POOM, PO, PO response, confirmation,
        // its answer, ship notice, its answer: each with view and download.
        assert_eq!(hrefs.len(), 18, "{hrefs:?}");
        // What absim received and what it sent, each labelled so (the
        // label a phone shows before the time).
        let labels: Vec<String> = entry
            .select(&Selector::parse("#documents td[data-label]").unwrap())
            .filter_map(|td| td.value().attr("data-label").map(str::to_owned))
            .collect();
        assert_eq!(labels[3], "受け取り済み", "the PO: {labels:?}");
        assert_eq!(labels[5], "送信済み", "the confirmation: {labels:?}");
        let poom_view = self.app.get_page(&hrefs[4]).await;
        assert!(poom_view.content_type.starts_with("text/html"));
        let poom_html = poom_view.html();
        assert!(text_of(&poom_html, "#document").contains("<PunchOutOrderMessage>"));
        assert!(!poom_view.body.contains("<PunchOutOrderMessage>"));
        assert_eq!(
            attr_of(&poom_html, "a.back", "href"),
            format!("{entry_href}#documents")
        );
        let download = self
            .app
            .http
            .get(self.app.url(&hrefs[5]))
            .send()
            .await
            .unwrap();
        let disposition = download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(disposition.starts_with("attachment"), "{disposition}");
    }

    /// Step 10, mark 成功 and save: the scenario page says so, and the log.
    async fn mark_success(&self, entry: &Html) {
        let mark_action = attr_of(entry, "#result form", "action");
        let scenarios = self
            .app
            .post_form(&mark_action, &[("result", "success")])
            .await;
        assert_eq!(scenarios.status, 200);
        assert!(
            scenarios
                .url
                .ends_with("/groups/1/tests?done=marked-success"),
            "{}",
            scenarios.url
        );
        assert_eq!(
            text_of(&scenarios.html(), "#basic .mark"),
            "✔ SystemAdmin これをテストに成功したとしてマークしました"
        );
        let log = self.app.get_page("/groups/1/log").await.html();
        assert!(texts_of(&log, "#log-rows tbody tr")[0].contains("成功"));
    }
}

#[tokio::test]
async fn cxml_base64_carries_japanese_text_intact() {
    let mut app = spawn_app().await;
    app.state
        .store
        .update_group(1, |g| {
            g.cart_field = absim::domain::CartField::Base64;
            Ok(())
        })
        .await
        .unwrap();
    let start = app.punch_out().await;
    let sid = session_id(&start);
    app.post_form(
        &format!("/s/{sid}/cart/add"),
        &[("asin", DESK_LINE), ("quantity", "2")],
    )
    .await;
    let ret = app.post_form(&format!("/s/{sid}/submit"), &[]).await.html();
    assert_eq!(
        attr_of(&ret, "#cart-return input[type=hidden]", "name"),
        "cxml-base64"
    );
    let encoded = attr_of(&ret, "#cart-return input[type=hidden]", "value");
    use base64::Engine as _;
    let xml = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    let poom = read::<PunchOutOrderMessage>(xml.as_bytes()).unwrap();
    let item = &poom.doc.payload().unwrap().items[0];
    assert_eq!(item.quantity, "2");
    assert!(
        item.item_detail
            .description_text()
            .contains("パソコンデスク")
    );
    app.emitted.push(("poom-base64".into(), xml));
    app.validate_emitted();
}

#[tokio::test]
async fn without_endpoints_documents_are_produced_recorded_and_shown_as_sent() {
    let mut app = spawn_app_steppable(|s| {
        s.order_confirmation_url = None;
        s.ship_notice_url = None;
    })
    .await;
    app.punch_out().await;
    let po = order_request(
        &format!("{}@b", unique()),
        "PO-no-endpoints",
        "new",
        true,
        &[PoLine {
            asin: DESK_LINE,
            aux: None,
            quantity: 1,
            price: "16182",
        }],
    );
    assert_eq!(app.post_order(&po).await.status, 200);
    let entry = app.get_page("/groups/1/log/1").await.html();
    assert!(text_of(&entry, "#confirmation .delivery").starts_with("送信予定"));

    // One step produces the confirmation; it queues the ship notice, which
    // (with no delay) the same call delivers too.
    use absim::domain::delivery::{DeliveryKind, DeliveryState};
    use absim::outbound::{Outcome, deliver_all_due, deliver_next};
    let done = deliver_all_due(&app.state).await.unwrap();
    assert_eq!(done.len(), 2, "{done:?}");
    assert_eq!(deliver_next(&app.state).await.unwrap(), Outcome::Idle);
    let deliveries = app.state.store.deliveries_of(1).await.unwrap();
    let kinds: Vec<DeliveryKind> = deliveries.iter().map(|(d, _)| d.kind).collect();
    assert_eq!(
        kinds,
        [DeliveryKind::Confirmation, DeliveryKind::ShipNotice]
    );
    for (d, attempts) in &deliveries {
        assert_eq!(d.state, DeliveryState::Delivered);
        assert!(d.target.is_none() && d.sent_at.is_some());
        assert!(attempts.is_empty(), "nothing was posted");
    }
    let entry = app.get_page("/groups/1/log/1").await.html();
    assert!(text_of(&entry, "#confirmation .delivery").starts_with("送信済み"));
    assert!(text_of(&entry, "#confirmation").contains("送信先URLが未設定"));
    assert!(text_of(&entry, "#asn .delivery").starts_with("送信済み"));
    for (d, _) in &deliveries {
        let doc = app
            .state
            .store
            .document(d.document_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        app.emitted.push((
            format!("{:?}", d.kind),
            String::from_utf8(doc.body).unwrap(),
        ));
    }
    app.validate_emitted();
}

#[tokio::test]
async fn a_buyer_answering_a_cxml_error_shows_as_a_failed_delivery() {
    let mut app = spawn_app_steppable(|_| {}).await;
    app.receiver.answer("/confirm", Answer::cxml(400));
    app.punch_out().await;
    let po = order_request(
        &format!("{}@b", unique()),
        "PO-refused",
        "new",
        true,
        &[PoLine {
            asin: DESK_LINE,
            aux: None,
            quantity: 1,
            price: "16182",
        }],
    );
    assert_eq!(app.post_order(&po).await.status, 200);
    absim::outbound::deliver_all_due(&app.state).await.unwrap();
    let deliveries = app.state.store.deliveries_of(1).await.unwrap();
    assert_eq!(
        deliveries.len(),
        1,
        "no ship notice after a refused confirmation"
    );
    let (conf, attempts) = &deliveries[0];
    assert_eq!(conf.state, absim::domain::delivery::DeliveryState::Failed);
    assert_eq!(attempts.len(), 1, "a cXML 4xx is not retried");
    assert_eq!(attempts[0].http_status, Some(200));
    assert_eq!(attempts[0].cxml_status, Some(400));
    let entry = app.get_page("/groups/1/log/1").await.html();
    assert!(text_of(&entry, "#confirmation .delivery").starts_with("送信失敗"));
    assert!(text_of(&entry, "#confirmation .error-box").contains("cXML 400"));
}
