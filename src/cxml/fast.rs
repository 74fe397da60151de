//! A fast reader for the two documents absim reads most: the OrderRequest
//! (every PO) and the PunchOutSetupRequest (every punchout, in `setup`).
//! The scan that checks the document (one pass of quick-xml's raw
//! reader) builds a small element tree as it goes, and the typed value is
//! built from it, in a little over half the time of the serde deserialiser
//! (which skips and buffers events to find list items that may come out of
//! order).
//!
//! It reads the documents buyers send in practice and gives up (None) on
//! anything unusual: an element repeated where the model holds one, a
//! missing envelope part the model requires, child elements inside text, an
//! empty element where text is expected, a payload beside other elements.
//! [`super::read::read`] then uses the serde deserialiser, which stays the
//! reference: tests and the `cxml_read` fuzz target check that both give the
//! same value whenever this one answers.

use std::borrow::Cow;

use arrayvec::ArrayVec;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, BytesText, Event};

use super::common::*;
use super::order_request::{ItemOut, OrderRequest, OrderRequestHeader};
use super::read::MAX_DEPTH;
use super::{Cxml, Few, Request, Text};

/// One element: its name, attributes (a range of the tree's), text (the
/// non-blank text runs, joined) and its place among its siblings. Links
/// instead of child vectors: building the tree allocates almost nothing.
#[derive(Debug, Default)]
struct Node<'a> {
    name: &'a str,
    attrs: std::ops::Range<usize>,
    text: Option<Cow<'a, str>>,
    /// 0 when none (the root, node 0, is nobody's child or sibling).
    first_child: usize,
    last_child: usize,
    next_sibling: usize,
}

/// The element tree of a document; node 0 is the root.
pub struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    /// Every attribute, its value normalised and unescaped, in document
    /// order.
    attrs: Vec<(&'a str, Cow<'a, str>)>,
}

/// None gives up on the fast path.
type Fast<T> = Option<T>;

/// `part` (borrowed from a quick-xml event) as the same bytes of the input,
/// so that it outlives the event; None when it is not part of the input.
fn within<'a>(text: &'a str, part: &str) -> Fast<&'a str> {
    let offset = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    text.get(offset..offset.checked_add(part.len())?)
}

/// Reads an optional element with `read`: None when absent, gives up when
/// `read` does.
fn maybe<T>(found: Option<usize>, read: impl FnOnce(usize) -> Fast<T>) -> Fast<Option<T>> {
    match found {
        Some(id) => read(id).map(Some),
        None => Some(None),
    }
}

/// XML's whitespace (not Unicode's: an ideographic space is text).
fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn append<'a>(to: &mut Option<Cow<'a, str>>, more: Cow<'a, str>) {
    match to {
        Some(t) => t.to_mut().push_str(&more),
        None => *to = Some(more),
    }
}

/// Builds a [`Tree`] from the events of a reader over the document's text:
/// the scan in [`super::read::read`] feeds it each event as it checks it, so the
/// document is tokenised once.
pub struct TreeBuilder<'a> {
    text: &'a str,
    tree: Tree<'a>,
    /// The open elements (the scan refuses documents deeper than this).
    open: ArrayVec<usize, MAX_DEPTH>,
    /// The text run being read (text, CDATA and references).
    run: Option<Cow<'a, str>>,
    /// Whitespace that would start a run, as read: most text events are
    /// the blanks between elements, which the next element drops, so their
    /// line ends are normalised only when more text joins them.
    blank: Option<BytesText<'a>>,
    /// Line ends and attribute values are normalised by the version the
    /// declaration gives (1.0 without one).
    version: XmlVersion,
}

impl<'a> TreeBuilder<'a> {
    pub fn new(text: &'a str) -> TreeBuilder<'a> {
        TreeBuilder {
            text,
            tree: Tree {
                nodes: Vec::with_capacity(128),
                attrs: Vec::with_capacity(64),
            },
            open: ArrayVec::new(),
            run: None,
            blank: None,
            version: XmlVersion::Implicit1_0,
        }
    }

    /// Takes the next event of a reader over the builder's text; None gives
    /// up. Text is read as quick-xml's deserialiser reads it: a run of
    /// text, CDATA and references (comments do not end a run) is one
    /// string, kept whole unless it is all whitespace.
    fn feed(&mut self, event: &Event<'a>) -> Fast<()> {
        let version = self.version;
        match event {
            Event::Text(t) if self.run.is_none() && self.blank.is_none() && is_blank(t) => {
                self.blank = Some(t.clone());
            }
            Event::Text(t) => {
                self.take_blank();
                append(&mut self.run, t.xml_content(version));
            }
            Event::CData(c) => {
                self.take_blank();
                append(&mut self.run, c.xml_content(version));
            }
            Event::GeneralRef(r) => {
                self.take_blank();
                let resolved = match r.resolve_char_ref().ok()? {
                    Some(c) => Cow::Owned(c.to_string()),
                    None => Cow::Borrowed(quick_xml::escape::resolve_predefined_entity(
                        &r.xml_content(version),
                    )?),
                };
                append(&mut self.run, resolved);
            }
            Event::Decl(d) => self.version = d.xml_version().ok()?,
            Event::Comment(_) | Event::PI(_) => {}
            other => {
                self.blank = None;
                if let Some(t) = self.run.take().filter(|t| !is_blank(t)) {
                    let &at = self.open.last()?;
                    append(&mut self.tree.nodes[at].text, t);
                }
                match other {
                    Event::Start(e) => {
                        let id = self
                            .tree
                            .add(self.open.last().copied(), e, self.text, version)?;
                        self.open.try_push(id).ok()?;
                    }
                    Event::Empty(e) => {
                        self.tree
                            .add(self.open.last().copied(), e, self.text, version)?;
                    }
                    Event::End(_) => {
                        self.open.pop()?;
                    }
                    _ => {}
                }
            }
        }
        Some(())
    }

    /// Takes the next event of a reader that skips the whitespace starting
    /// a text run; `blank` gives what it skipped before the event. That
    /// whitespace is fed as the text event a reader that does not trim
    /// would have returned, where it can be part of a text: before text,
    /// CDATA, a reference, a comment or a PI (which do not end a run), or
    /// while a run is open or whitespace is held back. Anywhere else (the
    /// blanks between elements, most of a PO's) it would be dropped.
    #[inline]
    pub fn feed_trimmed(&mut self, blank: impl FnOnce() -> &'a str, event: &Event<'a>) -> Fast<()> {
        let matters = self.run.is_some()
            || self.blank.is_some()
            || matches!(
                event,
                Event::Text(_)
                    | Event::CData(_)
                    | Event::GeneralRef(_)
                    | Event::Comment(_)
                    | Event::PI(_)
            );
        if matters {
            let blank = blank();
            if !blank.is_empty() {
                self.feed(&Event::Text(BytesText::from_escaped(blank)))?;
            }
        }
        self.feed(event)
    }

    /// Starts the run with the whitespace held back, now that more text
    /// joins it.
    fn take_blank(&mut self) {
        if let Some(b) = self.blank.take() {
            append(&mut self.run, b.xml_content(self.version));
        }
    }

    /// The tree, once the reader is at the end of the document.
    pub fn finish(self) -> Fast<Tree<'a>> {
        (self.open.is_empty() && !self.tree.nodes.is_empty()).then_some(self.tree)
    }
}

impl<'a> Tree<'a> {
    fn add(
        &mut self,
        parent: Option<usize>,
        e: &BytesStart<'_>,
        text: &'a str,
        version: XmlVersion,
    ) -> Fast<usize> {
        let first_attr = self.attrs.len();
        // The duplicate check is made against the tree's own list: quick-xml's
        // allocates a list of names per element (a tenth of a PO's
        // allocations).
        for a in e.attributes().with_checks(false) {
            let a = a.ok()?;
            let key = within(text, a.key.into_inner())?;
            if self.attrs[first_attr..].iter().any(|(k, _)| *k == key) {
                return None;
            }
            let value = match a.normalized_value(version).ok()? {
                Cow::Borrowed(v) => Cow::Borrowed(within(text, v)?),
                Cow::Owned(v) => Cow::Owned(v),
            };
            self.attrs.push((key, value));
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            name: within(text, e.name().into_inner())?,
            attrs: first_attr..self.attrs.len(),
            ..Node::default()
        });
        match parent {
            Some(p) => {
                let last = self.nodes[p].last_child;
                if last == 0 {
                    self.nodes[p].first_child = id;
                } else {
                    self.nodes[last].next_sibling = id;
                }
                self.nodes[p].last_child = id;
            }
            // A second root: not a document this reader takes.
            None if id > 0 => return None,
            None => {}
        }
        Some(id)
    }

    fn node(&self, id: usize) -> &Node<'a> {
        &self.nodes[id]
    }

    fn children(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(self.nodes[id].first_child).filter(|&c| c != 0), |&c| {
            Some(self.nodes[c].next_sibling).filter(|&n| n != 0)
        })
    }

    /// The children of `id` named `name`.
    fn all<'s>(&'s self, id: usize, name: &'s str) -> impl Iterator<Item = usize> + 's {
        self.children(id)
            .filter(move |&c| self.nodes[c].name == name)
    }

    /// The one child named `name`: None when absent; gives up when repeated.
    fn one(&self, id: usize, name: &str) -> Fast<Option<usize>> {
        let mut found = self.all(id, name);
        let first = found.next();
        if found.next().is_some() {
            return None;
        }
        Some(first)
    }

    /// `id` as a structure: gives up when it holds text of its own (serde
    /// refuses some such documents and ignores the text in others).
    fn bare(&self, id: usize) -> Fast<usize> {
        self.node(id).text.is_none().then_some(id)
    }

    /// The text of a text-only element; gives up on child elements or no
    /// text.
    fn text(&self, id: usize) -> Fast<Text> {
        let n = self.node(id);
        if n.first_child != 0 {
            return None;
        }
        n.text.as_deref().map(Text::from)
    }

    /// The text of the one child `name`, if there is one.
    fn child_text(&self, id: usize, name: &str) -> Fast<Option<Text>> {
        maybe(self.one(id, name)?, |c| self.text(c))
    }

    /// An attribute's value, if the element has it.
    fn attr(&self, id: usize, name: &str) -> Option<Text> {
        self.attrs[self.node(id).attrs.clone()]
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| Text::from(v.as_ref()))
    }
}

/// Reads an OrderRequest from its document's tree (the document scanned:
/// well-formed, no entity declarations, the payload is an OrderRequest in
/// a Request).
pub fn order_request(t: &Tree<'_>) -> Fast<Cxml<OrderRequest>> {
    request(t, "OrderRequest", |payload| {
        Some(OrderRequest {
            header: maybe(t.one(payload, "OrderRequestHeader")?, |h| {
                order_header(t, h)
            })?
            .unwrap_or_default(),
            items: t
                .all(payload, "ItemOut")
                .map(|i| item_out(t, i))
                .collect::<Fast<_>>()?,
        })
    })
}

/// A Request document: exactly a Header and a Request holding only the
/// payload element `name`, which `payload` reads.
fn request<P>(t: &Tree<'_>, name: &str, payload: impl FnOnce(usize) -> Fast<P>) -> Fast<Cxml<P>> {
    let root = 0;
    if t.node(root).name != "cXML" {
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
    if t.node(element).name != name || t.bare(element).is_none() {
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

fn header(t: &Tree, id: usize) -> Fast<Header> {
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

fn credentials(t: &Tree, id: usize) -> Fast<Few<Credential>> {
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

fn order_header(t: &Tree, id: usize) -> Fast<OrderRequestHeader> {
    t.bare(id)?;
    Some(OrderRequestHeader {
        order_id: t.attr(id, "orderID").unwrap_or_default(),
        order_date: t.attr(id, "orderDate").unwrap_or_default(),
        kind: t.attr(id, "type"),
        total: maybe(t.one(id, "Total")?, |m| money_holder(t, m))?,
        ship_to: maybe(t.one(id, "ShipTo")?, |a| address_holder(t, a))?,
        bill_to: maybe(t.one(id, "BillTo")?, |a| address_holder(t, a))?,
        contacts: contacts(t, id)?,
        extrinsics: extrinsics(t, id)?,
    })
}

fn contacts(t: &Tree, id: usize) -> Fast<Vec<Contact>> {
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

fn money_holder(t: &Tree, id: usize) -> Fast<MoneyHolder> {
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

fn address_holder(t: &Tree, id: usize) -> Fast<AddressHolder> {
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

fn postal_address(t: &Tree, id: usize) -> Fast<PostalAddress> {
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

fn name(t: &Tree, id: usize) -> Fast<Name> {
    Some(Name {
        lang: t.attr(id, "xml:lang"),
        value: t.text(id)?,
    })
}

fn email(t: &Tree, id: usize) -> Fast<Email> {
    Some(Email {
        name: t.attr(id, "name"),
        value: t.text(id)?,
    })
}

fn extrinsics(t: &Tree, id: usize) -> Fast<Vec<Extrinsic>> {
    // Counted first: collecting grows the list once per four.
    let mut list = Vec::with_capacity(t.all(id, "Extrinsic").count());
    for e in t.all(id, "Extrinsic") {
        list.push(Extrinsic {
            name: t.attr(e, "name").unwrap_or_default(),
            value: t.text(e)?,
        });
    }
    Some(list)
}

fn item_out(t: &Tree, id: usize) -> Fast<ItemOut> {
    t.bare(id)?;
    Some(ItemOut {
        quantity: t.attr(id, "quantity").unwrap_or_default(),
        line_number: t.attr(id, "lineNumber"),
        requested_delivery_date: t.attr(id, "requestedDeliveryDate"),
        item_id: item_id(t, id)?,
        item_detail: maybe(t.one(id, "ItemDetail")?, |d| item_detail(t, d))?,
    })
}

/// The ItemID child of `id` (all empty when there is none).
fn item_id(t: &Tree, id: usize) -> Fast<ItemId> {
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

fn item_detail(t: &Tree, id: usize) -> Fast<ItemDetail> {
    t.bare(id)?;
    Some(ItemDetail {
        unit_price: maybe(t.one(id, "UnitPrice")?, |p| money_holder(t, p))?.unwrap_or_default(),
        description: t
            .all(id, "Description")
            .map(|d| {
                Some(Description::from_text(
                    t.attr(d, "xml:lang"),
                    t.text(d)?.into(),
                ))
            })
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

mod setup;
pub use setup::punchout_setup_request;

#[cfg(test)]
mod tests;
