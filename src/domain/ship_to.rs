//! A PO's ShipTo as its store reads it: the state or province its tax
//! depends on (required in the US, Canada and India: refused with Amazon's
//! code 001-005 when missing or unknown), and the notes of a postal code
//! of another form or an address in another country (the PO goes on).

use super::marketplace::Marketplace;
use super::order::Rejection;
use crate::cxml::{Address, Deviation, Status};
use crate::note;

/// What the ShipTo says for the order's tax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShipTo {
    /// The state or province, upper case, as the store knows it.
    pub region: Option<String>,
}

/// Reads a PO's ShipTo address for its store; `deviations` gets the notes.
pub fn read_ship_to(
    address: Option<&Address>,
    market: &Marketplace,
    deviations: &mut Vec<Deviation>,
) -> Result<ShipTo, Rejection> {
    let postal = address.and_then(|a| a.postal_address.as_ref());
    let state = postal
        .and_then(|p| p.state.as_deref())
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty());
    let rules = &market.address;
    if rules.region_required {
        match &state {
            Some(s) if market.knows_region(s) => {}
            Some(s) => return Err(unknown_region(market, s)),
            None => return Err(missing_region(market)),
        }
    }
    if let Some(code) = postal.and_then(|p| p.postal_code.as_deref())
        && !rules.postal_code.is_match(code.trim())
    {
        deviations.push(
            Deviation::new(
                "postal-code-form",
                format!(
                    "ShipTo PostalCode '{}' is not of the form {} uses (for example {})",
                    code.trim(),
                    market.site,
                    rules.postal_code_example
                ),
            )
            .with("code", code.trim())
            .with("site", &market.site)
            .with("example", &rules.postal_code_example),
        );
    }
    if let Some(country) = country_of(address)
        && !country.eq_ignore_ascii_case(&market.country)
    {
        deviations.push(
            Deviation::new(
                "ship-to-abroad",
                format!(
                    "ShipTo is in {country}, not in {} where {} delivers",
                    market.country, market.site
                ),
            )
            .with("country", &country)
            .with("store_country", &market.country)
            .with("site", &market.site),
        );
    }
    Ok(ShipTo {
        region: state.filter(|s| market.knows_region(s)),
    })
}

/// The address's country: its PostalAddress's, or the Address's own.
fn country_of(address: Option<&Address>) -> Option<String> {
    let a = address?;
    a.postal_address
        .as_ref()
        .map(|p| p.country.iso_country_code.trim().to_owned())
        .filter(|c| !c.is_empty())
        .or_else(|| {
            a.iso_country_code
                .as_deref()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
        })
}

fn missing_region(market: &Marketplace) -> Rejection {
    Rejection {
        status: Status::new(
            400,
            "001-005",
            format!(
                "001-005: ShipTo has no State; {} needs the ship-to state or province (its tax depends on it), e.g. <State>{}</State>",
                market.site,
                market.address.regions.first().map_or("", String::as_str)
            ),
        ),
        note: Some(Box::new(note!(
            "refusal-no-state",
            site = market.site.as_str()
        ))),
    }
}

fn unknown_region(market: &Marketplace, state: &str) -> Rejection {
    Rejection {
        status: Status::new(
            400,
            "001-005",
            format!(
                "001-005: ShipTo State '{state}' is not a state or province of {} (use its code, e.g. {})",
                market.country,
                market
                    .address
                    .regions
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        note: Some(Box::new(note!(
            "refusal-unknown-state",
            state = state,
            country = market.country.as_str()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cxml::{Country, PostalAddress};
    use crate::domain::marketplace::Marketplaces;

    fn address(state: Option<&str>, postal: &str, country: &str) -> Address {
        Address {
            postal_address: Some(PostalAddress {
                state: state.map(Into::into),
                postal_code: Some(postal.into()),
                country: Country {
                    iso_country_code: country.into(),
                    name: Default::default(),
                },
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn store(code: &str) -> Marketplace {
        Marketplaces::embedded().unwrap().get(code).unwrap().clone()
    }

    #[test]
    fn a_us_order_names_its_state_and_gets_it_back_for_the_tax() {
        let mut notes = Vec::new();
        let to = read_ship_to(
            Some(&address(Some(" ny "), "10001", "US")),
            &store("US"),
            &mut notes,
        );
        assert_eq!(to.unwrap().region.as_deref(), Some("NY"));
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_us_order_without_a_state_or_with_an_unknown_one_is_refused_with_001_005() {
        let us = store("US");
        let missing = read_ship_to(Some(&address(None, "10001", "US")), &us, &mut Vec::new());
        let refusal = missing.unwrap_err().status;
        assert_eq!((refusal.code, refusal.text.as_str()), (400, "001-005"));
        assert!(
            refusal.message.contains("has no State"),
            "{}",
            refusal.message
        );
        let unknown = read_ship_to(
            Some(&address(Some("XX"), "10001", "US")),
            &us,
            &mut Vec::new(),
        );
        assert!(unknown.unwrap_err().status.message.contains("'XX'"));
    }

    #[test]
    fn a_postal_code_of_another_form_and_another_country_are_noted_not_refused() {
        let mut notes = Vec::new();
        let to = read_ship_to(Some(&address(None, "ABC", "FR")), &store("DE"), &mut notes);
        assert_eq!(to.unwrap(), ShipTo::default());
        let codes: Vec<&str> = notes.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["postal-code-form", "ship-to-abroad"]);
    }

    #[test]
    fn a_japanese_address_as_the_guide_writes_it_passes_quietly() {
        let mut notes = Vec::new();
        let to = read_ship_to(
            Some(&address(None, "153-0064", "JP")),
            &store("JP"),
            &mut notes,
        );
        assert!(to.is_ok() && notes.is_empty(), "{notes:?}");
    }
}
