from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .satisfaction_common import DIMENSIONS, SatisfactionCase


@tagged("post_install", "-at_install")
class TestSatisfactionSurvey(SatisfactionCase):
    def test_campaign_generates_one_survey_per_customer(self):
        self.assertEqual(self.campaign.survey_ids.partner_id, self.customer_a | self.customer_b)
        survey = self._survey(self.customer_a)
        self.assertEqual(survey.user_id, self.salesman, "the salesperson is the customer's")
        self.assertEqual(survey.contact_id, self.customer_a)
        self.assertEqual(survey.score_ids.dimension_id.mapped("code"), DIMENSIONS)
        self.assertEqual(survey.state, "draft")
        # Generating again adds nobody twice.
        self.campaign.action_generate_surveys()
        self.assertEqual(len(self.campaign.survey_ids), 2)

    def test_campaign_of_invoiced_customers(self):
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": self.customer_b.id,
            "invoice_date": "2030-03-15",
            "invoice_line_ids": [Command.create({"product_id": self.product_std.id, "quantity": 1, "price_unit": 10})],
        })
        invoice.action_post()
        outside = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": self.customer_a.id,
            "invoice_date": "2029-12-31",
            "invoice_line_ids": [Command.create({"product_id": self.product_std.id, "quantity": 1, "price_unit": 10})],
        })
        outside.action_post()
        campaign = self._campaign(self.env["res.partner"], target="invoiced")
        self.assertEqual(campaign.survey_ids.partner_id, self.customer_b)

    def test_campaign_end_before_start(self):
        with self.assertRaises(ValidationError):
            self.env["qms.satisfaction.campaign"].create({
                "title": "Backwards", "date_start": "2026-06-30", "date_end": "2026-01-01",
            })

    def test_score_from_online_answers(self):
        survey = self._survey(self.customer_a)
        user_input = self._answer_online(survey, [100, 85, 70, 85, 100, 85], comment="Faster replies please")
        self.assertEqual(user_input.state, "done")
        self.assertEqual(survey.state, "answered")
        self.assertEqual(survey.answer_mode, "online")
        self.assertAlmostEqual(survey.score, 87.5, places=2)
        self.assertEqual(survey.grade_id, self.grades["satisfied"])
        scores = {line.dimension_id.code: line.score for line in survey.score_ids}
        self.assertEqual(scores, dict(zip(DIMENSIONS, [100, 85, 70, 85, 100, 85], strict=True)))
        self.assertEqual(survey.comments, "Faster replies please")
        self.assertTrue(survey.answered_on)
        self.assertFalse(survey.dissatisfied)
        self.assertFalse(survey.corrective_action_ids)

    def test_score_from_paper_form(self):
        survey = self._survey(self.customer_b)
        self._answer_paper(survey, [100, 100, 100, 100, 100, 85])
        self.assertEqual(survey.state, "answered")
        self.assertEqual(survey.answer_mode, "paper")
        self.assertEqual(survey.user_input_id.state, "done", "the paper answers are recorded in the survey app")
        self.assertAlmostEqual(survey.score, 97.5, places=2)
        self.assertEqual(survey.grade_id, self.grades["very_satisfied"])

    def test_paper_form_incomplete(self):
        survey = self._survey(self.customer_b)
        with self.assertRaises(UserError):
            survey.action_register_paper()
        self.assertEqual(survey.state, "draft")

    def test_answering_twice(self):
        survey = self._survey(self.customer_a)
        user_input = self._answer_online(survey, [85] * 6)
        with self.assertRaisesRegex(UserError, "already answered"):
            self._answer_paper(survey, [40] * 6)
        with self.assertRaises(UserError):
            survey._qms_register_answers()
        self.assertEqual(survey.score, 85.0, "the first answers are kept")
        self.assertEqual(user_input.state, "done")

    def test_score_out_of_range(self):
        survey = self._survey(self.customer_a)
        self._answer_online(survey, [85] * 6)
        with self.assertRaises(ValidationError):
            survey.score = 100.5
        with self.assertRaises(ValidationError):
            survey.score_ids[0].score = -1

    def test_send_invitation_with_link(self):
        survey = self._survey(self.customer_a)
        survey.action_send()
        self.assertEqual(survey.state, "sent")
        user_input = survey.user_input_id
        self.assertEqual(user_input.partner_id, self.customer_a)
        self.assertEqual(user_input.survey_id, self.questionnaire)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.customer_a.ids)], order="id desc", limit=1)
        self.assertTrue(mail)
        self.assertIn(user_input.access_token, mail.body_html, "the email carries the customer's own link")
        with self.assertRaises(UserError):
            survey.action_send()
        survey.action_remind()
        self.assertEqual(survey.reminder_count, 1)
        self.assertEqual(
            self.env["mail.mail"].search_count([("recipient_ids", "in", self.customer_a.ids)]), 2,
        )

    def test_campaign_send_and_remind(self):
        self.campaign.action_send()
        self.assertEqual(self.campaign.state, "running")
        self.assertEqual(set(self.campaign.survey_ids.mapped("state")), {"sent"})
        self._answer_online(self._survey(self.customer_a), [85] * 6)
        self.campaign.action_remind()
        self.assertEqual(self._survey(self.customer_a).reminder_count, 0, "no reminder to who answered")
        self.assertEqual(self._survey(self.customer_b).reminder_count, 1)
        self.assertEqual(self.campaign.answered_count, 1)
        self.assertEqual(self.campaign.response_rate, 50.0)

    def test_send_without_email(self):
        campaign = self._campaign(self.customer_a | self.customer_no_email, date_start="2026-07-01", date_end="2026-12-31")
        with self.assertRaisesRegex(UserError, "Gamma Gears"):
            campaign.action_send()
        self.assertEqual(set(campaign.survey_ids.mapped("state")), {"draft"}, "nothing sent, nothing lost")
        # A contact of the customer with an email is used when the customer has none.
        contact = self.env["res.partner"].create({
            "name": "Gina Buyer", "email": "gina@gears.example", "parent_id": self.customer_no_email.id,
        })
        survey = self._survey(self.customer_no_email, campaign)
        survey.contact_id = contact
        campaign.action_send()
        self.assertEqual(survey.user_input_id.partner_id, contact)

    def test_dissatisfaction_follow_up(self):
        survey = self._survey(self.customer_a)
        # Overall 71.67 (neutral: no low grade) but delivery and price 不太满意 (60), below the threshold of 65.
        self._answer_online(survey, [85, 60, 70, 60, 85, 70])
        self.assertEqual(survey.grade_id, self.grades["neutral"])
        self.assertTrue(survey.dissatisfied)
        actions = survey.corrective_action_ids
        delivery_department = self.env.ref("qms_customer_process.satisfaction_dimension_delivery").department_id
        price_department = self.env.ref("qms_customer_process.satisfaction_dimension_price").department_id
        self.assertEqual(actions.department_id, delivery_department | price_department)
        self.assertEqual(set(actions.mapped("state")), {"open"})
        self.assertEqual(survey.follow_up_state, "open")
        self.assertIn("Delivery", survey.dissatisfied_items)
        production_action = actions.filtered(lambda action: action.department_id == delivery_department)
        self.assertEqual(production_action.user_id, self.reviewers["production"], "the department's reviewer owns it")
        self.assertIn("Alpha Pumps", production_action.description)

    def test_low_grade_follow_up(self):
        # 不太满意 everywhere: the grade alone calls for the follow-up, which quality owns when no
        # dimension is below the campaign's threshold.
        campaign = self._campaign(self.customer_a, date_start="2026-07-01", date_end="2026-12-31", dimension_threshold=50)
        survey = self._survey(self.customer_a, campaign)
        self._answer_online(survey, [60] * 6)
        self.assertEqual(survey.grade_id, self.grades["dissatisfied"])
        self.assertTrue(survey.dissatisfied)
        self.assertEqual(survey.corrective_action_ids.department_id, self.roles["quality"])
        self.assertIn("Overall", survey.dissatisfied_items)

    def test_no_follow_up_when_satisfied_or_configured(self):
        campaign = self._campaign(
            self.customer_a, date_start="2026-07-01", date_end="2026-12-31",
            follow_up_grade_id=self.grades["dissatisfied"].id, dimension_threshold=30,
        )
        survey = self._survey(self.customer_a, campaign)
        self._answer_online(survey, [60] * 6)
        self.assertFalse(survey.dissatisfied)
        self.assertFalse(survey.corrective_action_ids)

    def test_follow_up_verified_by_sales(self):
        campaign = self._campaign(self.customer_a, date_start="2026-07-01", date_end="2026-12-31", dimension_threshold=50)
        survey = self._survey(self.customer_a, campaign)
        self._answer_online(survey, [60] * 6)
        action = survey.corrective_action_ids
        owner = action.user_id
        self.assertEqual(owner, self.reviewers["quality"])
        action = action.with_user(owner)
        action.implementation_note = "Weekly quality call with the customer"
        with self.assertRaisesRegex(UserError, "cause analysis"):
            action.action_done()
        action.cause_analysis = "Inspection reports sent late"
        action.action_done()
        with self.assertRaises(UserError, msg="quality alone does not verify a satisfaction follow-up"):
            action.with_user(self.qms_admin).action_verify()
        with self.assertRaises(UserError):
            survey.action_mark_analysed()
        action.with_user(self.salesman).action_verify()
        self.assertEqual(action.state, "verified")
        self.assertEqual(action.verified_by_id, self.salesman)
        self.assertEqual(survey.follow_up_state, "verified")
        survey.with_user(self.salesman).action_mark_analysed()
        self.assertEqual(survey.state, "analysed")

    def test_answered_survey_not_deleted(self):
        survey = self._survey(self.customer_a)
        self._answer_online(survey, [85] * 6)
        with self.assertRaises(UserError):
            survey.unlink()
        self.campaign.state = "running"
        with self.assertRaises(UserError):
            self.campaign.unlink()

    def test_printed_form(self):
        report = "qms_customer_process.action_report_satisfaction_survey"
        survey = self._survey(self.customer_a)
        blank = self.env["ir.actions.report"]._render_qweb_html(report, survey.ids)[0].decode()
        self.assertIn("Customer Satisfaction Survey Form", blank)
        self.assertIn("Alpha Pumps", blank)
        self.assertIn(self.questions["delivery"].title, blank)
        self.assertNotIn("qms_chosen", blank)
        self._answer_online(survey, [100, 85, 85, 85, 85, 60])
        filled = self.env["ir.actions.report"]._render_qweb_html(report, survey.ids)[0].decode()
        self.assertEqual(filled.count("qms_chosen"), 6)
        self.assertIn("83.33", filled)

    def test_follow_up_due_date(self):
        survey = self._survey(self.customer_a)
        self._answer_online(survey, [40] * 6)
        self.assertEqual(set(survey.corrective_action_ids.mapped("due_date")), {self._today() + timedelta(days=30)})
