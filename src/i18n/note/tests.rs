use super::*;
use crate::i18n::tests::words;
use crate::i18n::{Lang, note_ids};

/// Every literal id after one of `openers` in the sources: a note's id
/// after `note!(`, a deviation's code after `Deviation::new(`.
fn said_in_code(openers: &[&str]) -> std::collections::BTreeSet<String> {
    fn walk(
        dir: &std::path::Path,
        openers: &[&str],
        found: &mut std::collections::BTreeSet<String>,
    ) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, openers, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for opener in openers {
                    for part in text.split(opener).skip(1) {
                        // The id literal, on the same line or the next.
                        let Some(literal) = part.trim_start().strip_prefix('"') else {
                            continue;
                        };
                        let id = literal.split('"').next().unwrap();
                        let shaped = !id.is_empty()
                            && id
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                        if shaped && id != "id" {
                            found.insert(id.to_owned());
                        }
                    }
                }
            }
        }
    }
    let mut found = std::collections::BTreeSet::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        openers,
        &mut found,
    );
    found
}

#[test]
fn every_note_the_code_says_is_in_the_catalogue_and_no_other() {
    crate::i18n::check().unwrap();
    let code = said_in_code(&["note!(", "Note::new("]);
    let catalogue: std::collections::BTreeSet<String> = note_ids().unwrap().into_iter().collect();
    let missing: Vec<_> = code.difference(&catalogue).collect();
    assert!(
        missing.is_empty(),
        "not in locales/domain/ja.ftl: {missing:?}"
    );
    // A message other messages name (`{ delivery-document }`) is used too.
    let ja = include_str!("../../../locales/domain/ja.ftl");
    let unused: Vec<_> = catalogue
        .difference(&code)
        .filter(|id| !ja.contains(&format!("{{ {id} }}")))
        .filter(|id| !id.starts_with("deviation-"))
        .collect();
    assert!(unused.is_empty(), "no code says: {unused:?}");
}

/// A page says a deviation by its code (`deviation-<code>`): every code
/// the reader and the domain raise has its message, and no message waits
/// for a code nobody raises.
#[test]
fn every_deviation_code_has_its_message_and_no_other() {
    let codes: std::collections::BTreeSet<String> = said_in_code(&["Deviation::new("])
        .into_iter()
        .map(|code| format!("deviation-{code}"))
        .collect();
    let catalogue: std::collections::BTreeSet<String> = note_ids()
        .unwrap()
        .into_iter()
        .filter(|id| id.starts_with("deviation-"))
        .collect();
    assert!(codes.len() > 25, "{codes:?}");
    assert_eq!(codes, catalogue);
}

#[test]
fn a_note_renders_in_each_language_with_its_values_formatted() {
    let n = note!(
        "check-po-total-equal",
        total = Value::money("16182".parse().unwrap(), "￥", 0),
        sum = Value::money("16182".parse().unwrap(), "￥", 0)
    );
    assert!(
        n.render(Lang::Ja).contains("￥16,182"),
        "{}",
        n.render(Lang::Ja)
    );
    assert!(
        n.render(Lang::De).contains("16.182\u{a0}￥"),
        "{}",
        n.render(Lang::De)
    );
    for lang in Lang::ALL {
        let text = n.render(lang);
        assert!(
            !text.contains("check-po-total") && !text.contains('$'),
            "{lang:?}: {text}"
        );
    }
}

#[test]
fn a_note_keeps_its_id_and_values_across_storage_and_reads_older_records() {
    let n = note!("check-line-aux-missing", line = 2u32);
    let json = serde_json::to_string(&n).unwrap();
    assert_eq!(serde_json::from_str::<Note>(&json).unwrap(), n);
    let old: Note = serde_json::from_str(r#"{"ja":"数量は 3 です。","en":"Quantity 3."}"#).unwrap();
    assert_eq!(old.render(Lang::Ja), "数量は 3 です。");
    assert_eq!(old.render(Lang::De), "Quantity 3.");
}

/// A note of four words or more that two languages write the same is a
/// copy left untranslated.
#[test]
fn no_language_copies_another_languages_notes() {
    let ids = note_ids().unwrap();
    let mut copies = Vec::new();
    for (i, a) in Lang::ALL.iter().enumerate() {
        for b in &Lang::ALL[i + 1..] {
            for id in &ids {
                let empty = fluent_bundle::FluentArgs::new();
                let x = crate::i18n::bundles::format_id(*a, id, &empty);
                let y = crate::i18n::bundles::format_id(*b, id, &empty);
                if x == y && words(&x) >= 4 {
                    copies.push(format!("{id} = {x} in {} and {}", a.code(), b.code()));
                }
            }
        }
    }
    assert!(copies.is_empty(), "{}", copies.join("\n"));
}
