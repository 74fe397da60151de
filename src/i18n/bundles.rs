//! The Fluent files in `locales/`, embedded in the binary: each language's
//! bundle of its pages' messages and its domain notes, parsed once, and a
//! message formatted by id with its values.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumber;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use include_dir::{Dir, include_dir};

use super::Lang;

static LOCALES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

pub(super) type Bundle = FluentBundle<FluentResource>;

/// A message's text with no values given: its variables left as Fluent
/// writes an unknown one.
pub(super) fn plain(bundle: &Bundle, id: &str) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, None, &mut errors)
            .into_owned(),
    )
}

/// A message's text with its values as markers (see `Msg::push_filled`).
pub(super) fn template(bundle: &Bundle, id: &str) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut args = FluentArgs::new();
    args.set("value", "\u{1}");
    args.set("other", "\u{2}");
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned(),
    )
}

/// Each language's bundle: its pages' file and its domain notes' file
/// (`locales/domain/`, see [`super::Note`]), each parsed whole.
fn bundle(lang: Lang) -> Result<Bundle, String> {
    let name = format!("{}.ftl", lang.code());
    let pages = resource(&name)?;
    let locale: unic_langid::LanguageIdentifier =
        lang.code().parse().map_err(|e| format!("{e}"))?;
    let mut bundle = Bundle::new_concurrent(vec![locale]);
    // Pages are HTML with lang set: Unicode isolation marks would only show.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(pages)
        .map_err(|e| format!("locales/{name}: {e:?}"))?;
    let notes = format!("domain/{name}");
    bundle
        .add_resource(resource(&notes)?)
        .map_err(|e| format!("locales/{notes}: {e:?}"))?;
    Ok(bundle)
}

/// The file `locales/{name}`, parsed whole.
fn resource(name: &str) -> Result<FluentResource, String> {
    let text = LOCALES
        .get_file(name)
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| format!("locales/{name} is missing"))?;
    FluentResource::try_new(text.to_owned())
        .map_err(|(_, errors)| format!("locales/{name}: {errors:?}"))
}

/// The message ids the file `locales/{name}` defines.
pub(super) fn file_ids(name: &str) -> Result<Vec<String>, String> {
    Ok(ids(&resource(name)?).map(str::to_owned).collect())
}

/// The message ids a file defines.
fn ids(resource: &FluentResource) -> impl Iterator<Item = &str> {
    resource.entries().filter_map(|e| match e {
        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name),
        _ => None,
    })
}

/// The ids of the domain's notes, as Japanese (the reference) has them.
pub fn note_ids() -> Result<Vec<String>, String> {
    Ok(ids(&resource("domain/ja.ftl")?)
        .map(str::to_owned)
        .collect())
}

/// Every language has the notes Japanese has, and no others.
fn same_notes() -> Result<(), String> {
    let reference: std::collections::BTreeSet<String> = note_ids()?.into_iter().collect();
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        let name = format!("domain/{}.ftl", lang.code());
        let resource = resource(&name)?;
        let have: std::collections::BTreeSet<String> = ids(&resource).map(str::to_owned).collect();
        for missing in reference.difference(&have) {
            problems.push(format!("locales/{name}: no message {missing}"));
        }
        for extra in have.difference(&reference) {
            problems.push(format!("locales/{name}: {extra} is not in domain/ja.ftl"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Every language's bundle, by [`Lang::index`], once every language has
/// the same notes.
fn load() -> Result<Vec<Bundle>, String> {
    same_notes()?;
    Lang::ALL.into_iter().map(bundle).collect()
}

static BUNDLES: LazyLock<Result<Vec<Bundle>, String>> = LazyLock::new(load);

/// `lang`'s bundle, or why the files could not be read.
pub(super) fn of(lang: Lang) -> Result<&'static Bundle, String> {
    match BUNDLES.as_ref() {
        Ok(bundles) => Ok(&bundles[lang.index()]),
        Err(e) => Err(e.clone()),
    }
}

/// A value as Fluent takes it: a number where it is one, so that plural
/// rules can choose by it.
pub(super) fn number_or_text(value: String) -> FluentValue<'static> {
    match value.parse::<FluentNumber>() {
        Ok(n) => FluentValue::Number(n),
        Err(_) => FluentValue::String(value.into()),
    }
}

/// The message `id` of `lang` with `args`; the id itself where the
/// catalogue has no such message (which `i18n::check` and the tests rule
/// out).
pub(super) fn format_id(lang: Lang, id: &str, args: &FluentArgs) -> String {
    let Ok(bundle) = of(lang) else {
        return id.to_owned();
    };
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_owned();
    };
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(args), &mut errors)
        .into_owned()
}
