from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    qms_report_bilingual = fields.Boolean(
        string="Bilingual QMS Forms",
        help="Print the QMS forms of this customer (contract review, samples, complaints, satisfaction "
        "survey...) in Chinese with the English text below each Chinese term, for export customers. "
        "Otherwise a form prints in the customer's language.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + ["qms_report_bilingual"]
