"""The parts of the contract review the procedure names beyond the department lines: the
organiser's conclusion (4.4.4-4.4.5), the sales manager's check (参考模板 3.2), the differences from
the tender (4.2.1 c), who may classify a special contract as regular, and the re-review of an
amendment by the departments it concerns (4.5, 4.7)."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SPECIAL_DEPARTMENTS, QmsCase

REPORT = "qms_customer_process.action_report_contract_review"
NOT_ORGANISER = r"^Only the organiser of the contract review \(Sales / Administrator\) writes its conclusion\.$"


class ProcedureCase(QmsCase):
    def _in_review(self, **vals):
        order = self._special_order(**vals)
        order.with_user(self.salesman).action_qms_request_review()
        return order

    def _departments_decided(self, **vals):
        order = self._in_review(**vals)
        self._decide_all(order, SPECIAL_DEPARTMENTS)
        return order

    def _approved(self, **vals):
        order = self._in_review(**vals)
        self._decide_all(order)
        self.assertEqual(order.qms_review_state, "approved")
        return order

    def _revision_lines(self, order, revision):
        return order.qms_review_line_ids.filtered(lambda line: line.revision == revision)


@tagged("post_install", "-at_install")
class TestConclusion(ProcedureCase):
    def test_general_manager_decides_after_the_conclusion(self):
        order = self._departments_decided()
        gm_line = self._line(order, "general_manager")
        self.assertFalse(gm_line.is_open, "the general manager's line waits for the conclusion")
        self.assertFalse(gm_line.sudo().activity_ids, "no to-do for the general manager before the conclusion")
        message = rf"^The general manager decides on {re.escape(order.name)} after the organiser's conclusion of the review\.$"
        with self.assertRaisesRegex(UserError, message):
            gm_line.with_user(self.gm).action_accept()
        self.assertEqual(gm_line.decision, "pending")
        # The organiser (the salesperson's team leader, a sales manager, else the sales managers)
        # is asked for the conclusion once the departments have decided.
        todo = order.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("qms_customer_process.mail_activity_type_qms_review"))
        self.assertTrue(todo)
        self.assertTrue(all(user.has_group("sales_team.group_sale_manager") for user in todo.user_id))
        self.assertTrue(order.with_user(self.sales_manager).qms_review_can_conclude)
        self.assertFalse(order.with_user(self.salesman).qms_review_can_conclude)

        order.with_user(self.sales_manager).action_qms_conclude(
            "  Terms clear and accepted; first article inspection by quality.  ")
        self.assertEqual(order.qms_review_conclusion, "Terms clear and accepted; first article inspection by quality.")
        self.assertEqual(order.qms_review_concluded_by_id, self.sales_manager)
        self.assertTrue(order.qms_review_concluded_on)
        self.assertFalse(order.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("qms_customer_process.mail_activity_type_qms_review")))
        self.assertTrue(any("Conclusion of the contract review (revision 1): Terms clear and accepted" in body
                            for body in order.message_ids.mapped("body")))
        self.assertTrue(gm_line.is_open)
        self.assertEqual(gm_line.sudo().activity_ids.user_id, self.gm)
        gm_line.with_user(self.gm).action_accept()
        self.assertEqual(order.qms_review_state, "approved")
        with self.assertRaisesRegex(UserError, r"The general manager has already decided on .*: the conclusion comes before"):
            order.with_user(self.sales_manager).action_qms_conclude("Changed afterwards")
        self.assertEqual(order.qms_review_conclusion, "Terms clear and accepted; first article inspection by quality.")

    def test_who_writes_the_conclusion_and_when(self):
        order = self._in_review()
        for user in (self.salesman, self.gm, self.reviewers["quality"], self.plain_user):
            with self.assertRaisesRegex(AccessError, NOT_ORGANISER):
                order.with_user(user).action_qms_conclude("Accepted")
        with self.assertRaisesRegex(UserError, rf"^The departments have not all decided on {re.escape(order.name)} yet: "):
            order.with_user(self.sales_manager).action_qms_conclude("Accepted")
        self._decide_all(order, SPECIAL_DEPARTMENTS)
        with self.assertRaisesRegex(UserError, rf"^Write the conclusion of the contract review of {re.escape(order.name)}\.$"):
            order.with_user(self.sales_manager).action_qms_conclude("   ")
        with self.assertRaisesRegex(UserError, r"must be a text"):
            order.with_user(self.sales_manager).action_qms_conclude(["Accepted"])
        # Written only by the transition, whatever the caller sends.
        for vals in ({"qms_review_conclusion": "Forged"}, {"qms_review_concluded_by_id": self.sales_manager.id}):
            with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
                order.with_user(self.sales_manager).write(vals)
        self.assertFalse(order.qms_review_conclusion)
        # A company names another organiser: production's manager (procedure 4.4.4).
        self.company.qms_review_organiser_group_id = self.env.ref("qms_customer_process.group_qms_production")
        with self.assertRaisesRegex(AccessError, r"Only the organiser of the contract review \(Customer Quality / Production"):
            order.with_user(self.sales_manager).action_qms_conclude("Accepted")
        order.with_user(self.reviewers["production"]).action_qms_conclude("Accepted; two lots")
        self.assertEqual(order.qms_review_concluded_by_id, self.reviewers["production"])

    def test_regular_order_over_the_threshold_needs_no_conclusion(self):
        self.company.qms_review_amount_threshold = 400
        order = self._order(products=[(self.product_std, 5)])
        order.action_qms_request_review()
        gm_line = self._line(order, "general_manager")
        self.assertTrue(gm_line.is_open)
        with self.assertRaisesRegex(UserError, "there are no departments' opinions to conclude"):
            order.with_user(self.sales_manager).action_qms_conclude("Accepted")
        gm_line.with_user(self.gm).action_accept()
        self.assertEqual(order.qms_review_state, "approved")

    def test_conclusion_through_the_wizard_and_on_the_printed_form(self):
        order = self._departments_decided()
        self._line(order, "production").invalidate_recordset()
        form = Form(self.env["qms.review.conclusion.wizard"].with_user(self.sales_manager)
                    .with_context(default_order_id=order.id))
        self.assertIn("Production / Planning: Accepted.", form.opinions)
        form.conclusion = "Accepted: the housing is made by the second supplier."
        form.save().action_conclude()
        self.assertEqual(order.qms_review_conclusion, "Accepted: the housing is made by the second supplier.")
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, order.ids)[0].decode()
        self.assertIn("Review Conclusion", html)
        self.assertIn("Accepted: the housing is made by the second supplier.", html)
        self.assertIn(self.sales_manager.name, html)

    def test_new_revision_needs_a_new_conclusion(self):
        order = self._approved()
        self.assertTrue(order.qms_review_conclusion)
        order.write({"payment_term_id": self.env.ref("account.account_payment_term_30days").id})
        order.action_qms_request_review()
        self.assertEqual(order.qms_review_revision, 2)
        self.assertFalse(order.qms_review_conclusion)
        self.assertFalse(order.qms_review_concluded_by_id)
        self.assertTrue(any("Conclusion of the contract review (revision 1)" in body
                            for body in order.message_ids.mapped("body")), "the earlier conclusion stays in the chatter")


@tagged("post_install", "-at_install")
class TestSalesManagementAndTender(ProcedureCase):
    def test_sales_management_reviews_special_contracts(self):
        order = self._in_review()
        line = self._line(order, "sales_management")
        self.assertEqual(line.role_id.group_id, self.env.ref("sales_team.group_sale_manager"))
        for topic in ("lawful", "complete", "Prices", "Payment terms", "tender"):
            self.assertIn(topic, line.topics)
        self.assertTrue(line.is_open)
        with self.assertRaisesRegex(AccessError, r"^Only members of Sales Management decide its contract review\.$"):
            line.with_user(self.salesman).action_accept()
        # A sales manager writes the opinion of his own department only.
        with self.assertRaisesRegex(AccessError, r"^Only members of R&D / Engineering write its opinion on the contract review\.$"):
            self._line(order, "rd").with_user(self.sales_manager).write({"comment": "Not my department"})
        self.assertFalse(self._line(order, "rd").comment)
        line.with_user(self.sales_manager).write({"conditions": "30% advance payment"})
        line.with_user(self.sales_manager).action_accept()
        self.assertEqual((line.decision, line.reviewer_id), ("conditional", self.sales_manager))
        # A regular order has no sales management line (its simplified review is on the delivery).
        self.assertNotIn("sales_management", self._order()._qms_applicable_roles().mapped("code"))

    def test_tender_differences_resolved_before_confirmation(self):
        order = self._order(qms_from_tender=True, qms_tender_reference="Tender ZB-2026-17")
        self.env.flush_all()
        self.env.cr.flush()  # the order exists before it is changed: its changes are tracked
        message = rf"^{re.escape(order.name)} comes from a tender: resolve its differences from the tender"
        with self.assertRaisesRegex(UserError, message):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")
        # Nor through the customer's signature on the portal.
        order.sudo()._validate_order()
        self.assertEqual(order.state, "draft")
        order.with_user(self.salesman).write({"qms_tender_differences_resolved": True})
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written when the cursor flushes
        self.env.invalidate_all()
        self.assertIn("qms_tender_differences_resolved",
                      order.sudo().message_ids.tracking_value_ids.field_id.mapped("name"))
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        # An order that does not come from a tender confirms as in standard Odoo.
        plain = self._order()
        plain.with_user(self.salesman).action_confirm()
        self.assertEqual(plain.state, "sale")

    def test_tender_differences_resolved_again_after_the_terms_change(self):
        """Procedure 4.2.1 c: the terms of a quotation answering a tender change after its
        differences from the tender were resolved: they are to be resolved again before it is
        confirmed; unless resolved in the same write, or the change is not of its terms."""
        order = self._order(qms_from_tender=True, qms_tender_reference="Tender ZB-2026-18")
        Order = order.with_user(self.salesman)
        Order.write({"qms_tender_differences_resolved": True})
        Order.write({"client_order_ref": "PO 4711", "note": "Deliver to gate 2"})
        self.assertTrue(order.qms_tender_differences_resolved, "not a change of the terms")
        # A line's quantity changed.
        Order.order_line.write({"product_uom_qty": 8})
        self.assertFalse(order.qms_tender_differences_resolved)
        note = order.message_ids[0]
        self.assertIn("after the differences from the tender were resolved", note.body)
        self.assertIn("Order Lines", note.body)
        with self.assertRaisesRegex(UserError, rf"^{re.escape(order.name)} comes from a tender"):
            Order.action_confirm()
        # Resolved in the same write as a change of the lines: it stays resolved.
        Order.write({"qms_tender_differences_resolved": True,
                     "order_line": [Command.update(order.order_line.id, {"product_uom_qty": 9})]})
        self.assertTrue(order.qms_tender_differences_resolved)
        # A line added, a line removed, the order's own terms (payment terms, date) changed.
        for change in (
            {"order_line": [Command.create({"product_id": self.product_std.id, "product_uom_qty": 1})]},
            {"order_line": [Command.unlink(order.order_line[-1].id)]},
            {"commitment_date": "2026-12-31 08:00:00"},
        ):
            Order.write({"qms_tender_differences_resolved": True})
            Order.write(change)
            self.assertFalse(order.qms_tender_differences_resolved, change)
        # Once confirmed, the tick is the record of what was resolved: an amendment leaves it.
        Order.write({"qms_tender_differences_resolved": True})
        Order.action_confirm()
        self.assertEqual(order.state, "sale")
        Order.order_line[0].write({"product_uom_qty": 10})
        self.assertTrue(order.qms_tender_differences_resolved)


@tagged("post_install", "-at_install")
class TestDowngrade(ProcedureCase):
    def test_sales_manager_cannot_downgrade_a_special_contract(self):
        order = self._special_order()
        message = rf"^Only the general manager classifies {re.escape(order.name)} as a regular contract: the rules make it special\."
        with self.assertRaisesRegex(AccessError, message):
            order.with_user(self.sales_manager).write({
                "qms_contract_type_override": "regular", "qms_override_reason": "Customer is in a hurry",
            })
        with self.assertRaisesRegex(AccessError, message):
            order.with_user(self.sales_manager).action_qms_override_contract_type("regular", "Customer is in a hurry")
        with self.assertRaisesRegex(AccessError, message):
            Form(self.env["qms.contract.type.wizard"].with_user(self.sales_manager).with_context(
                default_order_id=order.id, default_contract_type="regular", default_reason="Hurry",
            )).save().action_apply()
        self.assertEqual((order.qms_contract_type, order.qms_contract_type_override), ("special", False))
        self.assertEqual(order.qms_review_state, "draft")
        # Nor by creating the order classified as regular: nothing is created.
        count = self.env["sale.order"].search_count([])
        with self.assertRaisesRegex(AccessError, r"Only the general manager classifies .* as a regular contract"):
            self.env["sale.order"].with_user(self.sales_manager).create({
                "partner_id": self.customer.id, "qms_contract_type_override": "regular", "qms_override_reason": "Hurry",
                "order_line": [Command.create({"product_id": self.product_new.id, "product_uom_qty": 1})],
            })
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        # A salesperson may not override at all.
        with self.assertRaisesRegex(AccessError, r"^Only a sales manager can override the contract type\.$"):
            order.with_user(self.salesman).action_qms_override_contract_type("special", "Audit")

    def test_sales_manager_upgrades_but_does_not_revert(self):
        order = self._order()
        order.with_user(self.sales_manager).action_qms_override_contract_type("special", "First order of a new customer")
        self.assertEqual(order.qms_contract_type, "special")
        # Making it regular again removes the general manager's approval: the general manager decides it.
        with self.assertRaisesRegex(AccessError, "Only the general manager classifies"):
            order.with_user(self.sales_manager).action_qms_override_contract_type(False)
        self.assertEqual(order.qms_contract_type, "special")
        # The reason of an upgrade stays the sales manager's.
        order.with_user(self.sales_manager).write({"qms_override_reason": "New customer, first order"})
        order.with_user(self.gm).action_qms_override_contract_type(False)
        self.assertEqual((order.qms_contract_type, order.qms_contract_type_override), ("regular", False))
        # A regular order created as regular by a sales manager is no downgrade.
        created = self.env["sale.order"].with_user(self.sales_manager).create({
            "partner_id": self.customer.id, "qms_contract_type_override": "regular", "qms_override_reason": "Standard",
            "order_line": [Command.create({"product_id": self.product_std.id, "product_uom_qty": 1})],
        })
        self.assertEqual(created.qms_contract_type_override, "regular")

    def test_general_manager_downgrades_with_a_reason(self):
        order = self._special_order()
        self.env.flush_all()
        self.env.cr.flush()  # the order exists before it is changed: its changes are tracked
        with self.assertRaisesRegex(UserError, r"^Give the reason to classify the order differently from the rules\.$"):
            order.with_user(self.gm).action_qms_override_contract_type("regular", "  ")
        with self.assertRaisesRegex(UserError, r"is not a contract type"):
            order.with_user(self.gm).action_qms_override_contract_type("urgent", "x")
        order.with_user(self.gm).action_qms_override_contract_type("regular", "Same as the prototype approved in 2025")
        self.assertEqual((order.qms_contract_type, order.qms_override_reason),
                         ("regular", "Same as the prototype approved in 2025"))
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        tracking = order.sudo().message_ids.filtered(lambda m: m.tracking_value_ids)
        self.assertTrue(any(m.author_id == self.gm.partner_id for m in tracking), "the chatter names the general manager")
        # Changing that decision is the general manager's too.
        with self.assertRaisesRegex(AccessError, "Only the general manager classifies"):
            order.with_user(self.sales_manager).write({"qms_override_reason": "Another reason"})

    def test_qms_administrator_downgrades_where_the_company_allows_it(self):
        order = self._special_order()
        with self.assertRaisesRegex(AccessError, "Only the general manager classifies"):
            order.with_user(self.qms_admin).action_qms_override_contract_type("regular", "Standard after all")
        self.assertEqual(order.qms_contract_type, "special")
        self.company.qms_downgrade_by_qms_admin = True
        order.with_user(self.qms_admin).action_qms_override_contract_type("regular", "Standard after all")
        self.assertEqual(order.qms_contract_type, "regular")


@tagged("post_install", "-at_install")
class TestTargetedReReview(ProcedureCase):
    def _payment_term(self):
        return self.env.ref("account.account_payment_term_30days")

    def test_payment_term_change_opens_finance_and_carries_the_rest(self):
        order = self._approved()
        order.with_user(self.salesman).action_confirm()
        revision_1 = self._revision_lines(order, 1)
        order.with_user(self.salesman).write({"payment_term_id": self._payment_term().id})
        # The amendment starts revision 2 at once with the departments the payment terms concern.
        self.assertEqual(order.qms_review_revision, 2)
        self.assertEqual(order.qms_review_state, "in_review")
        revision_2 = self._revision_lines(order, 2)
        self.assertEqual(sorted(revision_2.role_id.mapped("code")), sorted([*SPECIAL_DEPARTMENTS, "general_manager"]))
        pending = revision_2.filtered(lambda line: line.decision == "pending")
        self.assertEqual(sorted(pending.role_id.mapped("code")), ["finance", "general_manager", "sales_management"])
        for code in ("rd", "production", "procurement", "quality"):
            line = self._line(order, code)
            previous = revision_1.filtered(lambda rl, code=code: rl.role_id.code == code)
            self.assertEqual(line.carried_from_id, previous)
            self.assertEqual((line.decision, line.reviewer_id, line.decided_on),
                             (previous.decision, previous.reviewer_id, previous.decided_on))
            self.assertEqual(line.carried_note, "Carried over from revision 1")
            self.assertFalse(line.sudo().activity_ids)
            with self.assertRaisesRegex(UserError, "is already decided"):
                line.with_user(self.reviewers[code]).action_accept()
        self.assertFalse(pending.carried_from_id)
        self.assertEqual(order.qms_pending_departments, "Sales Management, Finance, General Manager")
        todos = revision_2.sudo().activity_ids.user_id
        self.assertIn(self.reviewers["finance"], todos)
        self.assertNotIn(self.reviewers["rd"], todos)
        request = order.message_ids.filtered(lambda m: "Contract review requested (revision 2" in (m.body or ""))
        self.assertIn("Carried over from revision 1 (no term they review changed): R&amp;D / Engineering (Accepted)",
                      request.body)
        amendment = order.message_ids.filtered(lambda m: "Amendment of the confirmed order" in (m.body or ""))
        self.assertIn(self.reviewers["finance"].partner_id, amendment.partner_ids)
        self.assertNotIn(self.reviewers["rd"].partner_id, amendment.partner_ids)
        # Shown on the quotation, on the reviewers' form and printed.
        for view in ("sale.view_order_form", "qms_customer_process.sale_order_view_form_qms_review"):
            arch = self.env["sale.order"].with_user(self.salesman).get_view(self.env.ref(view).id, "form")["arch"]
            self.assertIn('name="carried_note"', arch, view)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, order.ids)[0].decode()
        self.assertIn("Carried over from revision 1", html)
        # The general manager decides again, after the concerned departments and the conclusion.
        self._decide_all(order, ["sales_management", "finance", "general_manager"])
        self.assertEqual(order.qms_review_state, "approved")
        self.assertEqual(self._line(order, "general_manager").reviewer_id, self.gm)

    def test_quotation_reviewed_again_by_the_departments_a_quantity_concerns(self):
        order = self._approved()
        order.order_line[0].with_user(self.salesman).product_uom_qty = 5
        self.assertEqual(order.qms_review_state, "outdated")
        self.assertEqual(order.qms_review_changed_terms, "order_line.product_uom_qty")
        order.write({"commitment_date": fields.Datetime.now() + timedelta(days=60)})
        self.assertEqual(order.qms_review_changed_terms, "commitment_date,order_line.product_uom_qty")
        order.with_user(self.salesman).action_qms_request_review()
        self.assertFalse(order.qms_review_changed_terms)
        pending = self._revision_lines(order, 2).filtered(lambda line: line.decision == "pending")
        self.assertEqual(sorted(pending.role_id.mapped("code")), ["general_manager", "procurement", "production"])

    def test_rejected_line_is_never_carried(self):
        order = self._in_review()
        for code in ("sales_management", "production", "procurement", "quality"):
            self._line(order, code).with_user(self.reviewers[code]).action_accept()
        self._line(order, "rd").with_user(self.reviewers["rd"]).action_reject(comment="Drawing missing")
        self.assertEqual(order.qms_review_state, "rejected")
        # A change that does not concern R&D: R&D's rejection stands until R&D decides again.
        order.with_user(self.salesman).write({"payment_term_id": self._payment_term().id})
        order.with_user(self.salesman).action_qms_request_review()
        revision_2 = self._revision_lines(order, 2)
        pending = revision_2.filtered(lambda line: line.decision == "pending")
        self.assertEqual(sorted(pending.role_id.mapped("code")),
                         ["finance", "general_manager", "rd", "sales_management"])
        self.assertFalse(self._line(order, "rd").carried_from_id)
        self.assertEqual(sorted(revision_2.carried_from_id.role_id.mapped("code")), ["procurement", "production", "quality"])
        # Requested again with a reason and no change: the rejecting department reviews again,
        # the general manager too; the others' decisions are carried over.
        self._line(order, "rd").with_user(self.reviewers["rd"]).action_reject(comment="Still no drawing")
        order.with_user(self.salesman).action_qms_request_review(reason="Drawing sent by the customer")
        pending = self._revision_lines(order, 3).filtered(lambda line: line.decision == "pending")
        self.assertEqual(sorted(pending.role_id.mapped("code")), ["finance", "general_manager", "rd", "sales_management"])

    def test_every_department_when_no_change_concerns_one(self):
        # Regular orders reviewed before confirmation: the salesperson and the warehouse review
        # products and quantities; a payment term concerns neither, yet a new revision is reviewed.
        self.company.qms_review_regular_orders = True
        order = self._order()
        order.with_user(self.salesman).action_qms_request_review()
        self._decide_all(order, ["warehouse"])
        self._line(order, "sales").with_user(self.salesman).action_accept()
        self.assertEqual(order.qms_review_state, "approved")
        order.with_user(self.salesman).write({"payment_term_id": self._payment_term().id})
        order.with_user(self.salesman).action_qms_request_review()
        revision_2 = self._revision_lines(order, 2)
        self.assertEqual(sorted(revision_2.role_id.mapped("code")), ["sales", "warehouse"])
        self.assertEqual(set(revision_2.mapped("decision")), {"pending"})
        self.assertFalse(revision_2.carried_from_id)

    def test_every_department_for_changes_recorded_before_the_upgrade(self):
        order = self._approved()
        # A change recorded before 18.0.3 (unknown): every department reviews again.
        order.sudo().write({"qms_review_outdated": True, "qms_review_changed_terms": "*"})
        order.with_user(self.salesman).action_qms_request_review()
        self.assertFalse(self._revision_lines(order, 2).carried_from_id)
        self.assertEqual(len(self._revision_lines(order, 2)), 7)

    def test_department_without_terms_reviews_every_change(self):
        finance = self.roles["finance"]
        finance.field_ids = [Command.clear()]
        self.assertTrue(finance._qms_concerned_by({"commitment_date"}))
        self.assertFalse(finance._qms_concerned_by(set()))
        rd = self.roles["rd"]
        self.assertFalse(rd._qms_concerned_by({"payment_term_id", "order_line.price_unit"}))
        self.assertTrue(rd._qms_concerned_by({"order_line"}), "a line added or removed concerns every line term")
        self.assertTrue(rd._qms_concerned_by({"*"}))

    def test_reviewed_terms_are_terms_of_the_review(self):
        note = self.env.ref("sale.field_sale_order__note")
        with self.assertRaisesRegex(ValidationError, "only the terms a contract review approves can concern a department"), \
                self.env.cr.savepoint():
            self.roles["rd"].with_user(self.qms_admin).write({"field_ids": [Command.link(note.id)]})
        self.env.invalidate_all()
        self.assertNotIn(note, self.roles["rd"].field_ids)
        price = self.env.ref("sale.field_sale_order_line__price_unit")
        self.roles["rd"].with_user(self.qms_admin).write({"field_ids": [Command.link(price.id)]})
        self.assertIn(price, self.roles["rd"].field_ids)
        with self.assertRaises(AccessError):
            self.roles["rd"].with_user(self.sales_manager).write({"field_ids": [Command.clear()]})

    def test_shipped_terms_follow_the_procedure(self):
        terms = {
            code: {f"{field.model}.{field.name}" for field in self.roles[code].field_ids}
            for code in ("sales_management", "rd", "production", "procurement", "quality", "finance", "warehouse")
        }
        self.assertIn("sale.order.payment_term_id", terms["finance"])
        self.assertIn("sale.order.line.price_unit", terms["finance"])
        self.assertIn("sale.order.line.product_id", terms["rd"])
        self.assertIn("sale.order.qms_requirement_ids", terms["rd"])
        self.assertNotIn("sale.order.payment_term_id", terms["rd"])
        self.assertIn("sale.order.line.product_uom_qty", terms["production"])
        self.assertIn("sale.order.commitment_date", terms["production"])
        self.assertIn("sale.order.line.product_uom_qty", terms["procurement"])
        self.assertIn("sale.order.qms_requirement_ids", terms["quality"])
        self.assertIn("sale.order.payment_term_id", terms["sales_management"])
        self.assertFalse(self.roles["general_manager"].field_ids, "the general manager reviews every change")
