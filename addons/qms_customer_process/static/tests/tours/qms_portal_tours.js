/** @odoo-module **/
// Portal tours of the QMS customer processes, run by tests/test_portal_tours.py in Chromium: the
// Python test prepares the records (and, between two tours, does what staff does) and checks the
// database afterwards; the tours click through the pages as a customer does.

import { registry } from "@web/core/registry";

// A 1x1 PNG, the "photo" of the complaint.
const PHOTO_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

async function attachFile(input, name, type, base64) {
    const blob = await (await fetch(`data:${type};base64,${base64}`)).blob();
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], name, { type }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("qms_portal_complaint_file", {
    url: "/my/complaints/new",
    steps: () => [
        {
            content: "Say what the complaint is about",
            trigger: "form[action='/my/complaints/new'] input[name=subject]",
            run: "edit Valve housings leak at 6 bar",
        },
        {
            content: "Choose the order (the customer's own)",
            trigger: "select[name=sale_order_id]:has(option:contains(QMS-TOUR))",
            run: "selectByLabel QMS-TOUR",
        },
        {
            content: "Choose the product",
            trigger: "select[name=product_id]:has(option:contains(QMS Tour Valve))",
            run: "selectByLabel QMS Tour Valve",
        },
        {
            content: "Quantity affected",
            trigger: "input[name=quantity_affected]",
            run: "edit 4",
        },
        {
            content: "Describe the problem",
            trigger: "textarea[name=description]",
            run: "edit Four of the ten housings leak at the flange.",
        },
        {
            content: "Attach a photo",
            trigger: "input[type=file][name=attachments]",
            async run() {
                await attachFile(this.anchor, "leaking-flange.png", "image/png", PHOTO_PNG);
            },
        },
        {
            content: "File the complaint",
            trigger: "form[action='/my/complaints/new'] button[type=submit]",
            run: "click",
        },
        {
            content: "The portal confirms the complaint is recorded",
            trigger: ".o_qms_portal_message.alert-success:contains(your complaint is recorded)",
        },
        {
            content: "The complaint is shown, received",
            trigger: ".card-header:contains(Valve housings leak at 6 bar) .badge:contains(Received)",
        },
        {
            content: "The photo is on the complaint",
            trigger: "#qms_complaint_files:contains(leaking-flange.png)",
        },
    ],
});

registry.category("web_tour.tours").add("qms_portal_complaint_accept", {
    steps: () => [
        {
            content: "The proposed solution waits for the customer's answer",
            trigger: ".badge.text-bg-warning:contains(Awaiting Your Answer)",
        },
        {
            content: "How satisfied the customer is with the handling",
            trigger: "#complaint_answer select[name=satisfaction]",
            run: "select satisfied",
        },
        {
            content: "A comment",
            trigger: "#complaint_answer textarea[name=feedback]",
            run: "edit Replacement housings are fine for us.",
        },
        {
            content: "Accept the solution",
            trigger: "#complaint_answer button[name=answer][value=accept]",
            run: "click",
        },
        {
            content: "The portal confirms the acceptance",
            trigger: ".o_qms_portal_message.alert-success:contains(your acceptance of the proposed solution is recorded)",
        },
        {
            content: "The answer given is shown back",
            trigger: "#complaint_answer_given:contains(You accepted the proposed solution.):contains(Replacement housings are fine for us.)",
        },
        {
            content: "The status says the solution is accepted",
            trigger: ".badge.text-bg-success:contains(Solution Accepted)",
        },
    ],
});

registry.category("web_tour.tours").add("qms_portal_sample_approve", {
    steps: () => [
        {
            content: "The sample waits for the customer's decision",
            trigger: ".badge.text-bg-warning:contains(Awaiting Your Decision)",
        },
        {
            content: "A comment on the sample",
            trigger: "form.o_portal_qms_sample_decision textarea[name=comment]",
            run: "edit Matches drawing DWG-T-1.",
        },
        {
            content: "Approve the sample",
            trigger: "form.o_portal_qms_sample_decision button[name=decision][value=approve]",
            run: "click",
        },
        {
            content: "The portal confirms the approval",
            trigger: ".o_qms_portal_message.alert-success:contains(your approval of the sample is recorded)",
        },
        {
            content: "The decision is shown back",
            trigger: "#qms_sample_decision:contains(You approved this sample.):contains(Matches drawing DWG-T-1.)",
        },
        {
            content: "The status says the customer approved it",
            trigger: ".badge.text-bg-success:contains(Approved by You)",
        },
    ],
});

registry.category("web_tour.tours").add("qms_satisfaction_survey_answer", {
    steps: () => [
        {
            content: "Start the questionnaire",
            trigger: "button.btn:contains(Start):not(.disabled)",
            run: "click",
        },
        ...[
            "quality of our products",
            "our delivery",
            "service",
            "price",
            "communication",
            "Overall",
        ].map((question) => ({
            content: `Answer: ${question}`,
            // The second answer of each question is "Satisfied" (85).
            trigger: `div.js_question-wrapper:contains(${question}) label.o_survey_choice_btn:eq(1)`,
            run: "click",
        })),
        {
            content: "A comment",
            trigger: "div.js_question-wrapper:contains(Your comments) textarea",
            run: "edit Deliveries could be announced earlier.",
        },
        {
            content: "Submit the answers",
            trigger: "button[value=finish]:not(.disabled)",
            run: "click",
        },
        {
            content: "The customer is thanked",
            trigger: ".o_survey_finished:contains(Thank you):contains(We read every one of them)",
        },
        {
            content: "Neither score nor pass/fail is shown",
            trigger: ".o_survey_finished:not(:contains(You scored)):not(:contains(failed)):not(:contains(passed)):not(:contains(%))",
        },
    ],
});
