from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class QmsSatisfactionScore(models.Model):
    """The score of one dimension in one customer's survey, 0-100; on a paper form, the answer
    chosen by the customer."""

    _name = "qms.satisfaction.score"
    _inherit = ["qms.workflow.mixin"]
    _description = "Satisfaction Dimension Score"
    _order = "survey_id, sequence, id"
    # The score comes from the customer's answers; the survey's status, customer, salesperson,
    # campaign and period are mirrored on the line for the analysis, never written on it.
    _qms_transition_fields = (
        "survey_id", "question_id", "dimension_id", "score",
        "state", "campaign_id", "company_id", "partner_id", "user_id", "period_date",
    )

    survey_id = fields.Many2one("qms.satisfaction.survey", required=True, index=True, ondelete="cascade", copy=False)
    question_id = fields.Many2one("survey.question", string="Question", ondelete="set null", copy=False)
    sequence = fields.Integer(related="question_id.sequence")
    dimension_id = fields.Many2one(
        "qms.satisfaction.dimension", string="Dimension", required=True, index=True, copy=False,
    )
    answer_id = fields.Many2one(
        "survey.question.answer", string="Answer", domain="[('question_id', '=', question_id)]",
        help="On a returned paper form, the answer the customer ticked.",
    )
    score = fields.Float(digits=(5, 2), aggregator="avg", copy=False)
    campaign_id = fields.Many2one(related="survey_id.campaign_id", store=True, index=True)
    company_id = fields.Many2one(related="survey_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="survey_id.partner_id", store=True, string="Customer")
    user_id = fields.Many2one(related="survey_id.user_id", store=True, string="Salesperson")
    period_date = fields.Date(related="survey_id.period_date", store=True, string="Period")
    state = fields.Selection(related="survey_id.state", store=True, index=True)

    _sql_constraints = [
        ("score_range", "CHECK(score >= 0 AND score <= 100)", "A satisfaction score must be between 0 and 100."),
    ]

    @api.depends("survey_id.name", "dimension_id.name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.survey_id.name} – {line.dimension_id.name or line.question_id.title or ''}"

    @api.constrains("score")
    def _check_score(self):
        for line in self:
            if not 0 <= line.score <= 100:
                raise ValidationError(self.env._("A satisfaction score must be between 0 and 100, not %s.", line.score))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Dimension scores are made from the survey's questionnaire, not by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and any(line.survey_id.state in ("answered", "analysed") for line in self):
            raise UserError(self.env._("An answered satisfaction survey is a record: its answers cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_survey_line(self):
        if not self.env.su:
            raise UserError(self.env._("Dimension scores belong to their survey: they cannot be deleted."))
