from odoo import api, fields, models, tools
from odoo.tools import SQL

# Each fact of the report is one row; its id is the id of its source record times 8 plus the kind
# of fact, so that it stays the same from one query to the next.
FACTS = [
    ("delivery", "Delivery"),
    ("complaint", "Complaint received"),
    ("closure", "Complaint closed"),
    ("survey", "Satisfaction survey"),
    ("customer", "Customer of the month"),
    ("lapsed", "Customer of the previous month"),
]

# The measures that are ratios: (numerator, denominator, factor). Their value for any group of
# rows is the ratio of the sums, never an average of the rows' ratios (see _read_group_select).
RATIOS = {
    "on_time_rate": ("on_time_count", "delivery_count", 100.0),
    "complaint_ppm": ("complaint_qty", "delivered_qty", 1_000_000.0),
    "acknowledge_hours": ("acknowledge_hours_total", "acknowledged_count", 1.0),
    "close_days": ("close_days_total", "closed_count", 1.0),
    "satisfaction_score": ("score_total", "survey_count", 1.0),
    "retention_rate": ("retained_customer_count", "previous_customer_count", 100.0),
    "repeat_purchase_rate": ("repeat_customer_count", "customer_count", 100.0),
}


class QmsCustomerKpiReport(models.Model):
    """Customer KPIs from the ERP's own records (ISO 9001 9.1.2 and 9.3.2 c), per customer
    (commercial partner), salesperson, product category and month, like Odoo's sale.report: a
    read-only model over a SQL view of facts (deliveries, complaints, surveys, customers who
    bought). The sums are columns of the view; the rates are computed from the sums of any group
    of rows, so that a PPM or an on-time rate is right at every level of a pivot."""

    _name = "qms.customer.kpi.report"
    _description = "Customer KPI Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc, id desc"

    fact = fields.Selection(FACTS, readonly=True)
    date = fields.Date(
        string="Month", readonly=True,
        help="The first day of the month of the fact, in the time zone of the company's address: a delivery's done "
             "date, a complaint's reception (its closing for closing times), a survey's campaign period, a customer's "
             "orders.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, help="The customer company.")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True,
        help="The salesperson of the order delivered, of the complaint, of the survey; for the customer rates, the "
             "customer's salesperson (else the one of its last order).",
    )
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    # Sums (columns of the view)
    delivery_count = fields.Integer(
        string="Deliveries", readonly=True,
        help="Product lines delivered to the customer (done moves to a customer location).",
    )
    on_time_count = fields.Integer(
        string="On-Time Deliveries", readonly=True,
        help="Deliveries done on or before the promised day: the order's commitment date when it has one, else the "
             "deadline of the delivery (the date Odoo promised on the order). A delivery without either counts as on "
             "time.",
    )
    delivered_qty = fields.Float(string="Delivered Quantity", readonly=True, digits="Product Unit of Measure")
    complaint_count = fields.Integer(string="Complaints", readonly=True, help="Complaints received, rejected ones excepted.")
    complaint_qty = fields.Float(
        string="Affected Quantity", readonly=True, digits="Product Unit of Measure",
        help="The quantity affected of the complaints received.",
    )
    acknowledged_count = fields.Integer(string="Complaints Acknowledged", readonly=True)
    acknowledge_hours_total = fields.Float(string="Hours to Acknowledge (Total)", readonly=True)
    closed_count = fields.Integer(string="Complaints Closed", readonly=True)
    close_days_total = fields.Float(string="Days to Close (Total)", readonly=True)
    survey_count = fields.Integer(string="Surveys Answered", readonly=True)
    score_total = fields.Float(string="Satisfaction Score (Total)", readonly=True)
    customer_count = fields.Integer(
        string="Buying Customers", readonly=True, help="Customers who confirmed an order in the month.",
    )
    repeat_customer_count = fields.Integer(
        string="Returning Customers", readonly=True,
        help="Customers who confirmed an order in the month and had confirmed one in an earlier month.",
    )
    previous_customer_count = fields.Integer(
        string="Customers of the Previous Month", readonly=True,
        help="Customers who confirmed an order in the month before.",
    )
    retained_customer_count = fields.Integer(
        string="Retained Customers", readonly=True,
        help="Customers who confirmed an order in the month before and bought again in the month.",
    )
    # Rates: ratios of the sums of any group of rows
    on_time_rate = fields.Float(
        string="On-Time Delivery (%)", compute="_compute_rates", aggregator="avg", digits=(16, 1),
        help="On-time deliveries ÷ deliveries × 100.",
    )
    complaint_ppm = fields.Float(
        string="Complaint PPM", compute="_compute_rates", aggregator="avg", digits=(16, 0),
        help="Affected quantity ÷ delivered quantity × 1,000,000, of the same rows (customers, months...).",
    )
    acknowledge_hours = fields.Float(
        string="Hours to Acknowledge", compute="_compute_rates", aggregator="avg", digits=(16, 1),
        help="Average time from the reception of a complaint to its acknowledgement, in hours.",
    )
    close_days = fields.Float(
        string="Days to Close", compute="_compute_rates", aggregator="avg", digits=(16, 1),
        help="Average time from the reception of a complaint to its closing, in days, of the complaints closed in "
             "the month.",
    )
    satisfaction_score = fields.Float(
        compute="_compute_rates", aggregator="avg", digits=(16, 2),
        help="Average score (0-100) of the answered satisfaction surveys of the campaigns of the month.",
    )
    retention_rate = fields.Float(
        string="Retention Rate (%)", compute="_compute_rates", aggregator="avg", digits=(16, 1),
        help="顾客维系率: of the customers who confirmed an order in the previous month, the share who confirmed one "
             "again in the month. Over several months, the months are pooled (retained ÷ previous customers of all "
             "of them).",
    )
    repeat_purchase_rate = fields.Float(
        string="Repeat-Purchase Rate (%)", compute="_compute_rates", aggregator="avg", digits=(16, 1),
        help="重复购买率: of the customers who confirmed an order in the month, the share who had bought before "
             "(in any earlier month). Over several months, the months are pooled.",
    )

    @api.depends(*{name for pair in RATIOS.values() for name in pair[:2]})
    def _compute_rates(self):
        for row in self:
            for name, (numerator, denominator, factor) in RATIOS.items():
                row[name] = row[numerator] * factor / row[denominator] if row[denominator] else 0.0

    def _read_group_select(self, aggregate_spec, query):
        """A rate of a group is the ratio of the group's sums, whatever aggregate the client asks
        for (the pivot and the list ask for the field's aggregator)."""
        fname, _property, func = models.parse_read_group_spec(aggregate_spec)
        if fname in RATIOS and func not in ("count", "count_distinct", "array_agg", "recordset"):
            numerator, denominator, factor = RATIOS[fname]
            return SQL(
                "(SUM(%s) * %s / NULLIF(SUM(%s), 0))::float8",
                self._field_to_sql(self._table, numerator, query), factor,
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    @api.model
    def _query(self):
        # Months and days in the time zone of the company's address (UTC without one); datetimes
        # are stored in UTC.
        def local(column):
            return SQL("timezone(tz.name, timezone('UTC', %s))", column)

        def month(column):
            return SQL("date_trunc('month', %s)::date", column)

        integer, number = SQL("0"), SQL("0.0::float8")
        zero = {
            "delivery_count": integer, "on_time_count": integer, "delivered_qty": number, "complaint_count": integer,
            "complaint_qty": number, "acknowledged_count": integer, "acknowledge_hours_total": number,
            "closed_count": integer, "close_days_total": number, "survey_count": integer, "score_total": number,
            "customer_count": integer, "repeat_customer_count": integer, "previous_customer_count": integer,
            "retained_customer_count": integer,
        }

        def measures(**values):
            return SQL(", ").join(
                SQL("%s AS %s", values.get(name, default), SQL.identifier(name)) for name, default in zero.items()
            )

        # The deliveries: the joins are planned on all done deliveries (hash joins), apart from the
        # period filter of the query (OFFSET 0 keeps it out), which PostgreSQL cannot estimate on a
        # month computed in a time zone and would answer with a nested loop per delivery.
        deliveries = SQL(
            """
            SELECT d.id * 8 + 1 AS id, 'delivery' AS fact, d.company_id, d.partner_id, d.user_id,
                   d.product_categ_id, %(month)s AS date, %(measures)s
              FROM (
                SELECT m.id, m.company_id, m.date, COALESCE(so.commitment_date, m.date_deadline) AS promised,
                       customer.commercial_partner_id AS partner_id,
                       COALESCE(so.user_id, customer_company.user_id) AS user_id, pt.categ_id AS product_categ_id,
                       (m.quantity / move_uom.factor * product_uom.factor)::float8 AS quantity
                  FROM stock_move m
                  JOIN stock_location dest ON dest.id = m.location_dest_id AND dest.usage = 'customer'
                  JOIN stock_location src ON src.id = m.location_id AND src.usage != 'customer'
                  LEFT JOIN stock_picking pk ON pk.id = m.picking_id
                  LEFT JOIN sale_order so ON so.id = pk.sale_id
                  JOIN res_partner customer ON customer.id = COALESCE(so.partner_id, pk.partner_id, m.partner_id)
                  JOIN res_partner customer_company ON customer_company.id = customer.commercial_partner_id
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom move_uom ON move_uom.id = m.product_uom
                  JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
                 WHERE m.state = 'done'
                OFFSET 0
              ) d
              JOIN company_tz tz ON tz.company_id = d.company_id
            """,
            month=month(local(SQL("d.date"))),
            measures=measures(
                delivery_count=SQL("1"),
                on_time_count=SQL(
                    "CASE WHEN d.promised IS NULL OR %(done)s::date <= %(due)s::date THEN 1 ELSE 0 END",
                    done=local(SQL("d.date")), due=local(SQL("d.promised")),
                ),
                delivered_qty=SQL("d.quantity"),
            ),
        )
        complaints = SQL(
            """
            SELECT c.id * 8 + 2, 'complaint', c.company_id, c.commercial_partner_id, c.salesperson_id, pt.categ_id,
                   %(month)s, %(measures)s
              FROM qms_customer_complaint c
              JOIN company_tz tz ON tz.company_id = c.company_id
              LEFT JOIN product_product pp ON pp.id = c.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE c.state != 'rejected' AND c.commercial_partner_id IS NOT NULL
            """,
            month=month(local(SQL("c.date_received"))),
            measures=measures(
                complaint_count=SQL("1"),
                complaint_qty=SQL("COALESCE(c.quantity_affected, 0.0)::float8"),
                acknowledged_count=SQL("CASE WHEN c.date_acknowledged IS NULL THEN 0 ELSE 1 END"),
                acknowledge_hours_total=SQL(
                    "COALESCE(EXTRACT(EPOCH FROM c.date_acknowledged - c.date_received) / 3600.0, 0.0)::float8"),
            ),
        )
        closures = SQL(
            """
            SELECT c.id * 8 + 3, 'closure', c.company_id, c.commercial_partner_id, c.salesperson_id, pt.categ_id,
                   %(month)s, %(measures)s
              FROM qms_customer_complaint c
              JOIN company_tz tz ON tz.company_id = c.company_id
              LEFT JOIN product_product pp ON pp.id = c.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE c.state = 'closed' AND c.date_closed IS NOT NULL AND c.commercial_partner_id IS NOT NULL
            """,
            month=month(local(SQL("c.date_closed"))),
            measures=measures(
                closed_count=SQL("1"),
                close_days_total=SQL("(EXTRACT(EPOCH FROM c.date_closed - c.date_received) / 86400.0)::float8"),
            ),
        )
        surveys = SQL(
            """
            SELECT s.id * 8 + 4, 'survey', s.company_id, customer.commercial_partner_id, s.user_id, NULL::integer,
                   date_trunc('month', s.period_date)::date, %(measures)s
              FROM qms_satisfaction_survey s
              JOIN res_partner customer ON customer.id = s.partner_id
             WHERE s.state IN ('answered', 'analysed')
            """,
            measures=measures(survey_count=SQL("1"), score_total=SQL("COALESCE(s.score, 0.0)::float8")),
        )
        # The customers who bought (confirmed an order) each month, with the month before and
        # after the ones they bought in: retention and repeat purchase, one row per customer and
        # month, whatever the number of orders, salespeople or product categories.
        customers = SQL(
            """
            SELECT cm.first_order_id * 8 + 5, 'customer', cm.company_id, cm.partner_id,
                   COALESCE(customer.user_id, cm.user_id), NULL::integer, cm.month, %(measures)s
              FROM customer_months cm
              JOIN res_partner customer ON customer.id = cm.partner_id
            """,
            measures=measures(
                customer_count=SQL("1"),
                repeat_customer_count=SQL("CASE WHEN cm.month > cm.first_month THEN 1 ELSE 0 END"),
                previous_customer_count=SQL(
                    "CASE WHEN cm.previous_month = (cm.month - interval '1 month')::date THEN 1 ELSE 0 END"),
                retained_customer_count=SQL(
                    "CASE WHEN cm.previous_month = (cm.month - interval '1 month')::date THEN 1 ELSE 0 END"),
            ),
        )
        lapsed = SQL(
            """
            SELECT cm.last_order_id * 8 + 6, 'lapsed', cm.company_id, cm.partner_id,
                   COALESCE(customer.user_id, cm.user_id), NULL::integer, (cm.month + interval '1 month')::date,
                   %(measures)s
              FROM customer_months cm
              JOIN res_partner customer ON customer.id = cm.partner_id
              JOIN company_tz tz ON tz.company_id = cm.company_id
             WHERE (cm.next_month IS NULL OR cm.next_month != (cm.month + interval '1 month')::date)
               AND cm.month < date_trunc('month', timezone(tz.name, now()))::date
            """,
            measures=measures(previous_customer_count=SQL("1")),
        )
        return SQL(
            """
            WITH company_tz AS (
                SELECT c.id AS company_id, COALESCE(NULLIF(p.tz, ''), 'UTC') AS name
                  FROM res_company c JOIN res_partner p ON p.id = c.partner_id
            ), orders AS (
                SELECT so.id, so.company_id, customer.commercial_partner_id AS partner_id, so.user_id,
                       %(order_month)s AS month
                  FROM sale_order so
                  JOIN res_partner customer ON customer.id = so.partner_id
                  JOIN company_tz tz ON tz.company_id = so.company_id
                 WHERE so.state = 'sale'
            ), months AS (
                SELECT company_id, partner_id, month, MIN(id) AS first_order_id, MAX(id) AS last_order_id,
                       (ARRAY_AGG(user_id ORDER BY id DESC))[1] AS user_id
                  FROM orders GROUP BY company_id, partner_id, month
            ), customer_months AS (
                SELECT months.*,
                       MIN(month) OVER customer AS first_month,
                       LAG(month) OVER customer_in_time AS previous_month,
                       LEAD(month) OVER customer_in_time AS next_month
                  FROM months
                WINDOW customer AS (PARTITION BY company_id, partner_id),
                       customer_in_time AS (PARTITION BY company_id, partner_id ORDER BY month)
            )
            %(deliveries)s
            UNION ALL %(complaints)s
            UNION ALL %(closures)s
            UNION ALL %(surveys)s
            UNION ALL %(customers)s
            UNION ALL %(lapsed)s
            """,
            order_month=month(local(SQL("so.date_order"))),
            deliveries=deliveries, complaints=complaints, closures=closures, surveys=surveys,
            customers=customers, lapsed=lapsed,
        )
