"""Values the ORM derives and roles the procedure does not name: nobody writes the former, the
latter are refused the transition (AccessError), and the record stays as it was."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .satisfaction_common import SatisfactionCase
from .test_customer_complaint import ComplaintCase
from .test_sample_request import SampleCase

REFUSED = r"are set by its workflow actions \(the buttons\), not written directly"


@tagged("post_install", "-at_install")
class TestDerivedComplaintValues(ComplaintCase):
    def test_deadlines_kpis_and_customer_company_are_not_written(self):
        """Pushing a deadline hides an overdue complaint; the customer company decides which
        portal sees it; days to close and the root cause feed the KPIs and the Pareto."""
        complaint = self._complaint()
        before = complaint.read([
            "date_acknowledge_deadline", "date_response_deadline", "days_to_close", "root_cause_category",
            "commercial_partner_id", "is_recurrence",
        ])[0]
        for vals in (
            {"date_acknowledge_deadline": "2099-01-01 00:00:00"},
            {"date_response_deadline": "2099-01-01 00:00:00"},
            {"days_to_close": 0.5},
            {"root_cause_category": "man"},
            {"commercial_partner_id": self.other_customer.id},
            {"is_recurrence": True},
        ):
            with self.assertRaisesRegex(AccessError, REFUSED):
                complaint.with_user(self.salesman).write(vals)
        with self.assertRaisesRegex(AccessError, REFUSED):
            self._complaint(date_response_deadline="2099-01-01 00:00:00")
        complaint.invalidate_recordset()
        self.assertEqual(complaint.read(list(before))[0], before)

    def test_investigation_mirrors_its_complaint(self):
        complaint = self._complaint(severity="major")
        complaint.with_user(self.quality).action_investigate()
        investigation = complaint.investigation_ids
        self.assertEqual(investigation.severity, "major")
        for vals in ({"severity": "minor"}, {"partner_id": self.other_customer.id}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                investigation.with_user(self.quality).write(vals)
        investigation.invalidate_recordset()
        self.assertEqual((investigation.severity, investigation.partner_id), ("major", self.customer))


@tagged("post_install", "-at_install")
class TestDerivedSatisfactionValues(SatisfactionCase):
    def test_score_lines_mirror_their_survey(self):
        """A score line counts in the analysis by the state of its survey: a salesperson cannot
        mark the lines of an unanswered survey answered, nor move them to another period."""
        survey = self._survey(self.customer_a)
        line = survey.score_ids[:1]
        self.assertEqual(line.state, "draft")
        for vals in ({"state": "answered"}, {"period_date": "2020-01-01"}, {"partner_id": self.customer_b.id},
                     {"user_id": self.salesman2.id}, {"campaign_id": self._campaign(self.customer_b).id}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                line.with_user(self.salesman).write(vals)
        line.invalidate_recordset()
        self.assertEqual((line.state, line.period_date, line.partner_id), ("draft", survey.period_date, self.customer_a))

    def test_survey_period_is_the_campaigns(self):
        survey = self._survey(self.customer_a)
        period = survey.period_date
        with self.assertRaisesRegex(AccessError, REFUSED):
            survey.with_user(self.salesman).write({"period_date": "2020-01-01"})
        survey.invalidate_recordset()
        self.assertEqual(survey.period_date, period)


@tagged("post_install", "-at_install")
class TestDerivedSampleAndReviewValues(SampleCase):
    def test_sample_customer_company_is_not_written(self):
        """The portal lets a customer decide on the samples of its own company."""
        sample = self._sample()
        with self.assertRaisesRegex(AccessError, REFUSED):
            sample.with_user(self.salesman).write({"commercial_partner_id": self.customer2.id})
        sample.invalidate_recordset()
        self.assertEqual(sample.commercial_partner_id, self.customer)

    def test_review_line_company_is_the_orders(self):
        order = self._special_order()
        order.action_qms_request_review()
        line = self._line(order, "rd")
        other = self.env["res.company"].create({"name": "QMS Other Company"})
        with self.assertRaisesRegex(AccessError, REFUSED):
            line.with_user(self.reviewers["rd"]).write({"company_id": other.id})
        line.invalidate_recordset()
        self.assertEqual(line.company_id, order.company_id)


@tagged("post_install", "-at_install")
class TestRolesOutsideTheFlow(SampleCase):
    def test_sample_roles_are_refused_with_access_error(self):
        sample = self._sample()
        # Quality reads every sample request but does not move it on.
        with self.assertRaisesRegex(AccessError, "You are not responsible for the sample request"):
            sample.with_user(self.reviewers["quality"]).action_submit()
        self.assertEqual(sample.state, "draft")
        sample.action_submit()
        for user in (self.salesman, self.gm, self.qms_admin):
            with self.assertRaisesRegex(AccessError, "Only a sales manager approves the sample request"):
                sample.with_user(user).action_approve()
        self.assertEqual(sample.state, "submitted")
        self.assertFalse(sample.manager_approved_by_id)
        new_development = self._sample(purpose="new_development")
        new_development.action_submit()
        new_development.with_user(self.sales_manager).action_approve()
        with self.assertRaisesRegex(AccessError, "only the general manager approves it now"):
            new_development.with_user(self.sales_manager).action_approve()
        self.assertEqual(new_development.state, "submitted")
        self.assertFalse(new_development.gm_approved_by_id)

    def test_only_sales_request_the_review(self):
        """A rejected review is requested again by sales, not by a reviewer who reads the order nor
        by the warehouse, which may write on orders (sale_stock)."""
        order = self._special_order()
        order.action_qms_request_review()
        self._line(order, "finance").with_user(self.reviewers["finance"]).action_reject(comment="Credit limit")
        self.assertEqual(order.qms_review_state, "rejected")
        warehouse = new_test_user(
            self.env, login="qms_t_stock_keeper", name="Stock Keeper",
            groups="base.group_user,stock.group_stock_user,qms_customer_process.group_qms_warehouse",
        )
        self.assertTrue(order.with_user(warehouse).has_access("write"))
        for user in (self.reviewers["finance"], self.reviewers["rd"], self.gm, self.qms_admin, warehouse):
            with self.assertRaisesRegex(AccessError, "Only a salesperson who may edit the order requests its contract review"):
                order.with_user(user).action_qms_request_review(reason="Credit limit raised")
        self.assertEqual((order.qms_review_revision, order.qms_review_state), (1, "rejected"))
        order.with_user(self.salesman).action_qms_request_review(reason="Credit limit raised")
        self.assertEqual((order.qms_review_revision, order.qms_review_state), (2, "in_review"))
