from odoo import fields, models


class QmsReviewRole(models.Model):
    _name = "qms.review.role"
    _description = "Reviewing Department"
    _inherit = ["qms.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(string="Department", required=True, translate=True)
    code = fields.Char(required=True, help="Technical code, unique per company.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", string="Company", index=True)
    group_id = fields.Many2one(
        "res.groups",
        string="Deciding Group",
        required=True,
        help="Members of this group may decide this department's review lines.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Default Reviewers",
        help="Users who get a to-do when this department must review an order.",
    )
    checklist = fields.Text(
        string="Review Topics",
        translate=True,
        help="What this department checks, one topic per line; printed on the review form.",
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A department code must be unique per company."),
    ]
