from odoo import models, tools


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def init(self):
        res = super().init()
        # The containment of a complaint (8D D3) looks up every done move line of a lot: without
        # this index, a scan of the whole table.
        tools.create_index(
            self.env.cr, "stock_move_line_qms_done_lot_index", self._table, ["lot_id"],
            where="state = 'done' AND lot_id IS NOT NULL",
        )
        return res
