from odoo import Command, fields

from .common import QmsCase

DIMENSIONS = ["quality", "delivery", "service", "price", "communication", "overall"]
# The score of each level of the shipped questionnaire, inside the grade band of the same name.
LEVELS = {"very_satisfied": 100, "satisfied": 85, "neutral": 70, "dissatisfied": 60, "very_dissatisfied": 40}


class SatisfactionCase(QmsCase):
    """The default questionnaire, a campaign and customers of two salespeople."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.questionnaire = cls.env.ref("qms_customer_process.survey_customer_satisfaction")
        cls.questions = {
            code: cls.env.ref(f"qms_customer_process.survey_customer_satisfaction_q_{code}") for code in DIMENSIONS
        }
        cls.comment_question = cls.env.ref("qms_customer_process.survey_customer_satisfaction_q_comments")
        cls.grades = {
            code: cls.env.ref(f"qms_customer_process.satisfaction_grade_{code}")
            for code in ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
        }
        cls.sales_quality_user = cls.reviewers["quality"]
        cls.customer_a = cls.env["res.partner"].create({
            "name": "Alpha Pumps", "email": "alpha@pumps.example", "user_id": cls.salesman.id,
        })
        cls.customer_b = cls.env["res.partner"].create({
            "name": "Beta Fans", "email": "beta@fans.example", "user_id": cls.salesman2.id,
        })
        cls.customer_no_email = cls.env["res.partner"].create({"name": "Gamma Gears", "user_id": cls.salesman.id})
        cls.campaign = cls._campaign(cls.customer_a | cls.customer_b)

    @classmethod
    def _campaign(cls, partners, date_start="2030-01-01", date_end="2030-06-30", **vals):
        values = {
            "title": f"Test campaign {date_start}",
            "date_start": date_start,
            "date_end": date_end,
            "partner_ids": [Command.set(partners.ids)],
        }
        values.update(vals)
        campaign = cls.env["qms.satisfaction.campaign"].create(values)
        campaign.action_generate_surveys()
        return campaign

    def _survey(self, partner, campaign=None):
        return (campaign or self.campaign).survey_ids.filtered(lambda survey: survey.partner_id == partner)

    def _answer(self, question, score):
        answer = question.suggested_answer_ids.filtered(lambda answer: answer.answer_score == score)
        self.assertEqual(len(answer), 1, f"the questionnaire has no single answer scored {score}: {LEVELS}")
        return answer

    def _answer_online(self, survey, scores, comment=None):
        """Answer like the customer on the survey page: the survey app's own methods."""
        if survey.state == "draft":
            survey.action_send()
        user_input = survey.user_input_id
        for code, score in zip(DIMENSIONS, scores, strict=True):
            user_input._save_lines(self.questions[code], self._answer(self.questions[code], score).id)
        if comment:
            user_input._save_lines(self.comment_question, comment)
        user_input._mark_done()
        return user_input

    def _answer_paper(self, survey, scores):
        answers = [self._answer(self.questions[code], score).id for code, score in zip(DIMENSIONS, scores, strict=True)]
        survey.register_paper_answers(answers)

    def _today(self):
        return fields.Date.context_today(self.env["qms.satisfaction.survey"])
