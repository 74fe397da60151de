//! The element tree the fast readers (module `fast`) read documents from.
//!
//! The scan in `read` checks a document in one pass of quick-xml's
//! reader and feeds each event to a [`TreeBuilder`], so the document is
//! tokenised once. The tree knows XML, not cXML: elements, attributes and
//! text, linked rather than nested so that building it allocates almost
//! nothing. Its queries answer None where a reader of plain documents
//! gives up (an element repeated, text where structure is expected), and
//! the caller falls back to serde.

use std::borrow::Cow;

use arrayvec::ArrayVec;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, BytesText, Event};

/// How deep an element may nest: the scan refuses deeper documents, which
/// bounds its stack of open elements and the builder's. Real cXML nests far
/// less deeply.
pub const MAX_DEPTH: usize = 64;

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

/// `part` (borrowed from a quick-xml event) as the same bytes of the input,
/// so that it outlives the event; None when it is not part of the input.
fn within<'a>(text: &'a str, part: &str) -> Option<&'a str> {
    let offset = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    text.get(offset..offset.checked_add(part.len())?)
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
/// the scan in `read` feeds it each event as it checks it, so
/// the document is tokenised once.
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
    fn feed(&mut self, event: &Event<'a>) -> Option<()> {
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
            // Markup closes the text run (kept as the open element's text
            // unless blank), then opens, adds or closes an element.
            markup => {
                self.blank = None;
                if let Some(t) = self.run.take().filter(|t| !is_blank(t)) {
                    let &at = self.open.last()?;
                    append(&mut self.tree.nodes[at].text, t);
                }
                let parent = self.open.last().copied();
                match markup {
                    Event::Start(e) => {
                        let id = self.tree.add(parent, e, self.text, version)?;
                        self.open.try_push(id).ok()?;
                    }
                    Event::Empty(e) => {
                        self.tree.add(parent, e, self.text, version)?;
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
    pub fn feed_trimmed(
        &mut self,
        blank: impl FnOnce() -> &'a str,
        event: &Event<'a>,
    ) -> Option<()> {
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
    pub fn finish(self) -> Option<Tree<'a>> {
        (self.open.is_empty() && !self.tree.nodes.is_empty()).then_some(self.tree)
    }
}

impl<'a> Tree<'a> {
    /// Adds an element under `parent` (None for the root); None gives up on
    /// a repeated attribute or a second root.
    fn add(
        &mut self,
        parent: Option<usize>,
        e: &BytesStart<'_>,
        text: &'a str,
        version: XmlVersion,
    ) -> Option<usize> {
        let first_attr = self.attrs.len();
        // The duplicate check is made against the tree's own list: quick-xml's
        // own check allocates a list of names for every element.
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
            Some(p) => self.link_child(p, id),
            // A second root: not a document this reader takes.
            None if id > 0 => return None,
            None => {}
        }
        Some(id)
    }

    fn link_child(&mut self, parent: usize, child: usize) {
        let last = self.nodes[parent].last_child;
        if last == 0 {
            self.nodes[parent].first_child = child;
        } else {
            self.nodes[last].next_sibling = child;
        }
        self.nodes[parent].last_child = child;
    }

    /// The element's name.
    pub(super) fn name(&self, id: usize) -> &'a str {
        self.nodes[id].name
    }

    pub(super) fn children(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(self.nodes[id].first_child).filter(|&c| c != 0), |&c| {
            Some(self.nodes[c].next_sibling).filter(|&n| n != 0)
        })
    }

    /// The children of `id` named `name`.
    pub(super) fn all<'s>(&'s self, id: usize, name: &'s str) -> impl Iterator<Item = usize> + 's {
        self.children(id)
            .filter(move |&c| self.nodes[c].name == name)
    }

    /// The one child named `name` (Some(None) when absent); None when it is
    /// repeated.
    pub(super) fn one(&self, id: usize, name: &str) -> Option<Option<usize>> {
        let mut found = self.all(id, name);
        let first = found.next();
        if found.next().is_some() {
            return None;
        }
        Some(first)
    }

    /// `id` as a structure: None when it holds text of its own (serde
    /// refuses some such documents and ignores the text in others).
    pub(super) fn bare(&self, id: usize) -> Option<usize> {
        self.nodes[id].text.is_none().then_some(id)
    }

    /// The text of a text-only element, as the string type the model
    /// holds; None on child elements or no text.
    pub(super) fn text<'s, T: From<&'s str>>(&'s self, id: usize) -> Option<T> {
        let n = &self.nodes[id];
        if n.first_child != 0 {
            return None;
        }
        n.text.as_deref().map(T::from)
    }

    /// The text of the one child `name`, if there is one (Some(None) when
    /// absent); None when it is repeated or not text-only.
    pub(super) fn child_text<'s, T: From<&'s str>>(
        &'s self,
        id: usize,
        name: &str,
    ) -> Option<Option<T>> {
        match self.one(id, name)? {
            Some(c) => self.text(c).map(Some),
            None => Some(None),
        }
    }

    /// An attribute's value, if the element has it, as the string type the
    /// model holds.
    pub(super) fn attr<'s, T: From<&'s str>>(&'s self, id: usize, name: &str) -> Option<T> {
        self.attrs[self.nodes[id].attrs.clone()]
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| T::from(v.as_ref()))
    }
}
