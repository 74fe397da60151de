//! The cart-return form as a buyer's hook receives it (cxml-urlencoded,
//! cxml-base64) and the OCI login fields, from an arbitrary form body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(data)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let _ = absim::buyer::cart_from_form(&fields);
    let _ = absim::oci::OciLogin::parse(&fields);
});
