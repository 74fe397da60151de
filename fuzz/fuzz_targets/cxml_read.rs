//! Every cXML document type absim reads, from arbitrary bytes: the reader
//! must answer Ok or a ReadError (whose Status must be writable), never panic.
//! Where a fast reader (OrderRequest, PunchOutSetupRequest) answers, it must
//! agree with serde's.
#![no_main]

use absim::cxml::confirmation::ConfirmationRequest;
use absim::cxml::invoice::InvoiceDetailRequest;
use absim::cxml::order_message::PunchOutOrderMessage;
use absim::cxml::order_request::OrderRequest;
use absim::cxml::punchout_setup::{PunchOutSetupRequest, PunchOutSetupResponse};
use absim::cxml::read::{ReadError, fast_reader_agrees, payload_name, read, read_status};
use absim::cxml::ship_notice::ShipNoticeRequest;
use libfuzzer_sys::fuzz_target;

fn answer<T>(r: Result<T, ReadError>) {
    if let Err(e) = r {
        // The refusal must be expressible as a cXML Status document.
        let _ = e.status();
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = payload_name(data);
    answer(read::<PunchOutSetupRequest>(data));
    answer(read::<PunchOutSetupResponse>(data));
    answer(read::<PunchOutOrderMessage>(data));
    answer(read::<OrderRequest>(data));
    if let Err(disagreement) = fast_reader_agrees::<OrderRequest>(data) {
        panic!("the fast OrderRequest reader disagrees with serde:\n{disagreement}");
    }
    if let Err(disagreement) = fast_reader_agrees::<PunchOutSetupRequest>(data) {
        panic!("the fast PunchOutSetupRequest reader disagrees with serde:\n{disagreement}");
    }
    answer(read::<ConfirmationRequest>(data));
    answer(read::<ShipNoticeRequest>(data));
    answer(read::<InvoiceDetailRequest>(data));
    answer(read_status(data));
    let _ = absim::tools::lint::lint(data);
});
