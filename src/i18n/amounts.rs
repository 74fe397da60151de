//! Amounts as each language writes them: ICU4X formats the number (its
//! grouping and decimal separators: 17,800.00 / 17.800,00 / 17 800,00) and
//! the language's `amount` message places the currency's symbol and the
//! sign (￥17,800, -€39.90, 17.800,00 €).

use std::sync::LazyLock;

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal as IcuDecimal;
use rust_decimal::Decimal;
use writeable::Writeable;

use super::Lang;

static FORMATTERS: LazyLock<Vec<DecimalFormatter>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|lang| {
            let locale: icu_locale_core::Locale = lang
                .code()
                .parse()
                .expect("the pages' language codes are valid locales");
            DecimalFormatter::try_new(locale.into(), Default::default())
                .expect("ICU4X's compiled data has every language the pages speak")
        })
        .collect()
});

/// Each language's `amount` message with its three values as markers: the
/// sign (U+0001), the symbol (U+0002) and the number (U+0003), read once so
/// that an amount costs no message formatting.
static TEMPLATES: LazyLock<Vec<String>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|lang| lang.texts().amount_in("\u{1}", "\u{2}", "\u{3}"))
        .collect()
});

/// `amount` of a currency marked `symbol` with `minor_units` decimals, as
/// `lang` writes it. An amount with more decimals than the currency has (a
/// PO's odd price, accepted leniently) keeps them all.
pub fn money(lang: Lang, symbol: &str, minor_units: u32, amount: Decimal) -> String {
    let mut out = String::with_capacity(24);
    push_money(&mut out, lang, (symbol, minor_units), amount);
    out
}

/// [`money`], written at the end of `out` (an e-mail's body).
pub fn push_money(
    out: &mut String,
    lang: Lang,
    (symbol, minor_units): (&str, u32),
    amount: Decimal,
) {
    for c in TEMPLATES[lang.index()].chars() {
        match c {
            '\u{1}' if amount.is_sign_negative() && !amount.is_zero() => out.push('-'),
            '\u{1}' => {}
            '\u{2}' => out.push_str(symbol),
            '\u{3}' => {
                let number = icu_number(amount.abs(), minor_units);
                // Writing into a String cannot fail.
                let _ = FORMATTERS[lang.index()].format(&number).write_to(out);
            }
            c => out.push(c),
        }
    }
}

/// `amount` (not negative) as ICU4X's decimal, with the currency's
/// decimals, or all of its own where it has more.
fn icu_number(amount: Decimal, minor_units: u32) -> IcuDecimal {
    let mut number = IcuDecimal::from(amount.mantissa());
    number.multiply_pow10(-(amount.scale() as i16));
    number.trim_end();
    let decimals = amount.normalize().scale().max(minor_units);
    number.pad_end(-(decimals as i16));
    number
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn each_language_writes_an_amount_its_own_way() {
        let cases = [
            (Lang::Ja, "￥", 0, "17800", "￥17,800"),
            (Lang::En, "€", 2, "17800", "€17,800.00"),
            (Lang::De, "€", 2, "17800", "17.800,00\u{a0}€"),
            (Lang::Fr, "€", 2, "17800.5", "17\u{202f}800,50\u{a0}€"),
            (Lang::It, "€", 2, "-39.9", "-39,90\u{a0}€"),
            (Lang::Es, "€", 2, "1249.99", "1249,99\u{a0}€"),
            (Lang::En, "$", 2, "-373", "-$373.00"),
            (Lang::De, "￥", 0, "16182", "16.182\u{a0}￥"),
            (Lang::Ja, "￥", 0, "0.5", "￥0.5"),
        ];
        for (lang, symbol, minor, amount, written) in cases {
            assert_eq!(
                money(lang, symbol, minor, d(amount)),
                written,
                "{lang:?} {amount}"
            );
        }
    }
}
