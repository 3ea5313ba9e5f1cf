"""Customer property (顾客财产): the register, its states and roles, consignment stock owned by the
customer, the loss notice to the customer in its language, the portal, the printed forms."""

import json

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import QmsCase, assert_form_frame, load_chinese, render_pdf

REGISTER = "qms_customer_process.action_report_customer_property_register"
NOTICE = "qms_customer_process.action_report_customer_property_incident"
ZH_SUBJECT = "{{ object.company_id.name }}：您的财产 {{ object.reference }} 异常通知"
EN_ASK = "Please tell us how you wish us to proceed: answer on your customer portal or reply to this email."
ZH_ASK = "请告知您希望我们如何处理：请在客户门户中答复或回复本邮件。"


class PropertyCase(QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keeper = new_test_user(
            cls.env, login="qms_t_property_keeper", name="Kim Keeper",
            groups="base.group_user,stock.group_stock_user,qms_customer_process.group_qms_warehouse",
        )
        cls.quality = cls.reviewers["quality"]
        cls.customer.write({"is_company": True, "user_id": cls.salesman.id})
        cls.other_customer = cls.env["res.partner"].create({
            "name": "Wuhan Pumps Co.", "is_company": True, "email": "qa@pumps.example", "user_id": cls.salesman2.id,
        })
        cls.copper = cls.env["product.product"].create({
            "name": "Customer Copper Wire 0.5 mm", "type": "consu", "is_storable": True,
        })

    def _property(self, user=None, **vals):
        values = {
            "name": "Copper wire supplied for the motor order", "partner_id": self.customer.id, "kind": "material",
            "product_id": self.copper.id, "quantity": 50.0, "user_id": self.salesman.id,
        }
        values.update(vals)
        return self.env["qms.customer.property"].with_user(user or self.salesman).create(values)


@tagged("post_install", "-at_install")
class TestCustomerPropertyStates(PropertyCase):
    def test_register_states_and_roles(self):
        prop = self._property()
        self.assertTrue(prop.reference.startswith("CP/"))
        self.assertEqual((prop.state, prop.commercial_partner_id), ("received", self.customer))
        self.assertEqual(prop.uom_id, self.copper.uom_id)
        # Recorded by sales, the warehouse and production; not by a user of no QMS group.
        self._property(user=self.keeper, name="Winding jig", kind="tooling", product_id=False)
        self._property(user=self.reviewers["production"], name="Test fixture", kind="tooling", product_id=False)
        with self.assertRaises(AccessError):
            self._property(user=self.plain_user)
        with self.assertRaises(AccessError):
            self._property(user=self.gm)
        # Status and verification are set by the buttons only.
        for vals in ({"state": "verified"}, {"verified_by_id": self.quality.id}, {"verification_result": "conforming"}):
            with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
                prop.with_user(self.salesman).write(vals)
            with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
                self._property(**vals)
        # Quality verifies on receipt, nobody else.
        for user in (self.salesman, self.keeper, self.reviewers["production"]):
            with self.assertRaisesRegex(AccessError, r"^Only quality verifies customer property on receipt\.$"):
                prop.with_user(user).action_verify()
        with self.assertRaisesRegex(UserError, r"^Record what does not conform on CP/"):
            prop.with_user(self.quality).action_verify("nonconforming")
        with self.assertRaisesRegex(UserError, r"conforming or nonconforming, not 'ok'|not ok"):
            prop.with_user(self.quality).action_verify("ok")
        self.assertEqual(prop.state, "received")
        prop.with_user(self.quality).action_verify("conforming", "Quantity and diameter checked, 50 kg")
        self.assertEqual((prop.state, prop.verified_by_id, prop.verification_result, prop.verification_note),
                         ("verified", self.quality, "conforming", "Quantity and diameter checked, 50 kg"))
        with self.assertRaisesRegex(UserError, r"is Verified: this step needs it to be Received"):
            prop.with_user(self.quality).action_verify()
        # What was verified is closed to edits; where it is kept stays open.
        with self.assertRaisesRegex(UserError, r"these fields can no longer be changed: Quantity"):
            prop.with_user(self.salesman).write({"quantity": 40})
        prop.with_user(self.keeper).write({"storage_note": "Rack B-3"})
        # In use: sales, the warehouse or production.
        with self.assertRaisesRegex(AccessError, r"^Only sales, the warehouse or production record the use of customer property\.$"):
            prop.with_user(self.quality).action_start_use()
        prop.with_user(self.reviewers["production"]).action_start_use()
        self.assertEqual(prop.state, "in_use")
        self.assertTrue(prop.in_use_since)
        # Returned: a record; only its notes change.
        with self.assertRaisesRegex(AccessError, r"^Only sales, the warehouse or production return customer property\.$"):
            prop.with_user(self.gm).action_return()
        prop.with_user(self.keeper).action_return("Remaining 12 kg returned with delivery WH/OUT/00012")
        self.assertEqual((prop.state, prop.returned_by_id), ("returned", self.keeper))
        with self.assertRaisesRegex(UserError, r"these fields can no longer be changed"):
            prop.with_user(self.salesman).write({"name": "Renamed"})
        prop.with_user(self.salesman).write({"note": "Customer confirmed the return by phone"})
        with self.assertRaisesRegex(UserError, "is a record of the customer's property"):
            prop.with_user(self.qms_admin).unlink()
        with self.assertRaisesRegex(UserError, r"is Returned: this step needs it to be"):
            prop.with_user(self.keeper).action_report_loss("lost", "Gone")

    def test_nonconforming_on_receipt_is_not_used(self):
        prop = self._property()
        prop.with_user(self.quality).action_verify("nonconforming", "Wire diameter 0.45 mm instead of 0.5 mm")
        self.assertEqual(prop.verification_result, "nonconforming")
        self.assertIn(self.salesman, prop.sudo().activity_ids.user_id, "sales are asked to report it to the customer")
        with self.assertRaisesRegex(UserError, r"did not conform on receipt: it is not used; report it to the customer\.$"):
            prop.with_user(self.keeper).action_start_use()
        self.assertEqual(prop.state, "verified")
        prop.with_user(self.salesman).action_report_loss("unsuitable", "Diameter out of tolerance")
        self.assertEqual((prop.state, prop.incident_type), ("lost", "unsuitable"))

    def test_lot_of_another_product_is_refused(self):
        lot = self.env["stock.lot"].create({"name": "LOT-OTHER", "product_id": self.product_std.id})
        with self.assertRaisesRegex(ValidationError, "is not a lot of"):
            self._property(user=self.keeper, lot_id=lot.id)

    def test_record_rules(self):
        mine = self._property()
        other = self._property(user=self.salesman2, partner_id=self.other_customer.id, user_id=self.salesman2.id,
                               name="Pump drawings", kind="document", product_id=False)
        Property = self.env["qms.customer.property"]
        self.assertEqual(Property.with_user(self.salesman).search([("id", "in", (mine | other).ids)]), mine)
        self.assertEqual(Property.with_user(self.salesman2).search([("id", "in", (mine | other).ids)]), other)
        for user in (self.sales_manager, self.keeper, self.quality, self.reviewers["production"], self.gm):
            self.assertEqual(Property.with_user(user).search([("id", "in", (mine | other).ids)]), mine | other)
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            mine.with_user(self.gm).write({"storage_note": "GM office"})
        with self.assertRaises(AccessError):
            mine.with_user(self.plain_user).read(["name"])


@tagged("post_install", "-at_install")
class TestCustomerPropertyStock(PropertyCase):
    def test_consignment_receipt_is_the_customers_stock(self):
        self.assertIn(self.env.ref("stock.group_tracking_owner"), self.keeper.groups_id,
                      "the warehouse department sees the owners of stock (Odoo's consignment)")
        prop = self._property()
        with self.assertRaisesRegex(AccessError, r"^Only the warehouse receives customer property into stock\.$"):
            prop.with_user(self.salesman).action_create_receipt()
        action = prop.with_user(self.keeper).action_create_receipt()
        picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(prop.picking_id, picking)
        self.assertEqual(picking.owner_id, self.customer)
        self.assertEqual(picking.picking_type_id.code, "incoming")
        self.assertEqual(picking.origin, prop.reference)
        self.assertEqual(picking.move_ids.product_uom_qty, 50.0)
        self.assertEqual(prop.location_id, picking.location_dest_id)
        with self.assertRaisesRegex(UserError, "already has its receipt"):
            prop.with_user(self.keeper).action_create_receipt()
        picking.move_ids.quantity = 50.0
        picking.with_user(self.keeper).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(prop.receipt_state, "done")
        quants = self.env["stock.quant"].search([
            ("product_id", "=", self.copper.id), ("location_id", "=", picking.location_dest_id.id),
        ])
        self.assertEqual(quants.owner_id, self.customer, "the stock shows the material as the customer's")
        self.assertEqual(sum(quants.mapped("quantity")), 50.0)
        self.assertEqual(picking.move_line_ids.owner_id, self.customer)
        self.assertEqual(prop.stock_quant_count, 1)
        view = prop.with_user(self.salesman).action_view_stock()
        self.assertEqual(self.env["stock.quant"].search(view["domain"]), quants)
        # The received quantity is closed to edits once in stock.
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            prop.with_user(self.salesman).write({"quantity": 60})

    def test_only_goods_are_received_into_stock(self):
        drawings = self._property(name="Drawings DWG-7", kind="document", product_id=False)
        with self.assertRaisesRegex(UserError, "Only material, tooling or packaging recorded with a product"):
            drawings.with_user(self.keeper).action_create_receipt()
        self.assertFalse(drawings.picking_id)


@tagged("post_install", "-at_install")
class TestCustomerPropertyLoss(PropertyCase):
    def _translate_notice(self):
        template = self.env.ref("qms_customer_process.mail_template_customer_property_incident")
        template.update_field_translations("subject", {"zh_CN": ZH_SUBJECT})
        template.update_field_translations("body_html", {"zh_CN": template.body_html.replace(EN_ASK, ZH_ASK)})
        return template

    def test_loss_notice_in_the_customers_language(self):
        load_chinese(self.env)
        self._translate_notice()
        self.customer.lang = "zh_CN"
        prop = self._property(name="客供铜线")
        prop.with_user(self.quality).action_verify()
        with self.assertRaisesRegex(UserError, r"^Describe what happened to the customer's property\.$"):
            prop.with_user(self.keeper).action_report_loss("damaged", "  ")
        with self.assertRaisesRegex(AccessError, "report a loss of customer property"):
            prop.with_user(self.gm).action_report_loss("damaged", "Forklift")
        self.assertEqual(prop.state, "verified")
        prop.with_user(self.keeper).action_report_loss("damaged", "Two coils crushed by a forklift")
        self.assertEqual((prop.state, prop.incident_type, prop.incident_reported_by_id),
                         ("lost", "damaged", self.keeper))
        notice = prop.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(notice), 1, "the notice goes to the customer through the chatter")
        self.assertIn(ZH_ASK, notice.body)
        self.assertIn("异常通知", notice.subject)
        self.assertIn(prop.reference, notice.subject)
        self.assertIn("Two coils crushed by a forklift", notice.body)
        self.assertIn(f"/my/property/{prop.id}?access_token=", notice.body, "with the portal link")
        self.assertEqual(notice.author_id, self.keeper.partner_id)
        self.assertTrue(notice.attachment_ids, "with the printed incident notice")
        notification = notice.notification_ids.filtered(lambda n: n.res_partner_id == self.customer)
        self.assertEqual(notification.notification_type, "email", "the customer is notified by email")
        # An English-speaking customer gets it in English.
        self.other_customer.lang = "en_US"
        english = self._property(user=self.salesman2, partner_id=self.other_customer.id, user_id=self.salesman2.id)
        english.with_user(self.keeper).action_report_loss("lost", "Not found at stocktaking")
        notice = english.message_ids.filtered(lambda m: self.other_customer in m.partner_ids)
        self.assertIn(EN_ASK, notice.body)
        self.assertNotIn(ZH_ASK, notice.body)

    def test_customer_answer_is_recorded(self):
        prop = self._property()
        with self.assertRaisesRegex(UserError, r"is Received: this step needs it to be Lost / Damaged"):
            prop.with_user(self.salesman).action_record_customer_answer("Replace it")
        prop.with_user(self.keeper).action_report_loss("lost", "Not found at stocktaking")
        self.assertIn(self.salesman, prop.sudo().activity_ids.user_id, "sales follow up the customer's answer")
        with self.assertRaisesRegex(AccessError, r"^Only sales record the customer's answer about its property\.$"):
            prop.with_user(self.keeper).action_record_customer_answer("Replace it")
        with self.assertRaisesRegex(UserError, r"^Give the customer's answer about CP/"):
            prop.with_user(self.salesman).action_record_customer_answer(" ")
        with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
            prop.with_user(self.salesman).write({"customer_answer": "Forged"})
        prop.with_user(self.salesman).action_record_customer_answer(
            "Replace the wire at your cost before 30 June", answered_by="Mr. Li (purchasing)")
        self.assertEqual((prop.customer_answer, prop.customer_answered_by, prop.customer_answered_on_portal),
                         ("Replace the wire at your cost before 30 June", "Mr. Li (purchasing)", False))
        self.assertFalse(prop.sudo().activity_ids)
        with self.assertRaisesRegex(UserError, "is already recorded"):
            prop.with_user(self.salesman).action_record_customer_answer("Changed")

    def test_printed_forms(self):
        prop = self._property(sale_order_id=self._order().id)
        prop.with_user(self.quality).action_verify("conforming", "Checked")
        second = self._property(name="Packaging crates", kind="packaging", product_id=False, quantity=20)
        other = self._property(user=self.salesman2, partner_id=self.other_customer.id, user_id=self.salesman2.id,
                               name="Pump drawings", kind="document", product_id=False)
        html = self.env["ir.actions.report"]._render_qweb_html(REGISTER, (prop | second | other).ids)[0].decode()
        self.assertIn("Customer Property Register", html)
        self.assertEqual(html.count("Customer Property Register</h2>"), 2, "one register per customer")
        for record in (prop, second, other):
            self.assertIn(record.reference, html)
        self.assertIn("Conforming", html)
        prop.with_user(self.keeper).action_report_loss("damaged", "Coil crushed")
        prop.with_user(self.salesman).action_record_customer_answer("Credit note please")
        html = self.env["ir.actions.report"]._render_qweb_html(NOTICE, prop.ids)[0].decode()
        self.assertIn("Customer Property Incident Notice", html)
        self.assertIn("Coil crushed", html)
        self.assertIn("Damaged", html)
        self.assertIn("Credit note please", html)


@tagged("post_install", "-at_install")
class TestCustomerPropertyPdf(HttpCase, PropertyCase):
    def test_notice_prints_chinese_glyphs(self):
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        prop = self._property(name="客供铜线 0.5 毫米")
        prop.with_user(self.keeper).action_report_loss("damaged", "两卷铜线被压坏")
        fonts, text = render_pdf(self, NOTICE, prop)
        self.assertIn("CJK", fonts, "Chinese text must be set in a CJK font, not boxes")
        self.assertIn("两卷铜线被压坏", text.replace(" ", ""))
        assert_form_frame(self, text, NOTICE, lang="zh_CN")
        fonts, text = render_pdf(self, REGISTER, prop)
        self.assertIn("CJK", fonts)
        self.assertIn("客供铜线", text.replace(" ", ""))
        assert_form_frame(self, text, REGISTER, lang="zh_CN")


@tagged("post_install", "-at_install")
class TestCustomerPropertyPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a = cls.env["res.partner"].create({"name": "Customer A Ltd.", "is_company": True})
        cls.customer_b = cls.env["res.partner"].create({"name": "Customer B Ltd.", "is_company": True})
        contact_a = cls.env["res.partner"].create({"name": "Alice Buyer", "parent_id": cls.customer_a.id})
        cls.portal_a = new_test_user(cls.env, login="qms_prop_portal_a", password="qms_prop_portal_a_pwd",
                                     groups="base.group_portal", partner_id=contact_a.id, name="Alice Buyer")
        cls.portal_b = new_test_user(cls.env, login="qms_prop_portal_b", password="qms_prop_portal_b_pwd",
                                     groups="base.group_portal", name="Bob Buyer")
        cls.portal_b.partner_id.parent_id = cls.customer_b
        Property = cls.env["qms.customer.property"]
        cls.prop_a = Property.create({"name": "Mould M-17 for housings", "partner_id": cls.customer_a.id, "kind": "tooling"})
        cls.prop_b = Property.create({"name": "Label artwork of customer B", "partner_id": cls.customer_b.id,
                                      "kind": "intellectual_property"})
        cls.prop_a.action_report_loss("damaged", "Cavity 2 cracked during the trial run")

    def _answer(self, prop, answer, token=None):
        data = {"answer": answer, "csrf_token": http.Request.csrf_token(self)}
        if token:
            data["access_token"] = token
        return self.url_open(f"/my/property/{prop.id}/answer", data=data)

    def test_customer_reads_its_own_property(self):
        self.authenticate("qms_prop_portal_a", "qms_prop_portal_a_pwd")
        response = self.url_open("/my/property")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.prop_a.reference, response.text)
        self.assertNotIn(self.prop_b.reference, response.text)
        response = self.url_open(f"/my/property/{self.prop_a.id}")
        self.assertIn("Cavity 2 cracked during the trial run", response.text)
        self.assertIn("How do you wish us to proceed?", response.text)
        response = self.url_open(f"/my/property/{self.prop_b.id}")
        self.assertNotIn("Label artwork of customer B", response.text)
        self.assertTrue(response.url.endswith("/my"), response.url)
        response = self.url_open("/my/counters", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "params": {"counters": ["qms_property_count"]},
        }), headers={"Content-Type": "application/json"})
        self.assertEqual(response.json()["result"]["qms_property_count"], 1)
        Property = self.env["qms.customer.property"].with_user(self.portal_a)
        self.assertEqual(Property.search([]), self.prop_a)
        with self.assertRaises(AccessError):
            self.prop_a.with_user(self.portal_a).write({"note": "x"})
        with self.assertRaises(AccessError):
            self.prop_b.with_user(self.portal_a).read(["name"])

    def test_customer_answers_the_notice_on_the_portal(self):
        self.authenticate("qms_prop_portal_b", "qms_prop_portal_b_pwd")
        self._answer(self.prop_a, "Not mine to answer")
        self.assertFalse(self.prop_a.customer_answer)
        self.authenticate("qms_prop_portal_a", "qms_prop_portal_a_pwd")
        response = self._answer(self.prop_a, "  ")
        self.assertIn("Tell us how you wish us to proceed.", response.text)
        self.assertFalse(self.prop_a.customer_answer)
        self._answer(self.prop_a, "Repair the cavity; we pay half")
        self.assertEqual(self.prop_a.customer_answer, "Repair the cavity; we pay half")
        self.assertEqual(self.prop_a.customer_answered_by, "Alice Buyer")
        self.assertTrue(self.prop_a.customer_answered_on_portal)
        self.assertTrue(any("Repair the cavity; we pay half" in (m.body or "") for m in self.prop_a.message_ids))
        self._answer(self.prop_a, "Changed my mind")
        self.assertEqual(self.prop_a.customer_answer, "Repair the cavity; we pay half")
        with self.assertRaisesRegex(AccessError, r"^You can only answer about your own company's property\.$"):
            self.prop_b.with_user(self.portal_a).sudo().action_record_customer_answer("Not mine")
        self.assertFalse(self.prop_b.customer_answer)

    def test_visitor_with_the_link_of_the_notice(self):
        self.authenticate(None, None)
        token = self.prop_a._portal_ensure_token()
        response = self.url_open(f"/my/property/{self.prop_a.id}?access_token={token}")
        self.assertIn("Cavity 2 cracked during the trial run", response.text)
        self._answer(self.prop_a, "Please call us", token="wrong")
        self.assertFalse(self.prop_a.customer_answer)
        self._answer(self.prop_a, "Please call us", token=token)
        self.assertEqual((self.prop_a.customer_answer, self.prop_a.customer_answered_by),
                         ("Please call us", "Customer A Ltd."))
