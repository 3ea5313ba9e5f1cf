"""The contract review gate on the customer portal: a customer signs a quotation through the real
JSON route ``/my/orders/<id>/accept`` (HTTP, public user, access token), as the portal page does."""

from odoo.tests import HttpCase, tagged

# A valid 1x1 PNG: the signature is an image field, checked and resized by PIL.
SIGNATURE_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
SIGNER = "Jane Customer"


@tagged("post_install", "-at_install")
class TestPortalGate(HttpCase):
    def setUp(self):
        super().setUp()
        self.env.company.write({"qms_review_amount_threshold": 0.0, "qms_review_regular_orders": False,
                                "qms_review_before_sending": False})
        self.partner = self.env["res.partner"].create({"name": "QMS Portal Customer", "email": "portal@example.com"})
        self.special_product = self.env["product.product"].create({
            "name": "QMS Portal Prototype Valve", "type": "consu", "list_price": 450.0,
            "qms_standard_product": False,
        })
        self.standard_product = self.env["product.product"].create({
            "name": "QMS Portal Standard Washer", "type": "consu", "list_price": 1.5,
            "qms_standard_product": True,
        })

    def _quotation(self, product):
        order = self.env["sale.order"].create({
            "partner_id": self.partner.id,
            "require_signature": True,
            "require_payment": False,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 4})],
        })
        self.assertTrue(order._has_to_be_signed())
        return order

    def _sign_on_portal(self, order):
        """Sign through the portal route; return the messages it posted on the order."""
        messages_before = order.message_ids
        token = order._portal_ensure_token()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept?access_token={token}",
            {"name": SIGNER, "signature": SIGNATURE_PNG},
        )
        self.env.invalidate_all()
        self.assertNotIn("error", result, f"the portal refused the signature: {result}")
        self.assertTrue(result.get("redirect_url"))
        return order.message_ids - messages_before

    def assertMentionsReview(self, messages):
        self.assertTrue(
            any("contract review" in (message.body or "") for message in messages),
            f"no chatter message about the contract review: {messages.mapped('body')}",
        )

    def _approve_review(self, order):
        if order.qms_review_state != "in_review":
            order.action_qms_request_review()
        lines = order.qms_review_line_ids
        logins = {
            "rd": "qms_rd", "production": "qms_production", "procurement": "qms_procurement",
            "quality": "qms_quality", "finance": "qms_finance", "general_manager": "qms_gm",
            "sales_management": "qms_sales_manager",
        }
        users = {
            code: self.env["res.users"].search([("login", "=", login)]) for code, login in logins.items()
        }
        # The departments of the first round, then the general manager.
        for line in lines.sorted("sequence"):
            user = users[line.role_id.code]
            self.assertTrue(user, f"no demo user for {line.role_id.code}")
            if line._qms_waits_for_conclusion():
                # The organiser concludes before the general manager decides (procedure 4.4.4).
                order.with_user(users["sales_management"]).action_qms_conclude("Accepted")
            line.with_user(user).action_accept()
        self.assertEqual(order.qms_review_state, "approved")

    def test_special_quotation_signed_on_portal_stays_unconfirmed(self):
        order = self._quotation(self.special_product)
        self.assertEqual(order.qms_contract_type, "special")
        self.assertEqual(order.qms_review_state, "draft")

        new_messages = self._sign_on_portal(order)

        self.assertIn(order.state, ("draft", "sent"))
        self.assertEqual(order.signed_by, SIGNER)
        self.assertTrue(order.signature)
        self.assertTrue(order.signed_on)
        self.assertMentionsReview(new_messages)
        # Still blocked after the signature, until the review is approved.
        self.assertTrue(order._qms_gate_error())

    def test_special_quotation_in_review_signed_on_portal_stays_unconfirmed(self):
        order = self._quotation(self.special_product)
        order.action_qms_request_review()
        self.assertEqual(order.qms_review_state, "in_review")

        new_messages = self._sign_on_portal(order)

        self.assertIn(order.state, ("draft", "sent"))
        self.assertEqual(order.signed_by, SIGNER)
        self.assertMentionsReview(new_messages)
        self.assertEqual(order.qms_review_state, "in_review")
        # Once the departments approve, the signed order confirms itself (as it would have at the
        # signature), with the signature kept.
        self._approve_review(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, SIGNER)
        self.assertTrue(order.signature)

    def test_special_quotation_approved_signed_on_portal_confirms(self):
        order = self._quotation(self.special_product)
        self._approve_review(order)

        self._sign_on_portal(order)

        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, SIGNER)

    def test_regular_quotation_signed_on_portal_confirms(self):
        order = self._quotation(self.standard_product)
        self.assertEqual(order.qms_contract_type, "regular")

        self._sign_on_portal(order)

        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, SIGNER)
        self.assertTrue(order.signature)
