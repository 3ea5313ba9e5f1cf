import base64

from odoo import Command, fields
from odoo.tests import tagged

from .common import SPECIAL_DEPARTMENTS, QmsCase

# A valid 1x1 PNG: the portal's signature is an image.
SIGNATURE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestHeldOrderRelease(QmsCase):
    """A quotation the customer signed or paid while its contract review was pending confirms
    itself once the review is approved, as Odoo would have at the signature or payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qms_release_held_orders = True
        payment_method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create({
            "name": "QMS Dummy Provider", "code": "none", "state": "test", "is_published": True,
            "payment_method_ids": [Command.set(payment_method.ids)],
        })
        payment_method.active = True
        cls.payment_method = payment_method

    def _sign(self, order):
        """What the portal's /my/orders/<id>/accept route does, as the public user."""
        order_sudo = order.sudo()
        order_sudo.write({"signed_by": "Jane Buyer", "signed_on": fields.Datetime.now(),
                          "signature": base64.b64encode(SIGNATURE)})
        if not order_sudo._has_to_be_paid():
            order_sudo._validate_order()

    def _pay(self, order, amount=None):
        """A payment of the order done through a provider, as the payment flow posts it."""
        tx = self.env["payment.transaction"].sudo().create({
            "provider_id": self.provider.id, "payment_method_id": self.payment_method.id,
            "amount": order.amount_total if amount is None else amount, "currency_id": order.currency_id.id,
            "partner_id": order.partner_id.id, "reference": f"QMS-{order.name}-{amount}",
            "operation": "online_redirect", "sale_order_ids": [Command.set(order.ids)],
        })
        tx._set_done()
        tx._check_amount_and_confirm_order()
        return tx

    def _note_to_salesperson(self, order):
        return order.message_ids.filtered(lambda message: self.salesman.partner_id in message.partner_ids)[:1]

    def test_signed_during_review_confirms_on_approval(self):
        order = self._special_order(require_signature=True, require_payment=False)
        order.action_qms_request_review()
        self._sign(order)
        self.assertEqual(order.state, "draft", "held while the review is pending")
        self.assertTrue(order.qms_acceptance_held_on)
        self._decide_all(order, SPECIAL_DEPARTMENTS)
        self.assertEqual(order.state, "draft", "still held until the general manager approves")
        self._decide_all(order, ["general_manager"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Jane Buyer", "the signature stays on record")
        self.assertTrue(order.signature)
        self.assertFalse(order.qms_acceptance_held_on)
        note = self._note_to_salesperson(order)
        self.assertIn("the order is confirmed, as the customer signed it", note.body)
        # As Odoo does at the signature: the order confirmation is sent to the customer.
        self.assertTrue(order.message_ids.filtered(
            lambda message: self.customer in message.partner_ids and message.subtype_id == self.env.ref("mail.mt_comment")
        ))
        self.assertTrue(order.picking_ids, "confirmed as standard: its delivery exists")

    def test_paid_during_review_confirms_on_approval(self):
        order = self._special_order(require_signature=False, require_payment=True, prepayment_percent=1.0)
        order.action_qms_request_review()
        tx = self._pay(order)
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.qms_acceptance_held_on)
        self._decide_all(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.transaction_ids, tx, "the payment stays on record")
        self.assertEqual(tx.state, "done")
        self.assertIn("as the customer paid it", self._note_to_salesperson(order).body)

    def test_signed_but_not_paid_waits_for_the_payment(self):
        order = self._special_order(require_signature=True, require_payment=True, prepayment_percent=1.0)
        order.action_qms_request_review()
        order.sudo().write({"signed_by": "Jane Buyer", "signed_on": fields.Datetime.now(),
                            "signature": base64.b64encode(SIGNATURE)})
        self._pay(order, amount=order.amount_total / 10)  # the customer paid a tenth
        self._decide_all(order)
        self.assertEqual(order.state, "draft", "Odoo would not have confirmed it without the payment either")

    def test_manual_when_the_company_says_so(self):
        self.company.qms_release_held_orders = False
        order = self._special_order(require_signature=True, require_payment=False)
        order.action_qms_request_review()
        self._sign(order)
        self._decide_all(order)
        self.assertEqual(order.state, "draft")
        self.assertIn("confirm it", self._note_to_salesperson(order).body)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_terms_changed_after_the_signature(self):
        order = self._special_order(require_signature=True, require_payment=False)
        self._sign(order)  # signed before the review was even requested
        self.assertTrue(order.qms_acceptance_held_on)
        order.order_line[0].product_uom_qty = 30  # the salesperson changes the quantity afterwards
        order.action_qms_request_review()
        self._decide_all(order)
        self.assertEqual(order.state, "draft", "the customer did not sign these terms")
        self.assertIn("terms changed since the customer accepted", self._note_to_salesperson(order).body)

    def test_signed_before_the_review_was_requested(self):
        order = self._special_order(require_signature=True, require_payment=False)
        self._sign(order)
        order.action_qms_request_review()
        self._decide_all(order)
        self.assertEqual(order.state, "sale")

    def test_not_accepted_stays_a_quotation(self):
        order = self._special_order(require_signature=True, require_payment=False)
        order.action_qms_request_review()
        self._decide_all(order)
        self.assertEqual(order.state, "draft", "nobody signed: the salesperson confirms as before")
        self.assertFalse(order.qms_acceptance_held_on)

    def test_failed_confirmation_keeps_the_review_decision(self):
        order = self._special_order(require_signature=True, require_payment=False, qms_order_channel="oral")
        order.write({"qms_customer_confirmed_by": "Mr. Li", "qms_customer_confirmed_on": fields.Datetime.now(),
                     "qms_customer_confirmation_method": "call"})
        order.action_qms_request_review()
        self._sign(order)
        # The customer's confirmation is withdrawn meanwhile: the gate refuses the confirmation.
        order.write({"qms_customer_confirmation_method": False})
        self._decide_all(order)
        self.assertEqual(order.qms_review_state, "approved", "the decision stands")
        self.assertEqual(order.state, "draft")
        self.assertIn("could not be confirmed", self._note_to_salesperson(order).body)
