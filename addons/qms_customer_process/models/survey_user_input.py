from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    # The customer survey this answer belongs to (its campaign, company and salesperson word the
    # invitation e-mail).
    qms_satisfaction_ids = fields.One2many("qms.satisfaction.survey", "user_input_id", string="Customer Surveys")

    def _mark_done(self):
        res = super()._mark_done()
        # Procedure 5.9.3: the customer's returned 顾客满意度调查表 is registered for the sales
        # department's statistics, whoever answered it (the customer on the survey page is public).
        surveys = self.env["qms.satisfaction.survey"].sudo().search([("user_input_id", "in", self.ids)])
        surveys._qms_register_answers()
        return res
