//! A store's catalogue: its products (titles in the store's language and
//! in English, prices in its currency) and categories, built from the
//! marketplace files (`domain::marketplace`), and search that ignores case
//! and full-width/half-width differences and finds a product by either
//! title.

use std::collections::HashMap;

use rust_decimal::Decimal;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use crate::i18n::Lang;

#[derive(Debug, Clone)]
pub struct Product {
    pub asin: String,
    /// In the store's language.
    pub title: String,
    pub title_en: String,
    /// In the store's currency.
    pub price: Decimal,
    pub unspsc: String,
    pub manufacturer: String,
    pub part_number: String,
    pub category: String,
    pub sub_category: String,
    pub stock: u32,
    /// standard, reduced or zero: the rate class the store charges it.
    pub tax_class: String,
    /// Both titles, ASIN and manufacturer, normalised for search.
    haystack: String,
    /// The product's title in each language the pages speak (by
    /// [`Lang::index`]), as the store of that language has it: search
    /// matches a page's own.
    titles: Vec<Option<String>>,
    /// Those titles normalised for search.
    titles_normalized: Vec<String>,
}

impl Product {
    /// A product; its search text is made here.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        asin: String,
        title: String,
        title_en: String,
        price: Decimal,
        unspsc: String,
        manufacturer: String,
        part_number: String,
        (category, sub_category): (String, String),
        stock: u32,
        tax_class: String,
    ) -> Product {
        let haystack = normalize(&format!("{title} {title_en} {asin} {manufacturer}"));
        Product {
            asin,
            title,
            title_en,
            price,
            unspsc,
            manufacturer,
            part_number,
            category,
            sub_category,
            stock,
            tax_class,
            haystack,
            titles: vec![None; Lang::ALL.len()],
            titles_normalized: vec![String::new(); Lang::ALL.len()],
        }
    }

    /// The title in `lang`, where a store of that language sells it.
    pub fn title_in(&self, lang: Lang) -> Option<&str> {
        self.titles[lang.index()].as_deref()
    }

    /// Whether every term is in the product's search text or in its title
    /// in `lang`.
    fn matches(&self, terms: &[String], lang: Lang) -> bool {
        let own = &self.titles_normalized[lang.index()];
        terms
            .iter()
            .all(|t| self.haystack.contains(t.as_str()) || own.contains(t.as_str()))
    }
}

#[derive(Debug, Clone)]
pub struct Category {
    pub code: String,
    /// In the store's language.
    pub name: String,
    pub en: String,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub categories: Vec<Category>,
    products: Vec<Product>,
    by_asin: HashMap<String, usize>,
}

/// Lower-case NFKC: full-width letters and digits become ASCII, half-width
/// katakana become full-width.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(&mut out, s);
    out
}

/// [`normalize`] appending to `out`. Texts joined by an ASCII space may be
/// normalised one by one: NFKC never composes across a space.
pub fn normalize_into(out: &mut String, s: &str) {
    // Most text is NFKC already (ASCII, and Japanese in its usual forms):
    // the quick paths spare the decomposition and recomposition, the
    // costliest part of writing an order's search column.
    let start = out.len();
    if s.is_ascii() {
        out.push_str(s);
        out[start..].make_ascii_lowercase();
        return;
    }
    // One pass while every character is one NFKC keeps whatever surrounds
    // it (kana and kanji are checked by range: the quick check's table
    // search is dear per character); at the first other one, the text
    // starts over on the slower paths.
    for c in s.chars() {
        if c.is_ascii() || nfkc_stable(c) {
            push_lower(out, c);
        } else {
            out.truncate(start);
            if unicode_normalization::is_nfkc_quick(s.chars()) == IsNormalized::Yes {
                s.chars().for_each(|c| push_lower(out, c));
            } else {
                s.nfkc().for_each(|c| push_lower(out, c));
            }
            return;
        }
    }
}

/// Characters NFKC keeps whatever surrounds them (quick check Yes and
/// combining class 0; a unit test checks each): hiragana, katakana, the
/// usual Japanese punctuation, the CJK unified ideographs and the
/// multiplication sign of sizes (幅88cm×高さ65cm). A text of these and ASCII
/// is NFKC already.
const NFKC_STABLE: [std::ops::RangeInclusive<char>; 7] = [
    '\u{d7}'..='\u{d7}',
    '\u{3001}'..='\u{3002}',
    '\u{300c}'..='\u{300f}',
    '\u{3041}'..='\u{3096}',
    '\u{30a1}'..='\u{30fa}',
    '\u{30fb}'..='\u{30fe}',
    '\u{4e00}'..='\u{9fff}',
];

fn nfkc_stable(c: char) -> bool {
    NFKC_STABLE.iter().any(|r| r.contains(&c))
}

/// Characters without case: kana, CJK punctuation and ideographs. They
/// skip the case table's search, most of the cost of lower-casing Japanese
/// text (a unit test checks that none has a lower case).
const CASELESS: std::ops::RangeInclusive<char> = '\u{3000}'..='\u{9fff}';

fn push_lower(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if CASELESS.contains(&c) {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

impl Catalog {
    /// A catalogue of these categories and products; an ASIN given twice
    /// or a product of an unknown category is refused.
    pub fn new(categories: Vec<Category>, list: Vec<Product>) -> Result<Catalog, String> {
        let mut products = Vec::with_capacity(list.len());
        let mut by_asin = HashMap::new();
        for p in list {
            if !categories.iter().any(|c| c.code == p.category) {
                return Err(format!(
                    "product {} names category '{}', which has no name",
                    p.asin, p.category
                ));
            }
            if by_asin.insert(p.asin.clone(), products.len()).is_some() {
                return Err(format!("ASIN {} appears twice", p.asin));
            }
            products.push(p);
        }
        Ok(Catalog {
            categories,
            products,
            by_asin,
        })
    }

    /// Gives each product its titles in the pages' languages, from
    /// `titles` (by ASIN, by [`Lang::index`]).
    pub fn give_titles(&mut self, titles: &HashMap<String, Vec<Option<String>>>) {
        for p in &mut self.products {
            if let Some(t) = titles.get(&p.asin) {
                p.titles_normalized = t
                    .iter()
                    .map(|t| t.as_deref().map(normalize).unwrap_or_default())
                    .collect();
                p.titles = t.clone();
            }
        }
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn get(&self, asin: &str) -> Option<&Product> {
        self.by_asin.get(asin.trim()).map(|&i| &self.products[i])
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// Products whose titles (the store's, the English and the one in the
    /// page's language `lang`), ASIN or manufacturer contain every word of
    /// the query, optionally within one category. An empty query lists the
    /// category (or everything).
    pub fn search<'a>(
        &'a self,
        query: &str,
        category: Option<&str>,
        lang: Lang,
    ) -> Vec<&'a Product> {
        let terms: Vec<String> = normalize(query)
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        self.products
            .iter()
            .filter(|p| category.is_none_or(|c| p.category == c))
            .filter(|p| p.matches(&terms, lang))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_joined_by_a_space_normalise_part_by_part() {
        // Parts that end or begin with what NFKC decomposes or composes
        // (half-width voiced marks, combining marks, compatibility forms).
        let parts = [
            "ﾃﾞｽｸ",
            "ﾞ",
            "\u{3099}か",
            "\u{301}e",
            "゛",
            "ＡＢＣ",
            "B087JWRCP5",
            "",
        ];
        for a in parts {
            for b in parts {
                let mut piecewise = String::new();
                normalize_into(&mut piecewise, a);
                piecewise.push(' ');
                normalize_into(&mut piecewise, b);
                assert_eq!(piecewise, normalize(&format!("{a} {b}")), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn normalising_takes_the_quick_path_only_where_it_gives_the_same_text() {
        for s in [
            "ABC desk",
            "[山善] パソコンデスク 幅81cm マットブラック",
            "奥行55×高さ65-80.5cm",
            // Stable characters first, then one that is not: the text starts
            // over on a slower path.
            "デスク Desk ＵＳＢ ｹｰﾌﾞﾙ",
            "Desk \u{e9}",
            "ＡＢＣ１２３",
            "ﾃﾞｽｸ",
            "Ǆ ǅ İ ß",
            "㍿ ①",
            "かﾞ カ\u{3099} 「デスク」、ヾ",
        ] {
            let reference: String = s.nfkc().flat_map(char::to_lowercase).collect();
            assert_eq!(normalize(s), reference, "{s}");
        }
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalize("ﾃﾞｽｸ"), "デスク");
    }

    #[test]
    fn the_characters_taken_as_nfkc_stable_are() {
        use unicode_normalization::char::canonical_combining_class;
        for c in NFKC_STABLE.into_iter().flatten() {
            assert_eq!(
                unicode_normalization::is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?}"
            );
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
        // Neighbours that are not: the voiced sound marks, the ideographic
        // space, the digraphs.
        for c in ['\u{3000}', '\u{3099}', '\u{309b}', '\u{309f}', '\u{30ff}'] {
            assert!(!nfkc_stable(c), "{c:?}");
        }
    }

    #[test]
    fn the_characters_taken_as_caseless_have_no_lower_case() {
        for c in CASELESS {
            assert!(c.to_lowercase().eq([c]), "{c:?} has a lower case");
        }
    }

    #[test]
    fn the_embedded_catalogue_has_thirty_products_and_the_guides_desk() {
        let c = &crate::fixtures::markets().japan().catalog;
        assert!(c.products().len() >= 30);
        assert!(c.categories.len() >= 4);
        let desk = c.get("B087JWRCP5").unwrap();
        assert_eq!(desk.price, Decimal::from(16182));
        assert!(desk.title.starts_with("[山善] パソコンデスク"));
        assert_eq!(desk.unspsc.len(), 8);
    }

    #[test]
    fn search_ignores_case_and_width() {
        let c = &crate::fixtures::markets().japan().catalog;
        let by_full_width = c.search("ｂ０８７ｊｗｒｃｐ５", None, Lang::Ja);
        assert_eq!(by_full_width.len(), 1);
        assert_eq!(by_full_width[0].asin, "B087JWRCP5");
        assert_eq!(c.search("b087jwrcp5", None, Lang::Ja).len(), 1);
        // the manufacturer, in half-width katakana where the catalogue has full-width
        assert!(!c.search("ﾛｼﾞｸｰﾙ", None, Lang::Ja).is_empty());
        // full-width text in the catalogue is found by ASCII
        assert!(
            c.search("usb メモリ", None, Lang::Ja)
                .iter()
                .any(|p| p.asin == "B0CHX3TW7Y")
        );
    }

    #[test]
    fn search_within_a_category_and_by_every_word() {
        let c = &crate::fixtures::markets().japan().catalog;
        let pens = c.search("ボールペン", Some("OFFICE_PRODUCTS"), Lang::Ja);
        assert!(pens.len() >= 2);
        assert!(
            c.search("ボールペン", Some("FURNITURE"), Lang::Ja)
                .is_empty()
        );
        assert!(
            c.search("ボールペン 存在しない語", None, Lang::Ja)
                .is_empty()
        );
    }

    #[test]
    fn search_finds_a_product_by_its_english_title_too() {
        let c = &crate::fixtures::markets().japan().catalog;
        let desks = c.search("height-adjustable desk", None, Lang::Ja);
        assert_eq!(desks.len(), 1);
        assert_eq!(desks[0].asin, "B087JWRCP5");
    }

    #[test]
    fn a_german_store_finds_the_desk_by_its_german_or_its_english_title() {
        let c = &crate::fixtures::markets().get("DE").unwrap().catalog;
        for query in ["Schreibtisch höhenverstellbar", "HEIGHT-ADJUSTABLE desk"] {
            let found: Vec<&str> = c
                .search(query, None, Lang::En)
                .iter()
                .map(|p| p.asin.as_str())
                .collect();
            assert_eq!(found, ["B087JWRCP5"], "{query}");
        }
    }

    #[test]
    fn an_asin_twice_or_a_category_without_a_name_is_refused() {
        let c = &crate::fixtures::markets().japan().catalog;
        let desk = c.get("B087JWRCP5").unwrap().clone();
        let twice = Catalog::new(c.categories.clone(), vec![desk.clone(), desk.clone()]);
        assert_eq!(twice.unwrap_err(), "ASIN B087JWRCP5 appears twice");
        let nameless = Catalog::new(Vec::new(), vec![desk]).unwrap_err();
        assert!(nameless.contains("category 'FURNITURE'"), "{nameless}");
    }
}
