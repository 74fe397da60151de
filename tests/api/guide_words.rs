//! The guide's Japanese words on the guide's screens, word for word: each
//! message `locales/guide.toml` lists is checked against the setup guide
//! in `../shared/seed/`.

use crate::helpers::shared_file;

/// Text as the guide's extract compares: without its emphasis marks and
/// without white space (its lines break inside sentences).
fn flat(text: &str) -> String {
    text.replace("**", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn the_guides_screen_words_are_kept_word_for_word() {
    let Some(guide) = shared_file("seed/000_6b4a2f2089d37ebe.txt") else {
        eprintln!("guide check skipped: ../shared/seed is not there");
        return;
    };
    let guide = flat(&guide);
    let listed: toml::Value = toml::from_str(include_str!("../../locales/guide.toml")).unwrap();
    let ids: Vec<&str> = listed["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        ids.len() > 100,
        "the guide's screens have more words than {}",
        ids.len()
    );
    let ja = absim::i18n::Lang::Ja.texts().each();
    let mut departed = Vec::new();
    for id in &ids {
        let message = ja
            .iter()
            .find(|m| m.id == *id)
            .unwrap_or_else(|| panic!("locales/guide.toml lists {id}, which ja.ftl does not have"));
        if !guide.contains(&flat(message.as_str())) {
            departed.push(format!("{id} = {}", message.as_str()));
        }
    }
    assert!(
        departed.is_empty(),
        "not as the guide words them:\n{}",
        departed.join("\n")
    );
}
