from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "sale_id"}.intersection(vals):
            # The customer of a done delivery changed: its customer KPIs follow.
            self.env["qms.customer.kpi.report"]._qms_mark(
                "move", self.move_ids.filtered(lambda move: move.state == "done").ids)
        return res

    def button_validate(self):
        self._qms_check_delivery_hold()
        return super().button_validate()

    def _action_done(self):
        self._qms_check_delivery_hold()
        res = super()._action_done()
        # sudo: the simplified review of a regular order (procedure 4.2.5) is recorded by the
        # validation of its delivery, whoever validates it: a warehouse keeper needs no sales
        # rights, as in standard Odoo.
        orders = self.sudo().filtered(
            lambda picking: picking.state == "done" and picking.picking_type_code == "outgoing"
        ).sale_id.filtered(
            lambda order: order.qms_contract_type == "regular" and not order.qms_review_line_ids
        )
        if orders:
            orders._qms_record_simplified_review()
        return res

    def _qms_check_delivery_hold(self):
        """An amended confirmed order ships only once its contract review is approved again
        (procedure 8.2.4): its outgoing deliveries cannot be validated before."""
        # sudo: whoever validates the delivery (a warehouse keeper without sales rights) learns
        # why its order holds it, and nothing else of the order.
        for picking in self.sudo():
            if picking.picking_type_code != "outgoing" or not picking.sale_id or picking.state in ("done", "cancel"):
                continue
            error = picking.sale_id._qms_delivery_hold_error()
            if error:
                raise UserError(self.env._(
                    "%(delivery)s cannot be validated until the contract review of the amended order is approved: %(reason)s",
                    delivery=picking.name, reason=error,
                ))
