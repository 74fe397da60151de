# absim's notes (checks, decisions, refusals, settings refused), de.
# The domain names a message by its id and gives its values; pages render it.

## The PO against its punchout and cart (checks)
check-po-unlinked = Die Bestellung lässt sich keiner Punchout-Sitzung zuordnen: Bei keiner Position passt die SupplierPartAuxiliaryID zu einem Einkaufswagen.
check-po-linked = Die Bestellung ist über ihre SupplierPartAuxiliaryID ihrer Punchout-Sitzung zugeordnet.
check-without-punchout = Nicht prüfbar: Die Bestellung ist keinem Punchout zugeordnet.
check-line-aux-in-no-cart = Position { $line }: Die SupplierPartAuxiliaryID „{ $aux }“ steht in keinem Einkaufswagen, den absim zurückgegeben hat (übernehmen Sie den Wert aus dem Einkaufswagen unverändert).
check-punchout-credentials = Die Zugangsdaten des Punchouts waren gültig.
check-punchout-email = Der Punchout enthielt die E-Mail-Adresse des Nutzers.
check-punchout-hook = Der Punchout enthielt die Hook-URL.
check-po-before-cart = Die Bestellung ist eingegangen, bevor ein Einkaufswagen an das Beschaffungssystem zurückgegeben wurde.
check-lines-match = Alle Positionen der Bestellung stimmen mit dem Einkaufswagen überein (ASIN, SupplierPartAuxiliaryID, Menge, Einzelpreis, Währung).
check-line-aux-missing = Position { $line }: Keine SupplierPartAuxiliaryID (übernehmen Sie den Wert aus dem Einkaufswagen unverändert).
check-line-aux-unknown = Position { $line }: Die SupplierPartAuxiliaryID „{ $aux }“ ist im zuletzt zurückgegebenen Einkaufswagen nicht enthalten.
# $field: asin, quantity, unit-price or currency.
check-line-differs = Position { $line }: { $field ->
        [quantity] Menge
        [unit-price] Einzelpreis
        [currency] Währung
       *[asin] ASIN (SupplierPartID)
    } — erwartet „{ $expected }“, erhalten „{ $received }“
check-po-total-equal = Die Bestellsumme (Total) { $total } entspricht der Summe der Positionen { $sum }.
check-po-total-differs = Die Bestellsumme (Total) { $total } weicht von der Summe der Positionen { $sum } ab.
check-po-total-missing = Die Bestellung enthält kein Total.
check-order-id-unique = Die orderID „{ $order_id }“ ist in dieser Gruppe eindeutig.
check-no-bill-to = Die Bestellung enthält kein BillTo (wohl aber ein ShipTo).
check-ship-to-and-bill-to = Die Bestellung enthält ein ShipTo und ein BillTo.

## Refused or accepted as the scenario expects (checks)
check-refused-as-expected = Die Bestellung wurde wie im Szenario vorgesehen mit { $expected } abgelehnt.
check-refused-otherwise = Das Szenario erwartet eine Ablehnung mit { $expected }, die Bestellung wurde aber mit { $code } { $text } abgelehnt: { $message }
check-refused = Die Bestellung wurde abgelehnt ({ $code } { $text }): { $message }
check-accepted-not-refused = Laut Szenario sollte die Bestellung mit { $expected } abgelehnt werden, sie wurde aber angenommen.
check-po-after-empty-cart = Der Einkaufswagen kam leer zurück: Es hätte keine Bestellung gesendet werden dürfen.

## Documents absim sent for the order (checks)
# A document's name: $kind is confirmation, ship_notice or invoice; $step is a ship notice's number (with its space) or nothing.
delivery-document = { $kind ->
        [ship_notice] Versandbenachrichtigung (ShipNoticeRequest)
        [invoice] Rechnung (InvoiceDetailRequest)
       *[confirmation] Auftragsbestätigung (ConfirmationRequest)
    }{ $step }
check-delivery-no-endpoint = { delivery-document }: Es ist kein Endpunkt konfiguriert, daher lässt sich die Antwort des Beschaffungssystems nicht prüfen.
check-delivery-answered = Das Beschaffungssystem hat die { delivery-document } mit cXML { $cxml } beantwortet (Versuch { $attempt }).
check-delivery-failed = Die { delivery-document } konnte nicht zugestellt werden: { $error }
check-delivery-retrying = Das Beschaffungssystem hat die { delivery-document } noch nicht bestätigt (Versuch { $attempt }: { $last }); absim versucht es erneut.
check-delivery-waiting = Die { delivery-document } wartet noch auf den Versand.
check-documents-owed = { $count ->
        [one] Ein weiteres Dokument muss
       *[other] { $count } weitere Dokumente müssen
    } noch gesendet werden.

## What a scenario expects of the buyer (checks)
check-edit-seen = Der Einkaufswagen wurde mit operation="edit" erneut geöffnet.
check-edit-not-seen = Der Einkaufswagen wurde nie mit operation="edit" erneut geöffnet.
check-inspect-seen = Der Einkaufswagen wurde mit operation="inspect" geöffnet.
check-inspect-not-seen = Der Einkaufswagen wurde nie mit operation="inspect" geöffnet.
check-cart-reflected = Die Bestellung entspricht dem bearbeiteten Einkaufswagen.
check-cart-lines-missing = In der Bestellung fehlen Positionen des bearbeiteten Einkaufswagens: { $lines }
check-several-lines = Die Bestellung hat { $count } Positionen, davon eine mit einer Menge über eins.
check-several-lines-missing = Die Bestellung hat { $count ->
        [one] eine Position
       *[other] { $count } Positionen
    }; das Szenario verlangt mindestens zwei, davon eine mit einer Menge über eins.
check-description-damaged = Position { $line }: Die Description wurde beschädigt — erwartet „{ $expected }“, erhalten „{ $received }“
check-descriptions-intact = Die Produkttitel in der Sprache des Shops sind unversehrt in der Bestellung angekommen.
check-resent-same-payload = Nach dem injizierten Fehler hat das Beschaffungssystem dieselbe Bestellung erneut gesendet (gleiche payloadID).
check-resent-new-payload = Die Bestellung wurde mit einer neuen payloadID erneut gesendet; beim erneuten Senden desselben Dokuments bleibt die payloadID unverändert.
check-no-fault-before = Dieser Bestellung ging kein injizierter Fehler voraus: Eine Wiederholung ist nicht erkennbar.
check-delivery-retried = Der Endpunkt des Beschaffungssystems hat nach anfänglichen Fehlschlägen ein Dokument angenommen.
check-delivery-retries-pending = Warten, bis die Wiederholungsversuche abgeschlossen sind.
check-delivery-not-retried = Keine Zustellung musste wiederholt werden: Lassen Sie den Endpunkt eine Zeit lang fehlschlagen und versuchen Sie es erneut.

## A CI run: what must arrive (checks)
run-punched-out = Das Beschaffungssystem hat einen Punchout gestartet (operation="{ $operation }").
run-no-punchout = Vom Beschaffungssystem ist kein Punchout (PunchOutSetupRequest) eingegangen.
run-cart-returned = Ein Einkaufswagen wurde zurückgegeben ({ $count ->
        [one] eine Position
       *[other] { $count } Positionen
    }).
run-no-cart = Es wurde kein Einkaufswagen zurückgegeben („Genehmigung anfordern“ wurde nicht gewählt, oder die PunchOutOrderMessage hat die Hook-URL nicht erreicht).
# $check is the note of the check that never came true.
run-timed-out = Nicht innerhalb von { $secs } s: { $check }
run-waiting-empty-cart = Warten auf die Rückgabe des leeren Einkaufswagens.
run-po-after-empty-cart = Nachdem der Einkaufswagen leer zurückkam, ist eine Bestellung (orderID „{ $order_id }“) eingegangen: Für einen leeren Einkaufswagen sendet ein Beschaffungssystem keine Bestellung.
run-quiet-after-empty-cart = Innerhalb von { $secs } s nach dem leeren Einkaufswagen ist keine Bestellung eingegangen.
run-watching-after-empty-cart = Es wird geprüft, dass auf den leeren Einkaufswagen keine Bestellung folgt.
run-not-resent = Nach dem injizierten Fehler ({ $fault }, payloadID „{ $payload_id }“) wurde keine Bestellung erneut gesendet: Das Beschaffungssystem muss dieselbe Bestellung mit derselben payloadID erneut senden.
run-no-po = Es ist keine Bestellung (OrderRequest) eingegangen.
run-po-arrived = Eine Bestellung (orderID „{ $order_id }“) ist eingegangen.
run-waiting-refusal = Warten auf eine Bestellung, die absim mit { $expected } ablehnt.

## Safeguard and scenario decisions on a PO
decision-third-party-removed = Position { $line }: Kein Versand durch Amazon, aus der Bestellung entfernt.
decision-delivery-too-late = Position { $line }: Die Lieferzeit von { $days } Tagen überschreitet das Maximum von { $max } Tagen; entfernt.
decision-stock-rest-cancelled = Position { $line }: { $stock } auf Lager; diese Menge wird geliefert, die restlichen { $short } werden storniert.
decision-stock-rest-backordered = Position { $line }: { $stock } auf Lager; diese Menge wird geliefert, die restlichen { $short } werden nachgeliefert.
decision-price-rise-kept = Position { $line }: Der Einzelpreis ist von { $from } auf { $to } gestiegen ({ $rise } %) und liegt innerhalb der Toleranz von { $max } %: zum neuen Preis bestätigt.
decision-price-rise-removed = Position { $line }: Der Einzelpreis ist um { $rise } % gestiegen und überschreitet die Toleranz von { $max } %; entfernt.
decision-repriced = Die Bestellung kam { $days } Tage nach dem Einkaufswagen: Die Preise wurden zum Bestellzeitpunkt neu berechnet.
# $reason is the reason as the confirmation gives it to the buyer.
decision-order-cancelled = Die gesamte Bestellung wurde storniert: { $reason }

## A PO refused (the buyer receives the English, as Amazon answers)
refusal-no-item-out = der OrderRequest enthält kein ItemOut
refusal-sender-secret = Ungültige oder nicht erkannte Zugangsdaten des Absenders: Die Sender Identity ist der System-Login '{ $login }' dieser Gruppe, aber das SharedSecret (Passwort) stimmt nicht überein
refusal-sender-identity = Ungültige oder nicht erkannte Zugangsdaten des Absenders: Die Sender Identity { $sent } ist nicht der System-Login '{ $login }' der Gruppe dieser PO-Request-URL
refusal-no-payload-id = dem cXML-Element fehlt die payloadID; jedes Dokument braucht eine eindeutige payloadID
refusal-too-many-lines = der OrderRequest hat { $items } ItemOut-Positionen; absim nimmt höchstens { $max } pro Bestellung an (teilen Sie die Bestellung auf)
refusal-order-type = 001-001: OrderRequest type="{ $kind }" wird nicht unterstützt; Amazon Business akzeptiert nur type="new" (senden Sie eine neue Bestellung statt einer Änderung oder Löschung)
refusal-no-ship-to = 001-005: der OrderRequestHeader enthält kein ShipTo; Amazon Business benötigt für jede Bestellung eine Lieferadresse
refusal-no-order-id = der OrderRequestHeader enthält keine orderID
refusal-no-asin = ItemOut-Position { $line } hat keine ItemID/SupplierPartID (die ASIN)
refusal-line-number = ItemOut { $position } hat die lineNumber '{ $sent }', die keine ganze Zahl ist
refusal-quantity = ItemOut-Position { $line } hat die Menge '{ $sent }'; erwartet wird eine Zahl größer als null
refusal-unit-price = ItemOut-Position { $line } hat den UnitPrice '{ $sent }', der keine Zahl ist

## A body absim could not read ($detail is the XML parser's own words)
read-empty = Der Anfragetext ist leer; senden Sie ein cXML-Dokument.
read-not-utf8 = Der Anfragetext ist kein gültiges UTF-8 ({ $detail }).
read-entity-declared = Der DOCTYPE deklariert Entitäten; absim löst Entitäten grundsätzlich weder auf noch lädt es sie nach.
read-not-xml = Der Anfragetext ist kein wohlgeformtes XML: { $detail }
read-too-deep = Die Elemente sind zu tief verschachtelt.
read-wrong-root = Das Wurzelelement ist <{ $root }>; ein cXML-Dokument beginnt mit <cXML>.
read-wrong-payload = <{ $container }> erfordert ein { $expected }, absim hat jedoch { $found } erhalten.
read-malformed = Das Dokument entspricht nicht dem cXML-Modell: { $detail }

## Refusals that depend on the store or the group's history
refusal-duplicate-payload-id = die payloadID '{ $id }' wurde bereits empfangen; jedes Dokument braucht eine eindeutige payloadID
refusal-duplicate-order-id = die orderID '{ $id }' wurde für diese Gruppe bereits empfangen
refusal-no-state = 001-005: im ShipTo fehlt State; { $site } benötigt den Bundesstaat bzw. die Provinz der Lieferadresse (davon hängt die Steuer ab)
refusal-unknown-state = 001-005: ShipTo State '{ $state }' ist kein Bundesstaat und keine Provinz von { $country }

## A setting absim will not take
# $setting: purchasing-system, cart-field, marketplace, action, quantity-action, fault, cxml-errors, mode, scope or payment-method; $choices lists the values that would do.
setting-unknown-value = „{ $value }“ ist als { $setting ->
        [purchasing-system] Beschaffungssystem
        [cart-field] Formularfeld für den Einkaufswagen
        [marketplace] Marktplatz
        [action] Aktion bei Überschreitung der Bestelltoleranz
        [quantity-action] Aktion bei zu geringem Bestand
        [fault] Fehlerart
        [cxml-errors] Art der cXML-Fehlerantwort
        [mode] Modus
        [scope] Geltungsbereich
       *[payment-method] Zahlungsart
    } nicht zulässig; wählen Sie einen der folgenden Werte: { $choices }.
setting-no-tax-exemption = tax_exempt: Der Marktplatz { $marketplace } kennt keine Steuerbefreiung; steuerbefreit kann nur eine Gruppe in { $allowed } sein.
setting-identity = Der System-Login „{ $identity }“ kann nicht verwendet werden: Er darf nur Buchstaben, Ziffern, Bindestriche und Unterstriche enthalten und muss 4 bis 64 Zeichen lang sein.
setting-secret = Das Passwort darf nur Buchstaben und Ziffern enthalten, muss 6 bis 30 Zeichen lang sein und mindestens einen Buchstaben und eine Ziffer enthalten.
setting-identity-taken = Der System-Login „{ $identity }“ wird bereits von einer anderen Gruppe verwendet.
setting-endpoint = „{ $url }“ ist keine http(s)-URL.
setting-price-tolerance-max = Die Preistoleranz beträgt höchstens 1000 %.
setting-delivery-days-max = Die Lieferzeit beträgt höchstens 365 Tage.
setting-fault-share = Der Anteil fehlerhafter Antworten ist ein Prozentsatz von 0 bis 100.
setting-fault-delay-max = Die Verzögerung beträgt höchstens 600000 ms.
setting-fault-timeout-max = Die Haltezeit beträgt höchstens 3600 s.
# $field is the form field's label as the page shows it.
setting-not-whole-number = { $field }: „{ $value }“ ist keine ganze Zahl.
setting-not-amount = { $field }: „{ $value }“ ist kein Betrag.
setting-not-email = „{ $value }“ ist keine E-Mail-Adresse.
setting-name-empty = Der Gruppenname ist leer.
group-not-found = Die Gruppe { $id } existiert nicht.
settings-not-saved = Die Einstellungen konnten nicht gespeichert werden. Bitte versuchen Sie es erneut.
## Why units are rejected (the confirmation's Comments, in the store's language)
reason-third-party = Entfernt: nicht von Amazon versandt
reason-delivery-time = Lieferung in { $days } Tagen, mehr als die erlaubten { $max } Tage
reason-stock = Nicht genug auf Lager ({ $stock } verfügbar)
reason-price-rise = Preis um { $rise } % gestiegen, über der Toleranz von { $max } %
reason-shipping = Versandkosten { $shipping }, über dem Höchstbetrag von { $max }
reason-cancelled = Storniert

## What a lenient reading accepted (a deviation: deviation-<its code>; $message is absim's English)
deviation-root-case = Das Wurzelelement ist als <{ $root }> geschrieben (korrekt wäre <cXML>).
deviation-bom = Der Anfragetext beginnt mit einer UTF-8-Bytereihenfolgemarkierung (BOM).
deviation-encoding-decoded = Das Dokument ist in { $encoding } kodiert; absim hat es dekodiert (Absender von cXML sollten UTF-8 verwenden).
deviation-no-xml-declaration = Dem Dokument fehlt die XML-Deklaration (<?xml version="1.0" encoding="UTF-8"?>).
deviation-no-doctype = Dem Dokument fehlt ein DOCTYPE, der auf die cXML-DTD verweist.
deviation-encoding-declared = Die XML-Deklaration gibt encoding="{ $encoding }" an, der Anfragetext ist aber gültiges UTF-8; er wurde als UTF-8 gelesen.
deviation-doctype-host-case = Der DOCTYPE nennt den Host „{ $host }“; die korrekte Schreibweise ist xml.cxml.org.
deviation-no-timestamp = Dem cXML-Element fehlt das Attribut timestamp.
# $form: utc, offset-without-colon, no-offset or date-only.
deviation-timestamp-form = Der timestamp „{ $timestamp }“ { $form ->
        [utc] verwendet 'Z' (oder -00:00) statt eines numerischen Offsets wie +09:00.
        [offset-without-colon] schreibt den Offset ohne Doppelpunkt (-0800 statt -08:00).
        [no-offset] hat keinen Zeitzonen-Offset; er wurde als japanische Zeit (+09:00) gelesen.
       *[date-only] ist ein Datum ohne Uhrzeit; er wurde als 00:00 Uhr japanischer Zeit gelesen.
    }
deviation-timestamp-unreadable = Der timestamp ist nicht lesbar: { $detail }
deviation-no-header = Dem Dokument fehlt der Header.
deviation-no-user-agent = Im Sender fehlt der UserAgent (laut DTD erforderlich).
deviation-networkid-case = Ein Credential verwendet domain="NetworkID"; Amazon schreibt „NetworkId“ (beide Schreibweisen werden akzeptiert).
deviation-element-order = <{ $element }> steht in <{ $parent }> nach <{ $after }>; laut DTD gehört es davor (akzeptiert).
deviation-oci-truncated = Ein OCI-Feld wurde gekürzt: { $detail }
deviation-edit-without-items = Der Punchout mit operation="{ $operation }" enthielt kein ItemOut; der Einkaufswagen beginnt daher leer.
deviation-unknown-item = Das ItemOut { $asin } ist nicht im Katalog von absim und wurde nicht in den Einkaufswagen übernommen.
deviation-oci-okcode = ~OkCode ist „{ $ok_code }“; SAP erwartet ADDI.
deviation-postal-code-form = Der PostalCode „{ $code }“ im ShipTo hat nicht das Format, das { $site } verwendet (Beispiel: { $example }).
deviation-ship-to-abroad = Die ShipTo-Adresse liegt im Land { $country }, nicht in { $store_country }, wohin { $site } liefert.
deviation-from-mismatch = Kein Credential im From enthält den System-Login „{ $login }“ (im Sender ist er enthalten).
deviation-to-not-amazon = Das Credential im To sollte die Identity „Amazon“ mit domain="NetworkId" sein.
deviation-no-bill-to = Der OrderRequestHeader enthält kein BillTo (laut DTD erforderlich).
deviation-no-total = Der OrderRequestHeader enthält kein Total (laut DTD erforderlich).
deviation-no-classification = ItemOut-Position { $line } enthält keine Classification (laut DTD erforderlich).
deviation-no-line-number = ItemOut { $position } hat keine lineNumber; Auftragsbestätigungen und Versandbenachrichtigungen benötigen eine, daher verwendet absim { $position }.
deviation-no-item-detail = ItemOut-Position { $line } enthält kein ItemDetail; ihr Preis wird mit 0 angesetzt.
deviation-unknown-scenario = Das Extrinsic absim.scenario nennt „{ $id }“, das kein Szenario ist; stattdessen wurde „{ $fallback }“ verwendet.

