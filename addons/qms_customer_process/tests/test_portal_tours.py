import os
import unittest
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .satisfaction_common import LEVELS, SatisfactionCase
from .tour_common import QmsTourCase


class PortalTourData:
    """A customer company with a portal contact and a confirmed order (tours log in with the
    login as password)."""

    def _portal_customer(self, key):
        company = self.env["res.partner"].create({"name": f"QMS Tour Customer {key}", "is_company": True})
        contact = self.env["res.partner"].create({
            "name": f"Tour Buyer {key}", "parent_id": company.id, "email": f"tour_{key.lower()}@portal.example",
        })
        login = f"qms_tour_{key.lower()}"
        user = new_test_user(self.env, login=login, password=login, groups="base.group_portal", partner_id=contact.id,
                             name=contact.name)
        return company, user


@tagged("post_install", "-at_install")
class TestPortalTours(QmsTourCase, PortalTourData):

    def setUp(self):
        super().setUp()
        self.env.company.write({"qms_review_amount_threshold": 0.0, "qms_review_regular_orders": False,
                                "qms_review_before_sending": False})
        self.company_a, self.portal_a = self._portal_customer("A")
        self.product = self.env["product.product"].create({"name": "QMS Tour Valve", "type": "consu", "list_price": 12})
        self.order = self.env["sale.order"].create({
            "name": "QMS-TOUR-0001", "partner_id": self.portal_a.partner_id.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 10})],
        })
        self.order.action_confirm()

    def test_customer_files_a_complaint_with_a_photo_and_accepts_the_solution(self):
        Complaint = self.env["qms.customer.complaint"]
        self.start_tour("/my/complaints/new", "qms_portal_complaint_file", login="qms_tour_a")
        complaint = Complaint.search([("subject", "=", "Valve housings leak at 6 bar")])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.sale_order_id, self.order)
        self.assertEqual(complaint.product_id, self.product)
        self.assertEqual(complaint.quantity_affected, 4)
        photo = self.env["ir.attachment"].search([("res_model", "=", Complaint._name), ("res_id", "=", complaint.id)])
        self.assertEqual(photo.mapped("name"), ["leaking-flange.png"])
        self.assertEqual(photo.mimetype, "image/png")
        self.assertTrue(photo.raw.startswith(b"\x89PNG"))
        # Staff acknowledges the complaint and proposes a solution (in the back office).
        complaint.action_acknowledge()
        complaint.write({"solution": "replace"})
        complaint.action_propose()
        self.assertEqual(complaint.state, "proposed")
        self.start_tour(f"/my/complaints/{complaint.id}", "qms_portal_complaint_accept", login="qms_tour_a")
        self.assertEqual(complaint.state, "confirmed")
        self.assertEqual(complaint.customer_acceptance, "accepted")
        self.assertEqual(complaint.customer_satisfaction, "satisfied")
        self.assertEqual(complaint.customer_feedback, "Replacement housings are fine for us.")

    def test_customer_approves_a_sample(self):
        salesman = new_test_user(self.env, login="qms_tour_salesman", groups="sales_team.group_sale_manager",
                                 name="Tess Tour")
        sample = self.env["qms.sample.request"].create({
            "partner_id": self.company_a.id, "user_id": salesman.id, "purpose": "trial",
            "line_ids": [Command.create({"name": "Valve housing T-1", "specification": "DWG-T-1", "quantity": 2})],
        })
        sample.action_submit()
        sample.action_approve()
        sample.write({"assigned_department": "production", "assigned_user_id": salesman.id,
                      "production_due_date": fields.Date.today(), "carrier": "SF Express"})
        sample.action_start_production()
        sample.action_send()
        self.start_tour(f"/my/samples/{sample.id}", "qms_portal_sample_approve", login="qms_tour_a")
        self.assertEqual(sample.state, "customer_approved")
        self.assertEqual(sample.customer_decision, "approved")
        self.assertEqual(sample.customer_comment, "Matches drawing DWG-T-1.")
        self.assertEqual(sample.customer_decided_by, "Tour Buyer A")
        self.assertTrue(sample.customer_decided_on_portal)


@tagged("post_install", "-at_install")
class TestSatisfactionSurveyTour(QmsTourCase, SatisfactionCase):

    def test_customer_answers_the_survey_and_is_thanked(self):
        survey = self._survey(self.customer_a)
        survey.action_send()
        user_input = survey.user_input_id
        self.start_tour(
            f"/survey/start/{self.questionnaire.access_token}?answer_token={user_input.access_token}",
            "qms_satisfaction_survey_answer",
        )
        self.assertEqual(user_input.state, "done")
        self.assertEqual(survey.score, LEVELS["satisfied"])
        self.assertEqual(survey.grade_id, self.grades["satisfied"])
        self.assertFalse(survey.dissatisfied)


@tagged("post_install", "-at_install")
class TestTourUnderCi(QmsTourCase):
    """A tour that cannot run (no Chromium, no websocket-client, Chromium not answering: Odoo
    raises SkipTest) fails under CI=true and is skipped elsewhere."""

    def _tour_that_cannot_run(self):
        with patch.object(HttpCase, "browser_js", side_effect=unittest.SkipTest("Chrome executable not found")):
            self.start_tour("/my", "qms_portal_sample_approve")

    def test_fails_under_ci(self):
        with patch.dict(os.environ, {"CI": "true"}), \
                self.assertRaisesRegex(AssertionError, "the browser tour cannot run under CI: Chrome executable not found"):
            self._tour_that_cannot_run()

    def test_skipped_outside_ci(self):
        with patch.dict(os.environ, {"CI": ""}), self.assertRaisesRegex(unittest.SkipTest, "Chrome executable not found"):
            self._tour_that_cannot_run()
