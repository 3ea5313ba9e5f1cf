"""Containment (8D D3) from a complaint: every delivery of the lot, the stock on hand, the open
deliveries, the quarantine and the to-dos, what the forms print."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_customer_complaint import ComplaintCase

INVESTIGATION_REPORT = "qms_customer_process.action_report_quality_investigation"
COMPLAINT_REPORT = "qms_customer_process.action_report_customer_complaint"


class ContainmentCase(ComplaintCase):
    """Lot L1 of a lot-tracked motor delivered to three customers: the complainant and another
    customer of company A, and a customer of company B (a shared lot); L1 still on hand in WH/Stock
    and in a shelf below it, an open delivery of the other customer reserved on L1; lot L2 of the
    same motor on hand too (not suspect)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_b = env["res.company"].create({"name": "QMS Containment Company B"})
        cls.env_b = env(context=dict(env.context, allowed_company_ids=cls.company_b.ids))
        cls.warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.warehouse_b = env["stock.warehouse"].search([("company_id", "=", cls.company_b.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.shelf = env["stock.location"].create({"name": "Shelf 7", "location_id": cls.stock.id, "usage": "internal"})
        cls.motor = env["product.product"].create({
            "name": "Traced Motor T1", "type": "consu", "is_storable": True, "tracking": "lot", "list_price": 80.0,
            "categ_id": cls.category.id,
        })
        # A shared lot (no company): delivered by both companies.
        cls.lot = env["stock.lot"].create({"name": "L1-2026-07", "product_id": cls.motor.id, "company_id": False})
        cls.lot2 = env["stock.lot"].create({"name": "L2-2026-08", "product_id": cls.motor.id, "company_id": False})
        cls.salesman_b = new_test_user(
            env, login="qms_t_salesman_b", groups="sales_team.group_sale_salesman", name="Bo Seller",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.customer_b = env["res.partner"].create({"name": "Chengdu Fans Co.", "user_id": cls.salesman_b.id})
        cls.warehouse_user = new_test_user(
            env, login="qms_t_storekeeper", name="Wang Storekeeper",
            groups="base.group_user,stock.group_stock_user,qms_customer_process.group_qms_warehouse",
        )
        Quant = env["stock.quant"]
        Quant._update_available_quantity(cls.motor, cls.stock, 100, lot_id=cls.lot)
        cls.env_b["stock.quant"]._update_available_quantity(cls.motor, cls.warehouse_b.lot_stock_id, 30, lot_id=cls.lot)
        cls.delivery_a = cls._deliver(cls.customer, 10)
        cls.delivery_other = cls._deliver(cls.other_customer, 15)
        cls.delivery_b = cls._deliver(cls.customer_b, 7, company=cls.company_b)
        Quant._update_available_quantity(cls.motor, cls.shelf, 20, lot_id=cls.lot)
        cls.open_delivery = cls._deliver(cls.other_customer, 5, validate=False)
        Quant._update_available_quantity(cls.motor, cls.stock, 50, lot_id=cls.lot2)

    @classmethod
    def _deliver(cls, partner, qty, company=None, validate=True, product=None):
        company = company or cls.company
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        order = env["sale.order"].create({
            "partner_id": partner.id, "company_id": company.id, "user_id": partner.user_id.id,
            "order_line": [Command.create({"product_id": (product or cls.motor).id, "product_uom_qty": qty})],
        })
        order.action_confirm()
        picking = order.picking_ids
        if validate:
            picking.move_ids.picked = True
            result = picking.button_validate()
            assert result is True and picking.state == "done", (result, picking.state)
        return picking

    def _complaint(self, user=None, **vals):
        return super()._complaint(user=user, **{"product_id": self.motor.id, "lot_id": self.lot.id, **vals})

    def _quants(self, lot, location):
        return self.env["stock.quant"]._read_group(
            [("lot_id", "=", lot.id), ("location_id", "=", location.id)], [], ["quantity:sum"])[0][0]


@tagged("post_install", "-at_install")
class TestContainment(ContainmentCase):
    def test_affected_deliveries_of_the_lot(self):
        complaint = self._complaint()
        seen = complaint.with_user(self.quality)
        self.assertEqual(seen.affected_move_line_ids.picking_id, self.delivery_a | self.delivery_other)
        self.assertEqual(seen.affected_partner_count, 2)
        self.assertEqual(seen.affected_qty, 25.0)
        self.assertNotIn(self.customer_b, seen.affected_move_line_ids.picking_partner_id,
                         "another company's delivery stays invisible")
        # The same lot delivered by company B is found for a user who works in both companies.
        both = new_test_user(
            self.env, login="qms_t_quality_ab", groups="base.group_user,qms_customer_process.group_qms_quality",
            company_ids=[Command.set((self.company | self.company_b).ids)],
        )
        seen_both = complaint.with_user(both).with_context(allowed_company_ids=(self.company | self.company_b).ids)
        self.assertEqual(seen_both.affected_move_line_ids.picking_id, self.delivery_a | self.delivery_other | self.delivery_b)
        self.assertEqual(seen_both.affected_partner_count, 3)
        self.assertEqual(seen_both.affected_qty, 32.0)
        # Other lots are not suspect; the customer on the portal sees no delivery at all.
        self.assertFalse(self._complaint(lot_id=self.lot2.id).with_user(self.quality).affected_move_line_ids)
        portal = new_test_user(self.env, login="qms_t_containment_portal", groups="base.group_portal",
                               partner_id=self.customer.id)
        self.assertFalse(complaint.with_user(portal).affected_move_line_ids)
        self.assertFalse(complaint.with_user(portal).containment_quant_ids)

    def test_stock_on_hand_and_open_deliveries(self):
        seen = self._complaint().with_user(self.quality)
        by_location = {quant.location_id: quant.quantity for quant in seen.containment_quant_ids}
        self.assertEqual(by_location, {self.stock: 75.0, self.shelf: 20.0}, "lot L1 only, company A only")
        self.assertEqual(seen.containment_stock_qty, 95.0)
        self.assertEqual(seen.containment_move_ids.picking_id, self.open_delivery)
        self.assertEqual(self.open_delivery.move_ids.move_line_ids.lot_id, self.lot)

    def test_product_over_a_date_window_without_lot(self):
        late = self._deliver(self.customer, 3, product=self.product_std)
        early = self._deliver(self.other_customer, 4, product=self.product_std)
        today = fields.Date.context_today(self.quality)
        early.move_ids.move_line_ids.date = fields.Datetime.now() - timedelta(days=40)
        complaint = self._complaint(product_id=self.product_std.id, lot_id=False)
        seen = complaint.with_user(self.quality)
        self.assertFalse(seen.affected_move_line_ids, "without a lot, the window says which deliveries are suspect")
        complaint.write({"containment_date_from": today - timedelta(days=10), "containment_date_to": today})
        self.assertEqual(seen.affected_move_line_ids.picking_id, late)
        complaint.containment_date_from = today - timedelta(days=60)
        self.assertEqual(seen.affected_move_line_ids.picking_id, late | early)

    def test_quarantine_moves_the_stock_to_quarantine(self):
        complaint = self._complaint(severity="major")
        complaint.action_investigate()
        complaint.with_user(self.quality).action_quarantine()
        pickings = complaint.quarantine_picking_ids
        self.assertEqual(complaint.quarantined_by_id, self.quality)
        self.assertTrue(complaint.date_quarantined)
        self.assertEqual(len(pickings), 2, "one transfer per location that holds the lot")
        quarantine = pickings.location_dest_id
        self.assertEqual(len(quarantine), 1)
        self.assertTrue(quarantine.qms_quarantine)
        self.assertEqual(quarantine.usage, "internal")
        self.assertEqual(quarantine.name, "Quarantine")
        self.assertEqual(quarantine.warehouse_id, self.warehouse)
        self.assertFalse(quarantine.parent_path.startswith(self.stock.parent_path),
                         "outside the stock location: deliveries never reserve from it")
        self.assertEqual(set(pickings.picking_type_id.ids), {self.warehouse.int_type_id.id})
        moved = {picking.location_id: picking.move_ids.product_uom_qty for picking in pickings}
        self.assertEqual(moved, {self.stock: 75.0, self.shelf: 20.0})
        for picking in pickings:
            self.assertEqual(picking.state, "assigned", "reserved and ready: the warehouse moves the goods")
            self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.lot)
            self.assertEqual(picking.move_ids.move_line_ids.location_id, picking.location_id,
                             "reserved in the transfer's own location, not in its sub-locations")
            self.assertEqual(picking.company_id, self.company)
            self.assertEqual(picking.origin, complaint.name)
        # The open delivery released lot L1 and reserved the good lot L2.
        self.assertEqual(self.open_delivery.move_ids.move_line_ids.lot_id, self.lot2)
        self.assertEqual(self.open_delivery.state, "assigned")
        # Nothing has moved yet: the stock is where the goods are until the warehouse validates.
        self.assertEqual(self._quants(self.lot, self.stock), 75.0)
        for picking in pickings.with_user(self.warehouse_user):
            picking.move_ids.picked = True
            self.assertIs(picking.button_validate(), True)
        self.assertEqual(self._quants(self.lot, self.stock), 0.0)
        self.assertEqual(self._quants(self.lot, self.shelf), 0.0)
        self.assertEqual(self._quants(self.lot, quarantine), 95.0)
        self.assertEqual(self._quants(self.lot2, self.stock), 50.0, "the good lot stays in stock")
        self.assertEqual(self._quants(self.lot, self.warehouse_b.lot_stock_id), 23.0,
                         "another company's stock is left alone")
        self.assertIn("Stock quarantined", complaint.message_ids[0].body)

    def test_quarantine_tells_the_other_salespeople(self):
        complaint = self._complaint()
        complaint.with_user(self.quality).action_quarantine()
        todos = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("summary", "ilike", self.lot.name),
        ])
        self.assertEqual(todos.mapped(lambda todo: (todo.res_id, todo.user_id)),
                         [(self.other_customer.id, self.salesman2)],
                         "the other customer's salesperson, not the complainant's, not another company's")
        self.assertIn(self.delivery_other.name, todos.note)
        self.assertIn(self.open_delivery.name, todos.note)
        self.assertIn(complaint.name, todos.summary)

    def _lot_delivered_to(self, name, count):
        """A lot of a product of its own, on hand and delivered to ``count`` new customers of
        Wang Seller's; and a complaint about it from the usual customer."""
        product = self.env["product.product"].create({
            "name": f"Traced Pump {name}", "type": "consu", "is_storable": True, "tracking": "lot",
            "categ_id": self.category.id,
        })
        lot = self.env["stock.lot"].create({"name": name, "product_id": product.id, "company_id": False})
        self.env["stock.quant"]._update_available_quantity(product, self.stock, 100, lot_id=lot)
        customers = self.env["res.partner"].create([
            {"name": f"{name} customer {index}", "user_id": self.salesman2.id} for index in range(count)
        ])
        for customer in customers:
            self._deliver(customer, 1, product=product)
        return self._complaint(product_id=product.id, lot_id=lot.id), customers

    def _quarantine_queries(self, complaint):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        complaint.with_user(self.quality).action_quarantine()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_quarantine_queries_do_not_grow_with_the_customers(self):
        """The to-dos of four other customers cost the queries of two: no query per customer, no
        "assigned to you" e-mail per to-do (quick update, as core creates activities in bulk)."""
        warm_up, _customers = self._lot_delivered_to("LQ-WARM", 1)
        self._quarantine_queries(warm_up)
        two, two_customers = self._lot_delivered_to("LQ-TWO", 2)
        four, four_customers = self._lot_delivered_to("LQ-FOUR", 4)
        last_message = self.env["mail.message"].search([], order="id desc", limit=1).id
        queries = self._quarantine_queries(two)
        with self.assertQueryCount(queries):
            four.with_user(self.quality).action_quarantine()
        Activity = self.env["mail.activity"]
        for customers, lot in ((two_customers, "LQ-TWO"), (four_customers, "LQ-FOUR")):
            todos = Activity.search([("res_model", "=", "res.partner"), ("res_id", "in", customers.ids),
                                     ("summary", "ilike", lot)])
            self.assertEqual(sorted(todos.mapped("res_id")), sorted(customers.ids), "a to-do per other customer")
            self.assertEqual(todos.user_id, self.salesman2)
        # The salesperson follows the customers (one subscription for all of them), and no
        # "assigned to you" e-mail went out for the to-dos.
        self.assertIn(self.salesman2.partner_id, four_customers[3].message_partner_ids)
        self.assertFalse(self.env["mail.message"].search([
            ("id", ">", last_message), ("model", "=", "res.partner"),
            ("res_id", "in", (two_customers | four_customers).ids),
        ]))

    def test_quarantine_again_only_once_the_warehouse_is_done(self):
        complaint = self._complaint()
        complaint.with_user(self.quality).action_quarantine()
        first = complaint.quarantine_picking_ids
        with self.assertRaisesRegex(UserError, r"are still open: the warehouse validates or cancels them"):
            complaint.with_user(self.quality).action_quarantine()
        self.assertEqual(complaint.quarantine_picking_ids, first)
        for picking in first:
            picking.move_ids.picked = True
            picking.button_validate()
        with self.assertRaisesRegex(UserError, r"No stock of .*L1-2026-07.* is on hand to quarantine"):
            complaint.with_user(self.quality).action_quarantine()
        # Goods of the lot come back (a return): a second quarantine, to the same location.
        self.env["stock.quant"]._update_available_quantity(self.motor, self.stock, 4, lot_id=self.lot)
        complaint.with_user(self.quality).action_quarantine()
        second = complaint.quarantine_picking_ids - first
        self.assertEqual(second.move_ids.product_uom_qty, 4.0)
        self.assertEqual(second.location_dest_id, first.location_dest_id)
        self.assertEqual(self.env["mail.activity"].search_count([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.other_customer.id),
            ("summary", "ilike", self.lot.name),
        ]), 1, "no second to-do for the same containment")

    def test_only_quality_quarantines(self):
        complaint = self._complaint()
        pickings = self.env["stock.picking"].search_count([])
        for user in (self.salesman, self.warehouse_user, self.sales_manager):
            with self.assertRaisesRegex(AccessError, r"Only quality quarantines the stock of a complaint"):
                complaint.with_user(user).action_quarantine()
        self.assertEqual(self.env["stock.picking"].search_count([]), pickings)
        self.assertFalse(complaint.quarantined_by_id)
        self.assertFalse(complaint.date_quarantined)
        self.assertFalse(complaint.quarantine_picking_ids)
        with self.assertRaisesRegex(AccessError, r"set by its workflow actions"):
            complaint.write({"quarantined_by_id": self.quality.id})
        self.assertFalse(complaint.quarantined_by_id)

    def test_quarantine_needs_a_lot_or_a_product_and_an_open_complaint(self):
        complaint = self._complaint(lot_id=False, product_id=False)
        with self.assertRaisesRegex(UserError, r"Set the lot or the product of .* before quarantining its stock"):
            complaint.with_user(self.quality).action_quarantine()
        complaint = self._complaint(reject_reason="Not ours")
        complaint.with_user(self.quality).action_reject()
        with self.assertRaisesRegex(UserError, r"is Rejected: this step is not possible now"):
            complaint.with_user(self.quality).action_quarantine()
        self.assertFalse(complaint.quarantine_picking_ids)

    def test_d3_printed_on_the_forms(self):
        complaint = self._complaint(severity="major", containment_action="Sort all stock of L1")
        complaint.action_investigate()
        complaint.investigation_ids.with_user(self.quality).containment_action = "Stop shipping L1, sort the stock"
        complaint.with_user(self.quality).action_quarantine()
        picking = complaint.quarantine_picking_ids[:1]
        report = self.env["ir.actions.report"].with_user(self.quality)
        html = report._render_qweb_html(INVESTIGATION_REPORT, complaint.investigation_ids.ids)[0].decode()
        for text in ("D3 Containment Action", "Stop shipping L1, sort the stock", picking.name, "Quarantine", "Reviewer quality",
                     self.other_customer.name, "Quarantine ordered by"):
            self.assertIn(text, html)
        self.assertNotIn(self.customer_b.name, html, "another company's customer is not printed")
        form = report._render_qweb_html(COMPLAINT_REPORT, complaint.ids)[0].decode()
        self.assertIn(picking.name, form)
        self.assertIn("Sort all stock of L1", form)
        self.assertNotIn(self.other_customer.name, form, "the complaint form never names the other customers")
