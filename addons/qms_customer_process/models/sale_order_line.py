from odoo import api, models

# Line fields a contract review approves.
REVIEWED_LINE_FIELDS = {"product_id", "product_uom_qty", "product_uom", "price_unit", "discount"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._qms_reviewed_lines().order_id._qms_terms_changed(["order_line"])
        return lines

    def write(self, vals):
        res = super().write(vals)
        if REVIEWED_LINE_FIELDS & set(vals):
            self._qms_reviewed_lines().order_id._qms_terms_changed(["order_line"])
        return res

    def unlink(self):
        orders = self._qms_reviewed_lines().order_id
        res = super().unlink()
        orders._qms_terms_changed(["order_line"])
        return res

    def _qms_reviewed_lines(self):
        # Down payments and section/note lines are not terms a review approves.
        return self.filtered(
            lambda line: not line.display_type and not line.is_downpayment and line.order_id.qms_review_revision
        )
