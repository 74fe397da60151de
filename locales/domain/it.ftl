# absim's notes (checks, decisions, refusals, settings refused), it.
# The domain names a message by its id and gives its values; pages render it.

## The PO against its punchout and cart (checks)
check-po-unlinked = Impossibile collegare l'ordine d'acquisto a una sessione di punchout: nessuna riga ha un SupplierPartAuxiliaryID che corrisponda a un carrello.
check-po-linked = L'ordine d'acquisto è collegato alla sua sessione di punchout tramite il SupplierPartAuxiliaryID.
check-without-punchout = Impossibile verificare: l'ordine d'acquisto non è collegato a nessun punchout.
check-line-aux-in-no-cart = Riga { $line }: il SupplierPartAuxiliaryID '{ $aux }' non è in nessun carrello restituito da absim (rimandi il valore del carrello così com'è).
check-punchout-credentials = Le credenziali del punchout erano valide.
check-punchout-email = Il punchout conteneva l'indirizzo e-mail dell'utente.
check-punchout-hook = Il punchout conteneva l'Hook URL.
check-po-before-cart = L'ordine d'acquisto è arrivato prima che un carrello venisse restituito al sistema di acquisto.
check-lines-match = Tutte le righe dell'ordine d'acquisto corrispondono al carrello (ASIN, SupplierPartAuxiliaryID, quantità, prezzo unitario, valuta).
check-line-aux-missing = Riga { $line }: manca il SupplierPartAuxiliaryID (rimandi il valore ricevuto nel carrello).
check-line-aux-unknown = Riga { $line }: il SupplierPartAuxiliaryID '{ $aux }' non compare nell'ultimo carrello restituito.
# $field: asin, quantity, unit-price or currency.
check-line-differs = Riga { $line }: { $field ->
        [quantity] quantità
        [unit-price] prezzo unitario
        [currency] valuta
       *[asin] ASIN (SupplierPartID)
    } — valore atteso '{ $expected }', ricevuto '{ $received }'
check-po-total-equal = Il Total dell'ordine d'acquisto ({ $total }) corrisponde alla somma delle righe ({ $sum }).
check-po-total-differs = Il Total dell'ordine d'acquisto ({ $total }) non corrisponde alla somma delle righe ({ $sum }).
check-po-total-missing = Nell'ordine d'acquisto manca il Total.
check-order-id-unique = L'orderID '{ $order_id }' è univoco in questo gruppo.
check-no-bill-to = Nell'ordine d'acquisto manca il BillTo (lo ShipTo è presente).
check-ship-to-and-bill-to = L'ordine d'acquisto contiene sia lo ShipTo sia il BillTo.

## Refused or accepted as the scenario expects (checks)
check-refused-as-expected = L'ordine d'acquisto è stato rifiutato con { $expected }, come previsto dallo scenario.
check-refused-otherwise = Lo scenario prevede un rifiuto con { $expected }, ma l'ordine d'acquisto è stato rifiutato con { $code } { $text }: { $message }
check-refused = L'ordine d'acquisto è stato rifiutato ({ $code } { $text }): { $message }
check-accepted-not-refused = Lo scenario prevede che l'ordine d'acquisto venga rifiutato con { $expected }, ma è stato accettato.
check-po-after-empty-cart = Il carrello è tornato vuoto: non avrebbe dovuto essere inviato alcun ordine d'acquisto.

## Documents absim sent for the order (checks)
# A document's name: $kind is confirmation, ship_notice or invoice; $step is a ship notice's number (with its space) or nothing.
delivery-document = { $kind ->
        [ship_notice] Avviso di spedizione (ShipNoticeRequest)
        [invoice] Fattura (InvoiceDetailRequest)
       *[confirmation] Conferma d'ordine (ConfirmationRequest)
    }{ $step }
check-delivery-no-endpoint = { delivery-document }: non è configurato alcun endpoint, quindi la risposta del sistema di acquisto non può essere verificata.
check-delivery-answered = { delivery-document }: il sistema di acquisto ha risposto con cXML { $cxml } (tentativo { $attempt }).
check-delivery-failed = { delivery-document }: consegna non riuscita — { $error }
check-delivery-retrying = { delivery-document }: il sistema di acquisto non ne ha ancora confermato la ricezione (tentativo { $attempt }: { $last }); absim riproverà l'invio.
check-delivery-waiting = { delivery-document }: ancora in attesa di invio.
check-documents-owed = { $count ->
        [one] Resta ancora un documento
       *[other] Restano ancora { $count } documenti
    } da inviare.

## What a scenario expects of the buyer (checks)
check-edit-seen = Il carrello è stato riaperto con operation="edit".
check-edit-not-seen = Il carrello non è mai stato riaperto con operation="edit".
check-inspect-seen = Il carrello è stato aperto con operation="inspect".
check-inspect-not-seen = Il carrello non è mai stato aperto con operation="inspect".
check-cart-reflected = L'ordine d'acquisto rispecchia il carrello modificato.
check-cart-lines-missing = Nell'ordine d'acquisto mancano righe del carrello modificato: { $lines }
check-several-lines = L'ordine d'acquisto ha { $count } righe, di cui una con quantità superiore a uno.
check-several-lines-missing = L'ordine d'acquisto ha { $count ->
        [one] una sola riga
       *[other] { $count } righe
    }; lo scenario ne richiede almeno due, di cui una con quantità superiore a uno.
check-description-damaged = Riga { $line }: la Description risulta alterata — valore atteso '{ $expected }', ricevuto '{ $received }'
check-descriptions-intact = I nomi dei prodotti, nella lingua dello store, sono arrivati intatti nell'ordine d'acquisto.
check-resent-same-payload = Dopo l'errore iniettato, il sistema di acquisto ha inviato di nuovo lo stesso ordine d'acquisto (stesso payloadID).
check-resent-new-payload = L'ordine d'acquisto è stato reinviato con un nuovo payloadID; chi reinvia lo stesso documento deve mantenerne il payloadID.
check-no-fault-before = Nessun errore iniettato ha preceduto questo ordine d'acquisto: non è possibile osservare il nuovo tentativo.
check-delivery-retried = L'endpoint del sistema di acquisto ha accettato un documento dopo un primo tentativo non riuscito.
check-delivery-retries-pending = In attesa che i nuovi tentativi si concludano.
check-delivery-not-retried = Nessun invio ha richiesto un nuovo tentativo: faccia fallire l'endpoint per qualche tempo e riprovi.

## A CI run: what must arrive (checks)
run-punched-out = Il sistema di acquisto ha eseguito il punchout (operation="{ $operation }").
run-no-punchout = Dal sistema di acquisto non è arrivato alcun punchout (PunchOutSetupRequest).
run-cart-returned = È stato restituito un carrello ({ $count ->
        [one] una riga
       *[other] { $count } righe
    }).
run-no-cart = Non è stato restituito alcun carrello (“Richiedi approvazione” non è stato selezionato, oppure il PunchOutOrderMessage non ha raggiunto l'Hook URL).
# $check is the note of the check that never came true.
run-timed-out = Tempo scaduto ({ $secs } s): { $check }
run-waiting-empty-cart = In attesa che il carrello torni vuoto.
run-po-after-empty-cart = È arrivato un ordine d'acquisto (orderID '{ $order_id }') dopo che il carrello era tornato vuoto: per un carrello vuoto il sistema di acquisto non deve inviare alcun ordine d'acquisto.
run-quiet-after-empty-cart = Nei { $secs } s successivi al carrello vuoto non è arrivato alcun ordine d'acquisto.
run-watching-after-empty-cart = Verifica in corso: al carrello vuoto non deve seguire alcun ordine d'acquisto.
run-not-resent = Dopo l'errore iniettato ({ $fault }, payloadID '{ $payload_id }') non è stato reinviato alcun ordine d'acquisto: il sistema di acquisto deve reinviare lo stesso ordine d'acquisto con lo stesso payloadID.
run-no-po = Non è arrivato alcun ordine d'acquisto (OrderRequest).
run-po-arrived = È arrivato un ordine d'acquisto (orderID '{ $order_id }').
run-waiting-refusal = In attesa di un ordine d'acquisto che absim rifiuterà con { $expected }.

## Safeguard and scenario decisions on a PO
decision-third-party-removed = Riga { $line }: articolo non spedito da Amazon, rimosso dall'ordine.
decision-delivery-too-late = Riga { $line }: la consegna in { $days } giorni supera il massimo di { $max } giorni; riga rimossa.
decision-stock-rest-cancelled = Riga { $line }: disponibilità { $stock }; si spedisce questa quantità e si annulla il resto ({ $short }).
decision-stock-rest-backordered = Riga { $line }: disponibilità { $stock }; si spedisce questa quantità e si mette il resto ({ $short }) in attesa di disponibilità.
decision-price-rise-kept = Riga { $line }: il prezzo unitario è aumentato da { $from } a { $to } ({ $rise } %), entro la tolleranza ({ $max } %): riga confermata al nuovo prezzo.
decision-price-rise-removed = Riga { $line }: il prezzo unitario è aumentato di { $rise } %, oltre la tolleranza ({ $max } %); riga rimossa.
decision-repriced = L'ordine d'acquisto è arrivato { $days } giorni dopo il carrello: i prezzi sono stati ricalcolati al momento dell'ordine.
# $reason is the reason as the confirmation gives it to the buyer.
decision-order-cancelled = L'intero ordine è stato annullato: { $reason }

## A PO refused (the buyer receives the English, as Amazon answers)
refusal-no-item-out = l'OrderRequest non contiene alcun ItemOut
refusal-sender-secret = Credenziali del mittente non valide o non riconosciute: l'Identity del Sender è il login di sistema di questo gruppo, '{ $login }', ma lo SharedSecret (password) non corrisponde
refusal-sender-identity = Credenziali del mittente non valide o non riconosciute: l'Identity del Sender, { $sent }, non è il login di sistema '{ $login }' del gruppo di questo PO Request URL
refusal-no-payload-id = l'elemento cXML non ha un payloadID; ogni documento ne richiede uno univoco
refusal-too-many-lines = l'OrderRequest contiene { $items } righe ItemOut; absim ne accetta al massimo { $max } per ordine (suddivida l'ordine)
refusal-order-type = 001-001: OrderRequest type="{ $kind }" non è supportato; Amazon Business accetta solo type="new" (invii un nuovo ordine anziché una modifica o un annullamento)
refusal-no-ship-to = 001-005: nell'OrderRequestHeader manca lo ShipTo; Amazon Business richiede un indirizzo di consegna in ogni ordine
refusal-no-order-id = nell'OrderRequestHeader manca l'orderID
refusal-no-asin = la riga ItemOut { $line } non ha ItemID/SupplierPartID (l'ASIN)
refusal-line-number = l'ItemOut { $position } ha lineNumber '{ $sent }', che non è un numero intero
refusal-quantity = la riga ItemOut { $line } ha quantità '{ $sent }'; è richiesto un numero maggiore di zero
refusal-unit-price = la riga ItemOut { $line } ha UnitPrice '{ $sent }', che non è un numero

## A body absim could not read ($detail is the XML parser's own words)
read-empty = Il corpo della richiesta è vuoto; invii un documento cXML.
read-not-utf8 = Il corpo della richiesta non è in UTF-8 valido ({ $detail }).
read-entity-declared = Il DOCTYPE dichiara delle entità; absim non espande né recupera mai entità.
read-not-xml = Il corpo della richiesta non è XML ben formato: { $detail }
read-too-deep = Gli elementi sono annidati a una profondità eccessiva.
read-wrong-root = L'elemento radice è <{ $root }>; un documento cXML inizia con <cXML>.
read-wrong-payload = <{ $container }> deve contenere un elemento { $expected }, ma absim ha ricevuto: { $found }.
read-malformed = Il documento non è conforme al modello cXML: { $detail }

## Refusals that depend on the store or the group's history
refusal-duplicate-payload-id = il payloadID '{ $id }' è già stato ricevuto; ogni documento richiede un payloadID univoco
refusal-duplicate-order-id = l'orderID '{ $id }' è già stato ricevuto per questo gruppo
refusal-no-state = 001-005: lo ShipTo non ha State; { $site } richiede lo stato o la provincia di consegna (da cui dipendono le imposte)
refusal-unknown-state = 001-005: lo State '{ $state }' dello ShipTo non è uno stato o una provincia di { $country }

## A setting absim will not take
# $setting: purchasing-system, cart-field, marketplace, action, quantity-action, fault, cxml-errors, mode, scope or payment-method; $choices lists the values that would do.
setting-unknown-value = '{ $value }' non è valido come { $setting ->
        [purchasing-system] sistema di acquisto
        [cart-field] campo del modulo del carrello
        [marketplace] marketplace
        [action] azione delle protezioni degli ordini
        [quantity-action] azione in caso di disponibilità insufficiente
        [fault] tipo di errore
        [cxml-errors] formato degli errori cXML
        [mode] modalità
        [scope] ambito
       *[payment-method] metodo di pagamento
    }; scelga tra { $choices }.
setting-no-tax-exemption = tax_exempt: il marketplace { $marketplace } non prevede l'esenzione fiscale; può essere esente da imposte solo un gruppo di { $allowed }.
setting-identity = Il login di sistema '{ $identity }' non può essere usato: deve contenere da 4 a 64 caratteri tra lettere, cifre, trattini e trattini bassi.
setting-secret = La password deve contenere da 6 a 30 caratteri tra lettere e cifre, con almeno una lettera e una cifra.
setting-identity-taken = Il login di sistema '{ $identity }' è già usato da un altro gruppo.
setting-endpoint = '{ $url }' non è un URL http(s).
setting-price-tolerance-max = La tolleranza sul prezzo non può superare il 1000 %.
setting-delivery-days-max = Il tempo di consegna non può superare 365 giorni.
setting-fault-share = La percentuale di risposte con errore deve essere compresa tra 0 e 100.
setting-fault-delay-max = Il ritardo non può superare 600000 ms.
setting-fault-timeout-max = Il tempo di attesa non può superare 3600 s.
# $field is the form field's label as the page shows it.
setting-not-whole-number = { $field }: '{ $value }' non è un numero intero.
setting-not-amount = { $field }: '{ $value }' non è un importo valido.
setting-not-email = '{ $value }' non è un indirizzo e-mail valido.
setting-name-empty = Il nome del gruppo è vuoto.
group-not-found = Il gruppo { $id } non esiste.
settings-not-saved = Impossibile salvare le impostazioni; riprovi.
## Why units are rejected (the confirmation's Comments, in the store's language)
reason-third-party = Rimosso: non spedito da Amazon
reason-delivery-time = Consegna in { $days } giorni, oltre il massimo di { $max } giorni
reason-stock = Disponibilità insufficiente ({ $stock } disponibili)
reason-price-rise = Prezzo aumentato del { $rise } %, oltre la tolleranza del { $max } %
reason-shipping = Spese di spedizione { $shipping }, oltre il massimo di { $max }
reason-cancelled = Annullato

## What a lenient reading accepted (a deviation: deviation-<its code>; $message is absim's English)
deviation-root-case = L'elemento radice è scritto <{ $root }> (la forma corretta è <cXML>)
deviation-bom = Il corpo della richiesta inizia con il BOM UTF-8 (indicatore dell'ordine dei byte)
deviation-encoding-decoded = Il documento è codificato in { $encoding }; absim lo ha decodificato (chi invia cXML dovrebbe usare UTF-8)
deviation-no-xml-declaration = Nel documento manca la dichiarazione XML (<?xml version="1.0" encoding="UTF-8"?>)
deviation-no-doctype = Nel documento manca il DOCTYPE che rimanda al DTD di cXML
deviation-encoding-declared = La dichiarazione XML indica encoding="{ $encoding }", ma il corpo è UTF-8 valido; è stato letto come UTF-8
deviation-doctype-host-case = Il DOCTYPE indica l'host '{ $host }'; la grafia corretta è xml.cxml.org
deviation-no-timestamp = L'elemento cXML non ha l'attributo timestamp
# $form: utc, offset-without-colon, no-offset or date-only.
deviation-timestamp-form = Il timestamp '{ $timestamp }' { $form ->
        [utc] utilizza 'Z' (oppure -00:00) al posto di un offset numerico come +09:00
        [offset-without-colon] riporta l'offset senza i due punti (-0800 anziché -08:00)
        [no-offset] non indica l'offset del fuso orario; è stato interpretato come ora del Giappone (+09:00)
       *[date-only] è una data senza ora; è stato interpretato come le 00:00 ora del Giappone
    }
deviation-timestamp-unreadable = Impossibile leggere il timestamp: { $detail }
deviation-no-header = Nel documento manca l'Header
deviation-no-user-agent = Nel Sender manca l'elemento UserAgent (obbligatorio secondo il DTD)
deviation-networkid-case = Una Credential usa il domain 'NetworkID'; Amazon scrive 'NetworkId' (sono accettate entrambe le forme)
deviation-element-order = <{ $element }> si trova dopo <{ $after }> all'interno di <{ $parent }>, ma il DTD lo colloca prima (accettato)
deviation-oci-truncated = Un campo OCI è stato troncato: { $detail }
deviation-edit-without-items = La richiesta con operation="{ $operation }" non conteneva alcun ItemOut, quindi il carrello parte vuoto
deviation-unknown-item = L'ItemOut { $asin } non è nel catalogo di absim; non è stato aggiunto al carrello
deviation-oci-okcode = Il valore di ~OkCode è '{ $ok_code }'; SAP si aspetta ADDI
deviation-postal-code-form = Il PostalCode '{ $code }' dello ShipTo non ha il formato usato da { $site } (ad esempio { $example })
deviation-ship-to-abroad = Lo ShipTo si trova nel paese { $country }, non in quello in cui consegna { $site } ({ $store_country })
deviation-from-mismatch = Nessuna Credential del From contiene il login di sistema '{ $login }' (quella del Sender sì)
deviation-to-not-amazon = La Credential del To deve avere Identity 'Amazon' nel domain 'NetworkId'
deviation-no-bill-to = Nell'OrderRequestHeader manca il BillTo (obbligatorio secondo il DTD)
deviation-no-total = Nell'OrderRequestHeader manca il Total (obbligatorio secondo il DTD)
deviation-no-classification = Nella riga ItemOut { $line } manca la Classification (obbligatoria secondo il DTD)
deviation-no-line-number = L'ItemOut { $position } non ha un lineNumber; conferme d'ordine e avvisi di spedizione ne richiedono uno, quindi absim usa { $position }
deviation-no-item-detail = Nella riga ItemOut { $line } manca l'ItemDetail; il prezzo è stato considerato pari a 0
deviation-unknown-scenario = L'Extrinsic absim.scenario indica '{ $id }', che non è uno scenario; è stato usato '{ $fallback }'

