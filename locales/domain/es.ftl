# absim's notes (checks, decisions, refusals, settings refused), es.
# The domain names a message by its id and gives its values; pages render it.

## The PO against its punchout and cart (checks)
check-po-unlinked = No se puede vincular la orden de compra a ninguna sesión de punchout: ninguna línea tiene un SupplierPartAuxiliaryID que coincida con el de una cesta.
check-po-linked = La orden de compra está vinculada a su sesión de punchout por su SupplierPartAuxiliaryID.
check-without-punchout = No se puede comprobar: la orden de compra no está vinculada a ningún punchout.
check-line-aux-in-no-cart = Línea { $line }: el SupplierPartAuxiliaryID «{ $aux }» no está en ninguna cesta devuelta por absim (devuelva tal cual el valor de la cesta).
check-punchout-credentials = Las credenciales del punchout eran válidas.
check-punchout-email = El punchout incluía el correo electrónico del usuario.
check-punchout-hook = El punchout incluía la URL de retorno (hook URL).
check-po-before-cart = La orden de compra ha llegado antes de que se devolviera ninguna cesta al sistema de compras.
check-lines-match = Todas las líneas de la orden de compra coinciden con la cesta (ASIN, SupplierPartAuxiliaryID, cantidad, precio unitario y moneda).
check-line-aux-missing = Línea { $line }: falta el SupplierPartAuxiliaryID (devuelva el mismo valor que traía la cesta).
check-line-aux-unknown = Línea { $line }: el SupplierPartAuxiliaryID «{ $aux }» no figura en la última cesta devuelta.
# $field: asin, quantity, unit-price or currency.
check-line-differs = Línea { $line }: { $field ->
        [quantity] cantidad
        [unit-price] precio unitario
        [currency] moneda
       *[asin] ASIN (SupplierPartID)
    } — se esperaba «{ $expected }» y se ha recibido «{ $received }»
check-po-total-equal = El Total de la orden de compra ({ $total }) coincide con la suma de sus líneas ({ $sum }).
check-po-total-differs = El Total de la orden de compra ({ $total }) no coincide con la suma de sus líneas ({ $sum }).
check-po-total-missing = La orden de compra no tiene Total.
check-order-id-unique = El orderID «{ $order_id }» es único en este grupo.
check-no-bill-to = La orden de compra no tiene BillTo (sí tiene ShipTo).
check-ship-to-and-bill-to = La orden de compra tiene ShipTo y BillTo.

## Refused or accepted as the scenario expects (checks)
check-refused-as-expected = La orden de compra se ha rechazado con { $expected }, tal como prevé el escenario.
check-refused-otherwise = El escenario prevé un rechazo con { $expected }, pero la orden de compra se ha rechazado con { $code } { $text }: { $message }
check-refused = Se ha rechazado la orden de compra ({ $code } { $text }): { $message }
check-accepted-not-refused = El escenario prevé que la orden de compra se rechace con { $expected }, pero se ha aceptado.
check-po-after-empty-cart = La cesta ha vuelto vacía: no debería haberse enviado ninguna orden de compra.

## Documents absim sent for the order (checks)
# A document's name: $kind is confirmation, ship_notice or invoice; $step is a ship notice's number (with its space) or nothing.
delivery-document = { $kind ->
        [ship_notice] ShipNoticeRequest
        [invoice] InvoiceDetailRequest
       *[confirmation] ConfirmationRequest
    }{ $step }
check-delivery-no-endpoint = { delivery-document }: no hay ningún endpoint configurado, así que no se puede comprobar la respuesta del comprador.
check-delivery-answered = El comprador ha respondido al { delivery-document } con cXML { $cxml } (intento { $attempt }).
check-delivery-failed = No se ha podido entregar el { delivery-document }: { $error }
check-delivery-retrying = El comprador aún no ha acusado recibo del { delivery-document } (intento { $attempt }: { $last }); absim vuelve a intentarlo.
check-delivery-waiting = El { delivery-document } sigue pendiente de envío.
check-documents-owed = { $count ->
        [one] Aún queda un documento
       *[other] Aún quedan { $count } documentos
    } por enviar.

## What a scenario expects of the buyer (checks)
check-edit-seen = La cesta se ha vuelto a abrir con operation="edit".
check-edit-not-seen = La cesta no se ha vuelto a abrir nunca con operation="edit".
check-inspect-seen = La cesta se ha abierto con operation="inspect".
check-inspect-not-seen = La cesta no se ha abierto nunca con operation="inspect".
check-cart-reflected = La orden de compra refleja los cambios de la cesta editada.
check-cart-lines-missing = Faltan en la orden de compra líneas de la cesta editada: { $lines }
check-several-lines = La orden de compra tiene { $count } líneas, una de ellas con una cantidad superior a uno.
check-several-lines-missing = La orden de compra tiene { $count ->
        [one] una línea
       *[other] { $count } líneas
    }; el escenario necesita dos o más, una de ellas con una cantidad superior a uno.
check-description-damaged = Línea { $line }: la Description ha llegado alterada — se esperaba «{ $expected }» y se ha recibido «{ $received }»
check-descriptions-intact = Los títulos, en el idioma de la tienda, han llegado intactos a la orden de compra.
check-resent-same-payload = Tras el fallo inyectado, el comprador ha vuelto a enviar la misma orden de compra (con el mismo payloadID).
check-resent-new-payload = La orden de compra se ha reenviado con un payloadID nuevo; al reenviar el mismo documento hay que conservar su payloadID.
check-no-fault-before = No se ha inyectado ningún fallo antes de esta orden de compra: no se puede comprobar el reintento.
check-delivery-retried = El endpoint del comprador ha aceptado un documento después de fallar en los primeros intentos.
check-delivery-retries-pending = Esperando a que terminen los reintentos.
check-delivery-not-retried = Ninguna entrega ha necesitado reintentos: haga que el endpoint falle durante un tiempo y vuelva a probar.

## A CI run: what must arrive (checks)
run-punched-out = El sistema de compras ha hecho punchout (operation="{ $operation }").
run-no-punchout = No ha llegado ningún punchout (PunchOutSetupRequest) del sistema de compras.
run-cart-returned = Se ha devuelto una cesta ({ $count ->
        [one] una línea
       *[other] { $count } líneas
    }).
run-no-cart = No se ha devuelto ninguna cesta (no se ha pulsado «Solicitar aprobación» o el PunchOutOrderMessage no ha llegado a la URL de retorno).
# $check is the note of the check that never came true.
run-timed-out = Tiempo agotado ({ $secs } s): { $check }
run-waiting-empty-cart = Esperando a que vuelva la cesta vacía.
run-po-after-empty-cart = Ha llegado una orden de compra (orderID «{ $order_id }») después de que la cesta volviera vacía: un sistema de compras no envía ninguna orden de compra para una cesta vacía.
run-quiet-after-empty-cart = No ha llegado ninguna orden de compra en los { $secs } s siguientes a la cesta vacía.
run-watching-after-empty-cart = Comprobando que no llega ninguna orden de compra después de la cesta vacía.
run-not-resent = No se ha vuelto a enviar ninguna orden de compra tras el fallo inyectado ({ $fault }, payloadID «{ $payload_id }»): el sistema de compras debe reenviar la misma orden de compra con el mismo payloadID.
run-no-po = No ha llegado ninguna orden de compra (OrderRequest).
run-po-arrived = Ha llegado una orden de compra (orderID «{ $order_id }»).
run-waiting-refusal = Esperando una orden de compra que absim rechace con { $expected }.

## Safeguard and scenario decisions on a PO
decision-third-party-removed = Línea { $line }: el producto no lo envía Amazon; se ha eliminado del pedido.
decision-delivery-too-late = Línea { $line }: la entrega tarda { $days } días y supera el máximo de { $max } días; se ha eliminado.
decision-stock-rest-cancelled = Línea { $line }: hay { $stock } en stock; se envía lo disponible y el resto ({ $short }) se cancela.
decision-stock-rest-backordered = Línea { $line }: hay { $stock } en stock; se envía lo disponible y el resto ({ $short }) queda pendiente de stock.
decision-price-rise-kept = Línea { $line }: el precio unitario ha subido de { $from } a { $to } ({ $rise } %), dentro de la tolerancia del { $max } %; se confirma al nuevo precio.
decision-price-rise-removed = Línea { $line }: el precio unitario ha subido un { $rise } %, por encima de la tolerancia del { $max } %; se ha eliminado.
decision-repriced = La orden de compra ha llegado { $days } días después de la cesta: los precios se han recalculado en el momento del pedido.
# $reason is the reason as the confirmation gives it to the buyer.
decision-order-cancelled = Se ha cancelado todo el pedido: { $reason }

## A PO refused (the buyer receives the English, as Amazon answers)
refusal-no-item-out = el OrderRequest no tiene ningún ItemOut
refusal-sender-secret = Credenciales del remitente no válidas o no reconocidas: la Identity del Sender es el usuario del sistema de este grupo, «{ $login }», pero el SharedSecret (contraseña) no coincide
refusal-sender-identity = Credenciales del remitente no válidas o no reconocidas: la Identity del Sender, { $sent }, no es el usuario del sistema «{ $login }» del grupo de esta URL de PO Request
refusal-no-payload-id = el elemento cXML no tiene payloadID; cada documento necesita uno propio y único
refusal-too-many-lines = el OrderRequest tiene { $items } líneas ItemOut; absim admite como máximo { $max } por pedido (divídalo)
refusal-order-type = 001-001: no se admite OrderRequest type="{ $kind }"; Amazon Business solo acepta type="new" (envíe un pedido nuevo en lugar de una modificación o una cancelación)
refusal-no-ship-to = 001-005: el OrderRequestHeader no tiene ShipTo; Amazon Business necesita una dirección de envío en cada pedido
refusal-no-order-id = el OrderRequestHeader no tiene orderID
refusal-no-asin = la línea ItemOut { $line } no tiene ItemID/SupplierPartID (el ASIN)
refusal-line-number = el ItemOut { $position } tiene el lineNumber «{ $sent }», que no es un número entero
refusal-quantity = la línea ItemOut { $line } tiene la cantidad «{ $sent }»; se esperaba un número mayor que cero
refusal-unit-price = la línea ItemOut { $line } tiene el UnitPrice «{ $sent }», que no es un número

## A body absim could not read ($detail is the XML parser's own words)
read-empty = El cuerpo de la petición está vacío; envíe un documento cXML.
read-not-utf8 = El cuerpo no está codificado en UTF-8 válido ({ $detail }).
read-entity-declared = El DOCTYPE declara entidades; absim nunca expande ni descarga entidades.
read-not-xml = El cuerpo no es un XML bien formado: { $detail }
read-too-deep = Los elementos tienen demasiados niveles de anidamiento.
read-wrong-root = El elemento raíz es <{ $root }>; un documento cXML empieza por <cXML>.
read-wrong-payload = <{ $container }> requiere un elemento { $expected }, pero absim ha recibido { $found }.
read-malformed = El documento no se ajusta al modelo cXML: { $detail }

## Refusals that depend on the store or the group's history
refusal-duplicate-payload-id = el payloadID «{ $id }» ya se había recibido; cada documento necesita un payloadID único
refusal-duplicate-order-id = el orderID «{ $id }» ya se había recibido en este grupo
refusal-no-state = 001-005: el ShipTo no tiene State; { $site } necesita el estado o la provincia de envío (el impuesto depende de ello)
refusal-unknown-state = 001-005: el State «{ $state }» del ShipTo no es un estado ni una provincia de { $country }

## A setting absim will not take
# $setting: purchasing-system, cart-field, marketplace, action, quantity-action, fault, cxml-errors, mode, scope or payment-method; $choices lists the values that would do.
setting-unknown-value = «{ $value }» no es { $setting ->
        [purchasing-system] un sistema de compras válido
        [cart-field] un campo válido para devolver la cesta
        [marketplace] un marketplace válido
        [action] una acción de salvaguarda válida
        [quantity-action] una acción válida para la falta de stock
        [fault] un tipo de fallo válido
        [cxml-errors] una forma válida de devolver los errores cXML
        [mode] un modo válido
        [scope] un ámbito válido
       *[payment-method] un método de pago válido
    }; elija uno de estos valores: { $choices }.
setting-no-tax-exemption = tax_exempt: el marketplace { $marketplace } no tiene exención de impuestos; solo puede estar exento un grupo de { $allowed }.
setting-identity = No se puede usar el usuario del sistema «{ $identity }»: debe tener entre 4 y 64 caracteres y solo puede contener letras, dígitos, guiones y guiones bajos.
setting-secret = La contraseña debe tener entre 6 y 30 caracteres, solo puede contener letras y dígitos, y debe incluir al menos una letra y un dígito.
setting-identity-taken = Otro grupo ya usa el usuario del sistema «{ $identity }».
setting-endpoint = «{ $url }» no es una URL http(s).
setting-price-tolerance-max = La tolerancia de precio no puede superar el 1000 %.
setting-delivery-days-max = El plazo de entrega no puede superar los 365 días.
setting-fault-share = El porcentaje de respuestas con fallo debe estar entre 0 y 100.
setting-fault-delay-max = El retraso no puede superar los 600000 ms.
setting-fault-timeout-max = El tiempo sin responder no puede superar los 3600 s.
# $field is the form field's label as the page shows it.
setting-not-whole-number = { $field }: «{ $value }» no es un número entero.
setting-not-amount = { $field }: «{ $value }» no es un importe.
setting-not-email = «{ $value }» no es una dirección de correo electrónico.
setting-name-empty = El nombre del grupo está vacío.
group-not-found = No existe el grupo { $id }.
settings-not-saved = No se ha podido guardar la configuración; inténtelo de nuevo.
## Why units are rejected (the confirmation's Comments, in the store's language)
reason-third-party = Retirado: no lo envía Amazon
reason-delivery-time = Entrega en { $days } días, por encima del máximo de { $max } días
reason-stock = Stock insuficiente ({ $stock } disponibles)
reason-price-rise = El precio ha subido un { $rise } %, por encima de la tolerancia del { $max } %
reason-shipping = Gastos de envío de { $shipping }, por encima del máximo de { $max }
reason-cancelled = Cancelado

## What a lenient reading accepted (a deviation: deviation-<its code>; $message is absim's English)
deviation-root-case = El elemento raíz está escrito como <{ $root }> (lo correcto es <cXML>)
deviation-bom = El cuerpo de la petición empieza con una marca de orden de bytes (BOM) UTF-8
deviation-encoding-decoded = El documento está codificado en { $encoding }; absim lo ha descodificado (quien envíe cXML debe usar UTF-8)
deviation-no-xml-declaration = El documento no tiene declaración XML (<?xml version="1.0" encoding="UTF-8"?>)
deviation-no-doctype = El documento no tiene ningún DOCTYPE que remita a la DTD de cXML
deviation-encoding-declared = La declaración XML indica encoding="{ $encoding }", pero el cuerpo es UTF-8 válido; se ha leído como UTF-8
deviation-doctype-host-case = El DOCTYPE indica el host «{ $host }»; la forma correcta es xml.cxml.org
deviation-no-timestamp = El elemento cXML no tiene el atributo timestamp
# $form: utc, offset-without-colon, no-offset or date-only.
deviation-timestamp-form = El timestamp «{ $timestamp }» { $form ->
        [utc] usa 'Z' (o -00:00) en lugar de un desfase numérico como +09:00
        [offset-without-colon] escribe el desfase sin dos puntos (-0800 en lugar de -08:00)
        [no-offset] no indica el desfase de la zona horaria; se ha interpretado como hora de Japón (+09:00)
       *[date-only] es una fecha sin hora; se ha interpretado como las 00:00, hora de Japón
    }
deviation-timestamp-unreadable = No se ha podido leer el timestamp: { $detail }
deviation-no-header = El documento no tiene Header
deviation-no-user-agent = El Sender no tiene UserAgent (obligatorio según la DTD)
deviation-networkid-case = Una Credential usa el domain «NetworkID»; Amazon escribe «NetworkId» (se aceptan ambas formas)
deviation-element-order = <{ $element }> aparece después de <{ $after }> dentro de <{ $parent }>, pero la DTD lo sitúa antes (aceptado)
deviation-oci-truncated = Se ha truncado un campo OCI: { $detail }
deviation-edit-without-items = La petición con operation="{ $operation }" no traía ningún ItemOut, así que la cesta empieza vacía
deviation-unknown-item = El ItemOut { $asin } no está en el catálogo de absim; no se ha añadido a la cesta
deviation-oci-okcode = El valor de ~OkCode es «{ $ok_code }»; SAP espera ADDI
deviation-postal-code-form = El PostalCode «{ $code }» del ShipTo no tiene el formato que usa { $site } (por ejemplo, { $example })
deviation-ship-to-abroad = El ShipTo está en el país { $country }, no en el país al que envía { $site } ({ $store_country })
deviation-from-mismatch = Ninguna Credential del From contiene el usuario del sistema «{ $login }» (la del Sender sí)
deviation-to-not-amazon = La Credential del To debe tener la Identity «Amazon» en el domain «NetworkId»
deviation-no-bill-to = El OrderRequestHeader no tiene BillTo (obligatorio según la DTD)
deviation-no-total = El OrderRequestHeader no tiene Total (obligatorio según la DTD)
deviation-no-classification = La línea ItemOut { $line } no tiene Classification (obligatoria según la DTD)
deviation-no-line-number = El ItemOut { $position } no tiene lineNumber; las confirmaciones de pedido y los avisos de envío lo necesitan, así que absim usa { $position }
deviation-no-item-detail = La línea ItemOut { $line } no tiene ItemDetail; se ha tomado 0 como precio
deviation-unknown-scenario = El Extrinsic absim.scenario indica «{ $id }», que no es ningún escenario; se ha usado «{ $fallback }»

