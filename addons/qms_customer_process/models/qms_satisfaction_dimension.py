from odoo import fields, models


class QmsSatisfactionDimension(models.Model):
    """What the 顾客满意度调查表 asks about (quality, delivery, service, ...), mapped to the
    survey questions that score it and to the department responsible for its follow-up."""

    _name = "qms.satisfaction.dimension"
    _description = "Satisfaction Dimension"
    _inherit = ["qms.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(string="Dimension", required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    department_id = fields.Many2one(
        "qms.review.role", string="Responsible Department",
        help="Analyses the causes of a dissatisfied item of this dimension and proposes the improvement (procedure 5.9.4).",
    )
    question_ids = fields.One2many("survey.question", "qms_dimension_id", string="Survey Questions")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A dimension code must be unique."),
    ]
