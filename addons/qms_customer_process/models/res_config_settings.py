from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qms_company_currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", string="QMS Company Currency",
    )
    qms_review_amount_threshold = fields.Monetary(
        related="company_id.qms_review_amount_threshold", readonly=False,
        currency_field="qms_company_currency_id",
    )
    qms_review_regular_orders = fields.Boolean(
        related="company_id.qms_review_regular_orders", readonly=False,
    )
    qms_review_before_sending = fields.Boolean(
        related="company_id.qms_review_before_sending", readonly=False,
    )
    qms_review_organiser_group_id = fields.Many2one(
        related="company_id.qms_review_organiser_group_id", readonly=False,
    )
    qms_downgrade_by_qms_admin = fields.Boolean(
        related="company_id.qms_downgrade_by_qms_admin", readonly=False,
    )
