"""Records in every state, made with the PREVIOUS version of the addon (run in ``odoo-bin shell``
by test_upgrade_from_previous.py, on top of the demo data), through that version's own
transition methods, as the people of each role would (superuser where a role check is not what
is being filled in).

Written against the API of the previous version: when the version is bumped again, the previous
version is the one this file must match (a method renamed since then fails here, loudly).
"""

import base64
from datetime import timedelta

from odoo import fields


def _attach(env, record, name, content):
    return env["ir.attachment"].create({
        "name": name,
        "datas": base64.b64encode(content),
        "res_model": record._name,
        "res_id": record.id,
    })


def fill(env):
    ref = env.ref
    today = fields.Date.context_today(env.user)
    users = {user.login: user for user in env["res.users"].search([("login", "like", "qms_")])}
    partner = env["res.partner"].create({"name": "QMS Upgrade Customer", "email": "upgrade@example.com"})
    special = env["product.product"].create({
        "name": "QMS Upgrade Prototype Pump", "type": "consu", "list_price": 120.0, "qms_standard_product": False,
    })
    standard = env["product.product"].create({
        "name": "QMS Upgrade Standard Bolt", "type": "consu", "list_price": 2.0, "qms_standard_product": True,
    })

    def order(product, qty=3, **vals):
        return env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty})],
            **vals,
        })

    logins = {"general_manager": "qms_gm", "sales_management": "qms_sales_manager"}

    def user_of(role):
        return users[logins.get(role.code, f"qms_{role.code}")]

    def decide(line, accept=True, **kwargs):
        line = line.with_user(user_of(line.role_id))
        return line.action_accept(**kwargs) if accept else line.action_reject(**kwargs)

    # Contract review: one order in each review state, with requirements and decided lines.
    orders = {}
    orders["not_required"] = order(standard, 10)
    orders["draft"] = order(special, qms_requirement_ids=[
        (0, 0, {"kind": "explicit", "topic": "quality", "description": "Salt-spray test 500 h", "non_standard": True}),
    ])
    orders["in_review"] = order(special, qms_requirement_ids=[(0, 0, {"kind": "statutory", "description": "CE marking"})])
    orders["in_review"].action_qms_request_review()
    lines = {line.role_id.code: line for line in orders["in_review"].qms_review_line_ids}
    decide(lines["sales_management"])  # the sales management department opens the review
    decide(lines["rd"])
    decide(lines["quality"], conditions="Witnessed final inspection")

    orders["rejected"] = order(special)
    orders["rejected"].action_qms_request_review()
    lines = {line.role_id.code: line for line in orders["rejected"].qms_review_line_ids}
    decide(lines["sales_management"])
    decide(lines["finance"], accept=False, comment="Advance payment of 30% required")

    def approve(sale_order):
        sale_order.action_qms_request_review()
        for line in sale_order.qms_review_line_ids.sorted("sequence"):
            if line._qms_waits_for_conclusion():
                # The organiser's conclusion comes before the general manager's approval.
                sale_order.with_user(users["qms_sales_manager"]).action_qms_conclude("Terms clear and accepted.")
            decide(line)

    orders["approved"] = order(special, 4)
    approve(orders["approved"])
    orders["outdated"] = order(special, 5)
    approve(orders["outdated"])
    orders["outdated"].write({"order_line": [(1, orders["outdated"].order_line.id, {"product_uom_qty": 50})]})
    # A second revision: the first round stays on record beside the new one.
    orders["outdated_rereviewed"] = order(special, 6)
    approve(orders["outdated_rereviewed"])
    orders["outdated_rereviewed"].write({"order_line": [(1, orders["outdated_rereviewed"].order_line.id, {"product_uom_qty": 60})]})
    orders["outdated_rereviewed"].action_qms_request_review()
    orders["confirmed"] = order(special, 7, qms_order_channel="oral", qms_customer_confirmed_by="Mr. Wang",
                                qms_customer_confirmed_on=fields.Datetime.now(), qms_customer_confirmation_method="call")
    approve(orders["confirmed"])
    orders["confirmed"].action_confirm()
    orders["confirmed_regular"] = order(standard, 2)
    orders["confirmed_regular"].action_confirm()
    orders["sent"] = order(standard, 8)
    orders["sent"].action_quotation_sent()
    orders["cancelled"] = order(standard, 9)
    orders["cancelled"].action_cancel()
    confirmation = _attach(env, orders["confirmed"], "oral-order-confirmation.txt", b"Confirmed by phone, Mr. Wang.")
    orders["confirmed"].qms_customer_confirmation_attachment_ids = [(4, confirmation.id)]
    _attach(env, orders["in_review"], "drawing-rev-a.pdf", b"%PDF-1.4 drawing of the prototype pump")

    # Capability commitments: draft, submitted, countersigned, approved (demo, approved here), cancelled.
    commitments = env["qms.capability.commitment"]
    commitments.create({"name": "Next year's capability", "date_from": today + timedelta(days=400),
                        "date_to": today + timedelta(days=700), "capacity_qty": 800})
    cancelled = commitments.create({"name": "Withdrawn capability", "date_from": today, "date_to": today + timedelta(days=30)})
    gm = users["qms_gm"]
    demo_commitment = ref("qms_customer_process.capability_commitment_current")
    if demo_commitment.state == "draft":
        # Submitted, countersigned by each department, then approved by the general manager.
        demo_commitment.action_submit()
        for line in demo_commitment.review_line_ids.filtered(lambda rl: rl.decision == "pending"):
            line.with_user(user_of(line.role_id)).action_countersign()
        demo_commitment.with_user(gm).action_approve()
    cancelled.with_user(gm).action_cancel()
    # Submitted for countersign, and countersigned by every department but not approved yet.
    for name, start, countersign in (("Capability under countersign", 800, False),
                                     ("Capability countersigned", 1200, True)):
        commitment = commitments.create({
            "name": name, "date_from": today + timedelta(days=start), "date_to": today + timedelta(days=start + 300),
            "product_tmpl_ids": [(6, 0, standard.product_tmpl_id.ids)], "capacity_qty": 500,
        })
        commitment.action_submit()
        if countersign:
            for line in commitment.review_line_ids.filtered(lambda rl: rl.decision == "pending"):
                line.with_user(user_of(line.role_id)).action_countersign()

    # Corrective actions in each state: open, implemented, verified effective, reopened as not
    # effective, cancelled; linked to a complaint.
    complaint = ref("qms_customer_process.demo_complaint_investigating")
    quality = users["qms_quality"]
    owner = users["qms_production"]
    actions = env["qms.corrective.action"]

    def action(description, **vals):
        return actions.create({"description": description, "user_id": owner.id, "due_date": today + timedelta(days=20),
                               "complaint_id": complaint.id, **vals})

    action("Open action: retrain the assembly line")
    done = action("Implemented action: new jig for the connector")
    done.implementation_note = "Jig in use since Monday"
    done.with_user(owner).action_done()
    verified = action("Verified action: incoming inspection of housings")
    verified.implementation_note = "AQL 1.0 sampling at goods receipt"
    verified.with_user(owner).action_done()
    verified.with_user(quality).action_verify(effective=True, note="No defect in three lots")
    reopened = action("Not effective: supplier audit")
    reopened.implementation_note = "Audit done"
    reopened.with_user(owner).action_done()
    reopened.with_user(quality).action_verify(effective=False, note="Defects found again in lot 12")
    action("Cancelled action: duplicate").with_user(quality).action_cancel()
    _attach(env, verified, "inspection-report.txt", b"Three lots inspected, no defect.")

    # Quality investigations (8D) in each state.
    investigations = env["qms.quality.investigation"]

    def investigation(title, **vals):
        return investigations.create({"user_id": quality.id, "problem_description": title, **vals})

    investigation("8D draft: noise at start-up")
    analysis = investigation("8D analysis: paint blisters")
    analysis.action_start_analysis()
    in_action = investigation("8D actions: loose screws", root_cause_category="method", root_cause="No torque spec")
    in_action.action_start_analysis()
    in_action.action_to_actions()
    action("Torque specification in the work instruction", investigation_id=in_action.id)
    verification = investigation("8D verification: cracked lids", root_cause_category="material", root_cause="Brittle resin",
                                 implementation_note="New resin grade")
    verification.action_start_analysis()
    verification.action_to_actions()
    action("Resin grade changed", investigation_id=verification.id)
    verification.action_to_verification()
    investigation("8D cancelled: opened twice").with_user(quality).action_cancel()
    _attach(env, verification, "why-why.txt", b"Why 1: brittle resin. Why 2: supplier changed grade.")

    # Complaints: every state is in the demo data; attachments on two of them.
    _attach(env, complaint, "photo-connector.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    _attach(env, ref("qms_customer_process.demo_complaint_major"), "8d-report.txt", b"8D report of the gas lifts.")

    # Samples: every state is in the demo data; an attachment on the customer's approval.
    _attach(env, ref("qms_customer_process.sample_request_customer_approved"), "signed-approval.pdf", b"%PDF-1.4 signed")

    # Satisfaction: one answered survey analysed, a draft campaign with draft surveys, a closed one.
    surveys = env["qms.satisfaction.survey"].search([("state", "=", "answered"), ("dissatisfied", "=", False)], limit=1)
    surveys.action_mark_analysed()
    draft_campaign = env["qms.satisfaction.campaign"].create({
        "title": "Customer satisfaction, second half-year", "date_start": today, "date_end": today + timedelta(days=180),
        "partner_ids": [(6, 0, [partner.id, ref("base.res_partner_2").id])],
    })
    draft_campaign.action_generate_surveys()
    closed_campaign = env["qms.satisfaction.campaign"].create({
        "title": "Customer satisfaction, last year", "date_start": today - timedelta(days=400),
        "date_end": today - timedelta(days=220), "partner_ids": [(6, 0, [partner.id])],
    })
    closed_campaign.action_send()
    closed_campaign.action_close()
    answered = env["qms.satisfaction.survey"].search([("state", "in", ("answered", "analysed"))], limit=1)
    _attach(env, answered, "paper-form-scan.pdf", b"%PDF-1.4 scanned paper form")

    env.cr.commit()
    return {name: sale_order.id for name, sale_order in orders.items()}
