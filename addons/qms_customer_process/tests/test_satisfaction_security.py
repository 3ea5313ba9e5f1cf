from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .satisfaction_common import SatisfactionCase


@tagged("post_install", "-at_install")
class TestSatisfactionSecurity(SatisfactionCase):
    def test_salesperson_sees_own_customers(self):
        surveys = self.env["qms.satisfaction.survey"].with_user(self.salesman).search([("campaign_id", "=", self.campaign.id)])
        self.assertEqual(surveys.partner_id, self.customer_a)
        other = self._survey(self.customer_b).with_user(self.salesman)
        with self.assertRaises(AccessError):
            other.read(["score"])
        scores = self.env["qms.satisfaction.score"].with_user(self.salesman).search([("campaign_id", "=", self.campaign.id)])
        self.assertEqual(scores.partner_id, self.customer_a)
        # A salesperson reads the campaign and the questionnaire, but does not create campaigns.
        self.assertTrue(self.campaign.with_user(self.salesman).survey_id.title)
        with self.assertRaises(AccessError):
            self.env["qms.satisfaction.campaign"].with_user(self.salesman).create({
                "title": "Mine", "date_start": "2026-01-01", "date_end": "2026-01-31",
            })

    def test_salesperson_enters_and_sends_own(self):
        survey = self._survey(self.customer_a).with_user(self.salesman)
        survey.action_send()
        self.assertEqual(survey.state, "sent")
        answers = [self._answer(self.questions[code], 40).id for code in self.questions]
        survey.register_paper_answers(answers)
        self.assertEqual(survey.state, "answered")
        self.assertTrue(survey.corrective_action_ids, "the salesperson sees the follow-up of the own customer")

    def test_managers_and_quality_see_all(self):
        for user in (self.sales_manager, self.reviewers["quality"], self.qms_admin):
            surveys = self.env["qms.satisfaction.survey"].with_user(user).search([("campaign_id", "=", self.campaign.id)])
            self.assertEqual(surveys.partner_id, self.customer_a | self.customer_b, user.login)
        campaign = self.env["qms.satisfaction.campaign"].with_user(self.sales_manager).create({
            "title": "By the sales manager", "date_start": "2026-01-01", "date_end": "2026-01-31",
        })
        self.assertEqual(campaign.survey_id, self.questionnaire, "the default questionnaire")
        analysis = self.env["qms.satisfaction.analysis"].with_user(self.reviewers["quality"]).create({
            "campaign_id": self.campaign.id,
        })
        self.assertIn("Customer Satisfaction Statistical Analysis Report", str(analysis.report_html))

    def test_other_users_have_no_access(self):
        for user in (self.plain_user, self.reviewers["finance"]):
            with self.assertRaises(AccessError):
                self.env["qms.satisfaction.survey"].with_user(user).search([])
        portal = new_test_user(self.env, login="qms_t_portal_sat", groups="base.group_portal", partner_id=self.customer_a.id)
        with self.assertRaises(AccessError):
            self.env["qms.satisfaction.survey"].with_user(portal).search([])

    def test_grades_configured_by_qms_admin(self):
        grade = self.grades["satisfied"]
        with self.assertRaises(AccessError):
            grade.with_user(self.sales_manager).min_score = 70
        grade.with_user(self.qms_admin).min_score = 70
        self.assertEqual(grade.min_score, 70)

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "QMS Other Co."})
        other_campaign = self.env["qms.satisfaction.campaign"].with_company(other_company).create({
            "title": "Elsewhere", "date_start": "2026-01-01", "date_end": "2026-06-30",
            "company_id": other_company.id, "partner_ids": [(6, 0, self.customer_a.ids)],
        })
        other_campaign.action_generate_surveys()
        self.assertEqual(other_campaign.survey_ids.company_id, other_company)
        manager = self.sales_manager
        self.assertFalse(self.env["qms.satisfaction.campaign"].with_user(manager).search([("id", "=", other_campaign.id)]))
        self.assertFalse(self.env["qms.satisfaction.survey"].with_user(manager).search([("campaign_id", "=", other_campaign.id)]))
        manager.write({"company_ids": [(4, other_company.id)]})
        self.assertTrue(
            self.env["qms.satisfaction.survey"].with_user(manager).with_context(
                allowed_company_ids=[self.env.company.id, other_company.id]
            ).search([("campaign_id", "=", other_campaign.id)])
        )
