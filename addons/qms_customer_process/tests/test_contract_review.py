from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import Cursor
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import SPECIAL_DEPARTMENTS, QmsCase


@tagged("post_install", "-at_install")
class TestClassification(QmsCase):
    def test_standard_product_is_regular(self):
        order = self._order()
        self.assertEqual(order.qms_contract_type, "regular")
        self.assertFalse(order.qms_review_required)
        self.assertEqual(order.qms_review_state, "not_required")

    def test_non_standard_product_is_special(self):
        order = self._order(products=[(self.product_std, 1), (self.product_new, 1)])
        self.assertEqual(order.qms_contract_type, "special")
        self.assertIn("Prototype Motor X", order.qms_special_reason)
        self.assertTrue(order.qms_review_required)
        self.assertEqual(order.qms_review_state, "draft")

    def test_non_standard_requirement_and_new_development(self):
        order = self._order()
        order.write({"qms_requirement_ids": [Command.create({
            "kind": "explicit", "topic": "quality", "description": "Salt-spray 500 h", "non_standard": True,
        })]})
        self.assertEqual(order.qms_contract_type, "special")
        order.qms_requirement_ids.non_standard = False
        self.assertEqual(order.qms_contract_type, "regular")
        order.qms_new_development = True
        self.assertEqual(order.qms_contract_type, "special")

    def test_capability_commitment_limits(self):
        today = fields.Date.today()
        commitment = self.env["qms.capability.commitment"].create({
            "name": "2026", "date_from": today - timedelta(days=30), "date_to": today + timedelta(days=300),
            "product_tmpl_ids": [Command.link(self.product_std.product_tmpl_id.id)],
            "capacity_qty": 100, "lead_time_days": 10,
        })
        with self.assertRaises(UserError):
            commitment.with_user(self.salesman).action_approve()
        with self.assertRaises(UserError):
            commitment.with_user(self.qms_admin).action_approve()
        self._approve_commitment(commitment)
        self.assertEqual(commitment.approved_by_id, self.gm)
        inside = self._order(products=[(self.product_std, 100)], commitment_date=fields.Datetime.now() + timedelta(days=20))
        self.assertEqual(inside.qms_contract_type, "regular")
        too_many = self._order(products=[(self.product_std, 60), (self.product_std, 41)])
        self.assertEqual(too_many.qms_contract_type, "special")
        self.assertIn("beyond the capability commitment", too_many.qms_special_reason)
        too_fast = self._order(commitment_date=fields.Datetime.now() + timedelta(days=3))
        self.assertEqual(too_fast.qms_contract_type, "special")
        self.assertIn("lead time", too_fast.qms_special_reason)
        # A product the commitment does not cover keeps its own classification.
        other = self._order(products=[(self.product_std2, 5000)])
        self.assertEqual(other.qms_contract_type, "regular")
        with self.assertRaises(UserError):
            commitment.with_user(self.gm).write({"capacity_qty": 1})
        with self.assertRaises(ValidationError):
            self.env["qms.capability.commitment"].create({
                "name": "bad", "date_from": today, "date_to": today - timedelta(days=1),
            })

    def test_override_needs_manager_and_reason(self):
        order = self._order()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).write({
                "qms_contract_type_override": "special", "qms_override_reason": "customer asks",
            })
        with self.assertRaises(ValidationError):
            order.with_user(self.sales_manager).write({"qms_contract_type_override": "special"})
        self.assertFalse(order.qms_contract_type_override)
        order.with_user(self.sales_manager).write({
            "qms_contract_type_override": "special", "qms_override_reason": "New customer, first order",
        })
        self.assertEqual(order.qms_contract_type, "special")
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written when the cursor flushes
        tracked = order.sudo().message_ids.tracking_value_ids
        self.assertLessEqual({"qms_contract_type_override", "qms_override_reason"}, set(tracked.field_id.mapped("name")))
        self.assertIn("New customer, first order", tracked.mapped("new_value_char"))

    def test_protected_fields(self):
        order = self._special_order()
        for vals in ({"qms_review_state": "approved"}, {"qms_review_revision": 5}, {"qms_review_outdated": False},
                     {"qms_contract_type": "regular"}):
            with self.assertRaises(UserError):
                order.with_user(self.salesman).write(vals)
        self.assertEqual(order.qms_review_state, "draft")

    def test_negative_threshold(self):
        with self.assertRaises(ValidationError):
            self.company.qms_review_amount_threshold = -1


@tagged("post_install", "-at_install")
class TestReviewFlow(QmsCase):
    def test_request_review_creates_lines_and_activities(self):
        order = self._special_order()
        order.with_user(self.salesman).action_qms_request_review()
        self.assertEqual(order.qms_review_state, "in_review")
        self.assertEqual(order.qms_review_revision, 1)
        lines = order.qms_review_line_ids
        self.assertEqual(sorted(lines.role_id.mapped("code")), sorted([*SPECIAL_DEPARTMENTS, "general_manager"]))
        self.assertTrue(all(line.decision == "pending" for line in lines))
        gm_line = self._line(order, "general_manager")
        self.assertFalse(gm_line.is_open, "the general manager's line waits for the departments")
        self.assertTrue(self._line(order, "rd").is_open)
        activity_users = order.sudo().qms_review_line_ids.activity_ids.user_id
        for code in SPECIAL_DEPARTMENTS:
            self.assertIn(self.reviewers[code], activity_users)
        self.assertNotIn(self.gm, activity_users)
        with self.assertRaises(UserError):
            order.action_qms_request_review()

    def test_request_review_without_lines(self):
        order = self._order(products=[], qms_new_development=True)
        with self.assertRaises(UserError):
            order.action_qms_request_review()
        self.assertFalse(order.qms_review_line_ids)
        self.assertEqual(order.qms_review_revision, 0)

    def test_approval_then_confirmation(self):
        order = self._special_order()
        order.action_qms_request_review()
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("Quality", str(error.exception))
        self.assertIn("General Manager", str(error.exception))
        for code in SPECIAL_DEPARTMENTS:
            line = self._line(order, code)
            line.with_user(self.reviewers[code]).action_accept()
            self.assertEqual(line.decision, "accepted")
            self.assertEqual(line.reviewer_id, self.reviewers[code])
            self.assertTrue(line.decided_on)
        self.assertEqual(order.qms_review_state, "in_review")
        # The general manager decides a special contract after the organiser's conclusion (4.4.4).
        self.assertFalse(self._line(order, "general_manager").is_open)
        self._conclude(order)
        self.assertTrue(self._line(order, "general_manager").is_open)
        todos = order.sudo().qms_review_line_ids.activity_ids
        self.assertIn(self.gm, todos.user_id, "the general manager is asked once the departments accepted")
        self.assertNotIn(self.reviewers["rd"], todos.user_id, "decided departments' to-dos are done")
        self.assertEqual(self._line(order, "general_manager").sudo().activity_ids.user_id, self.gm)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("General Manager", str(error.exception))
        self.assertNotIn("Quality", str(error.exception))
        self._line(order, "general_manager").with_user(self.gm).action_accept()
        self.assertEqual(order.qms_review_state, "approved")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_general_manager_waits(self):
        order = self._special_order()
        order.action_qms_request_review()
        with self.assertRaises(UserError):
            self._line(order, "general_manager").with_user(self.gm).action_accept()
        self.assertEqual(self._line(order, "general_manager").decision, "pending")

    def test_conditional_acceptance(self):
        order = self._special_order()
        order.action_qms_request_review()
        line = self._line(order, "production")
        line.with_user(self.reviewers["production"]).write({"conditions": "Delivery in two lots"})
        line.with_user(self.reviewers["production"]).action_accept()
        self.assertEqual(line.decision, "conditional")
        self._decide_all(order, [c for c in SPECIAL_DEPARTMENTS if c != "production"] + ["general_manager"])
        self.assertEqual(order.qms_review_state, "approved")

    def test_reject_requires_comment_then_rejects(self):
        order = self._special_order()
        order.action_qms_request_review()
        line = self._line(order, "finance")
        with self.assertRaises(UserError):
            line.with_user(self.reviewers["finance"]).action_reject()
        with self.assertRaises(UserError):
            line.with_user(self.reviewers["finance"]).action_reject(comment="   ")
        self.assertEqual(line.decision, "pending")
        line.with_user(self.reviewers["finance"]).action_reject(comment="Payment terms too long")
        self.assertEqual(line.decision, "rejected")
        self.assertEqual(order.qms_review_state, "rejected")
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("Finance", str(error.exception))
        self.assertIn("Payment terms too long", order.message_ids[:3].mapped("body")[0] + "".join(order.message_ids.mapped("body")))
        # A rejected review is requested again, with a reason, as revision 2; revision 1 stays on record.
        order.action_qms_request_review(reason="The customer accepts payment in advance")
        self.assertEqual(order.qms_review_revision, 2)
        self.assertEqual(len(order.qms_review_line_ids.filtered(lambda rl: rl.revision == 1)), 7)
        self.assertEqual(order.qms_review_state, "in_review")
        self.assertEqual(self._line(order, "finance").decision, "pending", "a rejection is never carried over")

    def test_decide_twice_and_other_role(self):
        order = self._special_order()
        order.action_qms_request_review()
        rd_line = self._line(order, "rd")
        with self.assertRaises(UserError):
            rd_line.with_user(self.reviewers["quality"]).action_accept()
        with self.assertRaises(UserError):
            rd_line.with_user(self.salesman).action_accept()
        with self.assertRaises(UserError):
            rd_line.with_user(self.sales_manager).action_reject(comment="no")
        self.assertEqual(rd_line.decision, "pending")
        rd_line.with_user(self.reviewers["rd"]).action_accept()
        with self.assertRaises(UserError):
            rd_line.with_user(self.reviewers["rd"]).action_reject(comment="changed my mind")
        self.assertEqual(rd_line.decision, "accepted")

    def test_lines_are_records(self):
        order = self._special_order()
        order.action_qms_request_review()
        rd_line = self._line(order, "rd")
        quality_line = self._line(order, "quality")
        # Reviewers write only their own department's pending lines, and not the decision.
        with self.assertRaises(AccessError):
            quality_line.with_user(self.reviewers["rd"]).write({"comment": "not mine"})
        with self.assertRaises(UserError):
            rd_line.with_user(self.reviewers["rd"]).write({"decision": "accepted"})
        rd_line.with_user(self.reviewers["rd"]).write({"comment": "Drawing rev B needed"})
        rd_line.with_user(self.reviewers["rd"]).action_accept()
        with self.assertRaises(UserError):
            rd_line.with_user(self.reviewers["rd"]).write({"comment": "edited later"})
        with self.assertRaises(UserError):
            rd_line.write({"comment": "even the admin"})
        with self.assertRaises(UserError):
            rd_line.unlink()
        with self.assertRaises(UserError):
            quality_line.unlink()
        with self.assertRaises(UserError):
            self.env["qms.contract.review.line"].with_user(self.reviewers["rd"]).create({
                "order_id": order.id, "role_id": self.roles["rd"].id, "decision": "accepted",
            })
        order.action_cancel()
        with self.assertRaises(UserError):
            order.unlink()
        self.assertTrue(rd_line.exists())

    def test_reviewer_reads_order_under_review(self):
        order = self._special_order()
        quality = self.reviewers["quality"]
        with self.assertRaises(AccessError):
            order.with_user(quality).read(["name"])
        order.action_qms_request_review()
        order.invalidate_recordset()
        self.assertEqual(order.with_user(quality).read(["name"])[0]["name"], order.name)
        with self.assertRaises(AccessError):
            order.with_user(quality).write({"note": "x"})
        with self.assertRaises(AccessError):
            order.with_user(quality).action_cancel()

    def test_salesperson_sees_own_review_lines_only(self):
        order = self._special_order()
        order.action_qms_request_review()
        self.assertEqual(len(order.qms_review_line_ids.with_user(self.salesman).read(["decision"])), 7)
        with self.assertRaises(AccessError):
            order.qms_review_line_ids.with_user(self.salesman2).read(["decision"])


@tagged("post_install", "-at_install")
class TestDecisionLock(QmsCase):
    """Decisions on the lines of one order are serialized on the order's row: each decision locks
    it first and writes it, so that a simultaneous decision waits, fails to lock and is retried
    on a fresh snapshot (the real concurrency is tested against a real server in tests/)."""

    def _queries_of(self, func):
        """Run ``func`` and flush; return the (query, arguments) it sent to the database."""
        queries = []
        execute = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=None):
            code, args = (query.code, query.params) if isinstance(query, SQL) else (query, params or ())
            # The ids of an ``IN %s`` come as one tuple argument.
            flat = [item for arg in args for item in (arg if isinstance(arg, list | tuple) else [arg])]
            queries.append((code, flat))
            return execute(cr, query, params, log_exceptions)

        with patch("odoo.sql_db.Cursor.execute", spy):
            func()
            self.env.flush_all()
        return queries

    def _row_version(self, order):
        self.env.flush_all()
        self.env.cr.execute("SELECT ctid::text FROM sale_order WHERE id = %s", [order.id])
        return self.env.cr.fetchone()[0]

    def test_decision_locks_the_order_first_and_writes_it(self):
        order = self._special_order()
        order.action_qms_request_review()
        line = self._line(order, "rd")
        version = self._row_version(order)
        queries = self._queries_of(lambda: line.with_user(self.reviewers["rd"]).action_accept())
        locks = [index for index, (query, params) in enumerate(queries)
                 if "FOR NO KEY UPDATE" in query and "sale_order" in query and order.id in params]
        writes = [index for index, (query, _params) in enumerate(queries)
                  if query.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
        self.assertTrue(locks, "the decision locks its order's row")
        self.assertTrue(writes)
        self.assertLess(locks[0], writes[0], "the lock comes before anything is written")
        # The review stays in review (nothing else of the order changes), yet its row is written.
        self.assertEqual(order.qms_review_state, "in_review")
        self.assertNotEqual(self._row_version(order), version, "the decision writes the order's row")
        self.assertEqual(order.qms_review_decided_on, line.decided_on)

    def test_every_decision_writes_the_order(self):
        order = self._special_order()
        order.action_qms_request_review()
        for code, decide in (
            ("production", lambda line: line.action_accept(conditions="Two lots")),
            ("quality", lambda line: line.action_accept()),
            ("finance", lambda line: line.action_reject(comment="Advance payment required")),
        ):
            line = self._line(order, code)
            version = self._row_version(order)
            decide(line.with_user(self.reviewers[code]))
            self.assertNotEqual(self._row_version(order), version, f"the decision of {code} writes the order")
            self.assertEqual(order.qms_review_decided_on, line.decided_on)
        self.assertEqual(self._line(order, "production").decision, "conditional")
        self.assertEqual(order.qms_review_state, "rejected")

    def test_refused_decision_changes_nothing(self):
        order = self._special_order()
        order.action_qms_request_review()
        gm_line = self._line(order, "general_manager")
        with self.assertRaisesRegex(UserError, "opens after these departments accept"):
            gm_line.with_user(self.gm).action_accept()
        with self.assertRaisesRegex(UserError, "Give a comment to reject"):
            self._line(order, "rd").with_user(self.reviewers["rd"]).action_reject(comment=" ")
        self.assertFalse(order.qms_review_decided_on)
        self.assertEqual(set(order.qms_review_line_ids.mapped("decision")), {"pending"})

    def test_last_decision_is_a_transition_field(self):
        order = self._special_order()
        order.action_qms_request_review()
        for user in (self.salesman, self.sales_manager, self.qms_admin):
            with self.assertRaisesRegex(AccessError, "Last Review Decision"):
                order.with_user(user).write({"qms_review_decided_on": fields.Datetime.now()})
        with self.assertRaisesRegex(AccessError, "Last Review Decision"):
            order.with_user(self.sales_manager).copy(default={"qms_review_decided_on": fields.Datetime.now()})
        self.assertFalse(order.qms_review_decided_on)


@tagged("post_install", "-at_install")
class TestGate(QmsCase):
    def test_regular_order_confirms_as_standard(self):
        order = self._order()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.qms_review_line_ids, "the confirmation path creates no review record")

    def test_direct_state_write_is_gated(self):
        order = self._special_order()
        with self.assertRaises(UserError):
            order.write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_copy_of_approved_order_is_not_approved(self):
        order = self._special_order()
        order.action_qms_request_review()
        self._decide_all(order)
        copy = order.copy()
        self.assertFalse(copy.qms_review_line_ids)
        self.assertEqual(copy.qms_review_state, "draft")
        with self.assertRaises(UserError):
            copy.action_confirm()
        self.assertEqual(len(copy.qms_requirement_ids), len(order.qms_requirement_ids))

    def test_amount_threshold_needs_general_manager(self):
        self.company.qms_review_amount_threshold = 400
        small = self._order(products=[(self.product_std, 3)])
        self.assertFalse(small.qms_review_required)
        big = self._order(products=[(self.product_std, 5)])
        self.assertEqual(big.qms_contract_type, "regular")
        self.assertTrue(big.qms_review_required)
        with self.assertRaises(UserError) as error:
            big.action_confirm()
        self.assertIn("General Manager", str(error.exception))
        big.action_qms_request_review()
        self.assertEqual(big.qms_review_line_ids.role_id.mapped("code"), ["general_manager"])
        self._line(big, "general_manager").with_user(self.gm).action_accept()
        big.action_confirm()
        self.assertEqual(big.state, "sale")

    def test_review_regular_orders_setting(self):
        self.company.qms_review_regular_orders = True
        order = self._order()
        self.assertTrue(order.qms_review_required)
        with self.assertRaises(UserError):
            order.action_confirm()
        order.action_qms_request_review()
        self.assertEqual(sorted(order.qms_review_line_ids.role_id.mapped("code")), ["sales", "warehouse"])
        self._line(order, "warehouse").with_user(self.reviewers["warehouse"]).action_accept()
        self._line(order, "sales").with_user(self.salesman).action_accept()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_review_before_sending_setting(self):
        order = self._special_order()
        order.action_quotation_send()  # allowed by default
        self.company.qms_review_before_sending = True
        with self.assertRaises(UserError):
            order.action_quotation_send()
        with self.assertRaises(UserError):
            order.write({"state": "sent"})
        order.action_qms_request_review()
        self._decide_all(order)
        self.assertTrue(order.action_quotation_send())

    def test_oral_order_needs_customer_confirmation(self):
        order = self._order(qms_order_channel="oral")
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("oral order", str(error.exception))
        order.write({"qms_customer_confirmed_by": "Mr. Li (purchasing)",
                     "qms_customer_confirmed_on": fields.Datetime.now() - timedelta(hours=1)})
        with self.assertRaises(UserError):
            order.action_confirm()
        with self.assertRaises(ValidationError):
            order.write({"qms_customer_confirmation_method": "email",
                         "qms_customer_confirmed_on": fields.Datetime.now() + timedelta(days=2)})
        order.write({"qms_customer_confirmation_method": "email"})
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_portal_signature_keeps_blocked_order_unconfirmed(self):
        order = self._special_order()
        order.sudo()._validate_order()
        self.assertEqual(order.state, "draft")
        self.assertIn("contract review", order.message_ids[0].body)
        regular = self._order()
        regular.sudo()._validate_order()
        self.assertEqual(regular.state, "sale")


@tagged("post_install", "-at_install")
class TestChanges(QmsCase):
    def _approved(self):
        order = self._special_order()
        order.action_qms_request_review()
        self._decide_all(order)
        self.assertEqual(order.qms_review_state, "approved")
        return order

    def test_change_outdates_review_then_revision_two(self):
        order = self._approved()
        order.order_line[0].product_uom_qty = 7
        self.assertEqual(order.qms_review_state, "outdated")
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("changed", str(error.exception))
        with self.assertRaises(UserError):
            self._line(order, "rd").with_user(self.reviewers["rd"]).action_accept()
        order.action_qms_request_review()
        self.assertEqual(order.qms_review_revision, 2)
        self.assertEqual(order.qms_review_state, "in_review")
        self.assertEqual(len(order.qms_review_line_ids), 14)
        old = order.qms_review_line_ids.filtered(lambda line: line.revision == 1)
        self.assertTrue(all(line.decision == "accepted" for line in old), "revision 1 stays on record")
        # A quantity concerns production and procurement (and the general manager of a special
        # contract); the other departments' decisions are carried over.
        self._decide_all(order, ["production", "procurement", "general_manager"])
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_each_reviewed_term_outdates(self):
        payment_term = self.env["account.payment.term"].search([], limit=1)
        changes = [
            lambda o: o.write({"payment_term_id": payment_term.id}),
            lambda o: o.write({"commitment_date": fields.Datetime.now() + timedelta(days=40)}),
            lambda o: o.order_line[0].write({"price_unit": 1.0}),
            lambda o: o.write({"order_line": [Command.create({"product_id": self.product_std.id})]}),
            lambda o: o.qms_requirement_ids.create({"order_id": o.id, "kind": "implied", "description": "IP54"}),
            lambda o: o.write({"partner_id": self.env["res.partner"].create({"name": "Other"}).id}),
        ]
        for change in changes:
            order = self._approved()
            change(order)
            self.assertEqual(order.qms_review_state, "outdated")

    def test_untracked_change_keeps_approval(self):
        order = self._approved()
        order.write({"note": "Internal note", "client_order_ref": "PO-778"})
        self.assertEqual(order.qms_review_state, "approved")

    def test_amendment_of_confirmed_order_notifies_departments(self):
        order = self._approved()
        order.action_confirm()
        order.order_line[0].product_uom_qty = 10
        revision_1 = order.qms_review_line_ids.filtered(lambda line: line.revision == 1)
        self.assertEqual(revision_1.mapped("decision"), ["accepted"] * 7, "the approved revision stays on record")
        amendment = order.message_ids.filtered(lambda m: "Amendment" in (m.body or ""))
        self.assertTrue(amendment)
        # The departments a quantity concerns are notified (procedure 4.5), not the others.
        self.assertIn(self.reviewers["production"].partner_id, amendment[0].partner_ids)
        self.assertNotIn(self.reviewers["quality"].partner_id, amendment[0].partner_ids)
        # The amendment's review starts by itself (revision 2); requesting it again is refused.
        self.assertEqual(order.qms_review_revision, 2)
        self.assertEqual(order.qms_review_state, "in_review")
        with self.assertRaisesRegex(UserError, "already in progress"):
            order.action_qms_request_review()


@tagged("post_install", "-at_install")
class TestQuotationForm(QmsCase):
    def test_salesperson_path_through_the_form(self):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.product_new
            line.product_uom_qty = 2
        with form.qms_requirement_ids.new() as req:
            req.kind = "statutory"
            req.description = "CCC certification"
        form.qms_order_channel = "written"
        order = form.save()
        self.assertEqual(order.qms_contract_type, "special")
        self.assertEqual(order.qms_review_state, "draft")
        self.assertEqual(order.qms_requirement_ids.description, "CCC certification")
        order.action_qms_request_review()
        self._decide_all(order)
        form = Form(order.with_user(self.salesman))
        with form.order_line.edit(0) as line:
            line.product_uom_qty = 4
        form.save()
        self.assertEqual(order.qms_review_state, "outdated")

    def test_salesperson_cannot_override_in_form(self):
        form = Form(self.env["sale.order"].with_user(self.sales_manager))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.product_std
        form.qms_contract_type_override = "special"
        form.qms_override_reason = "Customer audit requires full review"
        order = form.save()
        self.assertEqual(order.qms_contract_type, "special")
        form = Form(self.env["sale.order"].with_user(self.salesman))
        self.assertNotIn("qms_contract_type_override", form._view["fields"])

    def test_reviewer_opens_the_quotation_form(self):
        order = self._special_order()
        order.action_qms_request_review()
        review_form = "qms_customer_process.sale_order_view_form_qms_review"
        for code in ("quality", "finance", "general_manager"):
            form = Form(order.with_user(self.reviewers[code]), view=review_form)
            self.assertEqual(form.qms_review_state, "in_review")
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(len(form.qms_review_line_ids), 7)
            self.assertEqual(len(form.order_line), 1)
        form = Form(order.with_user(self.salesman), view=review_form)
        self.assertEqual(form.qms_contract_type, "special")
        self.assertEqual(order.with_user(self.salesman).action_qms_open_quotation()["views"][0][0],
                         self.env.ref("sale.view_order_form").id)
        action = self._line(order, "quality").with_user(self.reviewers["quality"]).action_open_order()
        self.assertEqual(action["views"][0][0], self.env.ref(review_form).id)
        self.assertEqual(action["res_id"], order.id)

    def test_reviewer_decides_through_line_form(self):
        order = self._special_order()
        order.action_qms_request_review()
        line = self._line(order, "quality")
        form = Form(line.with_user(self.reviewers["quality"]))
        form.conditions = "Incoming inspection of the magnets"
        form.save()
        line.with_user(self.reviewers["quality"]).action_accept()
        self.assertEqual(line.decision, "conditional")
        self.assertEqual(line.conditions, "Incoming inspection of the magnets")


@tagged("post_install", "-at_install")
class TestDeliveryAndCommitment(QmsCase):
    def test_simplified_review_recorded_on_delivery(self):
        order = self._order()
        order.action_confirm()
        self.assertFalse(order.qms_review_line_ids)
        picking = order.picking_ids
        picking.move_ids.quantity = 5
        picking.with_user(self.env.ref("base.user_admin")).button_validate()
        self.assertEqual(picking.state, "done")
        codes = sorted(order.qms_review_line_ids.role_id.mapped("code"))
        self.assertEqual(codes, ["sales", "warehouse"])
        sales_line = self._line(order, "sales")
        self.assertEqual(sales_line.decision, "accepted")
        self.assertEqual(sales_line.reviewer_id, self.salesman)
        self.assertEqual(order.qms_review_state, "approved" if self._line(order, "warehouse").decision == "accepted"
                         else "in_review")

    def test_delivered_special_order_extends_commitment(self):
        today = fields.Date.today()
        commitment = self.env["qms.capability.commitment"].create({
            "name": "This year", "date_from": today - timedelta(days=1), "date_to": today + timedelta(days=100),
            "product_tmpl_ids": [Command.link(self.product_std2.product_tmpl_id.id)],
        })
        self._approve_commitment(commitment)
        order = self._special_order()
        order.action_qms_request_review()
        self._decide_all(order)
        order.action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.gm).action_qms_add_to_commitment()
        order.picking_ids.move_ids.quantity = 3
        order.picking_ids.button_validate()
        self.assertEqual(order.delivery_status, "full")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_qms_add_to_commitment()
        order.with_user(self.gm).action_qms_add_to_commitment()
        self.assertIn(self.product_new.product_tmpl_id, commitment.product_tmpl_ids)
        self.assertIn(order, commitment.source_order_ids)
        self.assertTrue(self.product_new.qms_standard_product)
        self.assertEqual(self._order(products=[(self.product_new, 3)]).qms_contract_type, "regular")


@tagged("post_install", "-at_install")
class TestConfirmQueries(QmsCase):
    def _approved_order(self, n_lines):
        order = self._order(products=[(self.service_new, 1)] * n_lines)
        order.action_qms_request_review()
        self._decide_all(order)
        self.env.flush_all()
        self.env.invalidate_all()
        return order

    def test_confirm_query_count_does_not_grow_with_lines(self):
        self._approved_order(1).action_confirm()  # warm the caches
        for n_lines in (1, 20):
            order = self._approved_order(n_lines)
            # 38, and 17 to mark the salesperson's "Contract review approved" to-do done, its feedback in the
            # company's language (issue 11).
            with self.assertQueryCount(__system__=55):
                order.action_confirm()
                self.env.flush_all()
            self.assertEqual(order.state, "sale")
