"""Values the ORM derives from others (deadlines, KPIs, mirrors of a parent record) are written by
nobody: refused like the fields a transition owns, and the record stays as it was."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

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
