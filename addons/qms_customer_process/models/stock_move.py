from odoo import api, models

# What a delivery fact of the customer KPIs is made of (qms.customer.kpi.report).
KPI_FIELDS = {
    "state", "quantity", "date", "date_deadline", "location_id", "location_dest_id", "partner_id", "picking_id",
    "product_id", "product_uom", "company_id",
}


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        self.env["qms.customer.kpi.report"]._qms_mark("move", moves.filtered(lambda move: move.state == "done").ids)
        return moves

    def write(self, vals):
        if not KPI_FIELDS.intersection(vals):
            return super().write(vals)
        done = self.filtered(lambda move: move.state == "done")
        res = super().write(vals)
        # The customer KPIs count done moves: those done before or after the change.
        self.env["qms.customer.kpi.report"]._qms_mark(
            "move", (done | self.filtered(lambda move: move.state == "done")).ids)
        return res
