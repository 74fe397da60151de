# absim's notes (checks, decisions, refusals, settings refused), en.
# The domain names a message by its id and gives its values; pages render it.

## The PO against its punchout and cart (checks)
check-po-unlinked = The PO cannot be linked to a punchout session: no line's SupplierPartAuxiliaryID matches a cart.
check-po-linked = The PO is linked to its punchout session by its SupplierPartAuxiliaryID.
check-without-punchout = Cannot be checked: the PO is linked to no punchout.
check-line-aux-in-no-cart = Line { $line }: SupplierPartAuxiliaryID '{ $aux }' is in no cart absim returned (echo the cart's value).
check-punchout-credentials = The punchout credentials were valid.
check-punchout-email = The punchout carried the user's e-mail.
check-punchout-hook = The punchout carried the hook URL.
check-po-before-cart = The PO arrived before any cart was returned to the purchasing system.
check-lines-match = Every PO line matches the cart (ASIN, SupplierPartAuxiliaryID, quantity, unit price, currency).
check-line-aux-missing = Line { $line }: no SupplierPartAuxiliaryID (echo the cart's value).
check-line-aux-unknown = Line { $line }: SupplierPartAuxiliaryID '{ $aux }' is not in the last cart returned.
# $field: asin, quantity, unit-price or currency.
check-line-differs = Line { $line }: { $field ->
        [quantity] quantity
        [unit-price] unit price
        [currency] currency
       *[asin] ASIN (SupplierPartID)
    } — expected '{ $expected }', received '{ $received }'
check-po-total-equal = The PO Total { $total } equals the sum of its lines { $sum }.
check-po-total-differs = The PO Total { $total } differs from the sum of its lines { $sum }.
check-po-total-missing = The PO has no Total.
check-order-id-unique = The orderID '{ $order_id }' is unique in this group.
check-no-bill-to = The PO has no BillTo (it has a ShipTo).
check-ship-to-and-bill-to = The PO has a ShipTo and a BillTo.

## Refused or accepted as the scenario expects (checks)
check-refused-as-expected = The PO was refused with { $expected }, as the scenario expects.
check-refused-otherwise = The scenario expects a refusal with { $expected }, but the PO was refused with { $code } { $text }: { $message }
check-refused = The PO was refused ({ $code } { $text }): { $message }
check-accepted-not-refused = The scenario expects the PO to be refused with { $expected }, but it was accepted.
check-po-after-empty-cart = The cart came back empty: no PO should have been sent.

## Documents absim sent for the order (checks)
# A document's name: $kind is confirmation, ship_notice or invoice; $step is a ship notice's number (with its space) or nothing.
delivery-document = { $kind ->
        [ship_notice] ShipNoticeRequest
        [invoice] InvoiceDetailRequest
       *[confirmation] ConfirmationRequest
    }{ $step }
check-delivery-no-endpoint = The { delivery-document }: no endpoint is configured, so the buyer's answer cannot be checked.
check-delivery-answered = The buyer answered the { delivery-document } with cXML { $cxml } (attempt { $attempt }).
check-delivery-failed = The { delivery-document } could not be delivered: { $error }
check-delivery-retrying = The buyer has not acknowledged the { delivery-document } yet (attempt { $attempt }: { $last }); absim retries.
check-delivery-waiting = The { delivery-document } is still waiting to be sent.
check-documents-owed = { $count ->
        [one] One more document is
       *[other] { $count } more documents are
    } still to be sent.

## What a scenario expects of the buyer (checks)
check-edit-seen = The cart was reopened with operation="edit".
check-edit-not-seen = The cart was never reopened with operation="edit".
check-inspect-seen = The cart was opened with operation="inspect".
check-inspect-not-seen = The cart was never opened with operation="inspect".
check-cart-reflected = The PO reflects the edited cart.
check-cart-lines-missing = Lines of the edited cart are missing from the PO: { $lines }
check-several-lines = The PO has { $count } lines, one with a quantity above one.
check-several-lines-missing = The PO has { $count ->
        [one] one line
       *[other] { $count } lines
    }; the scenario needs two or more, one with a quantity above one.
check-description-damaged = Line { $line }: the Description was damaged — expected '{ $expected }', received '{ $received }'
check-descriptions-intact = The titles, in the store's language, reached the PO unharmed.
check-resent-same-payload = After the injected fault the buyer sent the same PO again (same payloadID).
check-resent-new-payload = The PO was sent again with a new payloadID; a resend of the same document keeps its payloadID.
check-no-fault-before = No injected fault preceded this PO: the retry cannot be seen.
check-delivery-retried = The buyer's endpoint accepted a document after failing at first.
check-delivery-retries-pending = Waiting for the retries to finish.
check-delivery-not-retried = No delivery needed a retry: make the endpoint fail for a while and try again.

## A CI run: what must arrive (checks)
run-punched-out = The purchasing system punched out (operation="{ $operation }").
run-no-punchout = No punchout (PunchOutSetupRequest) arrived from the purchasing system.
run-cart-returned = A cart was returned ({ $count ->
        [one] one line
       *[other] { $count } lines
    }).
run-no-cart = No cart was returned (Request approval was not pressed, or the PunchOutOrderMessage did not reach the hook URL).
# $check is the note of the check that never came true.
run-timed-out = Not within { $secs } s: { $check }
run-waiting-empty-cart = Waiting for the empty cart to come back.
run-po-after-empty-cart = A PO (orderID '{ $order_id }') arrived after the cart came back empty: a purchasing system sends no PO for an empty cart.
run-quiet-after-empty-cart = No PO arrived within { $secs } s after the empty cart.
run-watching-after-empty-cart = Making sure no PO follows the empty cart.
run-not-resent = No PO was sent again after the injected fault ({ $fault }, payloadID '{ $payload_id }'): the purchasing system must resend the same PO with the same payloadID.
run-no-po = No PO (OrderRequest) arrived.
run-po-arrived = A PO (orderID '{ $order_id }') arrived.
run-waiting-refusal = Waiting for a PO that absim refuses with { $expected }.

## Safeguard and scenario decisions on a PO
decision-third-party-removed = Line { $line }: not fulfilled by Amazon, removed from the order.
decision-delivery-too-late = Line { $line }: delivery in { $days } days exceeds the { $max }-day maximum; removed.
decision-stock-rest-cancelled = Line { $line }: { $stock } in stock; that is sent and the other { $short } cancelled.
decision-stock-rest-backordered = Line { $line }: { $stock } in stock; that is sent and the other { $short } back-ordered.
decision-price-rise-kept = Line { $line }: unit price rose from { $from } to { $to } ({ $rise } %), within the { $max } % tolerance: confirmed at the new price.
decision-price-rise-removed = Line { $line }: unit price rose { $rise } %, over the { $max } % tolerance; removed.
decision-repriced = The PO came { $days } days after the cart: prices were recalculated at order time.
# $reason is the reason as the confirmation gives it to the buyer.
decision-order-cancelled = The whole order was cancelled: { $reason }

## A PO refused (the buyer receives the English, as Amazon answers)
refusal-no-item-out = the OrderRequest has no ItemOut
refusal-sender-secret = Invalid or unrecognized sender credentials: the Sender Identity is this group's system login '{ $login }', but the SharedSecret (password) differs
refusal-sender-identity = Invalid or unrecognized sender credentials: the Sender Identity { $sent } is not this PO Request URL's group's system login '{ $login }'
refusal-no-payload-id = the cXML element has no payloadID; every document needs a unique one
refusal-too-many-lines = the OrderRequest has { $items } ItemOut lines; absim takes at most { $max } per order (split it)
refusal-order-type = 001-001: OrderRequest type="{ $kind }" is not supported; Amazon Business accepts only type="new" (send a new order instead of an update or a delete)
refusal-no-ship-to = 001-005: the OrderRequestHeader has no ShipTo; Amazon Business needs a ship-to address on every order
refusal-no-order-id = the OrderRequestHeader has no orderID
refusal-no-asin = ItemOut line { $line } has no ItemID/SupplierPartID (the ASIN)
refusal-line-number = ItemOut { $position } has lineNumber '{ $sent }', which is not a whole number
refusal-quantity = ItemOut line { $line } has quantity '{ $sent }'; expected a number above zero
refusal-unit-price = ItemOut line { $line } has UnitPrice '{ $sent }', which is not a number

## A body absim could not read ($detail is the XML parser's own words)
read-empty = The request body is empty; send a cXML document.
read-not-utf8 = The body is not valid UTF-8 ({ $detail }).
read-entity-declared = The DOCTYPE declares entities; absim never expands or fetches entities.
read-not-xml = The body is not well-formed XML: { $detail }
read-too-deep = The elements nest too deep.
read-wrong-root = The root element is <{ $root }>; a cXML document starts with <cXML>.
read-wrong-payload = <{ $container }> needs a { $expected }, but absim received { $found }.
read-malformed = The document does not fit the cXML model: { $detail }

## Refusals that depend on the store or the group's history
refusal-duplicate-payload-id = payloadID '{ $id }' was already received; every document needs a unique payloadID
refusal-duplicate-order-id = orderID '{ $id }' was already received for this group
refusal-no-state = 001-005: ShipTo has no State; { $site } needs the ship-to state or province (its tax depends on it)
refusal-unknown-state = 001-005: ShipTo State '{ $state }' is not a state or province of { $country }

## A setting absim will not take
# $setting: purchasing-system, cart-field, marketplace, action, quantity-action, fault, cxml-errors, mode, scope or payment-method; $choices lists the values that would do.
setting-unknown-value = '{ $value }' is not a { $setting ->
        [purchasing-system] purchasing system
        [cart-field] cart field
        [marketplace] marketplace
        [action] safeguard action
        [quantity-action] stock-shortage action
        [fault] fault
        [cxml-errors] cXML error form
        [mode] mode
        [scope] scope
       *[payment-method] payment method
    }; choose one of { $choices }.
setting-no-tax-exemption = tax_exempt: marketplace { $marketplace } has no tax exemption; only a group in { $allowed } can be tax-exempt.
setting-identity = The system login '{ $identity }' cannot be used: it takes 4 to 64 letters, digits, hyphens and underscores.
setting-secret = The password takes 6 to 30 letters and digits, with at least one letter and one digit.
setting-identity-taken = The system login '{ $identity }' is used by another group.
setting-endpoint = '{ $url }' is not an http(s) URL.
setting-price-tolerance-max = The price tolerance is at most 1000 %.
setting-delivery-days-max = The delivery time is at most 365 days.
setting-fault-share = The share of faulty answers is a percentage, 0 to 100.
setting-fault-delay-max = The delay is at most 600000 ms.
setting-fault-timeout-max = The timeout is at most 3600 s.
# $field is the form field's label as the page shows it.
setting-not-whole-number = { $field }: '{ $value }' is not a whole number.
setting-not-amount = { $field }: '{ $value }' is not an amount.
setting-not-email = '{ $value }' is not an e-mail address.
setting-name-empty = The group's name is empty.
group-not-found = There is no group { $id }.
settings-not-saved = The settings could not be saved; try again.

## Why units are rejected (the confirmation's Comments, in the store's language)
reason-third-party = Removed: not fulfilled by Amazon
reason-delivery-time = Delivery in { $days } days, over the { $max }-day maximum
reason-stock = Not enough stock ({ $stock } available)
reason-price-rise = Price rose { $rise } %, over the { $max } % tolerance
reason-shipping = Shipping { $shipping }, over the maximum of { $max }
reason-cancelled = Cancelled

## What a lenient reading accepted (a deviation: deviation-<its code>; $message is absim's English)
# English pages show absim's own English, as the journal and the API give it.
deviation-root-case = { $message }
deviation-bom = { $message }
deviation-encoding-decoded = { $message }
deviation-no-xml-declaration = { $message }
deviation-no-doctype = { $message }
deviation-encoding-declared = { $message }
deviation-doctype-host-case = { $message }
deviation-no-timestamp = { $message }
deviation-timestamp-form = { $message }
deviation-timestamp-unreadable = { $message }
deviation-no-header = { $message }
deviation-no-user-agent = { $message }
deviation-networkid-case = { $message }
deviation-element-order = { $message }
deviation-oci-truncated = { $message }
deviation-edit-without-items = { $message }
deviation-unknown-item = { $message }
deviation-oci-okcode = { $message }
deviation-postal-code-form = { $message }
deviation-ship-to-abroad = { $message }
deviation-from-mismatch = { $message }
deviation-to-not-amazon = { $message }
deviation-no-bill-to = { $message }
deviation-no-total = { $message }
deviation-no-classification = { $message }
deviation-no-line-number = { $message }
deviation-no-item-detail = { $message }
deviation-unknown-scenario = { $message }

