/** @odoo-module **/
/* The contract review of a special quotation as the people concerned do it in the web client
 * (issue 11, must-have 7). Each tour is one user's part; the Python test
 * (tests/test_tours.py) runs them in turn and checks the order between them. */

import { registry } from "@web/core/registry";
import tourUtils from "@sale/js/tours/tour_utils";

const PRODUCT = "QMS Tour Prototype";
const CUSTOMER = "QMS Tour Customer";

function openActivityGroup(modelName) {
    return [
        {
            content: "Open my activities",
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            content: `Open my to-dos on ${modelName}`,
            trigger: `.o-mail-ActivityGroup[data-model_name='${modelName}']`,
            run: "click",
        },
    ];
}

// The salesperson writes a quotation for a non-standard product and requests its review.
registry.category("web_tour.tours").add("qms_review_request", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        ...tourUtils.createNewSalesOrder(),
        ...tourUtils.selectCustomer(CUSTOMER),
        ...tourUtils.addProduct(PRODUCT),
        {
            trigger: "div[name='product_uom_qty'] input",
            run: "edit 4 && press Tab",
        },
        ...tourUtils.clickSomewhereElse(),
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The quotation is a special contract",
            trigger: ".o_field_widget[name='qms_contract_type'] :contains('Special')",
        },
        {
            content: "Request the contract review",
            trigger: "button[name='action_qms_request_review'].btn-primary",
            run: "click",
        },
        {
            content: "The review is under way",
            trigger: ".o_form_saved .alert-warning:contains('In Review')",
        },
        {
            trigger: ".o_field_widget[name='qms_review_state'] :contains('In Review')",
        },
    ],
});

// A reviewer (department or general manager) opens the to-do, reads what is reviewed and accepts.
registry.category("web_tour.tours").add("qms_review_decide", {
    url: "/odoo",
    steps: () => [
        ...openActivityGroup("qms.contract.review.line"),
        {
            content: "Open the review line of the to-do",
            trigger: ".o_list_renderer .o_data_row:first td.o_data_cell[name='order_id']",
            run: "click",
        },
        {
            content: "The line is open for decision",
            trigger: ".o_field_widget[name='review_status'] .o_arrow_button_current:contains('Pending')",
        },
        {
            content: "The reviewed products and quantities are on the line",
            trigger: ".o_field_widget[name='order_line_ids'] .o_data_row:contains('" + PRODUCT + "'):contains('4.00')",
        },
        {
            content: "Accept",
            trigger: ".o_form_view button[name='action_accept']",
            run: "click",
        },
        {
            content: "Decided",
            trigger: ".o_field_widget[name='review_status'] .o_arrow_button_current:contains('Accepted')",
        },
        {
            trigger: ".o_form_view:not(:has(button[name='action_accept']))",
        },
    ],
});

// The salesperson opens the "Contract review approved" to-do and confirms the order.
registry.category("web_tour.tours").add("qms_review_confirm", {
    url: "/odoo",
    steps: () => [
        ...openActivityGroup("sale.order"),
        {
            content: "Open the approved quotation",
            trigger: ".o_list_renderer .o_data_row:first td.o_data_cell[name='name']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='qms_review_state'] :contains('Approved')",
        },
        {
            content: "Confirm the order",
            trigger: "button[name='action_confirm']:enabled",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_field_widget[name='state'] .o_arrow_button_current:contains('Sales Order')",
        },
    ],
});

// A department reviewer opens Department Reviews: it lists the department's open line only.
registry.category("web_tour.tours").add("qms_review_decide_from_list", {
    url: "/odoo/action-qms_customer_process.qms_contract_review_line_action",
    steps: () => [
        {
            content: "Only lines this department must decide now are listed (its own, pending, open)",
            trigger: ".o_list_renderer .o_data_row td.o_data_cell[name='partner_id']:contains('" + CUSTOMER + "')",
            run() {
                for (const row of document.querySelectorAll(".o_list_renderer .o_data_row")) {
                    const status = row.querySelector("td.o_data_cell[name='review_status']").textContent.trim();
                    if (status !== "Pending") {
                        throw new Error(`Department Reviews lists a line that is ${status}: ${row.textContent}`);
                    }
                }
            },
        },
        {
            content: "Open the line of the quotation",
            trigger: ".o_list_renderer .o_data_row td.o_data_cell[name='partner_id']:contains('" + CUSTOMER + "')",
            run: "click",
        },
        {
            content: "The reviewed products and quantities are on the line",
            trigger: ".o_field_widget[name='order_line_ids'] .o_data_row:contains('" + PRODUCT + "'):contains('4.00')",
        },
        {
            content: "Accept with a condition",
            trigger: ".o_field_widget[name='conditions'] textarea",
            run: "edit Tooling ready by week 10",
        },
        {
            trigger: ".o_form_view button[name='action_accept']",
            run: "click",
        },
        {
            content: "Decided",
            trigger: ".o_field_widget[name='review_status'] .o_arrow_button_current:contains('Accepted with conditions')",
        },
    ],
});

// The general manager opens Quotations under Review, reads the order and accepts his line there.
registry.category("web_tour.tours").add("qms_review_decide_from_order", {
    url: "/odoo/action-qms_customer_process.sale_order_action_contract_review",
    steps: () => [
        {
            content: "Open the quotation under review",
            trigger: ".o_list_renderer .o_data_row td.o_data_cell[name='partner_id']:contains('" + CUSTOMER + "')",
            run: "click",
        },
        {
            content: "The conditions are shown at the top",
            trigger: ".o_form_view .alert:contains('Tooling ready by week 10')",
        },
        {
            content: "Open the department reviews",
            trigger: ".o_notebook a.nav-link[name='qms_reviews']",
            run: "click",
        },
        {
            content: "Accept the general manager's line",
            trigger: ".o_field_widget[name='qms_review_line_ids'] .o_data_row button[name='action_accept']",
            run: "click",
        },
        {
            content: "The review is approved",
            trigger: ".o_field_widget[name='qms_review_state'] .o_arrow_button_current:contains('Approved')",
        },
    ],
});
