"""A small data set whose customer KPIs are computed by hand (see KpiCase), in a company of its
own (time zone Asia/Shanghai) so that nothing else counts.

Confirmed orders (customer month in Shanghai time; X and Y are Sam Seller's, Z Sue Seller's):
  X: Dec 2024 (not delivered), Jan, Feb, Mar 2025;  Y: Jan, Mar 2025;  Z: Feb 2025 (confirmed and
  delivered on 31 Jan at 20:00 UTC, 1 Feb in Shanghai).
Deliveries of the first quarter of 2025 (product, quantity, promised, done):
  X Jan  P 100  deadline 20 Jan          done 18 Jan          on time
  X Feb  P 200  deadline 10 Feb          done 12 Feb          late
  X Mar  Q  50  commitment 5 Mar 10:00   done 5 Mar 17:00     on time (same day; the deadline
                (deadline 1 Mar)                               of 1 Mar does not count)
  Y Jan  P 300  deadline 25 Jan          done 25 Jan          on time
  Y Mar  Q 150  deadline 15 Mar          done 20 Mar          late
  Z Feb  P 400  deadline 5 Feb           done 1 Feb           on time
  -> 6 deliveries, 4 on time (66.7 %), 1,200 delivered (P 1,000, Q 200).
Complaints: X Feb about P, 2 affected, acknowledged after 2 h, open; Y Mar about Q, 3 affected,
  acknowledged after 4 h, closed after 10 days (root cause: material); Z Feb rejected (not counted).
  -> 2 complaints, 5 affected, PPM 5 / 1,200 = 4,166.67 (X 5,714.29, Y 6,666.67, Z 0; P 2,000,
  Q 15,000); 3.0 h to acknowledge, 10.0 days to close.
Surveys of the campaign of the first quarter: X 80 (satisfied), Y 60 (dissatisfied) -> 70.0.
Customers per month: Dec {X}, Jan {X, Y}, Feb {X, Z}, Mar {X, Y}.
  Retention (bought the month before and again): Jan 1/1, Feb 1/2, Mar 1/2 -> quarter 3/5 = 60 %.
  Repeat purchase (bought before the month): Jan 1/2, Feb 1/2, Mar 2/2 -> quarter 4/6 = 66.7 %.
Corrective actions: one open, due 1 Mar; one open, due 30 Jun; one verified on 15 Mar.
"""

from odoo import Command

from .common import QmsCase


class KpiCase(QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.kpi_company = env["res.company"].create({"name": "QMS KPI Works"})
        cls.kpi_company.partner_id.tz = "Asia/Shanghai"
        cls.quality = cls.reviewers["quality"]
        for user in (cls.salesman, cls.salesman2, cls.sales_manager, cls.quality, cls.gm):
            user.company_ids = [Command.link(cls.kpi_company.id)]
        cls.kenv = env(context=dict(env.context, allowed_company_ids=cls.kpi_company.ids))
        warehouse = cls.kenv["stock.warehouse"].search([("company_id", "=", cls.kpi_company.id)], limit=1)
        cls.category_q = env["product.category"].create({"name": "QMS Test Pumps"})
        cls.product_p = cls.product_std
        cls.product_q = env["product.product"].create({
            "name": "Standard Pump Q", "type": "consu", "is_storable": True, "list_price": 30.0,
            "categ_id": cls.category_q.id,
        })
        for product in (cls.product_p, cls.product_q):
            cls.kenv["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10000)
        cls.x = env["res.partner"].create({"name": "杭州精密机械", "is_company": True, "user_id": cls.salesman.id})
        cls.y = env["res.partner"].create({"name": "苏州电机厂", "is_company": True, "user_id": cls.salesman.id})
        cls.z = env["res.partner"].create({"name": "Zenith Drives", "is_company": True, "user_id": cls.salesman2.id})
        cls.customers = cls.x | cls.y | cls.z
        cls._sale(cls.x, cls.product_p, 10, "2024-12-15 02:00:00")
        cls._sale(cls.x, cls.product_p, 100, "2025-01-10 02:00:00", done="2025-01-18 04:00:00",
                  deadline="2025-01-20 04:00:00")
        cls._sale(cls.x, cls.product_p, 200, "2025-02-03 02:00:00", done="2025-02-12 04:00:00",
                  deadline="2025-02-10 04:00:00")
        cls._sale(cls.x, cls.product_q, 50, "2025-03-01 02:00:00", done="2025-03-05 09:00:00",
                  deadline="2025-03-01 02:00:00", commitment="2025-03-05 02:00:00")
        cls._sale(cls.y, cls.product_p, 300, "2025-01-05 02:00:00", done="2025-01-25 06:00:00",
                  deadline="2025-01-25 04:00:00")
        cls._sale(cls.y, cls.product_q, 150, "2025-03-10 02:00:00", done="2025-03-20 04:00:00",
                  deadline="2025-03-15 04:00:00")
        cls._sale(cls.z, cls.product_p, 400, "2025-01-31 20:00:00", done="2025-01-31 20:00:00",
                  deadline="2025-02-05 04:00:00")
        Complaint = cls.kenv["qms.customer.complaint"]
        cls.complaint_x = Complaint.create({
            "subject": "Scratches", "partner_id": cls.x.id, "product_id": cls.product_p.id, "quantity_affected": 2,
            "company_id": cls.kpi_company.id, "date_received": "2025-02-20 02:00:00",
        })
        cls.complaint_x.write({"state": "acknowledged", "date_acknowledged": "2025-02-20 04:00:00"})
        cls.complaint_y = Complaint.create({
            "subject": "Leaks", "partner_id": cls.y.id, "product_id": cls.product_q.id, "quantity_affected": 3,
            "company_id": cls.kpi_company.id, "date_received": "2025-03-01 02:00:00", "severity": "major",
        })
        cls.kenv["qms.quality.investigation"].create({
            "complaint_id": cls.complaint_y.id, "company_id": cls.kpi_company.id, "root_cause_category": "material",
            "problem_description": "Leaks", "state": "closed",
        })
        cls.complaint_y.write({
            "state": "closed", "date_acknowledged": "2025-03-01 06:00:00", "date_closed": "2025-03-11 02:00:00",
            "closure_note": "Seals replaced",
        })
        complaint_z = Complaint.create({
            "subject": "Not ours", "partner_id": cls.z.id, "product_id": cls.product_p.id, "quantity_affected": 5,
            "company_id": cls.kpi_company.id, "date_received": "2025-02-10 02:00:00",
        })
        complaint_z.write({"state": "rejected", "reject_reason": "Not our product"})
        campaign = cls.kenv["qms.satisfaction.campaign"].create({
            "title": "Q1 2025", "date_start": "2025-01-01", "date_end": "2025-03-31", "company_id": cls.kpi_company.id,
        })
        Grade = env["qms.satisfaction.grade"]
        for partner, score in ((cls.x, 80.0), (cls.y, 60.0)):
            cls.kenv["qms.satisfaction.survey"].create({
                "campaign_id": campaign.id, "partner_id": partner.id, "state": "answered", "score": score,
                "answered_on": "2025-04-02 02:00:00", "grade_id": Grade.grade_for(score, cls.kpi_company).id,
            })
        Action = cls.kenv["qms.corrective.action"]
        actions = Action.create([
            {"description": "Sort the scratched parts", "due_date": "2099-01-01", "company_id": cls.kpi_company.id},
            {"description": "Train the packers", "due_date": "2099-01-01", "company_id": cls.kpi_company.id},
            {"description": "New seal supplier", "due_date": "2099-01-01", "company_id": cls.kpi_company.id},
        ])
        for action, (created, due) in zip(actions, (("2025-02-15", "2025-03-01"), ("2025-01-20", "2025-06-30"),
                                                    ("2025-02-01", "2025-03-01")), strict=True):
            env.cr.execute("UPDATE qms_corrective_action SET create_date = %s, due_date = %s WHERE id = %s",
                           [created, due, action.id])
        actions[2].write({"state": "verified", "implemented_on": "2025-03-10", "verified_on": "2025-03-15",
                          "effective": "effective", "verified_by_id": cls.quality.id})
        env.invalidate_all()

    @classmethod
    def _sale(cls, partner, product, qty, date_order, done=None, deadline=None, commitment=None):
        order = cls.kenv["sale.order"].create({
            "partner_id": partner.id, "company_id": cls.kpi_company.id, "user_id": partner.user_id.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
        })
        order.action_confirm()
        # The confirmation's own writes (date_order among them) go to the database before the
        # dates of the data set replace them.
        cls.env.flush_all()
        if done:
            picking = order.picking_ids
            picking.move_ids.picked = True
            result = picking.button_validate()
            assert result is True and picking.state == "done", (result, picking.state)
            cls.env.cr.execute("UPDATE stock_move SET date = %s, date_deadline = %s WHERE picking_id = %s",
                               [done, deadline, picking.id])
        cls.env.cr.execute("UPDATE sale_order SET date_order = %s, commitment_date = %s WHERE id = %s",
                           [date_order, commitment, order.id])
        # Dates written with SQL, under the ORM: the customer KPIs are told (as their daily
        # rebuild would find out).
        cls.env["qms.customer.kpi.report"]._qms_mark("partner", partner.ids)
        cls.env.invalidate_all()
        return order

    def _more_customers(self, count):
        """``count`` more customer companies of Sam Seller's in the KPI company, each with a
        delivery and a complaint in February 2025: rows of the report written with SQL, as many
        as a factory has, to show that what reads the report does not grow with them."""
        cr = self.env.cr
        cr.execute("""
            INSERT INTO res_partner (name, complete_name, active, is_company, type, autopost_bills, user_id,
                                     create_date, write_date)
            SELECT 'KPI scale customer ' || g, 'KPI scale customer ' || g, true, true, 'contact', 'ask', %s,
                   now(), now()
              FROM generate_series(1, %s) g
            RETURNING id
        """, [self.salesman.id, count])
        ids = [row[0] for row in cr.fetchall()]
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [ids])
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM qms_customer_kpi_report")
        top = cr.fetchone()[0]
        cr.execute("""
            INSERT INTO qms_customer_kpi_report (id, fact, company_id, partner_id, user_id, product_categ_id, date,
                                                 delivery_count, on_time_count, delivered_qty, complaint_count,
                                                 complaint_qty)
            SELECT %(top)s + g * 8 + kind, CASE kind WHEN 1 THEN 'delivery' ELSE 'complaint' END, %(company)s, p,
                   %(user)s, %(categ)s, date '2025-02-01', 2 - kind, 2 - kind, (2 - kind) * 100.0, kind - 1,
                   (kind - 1) * 1.0
              FROM unnest(%(ids)s::int[]) WITH ORDINALITY AS t(p, g), generate_series(1, 2) kind
        """, {"top": top, "company": self.kpi_company.id, "user": self.salesman.id, "categ": self.category_q.id,
              "ids": ids})
        self.env.invalidate_all()
        return self.env["res.partner"].browse(ids)
