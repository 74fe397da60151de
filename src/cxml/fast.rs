//! The fast readers' shared parts: the envelope of a Request document and
//! the elements several documents hold (header, credentials, contacts,
//! money, addresses, item identification and details), read from the
//! document's element tree ([`Tree`]). Each document's own reader
//! sits with its model (`order_request`, `punchout_setup`) and builds on
//! these; `read::read` reaches it through the payload's
//! `Payload::read_fast`. Reading the tree skips the serde
//! deserialiser's work of buffering events to find list items that may come
//! out of order, which is what every PO and every punchout would pay.
//!
//! The readers take the documents buyers send in practice and give up
//! (None) on anything unusual: an element repeated where the model holds
//! one, a missing envelope part the model requires, child elements inside
//! text, an empty element where text is expected, a payload beside other
//! elements. `read::read` then uses the serde deserialiser, which
//! stays the reference: tests and the `cxml_read` fuzz target check that
//! both give the same value whenever a fast reader answers.

use super::common::*;
use super::tree::Tree;
use super::{Cxml, Few, Request};

/// None gives up on the fast path.
pub(super) type Fast<T> = Option<T>;

/// Reads an optional element with `read`: None when absent, gives up when
/// `read` does.
pub(super) fn maybe<T>(
    found: Option<usize>,
    read: impl FnOnce(usize) -> Fast<T>,
) -> Fast<Option<T>> {
    match found {
        Some(id) => read(id).map(Some),
        None => Some(None),
    }
}

/// A Request document: exactly a Header and a Request holding only the
/// payload element `name`, which `payload` reads.
pub(super) fn request<P>(
    t: &Tree<'_>,
    name: &str,
    payload: impl FnOnce(usize) -> Fast<P>,
) -> Fast<Cxml<P>> {
    let root = 0;
    if t.name(root) != "cXML" {
        return None;
    }
    if t.one(root, "Message")?.is_some() || t.one(root, "Response")?.is_some() {
        return None;
    }
    t.bare(root)?;
    let request = t.bare(t.one(root, "Request")??)?;
    let mut inside = t.children(request);
    let (Some(element), None) = (inside.next(), inside.next()) else {
        return None;
    };
    if t.name(element) != name || t.bare(element).is_none() {
        return None;
    }
    Some(Cxml {
        version: t.attr(root, "version"),
        payload_id: t.attr(root, "payloadID").unwrap_or_default(),
        timestamp: t.attr(root, "timestamp").unwrap_or_default(),
        lang: t.attr(root, "xml:lang"),
        header: maybe(t.one(root, "Header")?, |h| header(t, h))?,
        message: None,
        request: Some(Request {
            deployment_mode: t.attr(request, "deploymentMode"),
            payload: payload(element)?,
        }),
        response: None,
    })
}

pub(super) fn header(t: &Tree, id: usize) -> Fast<Header> {
    t.bare(id)?;
    let sender = t.bare(t.one(id, "Sender")??)?;
    Some(Header {
        from: Party {
            credentials: credentials(t, t.bare(t.one(id, "From")??)?)?,
        },
        to: Party {
            credentials: credentials(t, t.bare(t.one(id, "To")??)?)?,
        },
        sender: Sender {
            credentials: credentials(t, sender)?,
            user_agent: t.child_text(sender, "UserAgent")?,
        },
    })
}

pub(super) fn credentials(t: &Tree, id: usize) -> Fast<Few<Credential>> {
    t.bare(id)?;
    t.all(id, "Credential")
        .map(|c| {
            t.bare(c)?;
            Some(Credential {
                domain: t.attr(c, "domain").unwrap_or_default(),
                identity: t.child_text(c, "Identity")?.unwrap_or_default(),
                shared_secret: t.child_text(c, "SharedSecret")?,
            })
        })
        .collect()
}

pub(super) fn contacts(t: &Tree, id: usize) -> Fast<Vec<Contact>> {
    t.all(id, "Contact")
        .map(|c| {
            t.bare(c)?;
            Some(Contact {
                role: t.attr(c, "role"),
                name: maybe(t.one(c, "Name")?, |n| name(t, n))?.unwrap_or_default(),
                email: t
                    .all(c, "Email")
                    .map(|e| email(t, e))
                    .collect::<Fast<_>>()?,
            })
        })
        .collect()
}

pub(super) fn money_holder(t: &Tree, id: usize) -> Fast<MoneyHolder> {
    t.bare(id)?;
    Some(MoneyHolder {
        money: match t.one(id, "Money")? {
            Some(m) => Money {
                currency: t.attr(m, "currency").unwrap_or_default(),
                value: t.text(m)?,
            },
            None => Money::default(),
        },
    })
}

pub(super) fn address_holder(t: &Tree, id: usize) -> Fast<AddressHolder> {
    t.bare(id)?;
    let Some(a) = maybe(t.one(id, "Address")?, |a| t.bare(a))? else {
        return Some(AddressHolder::default());
    };
    Some(AddressHolder {
        address: Address {
            iso_country_code: t.attr(a, "isoCountryCode"),
            address_id: t.attr(a, "addressID"),
            name: maybe(t.one(a, "Name")?, |n| name(t, n))?.unwrap_or_default(),
            postal_address: maybe(t.one(a, "PostalAddress")?, |p| postal_address(t, p))?,
            email: maybe(t.one(a, "Email")?, |e| email(t, e))?,
        },
    })
}

pub(super) fn postal_address(t: &Tree, id: usize) -> Fast<PostalAddress> {
    t.bare(id)?;
    let texts = |name: &str| t.all(id, name).map(|c| t.text(c)).collect::<Fast<Few<_>>>();
    Some(PostalAddress {
        name: t.attr(id, "name"),
        deliver_to: texts("DeliverTo")?,
        street: texts("Street")?,
        city: t.child_text(id, "City")?.unwrap_or_default(),
        state: t.child_text(id, "State")?,
        postal_code: t.child_text(id, "PostalCode")?,
        country: match t.one(id, "Country")? {
            Some(c) => Country {
                iso_country_code: t.attr(c, "isoCountryCode").unwrap_or_default(),
                name: t.text(c)?,
            },
            None => Country::default(),
        },
    })
}

pub(super) fn name(t: &Tree, id: usize) -> Fast<Name> {
    Some(Name {
        lang: t.attr(id, "xml:lang"),
        value: t.text(id)?,
    })
}

pub(super) fn email(t: &Tree, id: usize) -> Fast<Email> {
    Some(Email {
        name: t.attr(id, "name"),
        value: t.text(id)?,
    })
}

pub(super) fn extrinsics(t: &Tree, id: usize) -> Fast<Vec<Extrinsic>> {
    // Counted first, so that the list is allocated once at its size.
    let mut list = Vec::with_capacity(t.all(id, "Extrinsic").count());
    for e in t.all(id, "Extrinsic") {
        list.push(Extrinsic {
            name: t.attr(e, "name").unwrap_or_default(),
            value: t.text(e)?,
        });
    }
    Some(list)
}

/// The ItemID child of `id` (all empty when there is none).
pub(super) fn item_id(t: &Tree, id: usize) -> Fast<ItemId> {
    let read = |i| {
        t.bare(i)?;
        Some(ItemId {
            supplier_part_id: t.child_text(i, "SupplierPartID")?.unwrap_or_default(),
            supplier_part_auxiliary_id: t.child_text(i, "SupplierPartAuxiliaryID")?,
            buyer_part_id: t.child_text(i, "BuyerPartID")?,
        })
    };
    Some(maybe(t.one(id, "ItemID")?, read)?.unwrap_or_default())
}

pub(super) fn item_detail(t: &Tree, id: usize) -> Fast<ItemDetail> {
    t.bare(id)?;
    Some(ItemDetail {
        unit_price: maybe(t.one(id, "UnitPrice")?, |p| money_holder(t, p))?.unwrap_or_default(),
        description: t
            .all(id, "Description")
            .map(|d| Some(Description::from_text(t.attr(d, "xml:lang"), t.text(d)?)))
            .collect::<Fast<_>>()?,
        unit_of_measure: t.child_text(id, "UnitOfMeasure")?.unwrap_or_default(),
        classification: t
            .all(id, "Classification")
            .map(|c| {
                Some(Classification {
                    domain: t.attr(c, "domain").unwrap_or_default(),
                    code: t.text(c)?,
                })
            })
            .collect::<Fast<_>>()?,
        manufacturer_part_id: t.child_text(id, "ManufacturerPartID")?,
        manufacturer_name: t.child_text(id, "ManufacturerName")?,
        extrinsics: extrinsics(t, id)?,
    })
}

pub(super) fn url_holder(t: &Tree, id: usize) -> Fast<UrlHolder> {
    t.bare(id)?;
    Some(UrlHolder {
        url: t.child_text(id, "URL")?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests;
