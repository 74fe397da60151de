//! The message catalogue: every word the pages show, in Japanese (the
//! default, with the guide's wording) and English. Each message is one line of
//! the `texts!` table, so a message cannot exist in one language only.
//! Templates read `t.field`; a message with `{}` is filled by [`Texts::f`].

use axum::http::HeaderMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().get(..2) {
            Some("ja") => Some(Lang::Ja),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    /// The pages' language of a store whose documents are in `language`
    /// (`ja`, `de-DE`): Japanese for Japanese, English for every other,
    /// the only two the pages have.
    pub fn of_store(language: &str) -> Lang {
        if language.trim().to_ascii_lowercase().starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// `?lang=` wins, then the `absim_lang` cookie, then Accept-Language
    /// (first of ja/en), then Japanese.
    pub fn negotiate(query: Option<&str>, headers: &HeaderMap) -> Lang {
        Lang::negotiate_or(query, headers, Lang::Ja)
    }

    /// As [`Lang::negotiate`], with `fallback` (the group's store's
    /// language) where nothing was chosen.
    pub fn negotiate_or(query: Option<&str>, headers: &HeaderMap, fallback: Lang) -> Lang {
        Lang::chosen(query, headers).unwrap_or(fallback)
    }

    /// The language the request asks for, if it asks: `?lang=`, the
    /// `absim_lang` cookie, Accept-Language.
    pub fn chosen(query: Option<&str>, headers: &HeaderMap) -> Option<Lang> {
        if let Some(l) = query.and_then(Lang::parse) {
            return Some(l);
        }
        let cookie = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().strip_prefix("absim_lang="))
            .find_map(Lang::parse);
        if let Some(l) = cookie {
            return Some(l);
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|part| Lang::parse(part.split(';').next()?))
            })
    }
}

impl Texts {
    /// Fills the `{}` of a message.
    pub fn f(&self, message: &str, arg: impl std::fmt::Display) -> String {
        message.replacen("{}", &arg.to_string(), 1)
    }
}

/// A rule's message in both languages, Japanese first: `JA (EN)`. Pages
/// show the half in their language ([`Texts::one`]); the JSON API gives
/// both.
pub fn both(ja: impl std::fmt::Display, en: impl std::fmt::Display) -> String {
    format!("{ja} ({en})")
}

impl Texts {
    /// The half of a [`both`] message in this language; any other message
    /// as it is.
    pub fn one(&self, message: &str) -> String {
        let Some(inner) = message.strip_suffix(')') else {
            return message.to_owned();
        };
        // The opening parenthesis of the last group.
        let mut depth = 0;
        let mut open = None;
        for (i, c) in inner.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' if depth == 0 => {
                    open = Some(i);
                    break;
                }
                '(' => depth -= 1,
                _ => {}
            }
        }
        let Some(open) = open else {
            return message.to_owned();
        };
        let (ja, en) = (inner[..open].trim_end(), &inner[open + 1..]);
        if ja.is_ascii() || !en.is_ascii() || en.is_empty() {
            return message.to_owned();
        }
        if self.lang_code == "ja" { ja } else { en }.to_owned()
    }
}

macro_rules! texts {
    ($($field:ident: $ja:expr, $en:expr;)*) => {
        /// Every message, one field each.
        #[derive(Debug)]
        pub struct Texts { $(pub $field: &'static str,)* }
        pub static JA: Texts = Texts { $($field: $ja,)* };
        pub static EN: Texts = Texts { $($field: $en,)* };
    };
}

texts! {
    lang_code: "ja", "en";
    other_lang_code: "en", "ja";
    other_lang_name: "English", "日本語";
    product: "absim — Amazonビジネス テストモードシミュレーター", "absim — Amazon Business test-mode simulator";
    nav_settings: "購入システムの設定", "Purchasing system";
    nav_tests: "シナリオのテスト", "Scenario tests";
    nav_log: "テストログ", "Test log";
    nav_search: "発注の検索", "Order search";
    nav_groups: "グループ", "Groups";
    nav_mail: "メール", "E-mails";
    test_mode_banner: "テストモード: 注文は発送されず、請求も発生しません。", "Test mode: orders are neither shipped nor charged.";
    active_mode_banner: "アクティブモード (シミュレーション): 文書は本番形式 (deploymentMode=\"production\") で送られます。", "Active mode (simulated): documents are sent in production form (deploymentMode=\"production\").";
    error_title: "エラー", "Error";
    not_found: "ページが見つかりません。", "Page not found.";
    back: "戻る", "Back";
    back_to_system: "購入システムのアプリに戻り、もう一度パンチアウトしてください。", "Go back to your purchasing system's app and punch out again.";
    nav_label: "グループのメニュー", "Group menu";
    internal_error: "absim の内部でエラーが発生しました。もう一度お試しください。", "absim failed internally. Please try again.";
    database_unavailable: "absim のデータベースに接続できません。少し待ってからもう一度お試しください（管理者は /readyz で状態を確認できます）。", "absim cannot reach its database. Wait a moment and try again (the operator can check /readyz).";
    // storefront
    store_tagline: "業務に必要なものなら何でも!", "Everything your business needs!";
    search_placeholder: "Amazonビジネスを検索", "Search Amazon Business";
    search_button: "検索", "Search";
    categories: "カテゴリー", "Categories";
    all_products: "すべての商品", "All products";
    results_count: "{}件の結果", "{} results";
    no_results: "該当する商品が見つかりませんでした。", "No products match.";
    price: "価格", "Price";
    in_stock: "在庫あり", "In stock";
    stock_left: "残り{}点", "Only {} left";
    out_of_stock: "在庫切れ", "Out of stock";
    add_to_cart: "カートに追加", "Add to cart";
    quantity: "数量", "Quantity";
    cart: "カート", "Cart";
    cart_count: "カート ({})", "Cart ({})";
    cart_empty: "カートは空です。", "Your cart is empty.";
    update: "更新", "Update";
    remove: "削除", "Remove";
    proceed_to_checkout: "レジに進む", "Proceed to checkout";
    continue_shopping: "買い物を続ける", "Continue shopping";
    subtotal: "小計", "Subtotal";
    checkout_title: "注文内容を確認", "Review your order";
    checkout_help: "カートの内容が正しいか確認し、「承認を依頼する」を選択すると、カートが購入システムに戻ります。", "Check the cart, then choose “Request approval” to send it back to your purchasing system.";
    items: "商品", "Items";
    tax_estimate: "税金の見積もり", "Estimated tax";
    tax_detail: "税金の内訳", "Tax by line";
    tax_exempt_note: "このグループは免税です。税金は請求されません。", "This group is tax-exempt: no tax is charged.";
    tax_name: "税", "Tax";
    tax_rate: "税率", "Rate";
    taxable: "課税対象額", "Taxed amount";
    tax_amount: "税額", "Tax";
    shipping_estimate: "配送料の見積もり", "Estimated shipping";
    discount: "割引", "Discount";
    total: "合計金額", "Total";
    request_approval: "承認を依頼する", "Request approval";
    return_empty: "カートを送らずに購入システムに戻る", "Return to the purchasing system without a cart";
    returning: "購入システムに戻っています…", "Returning to your purchasing system…";
    returning_help: "自動的に移動しない場合は、下のボタンを選択してください。", "If nothing happens, choose the button below.";
    send_to_system: "購入システムに送信する", "Send to the purchasing system";
    manufacturer: "メーカー", "Manufacturer";
    part_number: "型番", "Part number";
    unspsc: "UNSPSC", "UNSPSC";
    asin: "ASIN", "ASIN";
    sold_by: "販売: Amazon.co.jp / 発送: Amazon", "Sold by Amazon.co.jp, fulfilled by Amazon";
    admin_login_title: "管理者トークン", "Admin token";
    admin_login_help: "このabsimは管理者トークンで保護されています。一度入力すると、このブラウザーに保存されます。", "This absim is protected by an admin token. Enter it once; this browser keeps it.";
    admin_login_token: "トークン", "Token";
    admin_login_button: "続ける", "Continue";
    admin_login_wrong: "トークンが違います。", "That token is not right.";
    admin_login_needed: "この操作には管理者トークンが必要です。", "This action needs the admin token.";
    session_expired: "このパンチアウトセッションは期限切れです。購入システムからもう一度パンチアウトしてください。", "This punchout session has expired. Punch out again from your purchasing system.";
    session_unknown: "このパンチアウトセッションは見つかりません。購入システムからもう一度パンチアウトしてください。", "This punchout session does not exist. Punch out again from your purchasing system.";
    product_unknown: "この商品は見つかりません。", "This product does not exist.";
    no_hook: "このセッションにはフックURLがないため、カートを返せません。", "This session has no hook URL, so the cart cannot be returned.";
    read_only_cart: "このカートは参照専用 (inspect) のため変更できません。", "This cart is open for inspection only and cannot change.";
    read_only_banner: "参照専用 (operation=\"inspect\"): カートは変更できません。", "Read-only (operation=\"inspect\"): the cart cannot change.";
    return_cart: "購入システムに戻る", "Return to the purchasing system";
    // settings
    setup_title: "購入システムのセットアップ", "Purchasing system setup";
    setup_intro: "Amazonでは、cXMLおよびFOCIベースのPunchoutシステムと、cXMLおよびOAGベースの注文システムをサポートしています。", "Amazon supports cXML and FOCI based punchout systems and cXML and OAG based order systems.";
    group: "グループ", "Group";
    purchasing_system: "購入システム", "Purchasing system";
    connect_heading: "Amazonへの{}パンチアウト接続", "{} punchout connection to Amazon";
    connect_help: "以下の設定を使用して、Amazonに接続するように購入システムを設定してください。", "Configure your purchasing system to connect to Amazon with the settings below.";
    login: "システムログイン", "System login";
    login_help: "cXMLの「From Identity」", "cXML “From Identity”";
    login_rule: "システムログインには、文字、数字、ハイフン、アンダースコアのみを使用できます。使用できる文字数は4～64文字です。", "The system login may contain only letters, digits, hyphens and underscores, 4 to 64 characters.";
    password: "パスワード", "Password";
    password_help: "cXMLの「共有シークレット」", "cXML “SharedSecret”";
    password_rule: "パスワードに含めることができるのは、6～30文字の文字と数字のみで、文字と数字をそれぞれ1文字以上含める必要があります。", "The password may contain only letters and digits, 6 to 30 characters, with at least one letter and one digit.";
    punchout_url: "Punchout URL", "Punchout URL";
    punchout_test_url: "Punchout URL (テスト)", "Punchout URL (test)";
    po_url: "PO Request URL", "PO Request URL";
    endpoints: "購入システムの受信URL", "Purchasing system endpoints";
    marketplace: "マーケットプレイス", "Marketplace";
    marketplace_help: "グループが購入するAmazonビジネスのストアです。通貨、税、文書の言葉、カタログ、ページの既定の言語が変わります。", "The Amazon Business store the group buys from: its currency, taxes, documents' words, catalogue and the pages' default language.";
    tax_exempt: "免税 (Amazonの免税プログラム)", "Tax-exempt (Amazon's tax exemption program)";
    tax_exempt_help: "免税にできるのは、免税のあるストアのグループだけです: {}", "Only a group in a store with a tax exemption can be tax-exempt: {}";
    going_live: "本番への切り替え: {} のURL", "Going live: the URLs of {}";
    going_live_help: "本番では、購入システムに入れた absim のURLを Amazon のURLに置き換えます。PO Request URL の GUID は、Amazon の設定画面に表示されるグループのものです。", "When you go live, replace absim's URLs in your purchasing system with Amazon's. The GUID of the PO Request URL is your group's, shown on Amazon's settings page.";
    at_amazon: "Amazon", "Amazon";
    at_absim: "absim", "absim";
    unconfirmed: "未確認", "unconfirmed";
    confirmation_url: "注文確認 (ConfirmationRequest) の送信先", "Order confirmations (ConfirmationRequest) go to";
    ship_notice_url: "出荷通知 (ShipNoticeRequest) の送信先", "Ship notices (ShipNoticeRequest) go to";
    endpoint_help: "空欄の場合、文書は作成・記録されますが送信されません (送信済みと表示)。", "When empty, documents are produced and recorded but not posted (shown as sent).";
    cart_field: "カート返却のフォームフィールド", "Cart return form field";
    cart_field_help: "cxml-base64 は日本語などの非ASCII文字に安全です。", "cxml-base64 is safe for non-ASCII text such as Japanese.";
    invoice_url: "請求書 (InvoiceDetailRequest) の送信先", "Invoices (InvoiceDetailRequest) go to";
    cxml_errors: "拒否した cXML 要求の HTTP ステータス", "HTTP status of refused cXML requests";
    cxml_errors_code: "cXML のコードと同じ (401、409 など)", "the same as the cXML code (401, 409, ...)";
    cxml_errors_200: "常に HTTP 200 (コードは cXML の Status のみ)", "always HTTP 200 (the code only in the cXML Status)";
    cxml_errors_help: "実際のサプライヤーには両方があります。購入システムがどちらでも拒否を失敗として扱うことを確かめてください。", "Real suppliers do both: check that your system treats a refusal as a failure either way.";
    save: "保存", "Save";
    saved: "保存しました。", "Saved.";
    done_mode_test: "テストモードに切り替えました。注文は発送されず、文書はテスト用 (deploymentMode=\"test\") で送られます。", "Switched to test mode: orders are not shipped and documents are sent in test form (deploymentMode=\"test\").";
    done_mode_active: "アクティブモードに切り替えました (シミュレーション)。文書は本番形式で送られます。", "Switched to active mode (simulated): documents are sent in production form.";
    done_resent: "再送を予約しました。すぐに送信されます。結果はこのページの配信の状況に表示されます。", "The document is queued again and goes out now; its delivery below shows the outcome.";
    done_marked_success: "テスト結果を「成功」として保存しました。", "The test result is saved as “Success”.";
    done_marked_failure: "テスト結果を「失敗」として保存しました。", "The test result is saved as “Failure”.";
    done_selected: "テストシナリオを選択しました。購入システムからパンチアウトしてください。", "The test scenario is selected. Punch out from your purchasing system.";
    done_group_added: "グループを追加しました。購入システムのセットアップを確認してください。", "The group is added. Check its purchasing-system setup.";
    mark_missing: "「成功」か「失敗」を選択してから「保存する」を選択してください。", "Choose “Success” or “Failure”, then “Save”.";
    status_test: "状況: テスト", "Status: Test";
    status_test_help: "テストモードでの発注は、システム連携の確認用として使用します。テストモードでの注文は請求も発送もされません。", "Orders in test mode are for checking the integration. They are neither charged nor shipped.";
    status_active: "状況: アクティブ", "Status: Active";
    status_active_help: "アクティブモードで行われた発注は実際に発送され、ビジネスアカウントに請求されます。", "Orders in active mode are shipped and charged to the business account.";
    start_testing: "Start testing punchout setup", "Start testing punchout setup";
    mode_group: "切り替えるグループ: {}", "The group to switch: {}";
    switch_active: "アクティブモードに切り替える", "Switch to active mode";
    switch_test: "テストモードに切り替える", "Switch to test mode";
    basic_not_done: "お客様は基本的なテストシナリオをまだ正常に完了していません。Amazonは、アカウントをライブに切り替える前に、このテストを完了することをお勧めします。", "You have not yet completed the basic test scenario successfully. Amazon recommends completing it before switching the account to live.";
    switch_live_warning: "アカウントをライブに切り替えると、テストモードが終了し、すべての注文が課金され、出荷されます。", "Switching the account to live ends test mode: every order will be charged and shipped.";
    switch_live_question: "アカウントをライブに切り替えてよろしいですか？", "Are you sure you want to switch the account to live?";
    cancel: "キャンセル", "Cancel";
    // scenario tests
    tests_title: "以下のシナリオのテスト: {}", "Scenario tests for: {}";
    view_all_logs: "すべてのテストログを表示 ({})", "View all test logs ({})";
    tests_intro: "テストモードでは、購入システムが以下で選択されたシナリオをシミュレートする注文を作成します。注文は発送されず、請求は発生しません。", "In test mode your purchasing system creates orders that simulate the scenario selected below. Orders are not shipped or charged.";
    first_test: "最初のテスト", "First test";
    first_test_desc: "これは、購入システムとAmazon Business間の通信が正常であることを確認するための基本的な機能テストです。", "A basic functional test that checks that your purchasing system and Amazon Business communicate correctly.";
    basic_order: "基本的な注文", "Basic order";
    basic_order_desc: "このテストでは、送信されたカート、受け取った発注書、および出荷通知にあるデータがすべて一致する基本的な注文をシミュレートします。", "This test simulates a basic order in which the data of the cart sent, the purchase order received and the ship notice all match.";
    basic_step1: "アマゾンビジネスへのパンチアウト。", "Punch out to Amazon Business.";
    basic_step2: "カートを構築し、購入システムに戻して送信してください。", "Build a cart and send it back to your purchasing system.";
    basic_step3: "購入システムでの注文を承認し、テストログを確認してください。", "Approve the order in your purchasing system and check the test log.";
    view_scenario_log: "シナリオテストログを参照 ({})", "View the scenario test log ({})";
    scenario_active: "このテストシナリオは、アクティブとしてマークされています", "This test scenario is marked active";
    not_yet_success: "まだテストは成功としてマークされていません", "The test has not been marked successful yet";
    marked_success: "{} これをテストに成功したとしてマークしました", "{} marked this test as successful";
    marked_failure: "{} これをテストに失敗したとしてマークしました", "{} marked this test as failed";
    how_to_test: "購入システムのテスト方法", "How to test your purchasing system";
    how_step1: "テストシナリオを選択します。", "Select a test scenario.";
    how_step2: "購入システムからAmazon Businessへカタログ連携します。", "Punch out from your purchasing system to Amazon Business.";
    how_step3: "選択したシナリオの指示に従って、カートを構築し、購入システムに戻して送信します。", "Follow the scenario's instructions: build a cart and send it back to your purchasing system.";
    how_step4: "購入システムから注文書を送信します。", "Send the purchase order from your purchasing system.";
    how_step5: "「テストログ」ページにアクセスし、ページを更新してテストPOを確認します。", "Open the test log and refresh it to see the test PO.";
    optional_tests: "オプションテスト", "Optional tests";
    optional_locked: "チェックアウトテストが利用可能になる前に、基本注文シナリオを正常にテストする必要があります。", "You must test the basic order scenario successfully before the checkout tests become available.";
    safeguard_tests: "注文セーフガードテスト (任意)", "Order safeguard tests (optional)";
    safeguard_locked: "注文セーフガードテストが利用可能になる前に、基本的な注文シナリオを正常にテストする必要があります。", "You must test the basic order scenario successfully before the order safeguard tests become available.";
    advanced_tests: "高度なテスト (任意)", "Advanced tests (optional)";
    advanced_locked: "高度なテストが使用可能になる前に、基本的な注文シナリオを正常にテストする必要があります。", "You must test the basic order scenario successfully before the advanced tests become available.";
    unlocked_later: "基本的な注文は成功としてマークされています。このセクションのシナリオはまだありません。", "The basic order is marked successful. This section has no scenarios yet.";
    back_to_settings: "購入システムの設定に戻る", "Back to the purchasing system settings";
    // test log
    log_title: "テストログ: {}", "Test log: {}";
    showing: "{}件を表示しています", "Showing {}";
    showing_of: "{}件を表示しています (全{}件)", "Showing {} of {}";
    filter_by: "以下で絞り込み:", "Filter by:";
    search: "検索", "Search";
    received_date: "注文受領日", "Order received";
    from: "From", "From";
    to: "To", "To";
    scenario: "シナリオ", "Scenario";
    all: "すべて", "All";
    apply: "絞り込む", "Apply";
    po_number: "発注番号", "PO number";
    received_test: "受領した注文のテスト", "Test order received";
    test_result: "テスト結果", "Test result";
    unmarked: "マークなし", "Not marked";
    success: "成功", "Success";
    failure: "失敗", "Failure";
    no_orders: "該当する注文はありません。", "No orders match.";
    first_steps: "はじめに", "Getting started";
    first_steps_intro: "このグループはまだ発注書を受け取っていません。購入システムは、パンチアウト (PunchOutSetupRequest) で absim のストアを開き、戻ってきたカートから発注書 (OrderRequest) を送ります。", "This group has not received a purchase order yet. Your purchasing system opens absim's store with a punchout (PunchOutSetupRequest) and sends a purchase order (OrderRequest) for the cart that comes back.";
    first_steps_1: "購入システムに Punchout URL、システムログイン、パスワード、PO Request URL を設定します:", "Enter the Punchout URL, system login, password and PO Request URL in your purchasing system:";
    first_steps_2: "購入システムからパンチアウトし、商品をカートに入れて「承認を依頼する」を選択し、発注書を送ります。", "Punch out from your purchasing system, put products in the cart, choose “Request approval”, then send the purchase order.";
    first_steps_3: "発注書はこのページに表示されます。シナリオを選んでテストを続けます:", "The order appears on this page. Choose scenarios to test further:";
    first_steps_buyer: "購入システムがまだない場合は、absim の参照用購買システムで流れを確かめられます:", "Without a purchasing system yet, try the flow with absim's reference purchasing system:";
    first_steps_buyer_help: "このグループの認証情報を使う購買システムを :8081 で開きます。", "opens a purchasing system on :8081 that uses this group's credentials.";
    first_steps_demo_help: "absim と参照用購買システムを起動し、基本的な注文を一度通します。", "starts absim and the reference purchasing system and runs the basic order once.";
    // log entry
    setup_details: "パンチアウト設定の詳細", "Punchout setup details";
    received: "受け取り済み", "Received";
    credentials: "認証情報", "Credentials";
    valid: "有効な", "Valid";
    invalid: "無効", "Invalid";
    email: "メール", "E-mail";
    hook_url: "フックURL", "Hook URL";
    first_name: "名", "First name";
    last_name: "姓", "Last name";
    ubu: "UBU", "UBU";
    not_received: "受け取っていません", "Not received";
    present: "存在します", "Present";
    absent: "存在しません", "Absent";
    required_note: "* これらは必須項目です", "* These are required";
    no_session: "この注文に対応するパンチアウトセッションが見つかりません (SupplierPartAuxiliaryID で照合します)。", "No punchout session matches this order (matched through the SupplierPartAuxiliaryIDs).";
    poom: "POOM", "POOM";
    sent: "送信済み", "Sent";
    not_sent: "未送信", "Not sent";
    status: "ステータス", "Status";
    status_ok: "OK", "OK";
    po_details: "発注書詳細", "Purchase order details";
    line_no: "行番号", "Line";
    asin_part: "ASIN (部品番号)", "ASIN (part number)";
    unit_price: "単価", "Unit price";
    line_total: "行合計", "Line total";
    po_total: "合計発注金額", "PO total";
    confirmation: "注文の確認", "Order confirmation";
    ordered: "ORDERED", "ORDERED";
    asn: "事前出荷通知 (ASN)", "Advance ship notice (ASN)";
    shipment_identifier: "発送識別子", "Shipment identifier";
    delivery_number: "納品番号", "Delivery number";
    carrier: "配送業者識別子", "Carrier identifier";
    scheduled: "送信予定", "Scheduled";
    retrying: "再試行待ち", "Waiting to retry";
    sending: "送信中", "Sending";
    next_try_in: "次の試行まで約{}秒", "next attempt in about {} s";
    attempts: "送信の試行", "Delivery attempts";
    attempt_at: "日時", "Time";
    duration: "所要時間 (ms)", "Duration (ms)";
    error: "エラー", "Error";
    resend: "再送", "Resend";
    resend_pending: "この文書はすでに送信待ちです。", "This document is already waiting to be sent.";
    faults: "障害の注入", "Fault injection";
    faults_help: "購入システムの再試行処理を試すため、次のN件 (または一定割合) の発注書に障害を返します。障害は記録され、テストログに表示されます。", "Answer the next N purchase orders (or a share of them) with a fault, to exercise your system's retries. Each fault is recorded in the test log.";
    fault_kind: "障害の種類", "Fault";
    fault_off: "なし (オフ)", "None (off)";
    fault_count: "次のN件", "Next N POs";
    fault_share: "割合 (%)", "Share (%)";
    fault_delay: "遅延 (ms、応答が遅れる障害のみ)", "Delay (ms, for the late answer only)";
    fault_timeout: "応答しない時間 (秒、タイムアウトのみ)", "Hold time (s, for the timeout only)";
    fault_remaining: "残り{}件", "{} left";
    injected_faults: "注入した障害", "Injected faults";
    no_faults: "注入した障害はありません。", "No faults injected.";
    delivery_failed: "送信失敗", "Delivery failed";
    delivered_to: "送信先", "Posted to";
    buyer_answer: "購入システムの応答", "Buyer's answer";
    no_endpoint: "送信先URLが未設定のため、文書は作成・記録のみされました。", "No endpoint is configured: the document was produced and recorded only.";
    look_for: "探すもの...", "What to look for...";
    look1: "注文した人に注文確認メールが届いたことを確認します。", "Check that the person who ordered received the order confirmation e-mail.";
    look2: "注文確認の商品、価格、数量が、購入システムで承認された注文と一致していることを確認します。", "Check that the items, prices and quantities of the confirmation match the order approved in your purchasing system.";
    mark_help: "推奨される結果と上の確認項目を参考に、テストの成否を記録します。記録はシナリオの画面に表示されます。", "Use the suggested result and the checks above; the mark shows on the scenario page.";
    mark_prompt: "このテストが成功したか失敗したかをマークする", "Mark whether this test succeeded or failed";
    save_mark: "保存する", "Save";
    documents: "文書", "Documents";
    view: "表示", "View";
    download: "ダウンロード", "Download";
    deviations: "受信文書の逸脱 (寛容に受け付けた点)", "Deviations in received documents (accepted leniently)";
    no_deviations: "逸脱はありません。", "No deviations.";
    doc_setup_request: "PunchOutSetupRequest (受信)", "PunchOutSetupRequest (received)";
    doc_setup_response: "PunchOutSetupResponse (送信)", "PunchOutSetupResponse (sent)";
    doc_order_message: "PunchOutOrderMessage (送信)", "PunchOutOrderMessage (sent)";
    doc_order_request: "OrderRequest (受信)", "OrderRequest (received)";
    doc_order_response: "OrderRequest への Response (送信)", "Response to the OrderRequest (sent)";
    doc_confirmation: "ConfirmationRequest (送信)", "ConfirmationRequest (sent)";
    doc_confirmation_answer: "ConfirmationRequest への応答 (受信)", "Answer to the ConfirmationRequest (received)";
    doc_ship_notice: "ShipNoticeRequest (送信)", "ShipNoticeRequest (sent)";
    doc_ship_notice_answer: "ShipNoticeRequest への応答 (受信)", "Answer to the ShipNoticeRequest (received)";
    doc_invoice: "InvoiceDetailRequest (送信)", "InvoiceDetailRequest (sent)";
    doc_invoice_answer: "InvoiceDetailRequest への応答 (受信)", "Answer to the InvoiceDetailRequest (received)";
    backordered: "BACKORDERED", "BACKORDERED";
    rejected: "REJECTED", "REJECTED";
    delivery_in_days: "お届けまで{}日", "delivery in {} days";
    price_changed_from: "発注時の単価 {} から変更", "changed from the PO's {}";
    line_quantity: "行{}: {}点", "line {}: {}";
    shipment_n: "出荷 {}", "Shipment {}";
    invoice: "請求書 (InvoiceDetailRequest)", "Invoice (InvoiceDetailRequest)";
    decisions: "absim の判断 (シナリオと許容値設定)", "absim's decisions (scenario and safeguards)";
    checks: "自動チェック", "Automatic checks";
    suggested: "推奨される結果", "Suggested result";
    verdict_success: "成功 (すべてのチェックに合格)", "Success (every check passed)";
    verdict_failure: "失敗 (不合格のチェックがあります)", "Failure (a check failed)";
    verdict_pending: "保留 (まだ送信していない文書があります)", "Pending (documents are still owed)";
    refused_with: "受付拒否: {}", "Refused: {}";
    refusal_heading: "この発注書は受け付けられませんでした", "This PO was refused";
    header_type: "確認の種類", "Confirmation type";
    select_scenario: "このシナリオを選択", "Select this scenario";
    selected: "選択中のシナリオ", "Selected scenario";
    scenario_locked: "先に「{}」を成功としてマークしてください。", "Mark “{}” successful first.";
    waits_for: "次のシナリオの成功が必要です: {}", "Needs these scenarios marked successful: {}";
    locked_scenarios: "このセクションのシナリオ ({}件)", "Scenarios of this section ({})";
    safeguard_intro: "許容値設定 (注文セーフガード) に従って、価格や在庫の変化に対する動作を確認します。", "Check how price and stock changes are handled under your order safeguards.";
    tolerances_title: "許容値設定", "Order safeguards";
    tolerances_help: "商品の価格および在庫数は常に変動しています。変動時の許容範囲を設定してください。", "Prices and stock change all the time. Set what is acceptable when they do.";
    tolerances_link: "許容値設定画面 (注文のキャンセル・削除に関する許容値を設定できます。)", "Order safeguards (set when lines are removed or orders cancelled)";
    edit: "編集", "Edit";
    price_tolerance: "単価の上昇の上限 (%)", "Largest unit-price rise (%)";
    price_action_label: "上限を超えたとき", "Beyond it";
    action_remove_line: "その商品を注文から削除する", "Remove the line";
    action_cancel_order: "注文全体をキャンセルする", "Cancel the order";
    quantity_label: "在庫が不足しているとき", "When stock is short";
    quantity_ship_available: "在庫分を発送し、残りを取り消す", "Send what is available, cancel the rest";
    quantity_backorder: "在庫分を発送し、残りを入荷待ちにする", "Send what is available, back-order the rest";
    max_shipping: "配送料の上限 (ストアの通貨、空欄で無制限)", "Maximum shipping price (in the store's currency; empty: any)";
    max_delivery: "お届け日数の上限 (日、空欄で無制限)", "Maximum delivery time (days; empty: any)";
    delivery_action_label: "お届け日数が上限を超えたとき", "When delivery takes longer";
    amazon_only: "Amazonが発送する商品のみ", "Only items fulfilled by Amazon";
    groups_title: "グループ", "Groups";
    add_group: "グループを追加", "Add a group";
    group_name: "グループ名", "Group name";
    group_name_required: "グループ名を入力してください。", "Enter a group name.";
    payment_scope: "支払い方法", "Payment method";
    payment_scope_help: "このグループのユーザーが利用する支払いの設定方法を選んでください。", "Choose how the users of this group pay.";
    scope_individual_payment: "[個別の支払い方法] 各ユーザーが設定し、利用する", "[Individual] each user sets and uses their own";
    scope_shared_payment: "[共通の支払い方法] 管理者が設定し、ユーザーが利用する", "[Shared] the administrator sets it, users use it";
    address_scope: "配送先住所", "Delivery address";
    address_scope_help: "このグループのユーザーが利用する配送先住所の設定方法を選んでください。", "Choose how the users of this group get delivery addresses.";
    scope_individual_address: "[個別の配送先住所] 各ユーザーが設定し、利用する", "[Individual] each user sets and uses their own";
    scope_shared_address: "[共通の配送先住所] 管理者が設定し、ユーザーが利用する", "[Shared] the administrator sets them, users use them";
    payment_heading: "支払い方法と配送先住所の設定", "Payment method and delivery addresses";
    payment_none: "利用可能な支払い方法がありません", "No payment method available";
    payment_card: "クレジットカード", "Credit card";
    payment_invoice: "請求書払い", "Pay by invoice";
    addresses_help: "配送先住所 (1行に1件)", "Delivery addresses (one per line)";
    mail_heading: "PO確認のメール", "PO confirmation e-mail";
    mail_user: "パンチアウトユーザー: 注文後にAmazonから送信されるEメールには、承認および否認されたすべての商品が含まれます", "Punchout user: the e-mail sent after ordering lists every accepted and refused item";
    mail_admin: "管理者: 注文後にAmazonから送信されるEメールには、承認および否認されたすべての商品が含まれます", "Administrator: the e-mail sent after ordering lists every accepted and refused item";
    admin_email: "管理者のメールアドレス", "Administrator's e-mail address";
    doc_oci_cart: "OCI カート (NEW_ITEM フィールド、送信)", "OCI cart (NEW_ITEM fields, sent)";
    oci_unauthorized: "USERNAME と PASSWORD がどのグループのシステムログインとパスワードとも一致しません。", "USERNAME and PASSWORD match no group's system login and password.";
    recent_sessions: "最近のパンチアウト", "Recent punchouts";
    operation: "操作", "Operation";
    returns: "カート返却", "Carts returned";
    no_sessions: "パンチアウトはまだありません。", "No punchouts yet.";
    outbox_title: "送信したメール (PO確認のメール)", "E-mails sent (PO confirmation e-mails)";
    mail_to: "宛先", "To";
    mail_subject: "件名", "Subject";
    smtp_none: "メールボックスのみ (SMTP未設定)", "Outbox only (no SMTP server)";
    smtp_sent: "SMTPで送信済み", "Sent by SMTP";
    smtp_failed: "SMTP送信失敗", "SMTP delivery failed";
    no_mails: "メールはありません。", "No e-mails.";
    buyer_title: "購買システム (LINE WORKS Bot の役)", "Purchasing system (the LINE WORKS bot's part)";
    buyer_intro: "absim の参照用購買システムです。Amazonビジネス (absim) へのパンチアウト、カートの受け取り、決済 (発注書の送信)、受注確定と発送完了の受け取りを行います。", "absim's reference purchasing system: it punches out to Amazon Business (absim), receives the cart, pays (sends the PO) and receives the confirmation and the ship notice.";
    buyer_register: "Amazonビジネスで利用するメールアドレスを登録します。", "Register the e-mail address you use on Amazon Business.";
    buyer_registered: "登録済みのメールアドレス", "Registered e-mail address";
    register: "登録", "Register";
    select_address: "配送先を選択する", "Choose a delivery address";
    shop: "買い物をする", "Go shopping";
    carts_heading: "カート内容", "Carts";
    pay: "決済する", "Pay";
    ordered_already: "決済済み", "Paid";
    orders_heading: "注文", "Orders";
    order_answer: "Amazonの応答", "Amazon's answer";
    confirmation_received: "受注確定のメッセージ", "Order confirmed";
    ship_received: "発送完了のメッセージ", "Shipped";
    invoice_received: "請求書", "Invoice";
    waiting: "待っています… (このページは自動で更新されます)", "Waiting… (this page refreshes by itself)";
    buyer_not_received: "届いていません。absim のテストログで配信の状況を確認してください。", "Not received. See the delivery in absim's test log.";
    buyer_logo: "購買", "Purchasing";
    buyer_po_answer: "OrderRequest への応答", "Answer to the OrderRequest";
    buyer_sent: "送信", "Sent";
    buyer_received: "受信", "Received";
    buyer_refused: "Amazonビジネスがこの発注を拒否しました (cXML {})。", "Amazon Business refused this order (cXML {}).";
    buyer_not_coming: "発注が拒否されたため、送られません。", "Will not come: the order was refused.";
    buyer_accepted: "受け付け済み", "Accepted";
    buyer_refused_short: "拒否", "Refused";
    buyer_empty_cart: "空のカートが戻りました。注文するものはありません。", "The cart came back empty: there is nothing to order.";
    buyer_no_carts: "まだカートはありません。「買い物をする」を選択し、Amazonビジネスで「承認を依頼する」とカートがここに戻ります。", "No cart yet. Choose “Go shopping”; “Request approval” on Amazon Business brings the cart back here.";
    buyer_no_orders: "まだ注文はありません。", "No orders yet.";
    buyer_log_link: "absim のテストログで見る", "See it in absim's test log";
    buyer_confirm_id: "確認番号", "Confirmation ID";
    buyer_shipment_id: "出荷番号", "Shipment ID";
    buyer_invoice_id: "請求書番号", "Invoice ID";
    buyer_when: "日時", "When";
    buyer_direction: "送受信", "Direction";
    buyer_document: "文書", "Document";
    fault_http500_html: "HTTP 500 (HTML のエラーページ)", "HTTP 500 (an HTML error page)";
    fault_http503: "HTTP 503 (Retry-After 付き)", "HTTP 503 (with Retry-After)";
    fault_cxml500: "HTTP 200 と cXML Status 500", "HTTP 200 with cXML Status 500";
    fault_timeout_kind: "応答しない (タイムアウト)", "No answer (timeout)";
    fault_delay_kind: "受け付けるが応答が遅れる", "Accepted, answered late";
    fault_malformed: "途中で切れた XML", "XML cut off mid-document";
    confirm_accept: "承認 (accept)", "Accepted (accept)";
    confirm_detail: "明細付きの確認 (detail)", "Confirmed with details (detail)";
    confirm_reject: "拒否 (reject)", "Rejected (reject)";
    confirm_backordered: "入荷待ち (backordered)", "Back-ordered (backordered)";
    confirm_other: "その他", "Other";
    admin_title: "購入通知 (管理者)", "Purchase notices (administrator)";
    who: "誰が", "Who";
    what: "何を", "What";
    buyer_log: "送受信ログ", "Documents sent and received";
    buyer_register_first: "先にメールアドレスを登録してください。", "Register an e-mail address first.";
    // order search
    search_title: "発注の検索", "Order search";
    result_any: "すべての結果", "Any result";
    date_range: "期間", "Date range";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_message_shows_the_half_in_the_pages_language() {
        let m = both(
            "パスワードは6～30文字です。",
            "the password takes 6 to 30 characters",
        );
        assert_eq!(JA.one(&m), "パスワードは6～30文字です。");
        assert_eq!(EN.one(&m), "the password takes 6 to 30 characters");
        // Parentheses inside the English half are kept.
        let m = both("上限は 365 日です。", "at most 365 days (a year)");
        assert_eq!(EN.one(&m), "at most 365 days (a year)");
        // A message that is not in both languages is shown whole.
        for plain in ["not an http(s) URL", "'x' (y)", "価格 (円)", ""] {
            assert_eq!(JA.one(plain), plain);
            assert_eq!(EN.one(plain), plain);
        }
    }

    #[test]
    fn a_choice_wins_over_the_stores_language_which_wins_over_japanese() {
        assert_eq!(Lang::of_store("ja"), Lang::Ja);
        assert_eq!(Lang::of_store("ja-JP"), Lang::Ja);
        assert_eq!(Lang::of_store("de-DE"), Lang::En);
        let mut h = HeaderMap::new();
        assert_eq!(Lang::negotiate_or(None, &h, Lang::En), Lang::En);
        assert_eq!(Lang::negotiate(None, &h), Lang::Ja);
        assert_eq!(Lang::negotiate_or(Some("ja"), &h, Lang::En), Lang::Ja);
        h.insert(axum::http::header::COOKIE, "absim_lang=ja".parse().unwrap());
        assert_eq!(Lang::negotiate_or(None, &h, Lang::En), Lang::Ja);
    }
}
