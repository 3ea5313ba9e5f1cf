from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    qms_review_amount_threshold = fields.Monetary(
        string="Contract Review Amount Threshold",
        currency_field="currency_id",
        help="Orders whose total is at or over this amount need the general manager's approval. "
        "Zero: no amount threshold.",
    )
    qms_review_regular_orders = fields.Boolean(
        string="Review Regular Orders Before Confirmation",
        help="When set, regular orders also need an approved contract review before they can be "
        "confirmed; otherwise their simplified review is recorded on the delivery.",
    )
    qms_review_before_sending = fields.Boolean(
        string="Review Before Sending the Quotation",
        help="When set, a quotation that needs a contract review cannot be sent to the customer "
        "before that review is approved.",
    )

    qms_review_organiser_group_id = fields.Many2one(
        "res.groups", string="Contract Review Organiser",
        help="The group whose members write the consolidated conclusion of a special contract review, after the "
        "departments' opinions and before the general manager's approval (procedure 4.4.4). Empty: the sales "
        "managers.",
    )
    qms_downgrade_by_qms_admin = fields.Boolean(
        string="QMS Administrator May Classify Special Contracts as Regular",
        help="Classifying as regular an order the rules make special removes the general manager's approval: "
        "the general manager decides it. When set, the QMS administrator may decide it too.",
    )

    @api.constrains("qms_review_amount_threshold")
    def _check_qms_review_amount_threshold(self):
        if any(company.qms_review_amount_threshold < 0 for company in self):
            raise ValidationError(self.env._("The contract review amount threshold cannot be negative."))
