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
    qms_release_held_orders = fields.Boolean(related="company_id.qms_release_held_orders", readonly=False)
    qms_review_reminder_days = fields.Integer(related="company_id.qms_review_reminder_days", readonly=False)
    qms_review_escalation_days = fields.Integer(related="company_id.qms_review_escalation_days", readonly=False)
    qms_action_escalation_days = fields.Integer(related="company_id.qms_action_escalation_days", readonly=False)
    qms_commitment_warning_days = fields.Integer(related="company_id.qms_commitment_warning_days", readonly=False)
    qms_mail_complaint_received = fields.Boolean(related="company_id.qms_mail_complaint_received", readonly=False)
    qms_mail_complaint_proposed = fields.Boolean(related="company_id.qms_mail_complaint_proposed", readonly=False)
    qms_mail_complaint_closed = fields.Boolean(related="company_id.qms_mail_complaint_closed", readonly=False)
    qms_mail_sample_sent = fields.Boolean(related="company_id.qms_mail_sample_sent", readonly=False)
    qms_mail_survey_wording = fields.Boolean(related="company_id.qms_mail_survey_wording", readonly=False)
    qms_mail_survey_reminder = fields.Boolean(related="company_id.qms_mail_survey_reminder", readonly=False)
    qms_review_organiser_group_id = fields.Many2one(
        related="company_id.qms_review_organiser_group_id", readonly=False,
    )
    qms_downgrade_by_qms_admin = fields.Boolean(
        related="company_id.qms_downgrade_by_qms_admin", readonly=False,
    )
