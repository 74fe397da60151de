//! The pages' languages: which one a request gets, and its messages
//! (`messages`, from the Fluent files in `locales/`); what the domain says,
//! as a message id and values a page renders in its language (`note`).
//! Japanese is the default, with the guide's wording.

mod amounts;
mod bundles;
mod messages;
mod note;

pub use amounts::{money, push_money};
pub use bundles::note_ids;
pub use messages::{IDS, Msg, Texts, check};
pub use note::{Note, Value};

use axum::http::HeaderMap;

/// A language the pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
    De,
    Fr,
    It,
    Es,
}

impl Lang {
    /// Every language, in the order the language links list them.
    pub const ALL: [Lang; 6] = [Lang::Ja, Lang::En, Lang::De, Lang::Fr, Lang::It, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::It => "it",
            Lang::Es => "es",
        }
    }

    /// The language's place in [`Lang::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The language a tag names (`de`, `de-DE`, `DE`), if the pages speak it.
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The pages' language of a store whose documents are in `language`
    /// (`ja`, `de-DE`, `en-IN`): the store's own where the pages speak it,
    /// else English.
    pub fn of_store(language: &str) -> Lang {
        Lang::parse(language).unwrap_or(Lang::En)
    }

    /// `?lang=` wins, then the `absim_lang` cookie, then Accept-Language
    /// (the first the pages speak), then Japanese.
    pub fn negotiate(query: Option<&str>, headers: &HeaderMap) -> Lang {
        Lang::negotiate_or(query, headers, Lang::Ja)
    }

    /// As [`Lang::negotiate`], with `fallback` (the group's store's
    /// language) where nothing was chosen.
    pub fn negotiate_or(query: Option<&str>, headers: &HeaderMap, fallback: Lang) -> Lang {
        Lang::chosen(query, headers).unwrap_or(fallback)
    }

    /// The language the request asks for, if it asks: `?lang=`, the
    /// `absim_lang` cookie, Accept-Language.
    pub fn chosen(query: Option<&str>, headers: &HeaderMap) -> Option<Lang> {
        if let Some(l) = query.and_then(Lang::parse) {
            return Some(l);
        }
        let cookie = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().strip_prefix("absim_lang="))
            .find_map(Lang::parse);
        if let Some(l) = cookie {
            return Some(l);
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|part| Lang::parse(part.split(';').next()?))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_wins_over_the_stores_language_which_wins_over_japanese() {
        assert_eq!(Lang::of_store("ja"), Lang::Ja);
        assert_eq!(Lang::of_store("ja-JP"), Lang::Ja);
        assert_eq!(Lang::of_store("de-DE"), Lang::De);
        assert_eq!(Lang::of_store("en-IN"), Lang::En);
        assert_eq!(Lang::of_store("pt-BR"), Lang::En);
        let mut h = HeaderMap::new();
        assert_eq!(Lang::negotiate_or(None, &h, Lang::En), Lang::En);
        assert_eq!(Lang::negotiate(None, &h), Lang::Ja);
        assert_eq!(Lang::negotiate_or(Some("ja"), &h, Lang::En), Lang::Ja);
        h.insert(axum::http::header::COOKIE, "absim_lang=ja".parse().unwrap());
        assert_eq!(Lang::negotiate_or(None, &h, Lang::En), Lang::Ja);
    }

    #[test]
    fn every_language_has_every_message_and_its_values() {
        check().unwrap();
        for lang in Lang::ALL {
            let t = lang.texts();
            assert_eq!(t.lang_code, lang.code());
            for id in IDS {
                assert!(!id.is_empty());
            }
        }
        // Japanese counts without a plural; each language fills its value.
        assert_eq!(
            Lang::Ja.texts().f(Lang::Ja.texts().results_count, 3),
            "3件の結果"
        );
        assert_eq!(
            Lang::En.texts().f(Lang::En.texts().results_count, 3),
            "3 results"
        );
    }

    /// Words, not numbers or codes: tokens with two letters or more (the
    /// notes' copy test counts them alike).
    pub(super) fn words(text: &str) -> usize {
        text.split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .count()
    }

    /// A sentence (four words or more) that two languages write the same
    /// is a copy left untranslated; short terms (Status, ASIN, Total) may
    /// be the same. The guide's Japanese screen shows its button in English.
    #[test]
    fn no_language_copies_another_languages_sentences() {
        const SAME_BY_DESIGN: &[&str] = &["start-testing"];
        let mut copies = Vec::new();
        for (i, a) in Lang::ALL.iter().enumerate() {
            for b in &Lang::ALL[i + 1..] {
                for (x, y) in a.texts().each().into_iter().zip(b.texts().each()) {
                    if x.as_str() == y.as_str() && words(&x) >= 4 && !SAME_BY_DESIGN.contains(&x.id)
                    {
                        copies.push(format!(
                            "{} = {} in {} and {}",
                            x.id,
                            x.as_str(),
                            a.code(),
                            b.code()
                        ));
                    }
                }
            }
        }
        assert!(copies.is_empty(), "{}", copies.join("\n"));
    }

    #[test]
    fn a_language_is_chosen_by_tag_and_a_store_speaks_its_own() {
        assert_eq!(Lang::parse("de-DE"), Some(Lang::De));
        assert_eq!(Lang::parse(" FR "), Some(Lang::Fr));
        assert_eq!(Lang::parse("es_ES"), Some(Lang::Es));
        assert_eq!(Lang::parse("pt"), None);
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            "pt-BR, it;q=0.8, en;q=0.5".parse().unwrap(),
        );
        assert_eq!(Lang::negotiate(None, &h), Lang::It);
        assert_eq!(Lang::negotiate(Some("es"), &h), Lang::Es);
        let links: Vec<&str> = Lang::ALL
            .iter()
            .map(|l| l.texts().language_name.as_str())
            .collect();
        assert_eq!(
            links,
            [
                "日本語",
                "English",
                "Deutsch",
                "Français",
                "Italiano",
                "Español"
            ]
        );
    }

    #[test]
    fn a_count_takes_each_languages_plural() {
        let de = Lang::De.texts();
        assert_eq!(de.f(de.results_count, 1), "1 Ergebnis");
        assert_eq!(de.f(de.results_count, 2), "2 Ergebnisse");
        let fr = Lang::Fr.texts();
        assert_eq!(fr.f(fr.results_count, 1), "1 résultat");
    }
}
