from odoo import fields, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    qms_dimension_id = fields.Many2one(
        "qms.satisfaction.dimension", string="Satisfaction Dimension", index="btree_not_null",
        help="The customer satisfaction dimension this question scores.",
    )
