# absim's notes (checks, decisions, refusals, settings refused), ja.
# The domain names a message by its id and gives its values; pages render it.

## The PO against its punchout and cart (checks)
check-po-unlinked = 発注書をパンチアウトセッションに結び付けられません: どの行の SupplierPartAuxiliaryID もカートと一致しません。
check-po-linked = 発注書は SupplierPartAuxiliaryID でパンチアウトセッションに結び付いています。
check-without-punchout = 確認できません: 発注書がどのパンチアウトにも結び付いていません。
check-line-aux-in-no-cart = 行{ $line }: SupplierPartAuxiliaryID「{ $aux }」は absim が返却したどのカートにもありません (カートの値をそのまま返してください)。
check-punchout-credentials = パンチアウトの認証情報は有効でした。
check-punchout-email = パンチアウトでメールアドレスを受け取りました。
check-punchout-hook = パンチアウトでフックURLを受け取りました。
check-po-before-cart = カートが購入システムに返却される前に発注書が届きました。
check-lines-match = 発注書の各行 (ASIN、SupplierPartAuxiliaryID、数量、単価、通貨) がカートと一致しています。
check-line-aux-missing = 行{ $line }: SupplierPartAuxiliaryID がありません (カートの値をそのまま返してください)。
check-line-aux-unknown = 行{ $line }: SupplierPartAuxiliaryID「{ $aux }」は最後に返却したカートにありません。
# $field: asin, quantity, unit-price or currency.
check-line-differs = 行{ $line }: { $field ->
        [quantity] 数量
        [unit-price] 単価
        [currency] 通貨
       *[asin] ASIN (SupplierPartID)
    } — 期待値「{ $expected }」、受信値「{ $received }」
check-po-total-equal = 発注書の合計 { $total } は行の合計 { $sum } と一致しています。
check-po-total-differs = 発注書の合計 { $total } は行の合計 { $sum } と一致しません。
check-po-total-missing = 発注書に Total がありません。
check-order-id-unique = 発注番号 (orderID)「{ $order_id }」はこのグループで一意です。
check-no-bill-to = 発注書に BillTo がありません (ShipTo はあります)。
check-ship-to-and-bill-to = 発注書に ShipTo と BillTo があります。

## Refused or accepted as the scenario expects (checks)
check-refused-as-expected = 発注書はシナリオどおり { $expected } で拒否されました。
check-refused-otherwise = このシナリオでは { $expected } での拒否を想定していますが、{ $code } { $text } で拒否されました: { $message }
check-refused = 発注書が拒否されました ({ $code } { $text }): { $message }
check-accepted-not-refused = このシナリオでは発注書が { $expected } で拒否されるはずですが、受け付けられました。
check-po-after-empty-cart = カートが空で返却されたため、発注書は送信されないはずでした。

## Documents absim sent for the order (checks)
# A document's name: $kind is confirmation, ship_notice or invoice; $step is a ship notice's number (with its space) or nothing.
delivery-document = { $kind ->
        [ship_notice] 出荷通知 (ShipNoticeRequest)
        [invoice] 請求書 (InvoiceDetailRequest)
       *[confirmation] 注文確認 (ConfirmationRequest)
    }{ $step }
check-delivery-no-endpoint = { delivery-document }: 送信先URLが未設定のため、購入システムの応答は確認できません。
check-delivery-answered = { delivery-document } に購入システムが cXML { $cxml } で応答しました ({ $attempt }回目の試行)。
check-delivery-failed = { delivery-document } を届けられませんでした: { $error }
check-delivery-retrying = { delivery-document } は購入システムにまだ受け付けられていません ({ $attempt }回目: { $last })。再送します。
check-delivery-waiting = { delivery-document } はまだ送信待ちです。
check-documents-owed = まだ送信していない文書が{ $count }通あります。

## What a scenario expects of the buyer (checks)
check-edit-seen = カートは operation="edit" で開き直されました。
check-edit-not-seen = このカートは operation="edit" で開き直されていません。
check-inspect-seen = カートは operation="inspect" で参照されました。
check-inspect-not-seen = このカートは operation="inspect" で参照されていません。
check-cart-reflected = 発注書は編集後のカートを反映しています。
check-cart-lines-missing = 編集後のカートの行が発注書にありません: { $lines }
check-several-lines = 発注書は{ $count }行で、数量2以上の行があります。
check-several-lines-missing = 発注書は{ $count }行で、数量2以上の行がないか、行が2行未満です。
check-description-damaged = 行{ $line }: Description が文字化けしています — 期待値「{ $expected }」、受信値「{ $received }」
check-descriptions-intact = 商品名 (日本語などストアの言語) は発注書まで損なわれずに届きました。
check-resent-same-payload = 障害応答の後、購入システムは同じ発注書 (同じ payloadID) を再送しました。
check-resent-new-payload = 再送された発注書の payloadID が最初の送信と異なります (同じ文書の再送には同じ payloadID を使います)。
check-no-fault-before = この発注書の前に障害応答がありません: 再送を確認できません。
check-delivery-retried = 購入システムのエンドポイントは一時的な障害の後、再送を受け付けました。
check-delivery-retries-pending = 再送の結果を待っています。
check-delivery-not-retried = 再送が起きていません: エンドポイントを一時的にエラーにして試してください。

## A CI run: what must arrive (checks)
run-punched-out = 購入システムからパンチアウトを受信しました (operation="{ $operation }")。
run-no-punchout = 購入システムからパンチアウト (PunchOutSetupRequest) が届いていません。
run-cart-returned = カートが返却されました ({ $count }行)。
run-no-cart = カートが返却されていません (承認を依頼する が押されていないか、PunchOutOrderMessage がフックURLに届いていません)。
# $check is the note of the check that never came true.
run-timed-out = { $secs }秒以内に届きませんでした: { $check }
run-waiting-empty-cart = 空のカートの返却を待っています。
run-po-after-empty-cart = カートが空で返却された後に発注書 (orderID「{ $order_id }」) が届きました: 空のカートでは発注しないでください。
run-quiet-after-empty-cart = 空のカートの後、{ $secs }秒間発注書は届きませんでした。
run-watching-after-empty-cart = 空のカートの後に発注書が届かないことを確かめています。
run-not-resent = 障害応答 ({ $fault }) の後、発注書が再送されていません (payloadID「{ $payload_id }」)。同じ発注書を同じ payloadID で再送してください。
run-no-po = 発注書 (OrderRequest) が届いていません。
run-po-arrived = 発注書 (orderID「{ $order_id }」) を受信しました。
run-waiting-refusal = { $expected } で拒否される発注書を待っています。

## Safeguard and scenario decisions on a PO
decision-third-party-removed = 行{ $line }: Amazon以外が発送する商品のため、注文から削除しました。
decision-delivery-too-late = 行{ $line }: お届けまで{ $days }日で上限{ $max }日を超えるため、注文から削除しました。
decision-stock-rest-cancelled = 行{ $line }: 在庫{ $stock }のため、在庫分を発送し残り{ $short }を取り消しました。
decision-stock-rest-backordered = 行{ $line }: 在庫{ $stock }のため、在庫分を発送し残り{ $short }を入荷待ちにしました。
decision-price-rise-kept = 行{ $line }: 単価が{ $from }から{ $to }に上昇 ({ $rise }%) — 許容値{ $max }%以内のため新価格で確定しました。
decision-price-rise-removed = 行{ $line }: 単価が{ $rise }%上昇し許容値{ $max }%を超えるため、注文から削除しました。
decision-repriced = カートから{ $days }日後の発注のため、価格は発注時点で再計算されました。
# $reason is the reason as the confirmation gives it to the buyer.
decision-order-cancelled = 注文全体を取り消しました: { $reason }

## A PO refused (the buyer receives the English, as Amazon answers)
refusal-no-item-out = OrderRequest に ItemOut (注文明細) がありません
refusal-sender-secret = 送信者の認証情報が正しくありません: Sender の Identity はこのグループのシステムログイン '{ $login }' ですが、SharedSecret (パスワード) が違います
refusal-sender-identity = 送信者の認証情報が正しくありません: Sender の Identity { $sent } は、この PO Request URL のグループのシステムログイン '{ $login }' ではありません
refusal-no-payload-id = cXML 要素に payloadID がありません。文書ごとに一意の payloadID が必要です
refusal-too-many-lines = OrderRequest に ItemOut が { $items } 行あります。absim が受け付けるのは 1 注文 { $max } 行までです (分割してください)
refusal-order-type = 001-001: OrderRequest の type="{ $kind }" には対応していません。Amazonビジネスが受け付けるのは type="new" だけです (変更や取り消しではなく新しい注文を送ってください)
refusal-no-ship-to = 001-005: OrderRequestHeader に ShipTo がありません。Amazonビジネスはすべての注文に配送先住所を必要とします
refusal-no-order-id = OrderRequestHeader に orderID (発注番号) がありません
refusal-no-asin = ItemOut 行{ $line } に ItemID/SupplierPartID (ASIN) がありません
refusal-line-number = ItemOut { $position } の lineNumber '{ $sent }' が整数ではありません
refusal-quantity = ItemOut 行{ $line } の数量 '{ $sent }' が 0 より大きい数ではありません
refusal-unit-price = ItemOut 行{ $line } の UnitPrice '{ $sent }' が数値ではありません

## A body absim could not read ($detail is the XML parser's own words)
read-empty = 本文が空です。cXML 文書を送ってください
read-not-utf8 = 本文が UTF-8 ではありません ({ $detail })
read-entity-declared = DOCTYPE が実体 (ENTITY) を宣言しています。absim は実体を展開も取得もしません
read-not-xml = 本文が整形式の XML ではありません: { $detail }
read-too-deep = 要素の入れ子が深すぎます
read-wrong-root = ルート要素が <{ $root }> です。cXML 文書は <cXML> で始まります
read-wrong-payload = <{ $container }> には { $expected } が必要ですが、{ $found } を受け取りました
read-malformed = 文書が cXML の形に合いません: { $detail }

## Refusals that depend on the store or the group's history
refusal-duplicate-payload-id = payloadID '{ $id }' はすでに受け取っています。文書ごとに一意の payloadID が必要です
refusal-duplicate-order-id = 発注番号 (orderID) '{ $id }' はこのグループですでに受け取っています
refusal-no-state = 001-005: ShipTo に State (州・県) がありません。{ $site } では税額が配送先の州で決まるため必須です
refusal-unknown-state = 001-005: ShipTo の State '{ $state }' は { $country } の州・県のコードではありません

## A setting absim will not take
# $setting: purchasing-system, cart-field, marketplace, action, quantity-action, fault, cxml-errors, mode, scope or payment-method; $choices lists the values that would do.
setting-unknown-value = { $setting ->
        [purchasing-system] 購入システム
        [cart-field] カートのフィールド
        [marketplace] マーケットプレイス
        [action] 許容値を超えたときの処理
        [quantity-action] 在庫不足のときの処理
        [fault] 障害の種類
        [cxml-errors] cXML エラーの返し方
        [mode] モード
        [scope] 設定の範囲
       *[payment-method] 支払い方法
    } に '{ $value }' は使えません。{ $choices } のいずれかを選んでください。
setting-no-tax-exemption = マーケットプレイス { $marketplace } には免税がありません。免税 (tax_exempt) にできるのは { $allowed } のグループだけです。
setting-identity = システムログイン '{ $identity }' は使用できません: システムログインには、文字、数字、ハイフン、アンダースコアのみを使用できます。使用できる文字数は4～64文字です。
setting-secret = パスワードに含めることができるのは、6～30文字の文字と数字のみで、文字と数字をそれぞれ1文字以上含める必要があります。
setting-identity-taken = システムログイン '{ $identity }' は別のグループで使われています。
setting-endpoint = '{ $url }' は http(s) の URL ではありません。
setting-price-tolerance-max = 価格の許容値は 1000 % までです。
setting-delivery-days-max = お届け日数の上限は 365 日までです。
setting-fault-share = 障害の割合は 0～100 (%) で指定してください。
setting-fault-delay-max = 遅延は 600000 ms までです。
setting-fault-timeout-max = 応答しない時間は 3600 秒までです。
# $field is the form field's label as the page shows it.
setting-not-whole-number = { $field }: '{ $value }' は整数ではありません。
setting-not-amount = { $field }: '{ $value }' は金額ではありません。
setting-not-email = '{ $value }' はメールアドレスではありません。
setting-name-empty = グループ名が空です。
group-not-found = グループ { $id } はありません。
settings-not-saved = 設定を保存できませんでした。もう一度お試しください。

## Why units are rejected (the confirmation's Comments, in the store's language)
reason-third-party = Amazon以外が発送する商品のため削除
reason-delivery-time = お届けまで{ $days }日 (上限{ $max }日)
reason-stock = 在庫不足 (在庫{ $stock })
reason-price-rise = 価格変動 { $rise }% が許容値 { $max }% を超過
reason-shipping = 配送料 { $shipping } が上限 { $max } を超過
reason-cancelled = 取り消し

## What a lenient reading accepted (a deviation: deviation-<its code>; $message is absim's English)
deviation-root-case = ルート要素が <{ $root }> と綴られています (正しくは <cXML>)
deviation-bom = 本文の先頭に UTF-8 の BOM (バイト順マーク) があります
deviation-encoding-decoded = 文書は { $encoding } で符号化されています。absim が復号しました (cXML の送信者は UTF-8 を使ってください)
deviation-no-xml-declaration = 文書に XML 宣言 (<?xml version="1.0" encoding="UTF-8"?>) がありません
deviation-no-doctype = 文書に cXML の DTD を指す DOCTYPE がありません
deviation-encoding-declared = XML 宣言は encoding="{ $encoding }" ですが、本文は正しい UTF-8 です。UTF-8 として読みました
deviation-doctype-host-case = DOCTYPE のホスト名が '{ $host }' です。正しい綴りは xml.cxml.org です
deviation-no-timestamp = cXML 要素に timestamp 属性がありません
# $form: utc, offset-without-colon, no-offset or date-only.
deviation-timestamp-form = timestamp '{ $timestamp }' { $form ->
        [utc] は +09:00 のような数値のオフセットではなく 'Z' (または -00:00) を使っています
        [offset-without-colon] のオフセットにコロンがありません (-08:00 ではなく -0800)
        [no-offset] にタイムゾーンのオフセットがありません。日本時間 (+09:00) として読みました
       *[date-only] は時刻のない日付です。日本時間の 00:00 として読みました
    }
deviation-timestamp-unreadable = timestamp を読めません: { $detail }
deviation-no-header = 文書に Header がありません
deviation-no-user-agent = Sender に UserAgent がありません (DTD では必須です)
deviation-networkid-case = Credential の domain が "NetworkID" です。Amazon は "NetworkId" と書きます (どちらも受け付けます)
deviation-element-order = <{ $element }> が <{ $parent }> の中で <{ $after }> の後にあります。DTD ではこちらが先です (受け付けました)
deviation-oci-truncated = OCI の項目を切り詰めました: { $detail }
deviation-edit-without-items = operation="{ $operation }" に ItemOut がないため、カートは空で始まります
deviation-unknown-item = ItemOut { $asin } は absim のカタログにないため、カートに入れませんでした
deviation-oci-okcode = ~OkCode が '{ $ok_code }' です。SAP は ADDI を想定しています
deviation-postal-code-form = ShipTo の PostalCode '{ $code }' は { $site } の形式ではありません (例: { $example })
deviation-ship-to-abroad = ShipTo は { $country } にあり、{ $site } が配送する { $store_country } ではありません
deviation-from-mismatch = From の Credential にシステムログイン '{ $login }' がありません (Sender にはあります)
deviation-to-not-amazon = To の Credential は domain 'NetworkId' の Identity 'Amazon' にしてください
deviation-no-bill-to = OrderRequestHeader に BillTo がありません (DTD では必須です)
deviation-no-total = OrderRequestHeader に Total がありません (DTD では必須です)
deviation-no-classification = ItemOut 行{ $line } に Classification がありません (DTD では必須です)
deviation-no-line-number = ItemOut { $position } に lineNumber がありません。注文確認と出荷通知に必要なため、absim は { $position } を使いました
deviation-no-item-detail = ItemOut 行{ $line } に ItemDetail がありません。価格は 0 として扱いました
deviation-unknown-scenario = Extrinsic absim.scenario の '{ $id }' はシナリオではありません。'{ $fallback }' を使いました

