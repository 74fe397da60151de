//! The order of children the DTD prescribes, for the elements buyers most
//! often write out of order: the scan in `read::read` notes a child that
//! comes before one it should follow as a deviation (the document is still
//! accepted).

use super::deviation::Deviation;

/// The DTD order of the children of the elements buyers most often write out
/// of order; a child that comes before one it should follow is a deviation.
const CHILD_ORDER: &[(&str, &[&str])] = &[
    ("Header", &["From", "To", "Sender"]),
    (
        "PunchOutSetupRequest",
        &[
            "BuyerCookie",
            "Extrinsic",
            "BrowserFormPost",
            "Contact",
            "SupplierSetup",
            "ShipTo",
            "SelectedItem",
            "ItemOut",
        ],
    ),
    (
        "OrderRequestHeader",
        &[
            "Total",
            "ShipTo",
            "BillTo",
            "BusinessPartner",
            "LegalEntity",
            "OrganizationalUnit",
            "Shipping",
            "Tax",
            "Payment",
            "PaymentTerm",
            "Contact",
            "Comments",
            "Followup",
            "ControlKeys",
            "DocumentReference",
            "SupplierOrderInfo",
            "TermsOfDelivery",
            "DeliveryPeriod",
            "IdReference",
            "OrderRequestHeaderIndustry",
            "Extrinsic",
        ],
    ),
    ("OrderRequest", &["OrderRequestHeader", "ItemOut"]),
    (
        "ItemOut",
        &[
            "ItemID",
            "Path",
            "ItemDetail",
            "BlanketItemDetail",
            "SupplierID",
            "SupplierList",
            "ShipTo",
            "Shipping",
            "Tax",
            "SpendDetail",
            "Distribution",
            "Contact",
            "TermsOfDelivery",
            "Comments",
        ],
    ),
    (
        "ItemDetail",
        &[
            "UnitPrice",
            "Description",
            "OverallLimit",
            "ExpectedLimit",
            "UnitOfMeasure",
            "PriceBasisQuantity",
            "Classification",
            "ManufacturerPartID",
            "ManufacturerName",
            "URL",
            "LeadTime",
            "Dimension",
            "ItemDetailIndustry",
            "AttachmentReference",
            "PlannedAcceptanceDays",
            "Extrinsic",
        ],
    ),
    (
        "ItemID",
        &[
            "SupplierPartID",
            "SupplierPartAuxiliaryID",
            "BuyerPartID",
            "IdReference",
        ],
    ),
    (
        "Credential",
        &[
            "Identity",
            "SharedSecret",
            "DigitalSignature",
            "CredentialMac",
        ],
    ),
];

/// An open element whose children's order is checked.
pub(super) struct OrderTrack {
    parent: &'static str,
    order: &'static [&'static str],
    last: usize,
    last_name: &'static str,
}

impl OrderTrack {
    /// The order to check inside a just-opened element `name`, if its
    /// children's order is checked.
    pub(super) fn of(name: &str) -> Option<OrderTrack> {
        CHILD_ORDER
            .iter()
            .find(|(p, _)| *p == name)
            .map(|(parent, order)| OrderTrack {
                parent,
                order,
                last: 0,
                last_name: "",
            })
    }
}

/// Notes a child that comes before a sibling the DTD puts earlier (once per
/// parent element name).
pub(super) fn check_child_order(
    open: &mut [Option<OrderTrack>],
    reported: &mut Vec<&'static str>,
    deviations: &mut Vec<Deviation>,
    name: &str,
) {
    let Some(Some(track)) = open.last_mut() else {
        return;
    };
    let Some(rank) = track.order.iter().position(|c| *c == name) else {
        return;
    };
    if rank < track.last && !reported.contains(&track.parent) {
        reported.push(track.parent);
        deviations.push(
            Deviation::new(
                "element-order",
                format!(
                    "<{name}> comes after <{}> in <{}>; the DTD puts it first (accepted)",
                    track.last_name, track.parent
                ),
            )
            .with("element", name)
            .with("after", track.last_name)
            .with("parent", track.parent),
        );
    }
    if rank >= track.last {
        track.last = rank;
        track.last_name = track.order[rank];
    }
}
