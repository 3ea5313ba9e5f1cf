from odoo import fields, models

# What the customer KPIs take from a customer (qms.customer.kpi.report): its company and its
# salesperson.
KPI_FIELDS = {"user_id", "parent_id", "is_company"}


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

    def write(self, vals):
        if not KPI_FIELDS.intersection(vals):
            return super().write(vals)
        before = self.commercial_partner_id
        res = super().write(vals)
        # Every fact of the customer companies before and after the change follows.
        self.env["qms.customer.kpi.report"]._qms_mark("partner", (before | self.commercial_partner_id).ids)
        return res
