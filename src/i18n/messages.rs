//! The message catalogue: every word the pages show, one Fluent file per
//! language in `locales/` (embedded in the binary), with its variables
//! (`{ $value }`, `{ $other }`) and plural rules. [`Texts`] holds each
//! message of one language, formatted once at start-up; a message with
//! variables is formatted when a page fills them ([`Texts::f`]).

use std::borrow::Borrow;
use std::sync::LazyLock;

use fluent_bundle::FluentArgs;

use super::Lang;
use super::bundles::{self, Bundle, number_or_text, plain, template};

/// One message in one language: its text (what a page shows when the
/// message takes no values) and its id, to fill its values.
#[derive(Debug, Clone, Copy)]
pub struct Msg {
    pub id: &'static str,
    text: &'static str,
    /// The text with `$value` as U+0001 and `$other` as U+0002, for
    /// [`Msg::push_filled`].
    template: &'static str,
    lang: Lang,
}

impl std::ops::Deref for Msg {
    type Target = str;
    fn deref(&self) -> &str {
        self.text
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text)
    }
}

impl Msg {
    /// The text, for code that takes a `&str`.
    pub fn as_str(self) -> &'static str {
        self.text
    }

    /// The message with `value` and `other` filled, written at the end of
    /// `out` without formatting it again: for a message whose words do not
    /// depend on its values (no plural), on a path that counts its
    /// allocations (a PO's e-mail).
    pub fn push_filled(
        self,
        out: &mut String,
        value: impl std::fmt::Display,
        other: impl std::fmt::Display,
    ) {
        use std::fmt::Write;
        for c in self.template.chars() {
            // Writing into a String cannot fail.
            let _ = match c {
                '\u{1}' => write!(out, "{value}"),
                '\u{2}' => write!(out, "{other}"),
                c => out.write_char(c),
            };
        }
    }
}

impl From<Msg> for String {
    fn from(m: Msg) -> String {
        m.text.to_owned()
    }
}

impl PartialEq<&str> for Msg {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

macro_rules! messages {
    ($($field:ident),* $(,)?) => {
        /// Every message of one language, a field each; `lang` is the
        /// language's own.
        #[derive(Debug)]
        pub struct Texts {
            pub lang: Lang,
            $(pub $field: Msg,)*
        }

        /// Every message id, as the files name them.
        pub const IDS: &[&str] = &[$(stringify!($field)),*];

        impl Texts {
            /// Every message, in the files' order.
            pub fn each(&self) -> Vec<Msg> {
                vec![$(self.$field),*]
            }

            fn load(lang: Lang, bundle: &Bundle) -> Result<Texts, String> {
                let mut problems = Vec::new();
                let mut message = |field: &'static str| {
                    let id: &'static str = Box::leak(field.replace('_', "-").into_boxed_str());
                    let (text, template) = match (plain(bundle, id), template(bundle, id)) {
                        (Some(text), Some(template)) => (text, template),
                        _ => {
                            problems.push(format!("{}: no message {id}", lang.code()));
                            (String::new(), String::new())
                        }
                    };
                    Msg {
                        id,
                        text: Box::leak(text.into_boxed_str()),
                        template: Box::leak(template.into_boxed_str()),
                        lang,
                    }
                };
                let texts = Texts { lang, $($field: message(stringify!($field)),)* };
                if problems.is_empty() { Ok(texts) } else { Err(problems.join("; ")) }
            }
        }
    };
}

/// Each language's texts, loaded once from its bundle; the pages' file
/// must name no message the pages do not have.
fn load_texts() -> Result<Vec<Texts>, String> {
    let mut texts = Vec::new();
    for lang in Lang::ALL {
        let name = format!("{}.ftl", lang.code());
        let unknown: Vec<String> = bundles::file_ids(&name)?
            .into_iter()
            .map(|id| id.replace('-', "_"))
            .filter(|id| !IDS.contains(&id.as_str()))
            .collect();
        if !unknown.is_empty() {
            return Err(format!(
                "locales/{name} has messages no page shows: {}",
                unknown.join(", ")
            ));
        }
        texts.push(Texts::load(lang, bundles::of(lang)?)?);
    }
    Ok(texts)
}

static TEXTS: LazyLock<Result<Vec<Texts>, String>> = LazyLock::new(load_texts);

/// Whether every language's file parses and has every message: absim
/// checks it at start, and refuses to start on the reason.
pub fn check() -> Result<(), String> {
    TEXTS.as_ref().map(|_| ()).map_err(Clone::clone)
}

impl Lang {
    /// Every message in this language.
    pub fn texts(self) -> &'static Texts {
        &TEXTS
            .as_ref()
            .expect("the message catalogue is checked at start (i18n::check)")[self.index()]
    }
}

impl Texts {
    /// `message` with its `$value` filled.
    pub fn f(&self, message: impl Borrow<Msg>, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set("value", number_or_text(value.to_string()));
        format(*message.borrow(), &args)
    }

    /// `message` with its `$value` and `$other` filled.
    pub fn f2(
        &self,
        message: impl Borrow<Msg>,
        value: impl std::fmt::Display,
        other: impl std::fmt::Display,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set("value", number_or_text(value.to_string()));
        args.set("other", number_or_text(other.to_string()));
        format(*message.borrow(), &args)
    }
}

impl Texts {
    /// The language's `amount` message around a number already formatted.
    pub(super) fn amount_in(&self, sign: &str, symbol: &str, number: &str) -> String {
        let mut args = FluentArgs::new();
        args.set("sign", sign.to_owned());
        args.set("symbol", symbol.to_owned());
        args.set("number", number.to_owned());
        format(self.amount, &args)
    }
}

fn format(message: Msg, args: &FluentArgs) -> String {
    bundles::format_id(message.lang, message.id, args)
}

messages! {
    lang_code,
    language_name,
    languages,
    amount,
    product,
    nav_settings,
    nav_tests,
    nav_log,
    nav_search,
    nav_groups,
    nav_mail,
    test_mode_banner,
    active_mode_banner,
    error_title,
    not_found,
    back,
    back_to_system,
    nav_label,
    internal_error,
    database_unavailable,
    store_tagline,
    search_placeholder,
    search_button,
    categories,
    all_products,
    results_count,
    no_results,
    price,
    in_stock,
    stock_left,
    out_of_stock,
    add_to_cart,
    quantity,
    cart,
    cart_count,
    cart_empty,
    update,
    remove,
    proceed_to_checkout,
    continue_shopping,
    subtotal,
    checkout_title,
    checkout_help,
    items,
    tax_estimate,
    tax_detail,
    tax_exempt_note,
    tax_name,
    tax_rate,
    taxable,
    tax_amount,
    shipping_estimate,
    discount,
    total,
    request_approval,
    return_empty,
    returning,
    returning_help,
    send_to_system,
    manufacturer,
    part_number,
    unspsc,
    asin,
    sold_by,
    admin_login_title,
    admin_login_help,
    admin_login_token,
    admin_login_button,
    admin_login_wrong,
    admin_login_needed,
    session_expired,
    session_unknown,
    product_unknown,
    no_hook,
    read_only_cart,
    read_only_banner,
    return_cart,
    setup_title,
    setup_intro,
    group,
    purchasing_system,
    connect_heading,
    connect_help,
    login,
    login_help,
    login_rule,
    password,
    password_help,
    password_rule,
    punchout_url,
    punchout_test_url,
    po_url,
    copy,
    copied,
    endpoints,
    marketplace,
    marketplace_help,
    tax_exempt,
    tax_exempt_help,
    going_live,
    going_live_help,
    at_amazon,
    at_absim,
    unconfirmed,
    confirmation_url,
    ship_notice_url,
    endpoint_help,
    cart_field,
    cart_field_help,
    invoice_url,
    cxml_errors,
    cxml_errors_code,
    cxml_errors_200,
    cxml_errors_help,
    save,
    saved,
    done_mode_test,
    done_mode_active,
    done_resent,
    done_marked_success,
    done_marked_failure,
    done_selected,
    done_group_added,
    mark_missing,
    status_test,
    status_test_help,
    status_active,
    status_active_help,
    start_testing,
    mode_group,
    switch_active,
    switch_test,
    basic_not_done,
    switch_live_warning,
    switch_live_question,
    cancel,
    tests_title,
    view_all_logs,
    tests_intro,
    first_test,
    first_test_desc,
    basic_order,
    basic_order_desc,
    basic_step1,
    basic_step2,
    basic_step3,
    view_scenario_log,
    scenario_active,
    not_yet_success,
    marked_success,
    marked_failure,
    how_to_test,
    how_step1,
    how_step2,
    how_step3,
    how_step4,
    how_step5,
    optional_tests,
    optional_locked,
    safeguard_tests,
    safeguard_locked,
    advanced_tests,
    advanced_locked,
    unlocked_later,
    back_to_settings,
    log_title,
    showing,
    showing_of,
    filter_by,
    search,
    received_date,
    from,
    to,
    scenario,
    all,
    apply,
    po_number,
    received_test,
    test_result,
    unmarked,
    success,
    failure,
    no_orders,
    first_steps,
    first_steps_intro,
    first_steps_1,
    first_steps_2,
    first_steps_3,
    first_steps_buyer,
    first_steps_buyer_help,
    first_steps_demo_help,
    setup_details,
    received,
    credentials,
    valid,
    invalid,
    email,
    hook_url,
    first_name,
    last_name,
    ubu,
    not_received,
    present,
    absent,
    required_note,
    no_session,
    poom,
    sent,
    not_sent,
    status,
    status_ok,
    po_details,
    line_no,
    asin_part,
    unit_price,
    line_total,
    po_total,
    confirmation,
    ordered,
    asn,
    shipment_identifier,
    delivery_number,
    carrier,
    scheduled,
    retrying,
    sending,
    next_try_in,
    attempts,
    attempt_at,
    duration,
    error,
    resend,
    resend_pending,
    faults,
    faults_help,
    fault_kind,
    fault_off,
    fault_count,
    fault_share,
    fault_delay,
    fault_timeout,
    fault_remaining,
    injected_faults,
    no_faults,
    delivery_failed,
    delivered_to,
    buyer_answer,
    no_endpoint,
    look_for,
    look1,
    look2,
    mark_help,
    mark_prompt,
    save_mark,
    documents,
    view,
    download,
    deviations,
    no_deviations,
    doc_setup_request,
    doc_setup_response,
    doc_order_message,
    doc_order_request,
    doc_order_response,
    doc_confirmation,
    doc_confirmation_answer,
    doc_ship_notice,
    doc_ship_notice_answer,
    doc_invoice,
    doc_invoice_answer,
    backordered,
    rejected,
    delivery_in_days,
    price_changed_from,
    line_quantity,
    shipment_n,
    invoice,
    decisions,
    checks,
    suggested,
    verdict_success,
    verdict_failure,
    verdict_pending,
    refused_with,
    refusal_heading,
    header_type,
    select_scenario,
    selected,
    scenario_locked,
    waits_for,
    locked_scenarios,
    safeguard_intro,
    tolerances_title,
    tolerances_help,
    tolerances_link,
    edit,
    price_tolerance,
    price_action_label,
    action_remove_line,
    action_cancel_order,
    quantity_label,
    quantity_ship_available,
    quantity_backorder,
    max_shipping,
    max_delivery,
    delivery_action_label,
    amazon_only,
    groups_title,
    add_group,
    group_name,
    group_name_required,
    payment_scope,
    payment_scope_help,
    scope_individual_payment,
    scope_shared_payment,
    address_scope,
    address_scope_help,
    scope_individual_address,
    scope_shared_address,
    payment_heading,
    payment_none,
    payment_card,
    payment_invoice,
    addresses_help,
    mail_heading,
    mail_user,
    mail_admin,
    admin_email,
    doc_oci_cart,
    oci_unauthorized,
    recent_sessions,
    operation,
    returns,
    no_sessions,
    refused_requests,
    refused_requests_help,
    outbox_title,
    mail_to,
    mail_subject,
    smtp_none,
    smtp_sent,
    smtp_failed,
    no_mails,
    buyer_title,
    buyer_intro,
    buyer_register,
    buyer_registered,
    register,
    select_address,
    shop,
    carts_heading,
    pay,
    ordered_already,
    orders_heading,
    order_answer,
    confirmation_received,
    ship_received,
    invoice_received,
    waiting,
    buyer_not_received,
    buyer_logo,
    buyer_po_answer,
    buyer_sent,
    buyer_received,
    buyer_refused,
    buyer_not_coming,
    buyer_accepted,
    buyer_refused_short,
    buyer_empty_cart,
    buyer_no_carts,
    buyer_cart_unknown,
    buyer_po_not_sent,
    buyer_no_orders,
    buyer_log_link,
    buyer_confirm_id,
    buyer_shipment_id,
    buyer_invoice_id,
    buyer_when,
    buyer_direction,
    buyer_document,
    fault_http500_html,
    fault_http503,
    fault_cxml500,
    fault_timeout_kind,
    fault_delay_kind,
    fault_malformed,
    confirm_accept,
    confirm_detail,
    confirm_reject,
    confirm_backordered,
    confirm_other,
    admin_title,
    who,
    what,
    buyer_log,
    buyer_register_first,
    search_title,
    result_any,
    date_range,
    order_mail_subject,
    order_mail_greeting,
    order_mail_thanks,
    order_mail_test_mode,
    order_mail_order_number,
    order_mail_po_number,
    order_mail_accepted,
    order_mail_refused,
    order_mail_line,
    order_mail_none,
    banner_test_ui,
    banner_test_log,
}
