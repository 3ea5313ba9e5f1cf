from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        # A paid quotation whose contract review blocks its confirmation keeps the payment and
        # waits for the review; it confirms itself once the review is approved (see
        # sale.order._qms_release_held_acceptance).
        held = self.filtered(
            lambda tx: len(tx.sale_order_ids) == 1
            and tx.sale_order_ids.state in ("draft", "sent")
            and tx.sale_order_ids._qms_gate_error()
        )
        for tx in held:
            order = tx.sale_order_ids
            order.message_post(body=self.env._(
                "Payment %(reference)s received; the order stays unconfirmed until its contract review allows it: %(reason)s",
                reference=tx.reference, reason=order._qms_gate_error(),
            ))
            order._qms_hold_acceptance()
        return super(PaymentTransaction, self - held)._check_amount_and_confirm_order()
