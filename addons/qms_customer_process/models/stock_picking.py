from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        orders = self.filtered(
            lambda picking: picking.state == "done" and picking.picking_type_code == "outgoing"
        ).sale_id.filtered(
            lambda order: order.qms_contract_type == "regular" and not order.qms_review_line_ids
        )
        if orders:
            orders._qms_record_simplified_review()
        return res
