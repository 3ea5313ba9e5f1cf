"""What staff see on their screens (issue 11): the review line shows what is reviewed to a
reviewer without sales rights; lines not open yet read "Waiting"; the salesperson's "Contract
review approved" to-do closes when the order is confirmed; the acceptance conditions are on the
order's header; the corrective action dialog; the list columns."""

from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import SPECIAL_DEPARTMENTS, QmsCase
from .test_customer_complaint import ComplaintCase
from .test_satisfaction_analysis import AnalysisData

RESULT_TYPE = "qms_customer_process.mail_activity_type_qms_review_result"


@tagged("post_install", "-at_install")
class TestReviewLineScreen(QmsCase):
    def _requested(self, **vals):
        order = self._special_order(
            commitment_date=fields.Datetime.now() + timedelta(days=30),
            qms_requirement_ids=[Command.create({"kind": "explicit", "topic": "quality", "description": "IP67 housing"})],
            **vals,
        )
        order.action_qms_request_review()
        return order

    def test_reviewer_sees_what_is_reviewed(self):
        """A reviewer with no sales rights opens the line's form: the order's products and quantities,
        the delivery date, the customer's requirements and why the contract is special."""
        order = self._requested()
        reviewer = self.reviewers["production"]
        self.assertFalse(reviewer.has_group("sales_team.group_sale_salesman"))
        with self.assertRaises(AccessError):  # the reviewer has no access to the deliveries
            self.env["stock.move"].with_user(reviewer).check_access("read")
        line = self._line(order, "production").with_user(reviewer)
        form = Form(line)
        self.assertEqual(form.contract_type, "special")
        self.assertIn(self.product_new.display_name, form.special_reason)
        self.assertEqual(form.commitment_date, fields.Datetime.to_string(order.commitment_date))
        # What the web client loads for the embedded lists (the fields of their list view).
        [products] = form.order_line_ids._records
        self.assertEqual(products["product_id"], self.product_new.id)
        self.assertEqual(products["product_uom_qty"], 3)
        [requirement] = form.requirement_ids._records
        self.assertEqual(requirement["description"], "IP67 housing")
        # The department writes its conditions on the same form.
        form.conditions = "Tooling ready by week 10"
        form.save()
        self.assertEqual(line.conditions, "Tooling ready by week 10")
        # A reviewer of another department reads it too (the whole review is visible to reviewers).
        values = line.with_user(self.reviewers["finance"]).read(
            ["order_line_ids", "requirement_ids", "commitment_date", "expected_date", "amount_total", "payment_term_id"],
        )[0]
        self.assertEqual(values["order_line_ids"], order.order_line.ids)
        self.assertEqual(values["requirement_ids"], order.qms_requirement_ids.ids)

    def test_lines_not_open_are_waiting(self):
        order = self._requested()
        lines = order.qms_review_line_ids
        gm = self._line(order, "general_manager")
        for line in lines:
            self.assertEqual(line.review_status, "pending" if line.is_open else "waiting", line.role_id.code)
        self.assertEqual(gm.review_status, "waiting")
        self.assertIn("pending", lines.mapped("review_status"))
        # Stored: the lists filter and group on it.
        Line = self.env["qms.contract.review.line"]
        self.assertEqual(Line.search([("order_id", "=", order.id), ("review_status", "=", "waiting")]),
                         lines.filtered(lambda line: not line.is_open))
        self._decide_all(order, SPECIAL_DEPARTMENTS)
        # The departments have accepted: the general manager still waits for the conclusion.
        self.assertEqual(gm.review_status, "waiting")
        self.assertEqual(Line.search([("order_id", "=", order.id), ("review_status", "=", "waiting")]), gm)
        self._conclude(order)
        self.assertEqual(gm.review_status, "pending")
        self.assertEqual(Line.search([("order_id", "=", order.id), ("review_status", "=", "pending")]), gm)
        gm.with_user(self.gm).action_accept()
        self.assertEqual(gm.review_status, "accepted")
        self.assertEqual(set((lines - gm).mapped("review_status")), {"accepted"})

    def test_lines_of_a_rejected_review_are_not_decided(self):
        order = self._requested()
        first = self._line(order, SPECIAL_DEPARTMENTS[0])
        first.with_user(self.reviewers[SPECIAL_DEPARTMENTS[0]]).action_reject(comment="Not feasible")
        self.assertEqual(first.review_status, "rejected")
        others = order.qms_review_line_ids - first
        self.assertEqual(set(others.mapped("review_status")), {"not_decided"})
        self.assertEqual(set(others.mapped("decision")), {"pending"})

    def test_approved_todo_closes_on_confirmation(self):
        order = self._requested()
        own_todo = order.activity_schedule("mail.mail_activity_data_todo", user_id=self.salesman.id,
                                           summary="Call the buyer")
        self._decide_all(order)
        self.assertEqual(order.qms_review_state, "approved")
        result = order.activity_ids.filtered(lambda activity: activity.activity_type_id == self.env.ref(RESULT_TYPE))
        self.assertEqual(len(result), 1)
        self.assertEqual(result.user_id, self.salesman)
        self.assertEqual(result.summary, "Contract review approved")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(result.exists(), "the to-do is done")
        done = self.env["mail.message"].search([
            ("model", "=", "sale.order"), ("res_id", "=", order.id),
            ("mail_activity_type_id", "=", self.env.ref(RESULT_TYPE).id),
        ])
        self.assertEqual(len(done), 1, "marked done (feedback in the chatter), not deleted")
        self.assertTrue(own_todo.exists(), "the salesperson's other to-dos stay open")

    def test_todo_open_until_confirmation(self):
        order = self._requested()
        self._decide_all(order)
        result_type = self.env.ref(RESULT_TYPE)
        self.assertTrue(order.activity_ids.filtered(lambda activity: activity.activity_type_id == result_type))
        order.with_user(self.salesman).action_quotation_send()
        self.assertTrue(order.activity_ids.filtered(lambda activity: activity.activity_type_id == result_type))

    def test_conditions_on_the_order_header(self):
        order = self._requested()
        codes = SPECIAL_DEPARTMENTS
        self._line(order, codes[0]).with_user(self.reviewers[codes[0]]).action_accept(conditions="Deposit 30 %")
        self._line(order, codes[1]).with_user(self.reviewers[codes[1]]).action_accept()
        self.assertEqual(order.qms_review_conditions, f"{self.roles[codes[0]].name}: Deposit 30 %")
        # Shown in the sheet's header area of the sales form and of the reviewers' form, outside any tab.
        for view in ("sale.view_order_form", "qms_customer_process.sale_order_view_form_qms_review"):
            arch = etree.fromstring(self.env["sale.order"].get_view(self.env.ref(view).id, "form")["arch"])
            nodes = arch.xpath("//sheet/div[@name='qms_review_conditions']/field[@name='qms_review_conditions']")
            self.assertEqual(len(nodes), 1, view)
            self.assertFalse(nodes[0].xpath("ancestor::notebook"), view)
        # A new revision starts without them.
        order.with_user(self.salesman).write({"order_line": [Command.create({"product_id": self.product_std.id})]})
        order.with_user(self.salesman).action_qms_request_review(reason="More products")
        self.assertFalse(order.qms_review_conditions)


@tagged("post_install", "-at_install")
class TestPreviousCampaign(AnalysisData):
    def test_previous_is_sent_and_ended_before(self):
        """An overlapping campaign (sent or not) and a draft one are never "previous"."""
        self._load()
        overlapping = self._campaign(self.customer_d, date_start="2029-07-01", date_end="2030-03-31")
        overlapping.action_send()
        self.assertNotEqual(overlapping.state, "draft")
        self._campaign(self.customer_d, date_start="2029-10-01", date_end="2030-02-28")  # draft, overlapping
        self._campaign(self.customer_d, date_start="2029-12-01", date_end="2029-12-15")  # draft, before
        analysis = self.env["qms.satisfaction.analysis"].create({"campaign_id": self.current.id})
        figures = analysis._qms_figures()
        self.assertEqual(figures["previous_label"], self.previous.display_name)
        self.assertEqual((figures["previous"]["sent"], figures["previous"]["answered"]), (2, 1))


@tagged("post_install", "-at_install")
class TestCorrectiveActionDialog(ComplaintCase):
    def test_dialog(self):
        complaint = self._complaint(severity="major", department_id=self.roles["production"].id)
        complaint.action_investigate()
        investigation = complaint.investigation_ids
        action = investigation.action_new_corrective_action()
        self.assertEqual(action["name"], f"New Corrective Action: {investigation.name}")
        self.assertEqual(action["target"], "new")
        arch = etree.fromstring(self.env["qms.corrective.action"].get_view(False, "form")["arch"])
        for name in ("action_done", "action_verify", "action_verify_not_effective", "action_cancel"):
            for button in arch.xpath(f"//header/button[@name='{name}']"):
                self.assertTrue(button.get("invisible", "").startswith("not id or "), name)
        title = arch.xpath("//div[hasclass('oe_title')]/h1")[0]
        self.assertEqual(title.xpath("field[@name='name']")[0].get("invisible"), "not id")
        self.assertEqual(title.xpath("span")[0].get("invisible"), "id")
        # The dialog's record saves with the investigation's defaults and gets its reference.
        form = Form(self.env["qms.corrective.action"].with_user(self.quality).with_context(**action["context"]))
        form.description = "Torque check at final inspection"
        form.user_id = self.reviewers["production"]
        form.due_date = fields.Date.today() + timedelta(days=5)
        record = form.save()
        self.assertEqual(record.investigation_id, investigation)
        self.assertNotEqual(record.name, "/")


@tagged("post_install", "-at_install")
class TestListColumns(QmsCase):
    def test_company_column_only_in_multi_company(self):
        """Every list of the addon shows the Company column to multi-company users only."""
        views = self.env["ir.ui.view"].search([("type", "=", "list"), ("model", "=like", "qms.%"), ("mode", "=", "primary")])
        self.assertTrue(views)
        checked = 0
        for view in views:
            arch = etree.fromstring(view.get_combined_arch())
            for node in arch.xpath("//field[@name='company_id'][not(ancestor::form)]"):
                checked += 1
                self.assertTrue(
                    node.get("column_invisible") in ("1", "True") or "base.group_multi_company" in (node.get("groups") or ""),
                    f"{view.xml_id}: the company column shows in a single-company database",
                )
        self.assertGreater(checked, 5)

    def test_date_columns_fit_chinese_dates(self):
        """A date column is wide enough for 2026年11月25日, a date-time column for the time after it
        (the web client's own widths, 80 and 145 px, cut them)."""
        views = self.env["ir.ui.view"].search([("type", "=", "list"), ("mode", "=", "primary"), "|",
                                               ("model", "=like", "qms.%"), ("name", "=like", "sale.order.list.qms%")])
        checked = 0
        for view in views:
            model = self.env[view.model]
            arch = etree.fromstring(view.get_combined_arch())
            for node in arch.xpath("/list/field"):
                field = model._fields.get(node.get("name"))
                if not field or field.type not in ("date", "datetime") or node.get("column_invisible"):
                    continue
                checked += 1
                self.assertTrue(node.get("width"), f"{view.xml_id}: {field.name} has no width")
                shown_as_date = field.type == "date" or node.get("widget") == "date"
                self.assertGreaterEqual(int(node.get("width").removesuffix("px")), 110 if shown_as_date else 150,
                                        f"{view.xml_id}: {field.name}")
        self.assertGreater(checked, 10)

    def test_review_line_status_column(self):
        arch = etree.fromstring(self.env["qms.contract.review.line"].get_view(
            self.env.ref("qms_customer_process.qms_contract_review_line_view_list").id, "list")["arch"])
        self.assertEqual(arch.xpath("//field[@name='review_status']")[0].get("widget"), "badge")
        self.assertEqual(arch.xpath("//field[@name='decision']")[0].get("column_invisible"), "1")
