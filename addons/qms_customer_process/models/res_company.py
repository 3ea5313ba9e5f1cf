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

    @api.constrains("qms_review_amount_threshold")
    def _check_qms_review_amount_threshold(self):
        if any(company.qms_review_amount_threshold < 0 for company in self):
            raise ValidationError(self.env._("The contract review amount threshold cannot be negative."))
