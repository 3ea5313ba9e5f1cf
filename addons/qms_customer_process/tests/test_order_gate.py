import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SPECIAL_DEPARTMENTS, QmsCase

ALL_SPECIAL = [*SPECIAL_DEPARTMENTS, "general_manager"]


class GateCase(QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A warehouse keeper as in standard Odoo: inventory rights, no sales rights at all.
        cls.stock_user = new_test_user(cls.env, login="qms_t_stock", groups="base.group_user,stock.group_stock_user",
                                       name="Wes Warehouse")
        # The same, also the addon's warehouse department (the simplified review's keeper).
        cls.stock_keeper = new_test_user(
            cls.env, login="qms_t_keeper", name="Kim Keeper",
            groups="base.group_user,stock.group_stock_user,qms_customer_process.group_qms_warehouse",
        )

    def _departments(self, codes):
        return [self.roles[code].name for code in codes]

    def _approved(self, **vals):
        order = self._special_order(**vals)
        order.action_qms_request_review()
        self._decide_all(order)
        self.assertEqual(order.qms_review_state, "approved")
        return order

    def _revision_lines(self, order, revision):
        return order.qms_review_line_ids.filtered(lambda line: line.revision == revision)

    def _ready(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        return picking

    def _counts(self):
        return self.env["sale.order"].search_count([]), self.env["stock.picking"].search_count([])


@tagged("post_install", "-at_install")
class TestCreateCopyGate(GateCase):
    def test_create_confirmed_special_order_is_refused_and_leaves_nothing(self):
        before = self._counts()
        vals = {
            "partner_id": self.customer.id,
            "state": "sale",
            "order_line": [(0, 0, {"product_id": self.product_new.id, "product_uom_qty": 3})],
        }
        # Caught without a savepoint of the caller's: the refusal itself leaves nothing behind.
        try:
            self.env["sale.order"].with_user(self.salesman).create(vals)
        except UserError as error:
            message = str(error)
            self.assertIs(type(error), UserError)
        else:
            self.fail("a confirmed special order was created without its contract review")
        self.assertTrue(message.startswith("The order cannot be created as confirmed: "), message)
        for department in self._departments(ALL_SPECIAL):
            self.assertIn(department, message)
        self.assertEqual(self._counts(), before, "no order, no delivery left")
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.customer.id)]))
        self.assertFalse(self.env["qms.contract.review.line"].search([("order_id.partner_id", "=", self.customer.id)]))

    def test_create_confirmed_by_a_context_default_is_refused(self):
        """default_state in the context reaches the new order through the ORM: gated the same."""
        before = self._counts()
        vals = {
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.product_new.id, "product_uom_qty": 3})],
        }
        with self.assertRaisesRegex(UserError, "^The order cannot be created as confirmed: "):
            self.env["sale.order"].with_user(self.salesman).with_context(default_state="sale").create(vals)
        self.assertEqual(self._counts(), before, "no order, no delivery left")
        order = self.env["sale.order"].with_user(self.salesman).with_context(default_state="draft").create(vals)
        self.assertEqual(order.state, "draft")

    def test_create_sent_special_order_is_refused_when_review_comes_before_sending(self):
        self.company.qms_review_before_sending = True
        before = self._counts()
        with self.assertRaisesRegex(UserError, r"^The order cannot be created as sent: .* cannot be sent before its contract review"):
            self._special_order(state="sent")
        self.assertEqual(self._counts(), before)
        self.company.qms_review_before_sending = False
        self.assertEqual(self._special_order(state="sent").state, "sent")

    def test_create_confirmed_regular_order_as_in_standard_odoo(self):
        order = self._order(state="sale")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.qms_contract_type, "regular")
        self.assertFalse(order.qms_review_line_ids)
        # Standard Odoo launches the delivery of lines created on a confirmed order.
        self.assertEqual(order.picking_ids.move_ids.product_id, self.product_std)
        self.assertEqual(order.picking_ids.move_ids.product_uom_qty, 5)

    def test_create_confirmed_oral_order_needs_the_customers_confirmation(self):
        with self.assertRaisesRegex(UserError, r"is an oral order: record who at the customer confirmed it"):
            self._order(state="sale", qms_order_channel="oral")
        order = self._order(
            state="sale", qms_order_channel="oral", qms_customer_confirmed_by="Mr. Li",
            qms_customer_confirmed_on=fields.Datetime.now() - timedelta(hours=1), qms_customer_confirmation_method="call",
        )
        self.assertEqual(order.state, "sale")

    def test_copy_of_approved_order_with_state_default_is_refused(self):
        order = self._approved()
        before = self._counts()
        with self.assertRaisesRegex(UserError, r"^The order cannot be created as confirmed: .*needs an approved contract "
                                               r"review before confirmation.*General Manager"):
            order.with_user(self.salesman).copy(default={"state": "sale"})
        self.assertEqual(self._counts(), before)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.qms_review_state, "approved")
        # The copy of a regular order may be confirmed, as in standard Odoo.
        regular = self._order()
        self.assertEqual(regular.with_user(self.salesman).copy(default={"state": "sale"}).state, "sale")

    def test_state_written_with_new_terms_is_gated_on_the_result(self):
        requirement = {"kind": "explicit", "topic": "quality", "description": "Salt-spray 1000 h", "non_standard": True}
        for vals in ({"qms_new_development": True},
                     {"qms_requirement_ids": [Command.create(requirement)]},
                     {"qms_order_channel": "oral"}):
            order = self._order()
            before = self._counts()
            with self.assertRaisesRegex(UserError, r"needs an approved contract review before confirmation|is an oral order"):
                order.with_user(self.salesman).write({"state": "sale", **vals})
            self.assertEqual(self._counts(), before)
            self.assertEqual(order.state, "draft")
            self.assertEqual(order.qms_contract_type, "regular")
            self.assertFalse(order.qms_requirement_ids)
            self.assertEqual(order.qms_order_channel, "written")
        order = self._order()
        order.with_user(self.salesman).write({"state": "sale", "client_order_ref": "PO-9"})
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestAmendment(GateCase):
    def _assert_held(self, picking, order, codes, user=None):
        pattern = (rf"^{re.escape(picking.name)} cannot be validated until the contract review of the amended order "
                   rf"is approved: The contract review of {re.escape(order.name)} is not approved yet\. "
                   rf"Pending departments: {re.escape(', '.join(self._departments(codes)))}\.$")
        user = user or self.env.ref("base.user_admin")
        with self.assertRaisesRegex(UserError, pattern):
            picking.with_user(user).button_validate()
        with self.assertRaisesRegex(UserError, pattern):
            picking.with_user(user)._action_done()
        self.assertNotEqual(picking.state, "done")

    def test_amended_special_order_waits_for_a_new_review(self):
        order = self._approved()
        order.with_user(self.salesman).action_confirm()
        picking = self._ready(order.picking_ids)
        form = Form(order.with_user(self.salesman))
        with form.order_line.edit(0) as line:
            line.product_uom_qty = 4
        form.save()
        # Revision 2 starts by itself; revision 1 stays on record as it was decided.
        self.assertEqual(order.qms_review_revision, 2)
        self.assertEqual(order.qms_review_state, "in_review")
        self.assertTrue(all(line.decision == "accepted" for line in self._revision_lines(order, 1)))
        self.assertEqual(sorted(self._revision_lines(order, 2).role_id.mapped("code")), sorted(ALL_SPECIAL))
        bodies = order.message_ids.mapped("body")
        self.assertTrue(any("Amendment of the confirmed order (Order Lines)" in body for body in bodies), bodies)
        self.assertTrue(any("Contract review requested (revision 2" in body and "amendment" in body for body in bodies))
        # The departments a quantity concerns get their to-do (the others' decisions are carried
        # over); the general manager after them.
        todos = self._revision_lines(order, 2).sudo().activity_ids
        for code in ("production", "procurement"):
            self.assertIn(self.reviewers[code], todos.user_id)
        for code in ("sales_management", "rd", "quality", "finance"):
            self.assertNotIn(self.reviewers[code], todos.user_id)
            self.assertEqual(self._line(order, code).carried_from_id.revision, 1)
        self.assertNotIn(self.gm, todos.user_id)
        self.assertFalse(self._revision_lines(order, 1).sudo().activity_ids)

        self._assert_held(picking, order, ["production", "procurement", "general_manager"])
        self._decide_all(order, ["production", "procurement"])
        self._assert_held(picking, order, ["general_manager"], user=self.stock_user)
        self._decide_all(order, ["general_manager"])
        self.assertEqual(order.qms_review_state, "approved")
        picking.move_ids.quantity = 4
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")

    def test_regular_order_that_becomes_special_is_reviewed(self):
        order = self._order()
        order.action_confirm()
        self.assertFalse(order.qms_review_line_ids)
        order.with_user(self.salesman).write({
            "order_line": [Command.create({"product_id": self.product_new.id, "product_uom_qty": 2})],
        })
        picking = self._ready(order.picking_ids)
        self.assertEqual(picking.move_ids.product_id, self.product_std | self.product_new)
        self.assertEqual(order.qms_contract_type, "special")
        self.assertEqual(order.qms_review_revision, 1)
        self.assertEqual(order.qms_review_state, "in_review")
        note = order.message_ids.filtered(lambda m: "it now needs a contract review" in (m.body or ""))
        self.assertIn("Prototype Motor X is not a standard product.", note.body)
        todos = self._line(order, "rd").sudo().activity_ids
        self.assertEqual(todos.user_id, self.reviewers["rd"])
        self.assertEqual(todos.activity_type_id, self.env.ref("qms_customer_process.mail_activity_type_qms_review"))
        self._assert_held(picking, order, ALL_SPECIAL, user=self.stock_keeper)
        self._decide_all(order)
        picking.with_user(self.stock_keeper).button_validate()
        self.assertEqual(picking.state, "done")

    def test_quantity_raised_beyond_the_capability_commitment(self):
        today = fields.Date.today()
        commitment = self.env["qms.capability.commitment"].create({
            "name": "This year", "date_from": today - timedelta(days=10), "date_to": today + timedelta(days=100),
            "product_tmpl_ids": [Command.link(self.product_std.product_tmpl_id.id)], "capacity_qty": 100,
        })
        self._approve_commitment(commitment)
        order = self._order(products=[(self.product_std, 80)])
        order.action_confirm()
        self.assertEqual(order.qms_contract_type, "regular")
        order.order_line.with_user(self.salesman).write({"product_uom_qty": 150})
        self.assertEqual(order.qms_contract_type, "special")
        self.assertEqual(order.qms_review_state, "in_review")
        self.assertTrue(self._line(order, "production").sudo().activity_ids)
        self._assert_held(order.picking_ids, order, ALL_SPECIAL)

    def test_one_write_one_revision(self):
        order = self._approved(order_line=[
            Command.create({"product_id": self.product_new.id, "product_uom_qty": 3}),
            Command.create({"product_id": self.product_std.id, "product_uom_qty": 2}),
        ])
        order.action_confirm()
        form = Form(order.with_user(self.salesman))
        with form.order_line.edit(0) as line:
            line.product_uom_qty = 5
        with form.order_line.edit(1) as line:
            line.price_unit = 80
        with form.order_line.new() as line:
            line.product_id = self.product_std2
        form.commitment_date = fields.Datetime.now() + timedelta(days=30)
        form.save()
        self.assertEqual(order.qms_review_revision, 2)
        # A new line changes every term of a line: every department reviews again.
        self.assertEqual(len(self._revision_lines(order, 2)), 7)
        self.assertFalse(self._revision_lines(order, 2).carried_from_id)
        amendment = order.message_ids.filtered(lambda m: "Amendment of the confirmed order" in (m.body or ""))
        self.assertEqual(len(amendment), 1)
        self.assertIn("Delivery Date", amendment.body)
        self.assertIn(self.reviewers["finance"].partner_id, amendment.partner_ids)

    def test_unchanged_values_and_other_fields_are_no_amendment(self):
        order = self._approved()
        order.action_confirm()
        order.order_line.write({"product_uom_qty": order.order_line.product_uom_qty, "name": "Motor, blue"})
        order.write({"client_order_ref": "PO-1", "note": "Deliver to gate 2"})
        self.assertEqual(order.qms_review_revision, 1)
        self.assertEqual(order.qms_review_state, "approved")
        picking = self._ready(order.picking_ids)
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")

    def test_regular_amendment_ships_as_in_standard_odoo(self):
        order = self._order()
        order.action_confirm()
        order.order_line.write({"product_uom_qty": 8, "price_unit": 90})
        self.assertEqual(order.qms_contract_type, "regular")
        self.assertEqual(order.qms_review_state, "not_required")
        self.assertFalse(order.qms_review_line_ids)
        picking = self._ready(order.picking_ids)
        self.assertEqual(picking.move_ids.product_uom_qty, 8)
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")

    def test_settings_changed_later_do_not_hold_unamended_orders(self):
        order = self._order()
        order.action_confirm()
        self.company.qms_review_regular_orders = True
        self.assertEqual(order.qms_review_state, "draft")
        picking = self._ready(order.picking_ids)
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")

    def test_rejected_amendment_keeps_holding(self):
        order = self._approved()
        order.action_confirm()
        order.order_line.product_uom_qty = 6
        self._line(order, "production").with_user(self.reviewers["production"]).action_reject(comment="No capacity")
        self.assertEqual(order.qms_review_state, "rejected")
        pattern = r"cannot be validated until the contract review of the amended order is approved: .*rejected by: Production / Planning\.$"
        with self.assertRaisesRegex(UserError, pattern):
            self._ready(order.picking_ids).with_user(self.stock_user).button_validate()


@tagged("post_install", "-at_install")
class TestWarehouseDelivery(GateCase):
    def test_warehouse_user_without_sales_rights_validates_a_delivery(self):
        order = self._order()
        order.action_confirm()
        self.assertFalse(self.stock_user.has_group("sales_team.group_sale_salesman"))
        with self.assertRaises(AccessError):
            self.env["qms.contract.review.line"].with_user(self.stock_user).check_access("read")
        picking = self._ready(order.picking_ids)
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")
        # The simplified review is recorded all the same: the salesperson's confirmation; the
        # warehouse line waits for a member of the warehouse department.
        self.assertEqual(self._line(order, "sales").decision, "accepted")
        self.assertEqual(self._line(order, "sales").reviewer_id, self.salesman)
        self.assertEqual(self._line(order, "warehouse").decision, "pending")

    def test_warehouse_keeper_records_the_simplified_review(self):
        order = self._order()
        order.action_confirm()
        picking = self._ready(order.picking_ids)
        picking.with_user(self.stock_keeper).button_validate()
        self.assertEqual(picking.state, "done")
        line = self._line(order, "warehouse")
        self.assertEqual(line.decision, "accepted")
        self.assertEqual(line.reviewer_id, self.stock_keeper)
        self.assertEqual(order.qms_review_state, "approved")

    def test_backorder_of_another_salespersons_order(self):
        """Odoo's own case (sale_stock): an inventory administrator who is a salesperson of his
        own documents validates, without backorder, the delivery of someone else's order."""
        order = self._order()
        order.action_confirm()
        user = new_test_user(self.env, login="qms_t_inv_admin", name="Ivy Inventory",
                             groups="base.group_user,stock.group_stock_manager,sales_team.group_sale_salesman")
        picking = order.picking_ids
        picking.with_user(user).move_ids.write({"quantity": 1, "picked": True})
        Form.from_action(self.env(user=user), picking.with_user(user).button_validate()).save().process_cancel_backorder()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._line(order, "sales").decision, "accepted")


@tagged("post_install", "-at_install")
class TestRequestReviewAgain(GateCase):
    def _rejected(self):
        order = self._special_order()
        order.with_user(self.salesman).action_qms_request_review()
        self._line(order, "finance").with_user(self.reviewers["finance"]).action_reject(comment="Credit limit exceeded")
        self.assertEqual(order.qms_review_state, "rejected")
        return order

    def test_rejected_review_needs_a_reason(self):
        order = self._rejected()
        messages = order.message_ids
        message = re.escape(f"The contract review of {order.name} was rejected and none of its reviewed terms changed "
                            "since: give the reason to request it again.")
        for reason in (None, "", "   "):
            with self.assertRaisesRegex(UserError, f"^{message}$"):
                order.with_user(self.salesman).action_qms_request_review(reason=reason)
        with self.assertRaisesRegex(UserError, r"^The reason to request the contract review again must be a text\.$"):
            order.with_user(self.salesman).action_qms_request_review(reason={"why": "x"})
        self.assertEqual(order.qms_review_revision, 1)
        self.assertEqual(order.qms_review_state, "rejected")
        self.assertEqual(order.message_ids, messages)

    def test_reason_through_the_wizard_is_kept_in_the_chatter(self):
        order = self._rejected()
        form = Form(self.env["qms.review.request.wizard"].with_user(self.salesman).with_context(default_order_id=order.id))
        self.assertEqual(form.order_id, order)
        self.assertIn("Finance: Credit limit exceeded", form.rejection)
        form.reason = "Customer paid the overdue invoices; credit limit raised by finance"
        form.save().action_request()
        self.assertEqual(order.qms_review_revision, 2)
        self.assertEqual(order.qms_review_state, "in_review")
        self.assertEqual(len(self._revision_lines(order, 1)), 7, "revision 1 stays on record")
        request = order.message_ids[0]
        self.assertIn("Contract review requested (revision 2", request.body)
        self.assertIn("Reason: Customer paid the overdue invoices; credit limit raised by finance", request.body)
        self.assertEqual(request.author_id, self.salesman.partner_id)

    def test_quotation_form_opens_the_wizard_when_rejected(self):
        action = self.env.ref("qms_customer_process.qms_review_request_wizard_action")
        self.assertEqual((action.res_model, action.target), ("qms.review.request.wizard", "new"))
        arch = self.env["sale.order"].with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        buttons = re.findall(r"<button [^>]*>", arch)
        wizard_button = [b for b in buttons if f'name="{action.id}"' in b]
        self.assertEqual(len(wizard_button), 1)
        self.assertIn("qms_review_state != 'rejected'", wizard_button[0])
        self.assertIn("default_order_id", wizard_button[0])
        direct = [b for b in buttons if 'name="action_qms_request_review"' in b and "btn-primary" in b]
        self.assertIn("('draft', 'outdated')", direct[0])

    def test_changed_terms_need_no_reason(self):
        order = self._rejected()
        order.with_user(self.salesman).write({"payment_term_id": self.env.ref("account.account_payment_term_immediate").id})
        self.assertEqual(order.qms_review_state, "outdated")
        order.with_user(self.salesman).action_qms_request_review()
        self.assertEqual(order.qms_review_revision, 2)
        self.assertEqual(order.qms_review_state, "in_review")

    def test_who_requests_a_review(self):
        order = self._special_order()
        message = r"^Only a salesperson who may edit the order requests its contract review\.$"
        order.with_user(self.salesman).action_qms_request_review()
        self._line(order, "rd").with_user(self.reviewers["rd"]).action_reject(comment="No drawing")
        for user in (self.plain_user, self.reviewers["quality"], self.reviewers["general_manager"], self.qms_admin):
            with self.assertRaisesRegex(AccessError, message):
                order.with_user(user).action_qms_request_review(reason="I want it")
        # Another salesperson may not edit this salesperson's order.
        with self.assertRaises(AccessError):
            order.with_user(self.salesman2).action_qms_request_review(reason="I want it")
        self.assertEqual(order.qms_review_revision, 1)
        self.assertEqual(order.qms_review_state, "rejected")
        order.with_user(self.sales_manager).action_qms_request_review(reason="Drawing attached by the customer")
        self.assertEqual(order.qms_review_revision, 2)
