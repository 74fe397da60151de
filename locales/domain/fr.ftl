# absim's notes (checks, decisions, refusals, settings refused), fr.
# The domain names a message by its id and gives its values; pages render it.

## The PO against its punchout and cart (checks)
check-po-unlinked = Impossible de rattacher le bon de commande à une session punchout : aucun SupplierPartAuxiliaryID de ses lignes ne correspond à un panier.
check-po-linked = Le bon de commande est rattaché à sa session punchout par son SupplierPartAuxiliaryID.
check-without-punchout = Vérification impossible : le bon de commande n’est rattaché à aucun punchout.
check-line-aux-in-no-cart = Ligne { $line } : le SupplierPartAuxiliaryID « { $aux } » ne figure dans aucun panier renvoyé par absim (renvoyez tel quel celui du panier).
check-punchout-credentials = Les identifiants du punchout étaient valides.
check-punchout-email = Le punchout transmettait l’adresse e-mail de l’utilisateur.
check-punchout-hook = Le punchout transmettait l’URL de retour (hook).
check-po-before-cart = Le bon de commande est arrivé avant que le moindre panier ait été renvoyé au système d’achat.
check-lines-match = Chaque ligne du bon de commande correspond au panier (ASIN, SupplierPartAuxiliaryID, quantité, prix unitaire, devise).
check-line-aux-missing = Ligne { $line } : aucun SupplierPartAuxiliaryID (renvoyez tel quel celui du panier).
check-line-aux-unknown = Ligne { $line } : le SupplierPartAuxiliaryID « { $aux } » ne figure pas dans le dernier panier renvoyé.
# $field: asin, quantity, unit-price or currency.
check-line-differs = Ligne { $line } : { $field ->
        [quantity] quantité
        [unit-price] prix unitaire
        [currency] devise
       *[asin] ASIN (SupplierPartID)
    } — valeur attendue « { $expected } », valeur reçue « { $received } »
check-po-total-equal = Le Total du bon de commande ({ $total }) est égal à la somme de ses lignes ({ $sum }).
check-po-total-differs = Le Total du bon de commande ({ $total }) diffère de la somme de ses lignes ({ $sum }).
check-po-total-missing = Le bon de commande ne comporte pas de Total.
check-order-id-unique = L’orderID « { $order_id } » est unique dans ce groupe.
check-no-bill-to = Le bon de commande ne comporte pas de BillTo (il comporte un ShipTo).
check-ship-to-and-bill-to = Le bon de commande comporte un ShipTo et un BillTo.

## Refused or accepted as the scenario expects (checks)
check-refused-as-expected = Le bon de commande a été refusé avec { $expected }, comme le prévoit le scénario.
check-refused-otherwise = Le scénario prévoit un refus avec { $expected }, mais le bon de commande a été refusé avec { $code } { $text } : { $message }
check-refused = Le bon de commande a été refusé ({ $code } { $text }) : { $message }
check-accepted-not-refused = Le scénario prévoit que le bon de commande soit refusé avec { $expected }, mais il a été accepté.
check-po-after-empty-cart = Le panier est revenu vide : aucun bon de commande n’aurait dû être envoyé.

## Documents absim sent for the order (checks)
# A document's name: $kind is confirmation, ship_notice or invoice; $step is a ship notice's number (with its space) or nothing.
delivery-document = { $kind ->
        [ship_notice] ShipNoticeRequest
        [invoice] InvoiceDetailRequest
       *[confirmation] ConfirmationRequest
    }{ $step }
check-delivery-no-endpoint = Document { delivery-document } : aucune URL de réception n’est configurée, la réponse de l’acheteur ne peut donc pas être vérifiée.
check-delivery-answered = L’acheteur a répondu au document { delivery-document } avec le statut cXML { $cxml } (tentative { $attempt }).
check-delivery-failed = Le document { delivery-document } n’a pas pu être remis : { $error }
check-delivery-retrying = L’acheteur n’a pas encore accusé réception du document { delivery-document } (tentative { $attempt } : { $last }) ; absim fait une nouvelle tentative.
check-delivery-waiting = Le document { delivery-document } attend encore d’être envoyé.
check-documents-owed = { $count ->
        [one] Il reste encore { $count } document
       *[other] Il reste encore { $count } documents
    } à envoyer.

## What a scenario expects of the buyer (checks)
check-edit-seen = Le panier a été rouvert avec operation="edit".
check-edit-not-seen = Le panier n’a jamais été rouvert avec operation="edit".
check-inspect-seen = Le panier a été ouvert avec operation="inspect".
check-inspect-not-seen = Le panier n’a jamais été ouvert avec operation="inspect".
check-cart-reflected = Le bon de commande reprend bien le panier modifié.
check-cart-lines-missing = Des lignes du panier modifié manquent dans le bon de commande : { $lines }
check-several-lines = Le bon de commande compte { $count } lignes, dont une avec une quantité supérieure à un.
check-several-lines-missing = Le bon de commande compte { $count ->
        [one] { $count } ligne
       *[other] { $count } lignes
    } ; le scénario en demande au moins deux, dont une avec une quantité supérieure à un.
check-description-damaged = Ligne { $line } : la Description a été altérée — valeur attendue « { $expected } », valeur reçue « { $received } »
check-descriptions-intact = Les noms des produits, dans la langue de la boutique, sont parvenus intacts jusqu’au bon de commande.
check-resent-same-payload = Après la défaillance injectée, l’acheteur a renvoyé le même bon de commande (même payloadID).
check-resent-new-payload = Le bon de commande a été renvoyé avec un nouveau payloadID ; le renvoi d’un même document conserve son payloadID.
check-no-fault-before = Aucune défaillance injectée n’a précédé ce bon de commande : impossible d’observer une nouvelle tentative.
check-delivery-retried = L’URL de réception de l’acheteur a accepté un document après un premier échec.
check-delivery-retries-pending = En attente de la fin des nouvelles tentatives.
check-delivery-not-retried = Aucun envoi n’a nécessité de nouvelle tentative : faites échouer l’URL de réception pendant quelque temps, puis recommencez.

## A CI run: what must arrive (checks)
run-punched-out = Le système d’achat a lancé un punchout (operation="{ $operation }").
run-no-punchout = Aucun punchout (PunchOutSetupRequest) n’a été reçu du système d’achat.
run-cart-returned = Un panier a été renvoyé ({ $count ->
        [one] { $count } ligne
       *[other] { $count } lignes
    }).
run-no-cart = Aucun panier n’a été renvoyé (« Demander l’approbation » n’a pas été choisi, ou le PunchOutOrderMessage n’a pas atteint l’URL de retour).
# $check is the note of the check that never came true.
run-timed-out = Délai de { $secs } s dépassé : { $check }
run-waiting-empty-cart = En attente du retour du panier vide.
run-po-after-empty-cart = Un bon de commande (orderID « { $order_id } ») est arrivé après le retour du panier vide : un système d’achat n’envoie pas de bon de commande pour un panier vide.
run-quiet-after-empty-cart = Aucun bon de commande n’est arrivé dans les { $secs } s qui ont suivi le panier vide.
run-watching-after-empty-cart = Vérification qu’aucun bon de commande ne suit le panier vide.
run-not-resent = Aucun bon de commande n’a été renvoyé après la défaillance injectée ({ $fault }, payloadID « { $payload_id } ») : le système d’achat doit renvoyer le même bon de commande avec le même payloadID.
run-no-po = Aucun bon de commande (OrderRequest) n’est arrivé.
run-po-arrived = Un bon de commande (orderID « { $order_id } ») est arrivé.
run-waiting-refusal = En attente d’un bon de commande qu’absim refusera avec { $expected }.

## Safeguard and scenario decisions on a PO
decision-third-party-removed = Ligne { $line } : article non expédié par Amazon, retiré de la commande.
decision-delivery-too-late = Ligne { $line } : la livraison en { $days } jours dépasse le maximum de { $max } jours ; ligne supprimée.
decision-stock-rest-cancelled = Ligne { $line } : { $stock } en stock ; cette quantité est expédiée et le reste ({ $short }) est annulé.
decision-stock-rest-backordered = Ligne { $line } : { $stock } en stock ; cette quantité est expédiée et le reste ({ $short }) est mis en attente de réapprovisionnement.
decision-price-rise-kept = Ligne { $line } : le prix unitaire est passé de { $from } à { $to } (hausse de { $rise } %), dans la limite de tolérance de { $max } % ; ligne confirmée au nouveau prix.
decision-price-rise-removed = Ligne { $line } : le prix unitaire a augmenté de { $rise } %, au-delà de la tolérance de { $max } % ; ligne supprimée.
decision-repriced = Le bon de commande est arrivé { $days } jours après le panier : les prix ont été recalculés à la date de la commande.
# $reason is the reason as the confirmation gives it to the buyer.
decision-order-cancelled = La commande entière a été annulée : { $reason }

## A PO refused (the buyer receives the English, as Amazon answers)
refusal-no-item-out = l’OrderRequest ne contient aucun ItemOut
refusal-sender-secret = Identifiants de l’expéditeur non valides ou non reconnus : l’Identity du Sender est bien l’identifiant système de ce groupe, « { $login } », mais le SharedSecret (mot de passe) ne correspond pas
refusal-sender-identity = Identifiants de l’expéditeur non valides ou non reconnus : l’Identity du Sender, { $sent }, n’est pas l’identifiant système « { $login } » du groupe auquel appartient cette URL PO Request
refusal-no-payload-id = l’élément cXML n’a pas de payloadID ; chaque document doit en avoir un qui lui soit propre
refusal-too-many-lines = l’OrderRequest compte { $items } lignes ItemOut ; absim en accepte au plus { $max } par commande (scindez-la)
refusal-order-type = 001-001 : le type="{ $kind }" de l’OrderRequest n’est pas pris en charge ; Amazon Business n’accepte que type="new" (envoyez une nouvelle commande plutôt qu’une modification ou une suppression)
refusal-no-ship-to = 001-005 : l’OrderRequestHeader ne comporte pas de ShipTo ; Amazon Business exige une adresse de livraison pour chaque commande
refusal-no-order-id = l’OrderRequestHeader ne comporte pas d’orderID
refusal-no-asin = la ligne ItemOut { $line } n’a pas d’ItemID/SupplierPartID (l’ASIN)
refusal-line-number = l’ItemOut { $position } a pour lineNumber « { $sent } », qui n’est pas un nombre entier
refusal-quantity = la ligne ItemOut { $line } a pour quantité « { $sent } » ; un nombre supérieur à zéro est attendu
refusal-unit-price = la ligne ItemOut { $line } a pour UnitPrice « { $sent } », qui n’est pas un nombre

## A body absim could not read ($detail is the XML parser's own words)
read-empty = Le corps de la requête est vide ; envoyez un document cXML.
read-not-utf8 = Le corps de la requête n’est pas de l’UTF-8 valide ({ $detail }).
read-entity-declared = Le DOCTYPE déclare des entités ; absim ne développe ni ne récupère jamais d’entités.
read-not-xml = Le corps de la requête n’est pas du XML bien formé : { $detail }
read-too-deep = L’imbrication des éléments est trop profonde.
read-wrong-root = L’élément racine est <{ $root }> ; un document cXML commence par <cXML>.
read-wrong-payload = <{ $container }> doit contenir un élément { $expected }, mais absim a reçu { $found }.
read-malformed = Le document ne correspond pas au modèle cXML : { $detail }

## Refusals that depend on the store or the group's history
refusal-duplicate-payload-id = le payloadID « { $id } » a déjà été reçu ; chaque document doit avoir un payloadID unique
refusal-duplicate-order-id = l’orderID « { $id } » a déjà été reçu pour ce groupe
refusal-no-state = 001-005 : le ShipTo ne comporte pas de State ; { $site } a besoin de l’État ou de la province de livraison (le calcul de la taxe en dépend)
refusal-unknown-state = 001-005 : le State « { $state } » du ShipTo n’est pas un État ou une province du pays { $country }

## A setting absim will not take
# $setting: purchasing-system, cart-field, marketplace, action, quantity-action, fault, cxml-errors, mode, scope or payment-method; $choices lists the values that would do.
setting-unknown-value = « { $value } » n’est pas { $setting ->
        [purchasing-system] un système d’achat
        [cart-field] un champ de retour de panier
        [marketplace] une marketplace
        [action] une action de garde-fou
        [quantity-action] une action en cas de stock insuffisant
        [fault] un type de défaillance
        [cxml-errors] un mode de réponse aux erreurs cXML
        [mode] un mode
        [scope] une portée
       *[payment-method] un mode de paiement
    } valide ; choisissez l’une des valeurs suivantes : { $choices }.
setting-no-tax-exemption = tax_exempt : la marketplace { $marketplace } ne propose pas d’exonération de taxes ; seul un groupe d’une marketplace parmi { $allowed } peut être exonéré.
setting-identity = L’identifiant système « { $identity } » ne peut pas être utilisé : il doit comporter de 4 à 64 caractères, uniquement des lettres, des chiffres, des traits d’union et des traits de soulignement.
setting-secret = Le mot de passe doit comporter de 6 à 30 caractères, uniquement des lettres et des chiffres, dont au moins une lettre et un chiffre.
setting-identity-taken = L’identifiant système « { $identity } » est déjà utilisé par un autre groupe.
setting-endpoint = « { $url } » n’est pas une URL http(s).
setting-price-tolerance-max = La tolérance de prix ne peut pas dépasser 1000 %.
setting-delivery-days-max = Le délai de livraison ne peut pas dépasser 365 jours.
setting-fault-share = La proportion de réponses en défaillance est un pourcentage, de 0 à 100.
setting-fault-delay-max = Le délai ne peut pas dépasser 600000 ms.
setting-fault-timeout-max = La durée de blocage ne peut pas dépasser 3600 s.
# $field is the form field's label as the page shows it.
setting-not-whole-number = { $field } : « { $value } » n’est pas un nombre entier.
setting-not-amount = { $field } : « { $value } » n’est pas un montant.
setting-not-email = « { $value } » n’est pas une adresse e-mail.
setting-name-empty = Le nom du groupe est vide.
group-not-found = Le groupe { $id } n’existe pas.
settings-not-saved = Les paramètres n’ont pas pu être enregistrés ; veuillez réessayer.
## Why units are rejected (the confirmation's Comments, in the store's language)
reason-third-party = Retiré : non expédié par Amazon
reason-delivery-time = Livraison en { $days } jours, au-delà du maximum de { $max } jours
reason-stock = Stock insuffisant ({ $stock } disponibles)
reason-price-rise = Prix en hausse de { $rise } %, au-delà de la tolérance de { $max } %
reason-shipping = Frais de livraison de { $shipping }, au-delà du maximum de { $max }
reason-cancelled = Annulé

## What a lenient reading accepted (a deviation: deviation-<its code>; $message is absim's English)
deviation-root-case = L’élément racine s’écrit <{ $root }> au lieu de <cXML>.
deviation-bom = Le corps de la requête commence par une marque d’ordre des octets (BOM) UTF-8.
deviation-encoding-decoded = Le document est encodé en { $encoding } ; absim l’a décodé (les expéditeurs cXML devraient utiliser l’UTF-8).
deviation-no-xml-declaration = Le document ne comporte pas de déclaration XML (<?xml version="1.0" encoding="UTF-8"?>).
deviation-no-doctype = Le document ne comporte pas de DOCTYPE désignant la DTD cXML.
deviation-encoding-declared = La déclaration XML indique encoding="{ $encoding }", mais le corps de la requête est de l’UTF-8 valide ; il a été lu comme de l’UTF-8.
deviation-doctype-host-case = Le DOCTYPE désigne l’hôte « { $host } » ; l’orthographe correcte est xml.cxml.org.
deviation-no-timestamp = L’élément cXML n’a pas d’attribut timestamp.
# $form: utc, offset-without-colon, no-offset or date-only.
deviation-timestamp-form = Le timestamp « { $timestamp } » { $form ->
        [utc] utilise 'Z' (ou -00:00) au lieu d’un décalage numérique tel que +09:00.
        [offset-without-colon] écrit le décalage sans deux-points (-0800 au lieu de -08:00).
        [no-offset] n’indique aucun décalage horaire ; il a été interprété à l’heure du Japon (+09:00).
       *[date-only] est une date sans heure ; il a été interprété comme 00:00, heure du Japon.
    }
deviation-timestamp-unreadable = Le timestamp est illisible : { $detail }
deviation-no-header = Le document ne comporte pas de Header.
deviation-no-user-agent = Le Sender ne comporte pas de UserAgent (obligatoire selon la DTD).
deviation-networkid-case = Un Credential utilise domain="NetworkID" ; Amazon écrit « NetworkId » (les deux graphies sont acceptées).
deviation-element-order = <{ $element }> vient après <{ $after }> dans <{ $parent }> ; la DTD le place avant (accepté).
deviation-oci-truncated = Un champ OCI a été tronqué : { $detail }
deviation-edit-without-items = Le punchout avec operation="{ $operation }" ne contenait aucun ItemOut ; le panier commence donc vide.
deviation-unknown-item = L’ItemOut { $asin } ne figure pas dans le catalogue d’absim ; il n’a pas été ajouté au panier.
deviation-oci-okcode = Le ~OkCode vaut « { $ok_code } » ; SAP attend ADDI.
deviation-postal-code-form = Le PostalCode « { $code } » du ShipTo n’a pas la forme utilisée par { $site } (par exemple { $example }).
deviation-ship-to-abroad = L’adresse ShipTo se trouve dans le pays { $country }, et non dans le pays { $store_country } où livre { $site }.
deviation-from-mismatch = Aucun Credential du From n’indique l’identifiant système « { $login } » (le Sender, lui, l’indique).
deviation-to-not-amazon = Le Credential du To devrait être l’Identity « Amazon » avec domain="NetworkId".
deviation-no-bill-to = L’OrderRequestHeader ne comporte pas de BillTo (obligatoire selon la DTD).
deviation-no-total = L’OrderRequestHeader ne comporte pas de Total (obligatoire selon la DTD).
deviation-no-classification = La ligne ItemOut { $line } ne comporte pas de Classification (obligatoire selon la DTD).
deviation-no-line-number = L’ItemOut { $position } n’a pas de lineNumber ; les confirmations de commande et les avis d’expédition en ont besoin, absim utilise donc { $position }.
deviation-no-item-detail = La ligne ItemOut { $line } ne comporte pas d’ItemDetail ; son prix est compté comme 0.
deviation-unknown-scenario = L’Extrinsic absim.scenario indique « { $id } », qui n’est pas un scénario ; « { $fallback } » a été utilisé à la place.

