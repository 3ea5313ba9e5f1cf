from odoo import models

# What the customer KPIs take from a customer (qms.customer.kpi.report): its company and its
# salesperson.
KPI_FIELDS = {"user_id", "parent_id", "is_company"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        if not KPI_FIELDS.intersection(vals):
            return super().write(vals)
        before = self.commercial_partner_id
        res = super().write(vals)
        # Every fact of the customer companies before and after the change follows.
        self.env["qms.customer.kpi.report"]._qms_mark("partner", (before | self.commercial_partner_id).ids)
        return res
