from odoo import api, fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    qms_is_satisfaction = fields.Boolean(
        string="Customer Satisfaction Questionnaire", compute="_compute_qms_is_satisfaction",
        help="Its questions score satisfaction dimensions: the answers are graded by the satisfaction "
             "grade table, and the customer's end page thanks them instead of showing a test result.",
    )

    @api.depends("question_and_page_ids.qms_dimension_id")
    def _compute_qms_is_satisfaction(self):
        for survey in self:
            survey.qms_is_satisfaction = any(survey.question_and_page_ids.mapped("qms_dimension_id"))
