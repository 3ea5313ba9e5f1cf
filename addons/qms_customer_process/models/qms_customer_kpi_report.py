import gc

from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL, sql

# What the report's facts were made from and changed in this transaction (see _qms_mark): the
# stored rows of those facts are made again before the report is read and before the commit.
DIRTY_KEY = "qms.customer.kpi.report.dirty"
DIRTY_KINDS = ("move", "complaint", "survey", "buyer", "partner")

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


# The sums, columns of the table, in the order of its rows' values.
MEASURES = {
    "delivery_count": "integer", "on_time_count": "integer", "delivered_qty": "float", "complaint_count": "integer",
    "complaint_qty": "float", "acknowledged_count": "integer", "acknowledge_hours_total": "float",
    "closed_count": "integer", "close_days_total": "float", "survey_count": "integer", "score_total": "float",
    "customer_count": "integer", "repeat_customer_count": "integer", "previous_customer_count": "integer",
    "retained_customer_count": "integer",
}


class QmsCustomerKpiReport(models.Model):
    """Customer KPIs from the ERP's own records (ISO 9001 9.1.2 and 9.3.2 c), per customer
    (commercial partner), salesperson, product category and month: a read-only table of facts
    (deliveries, complaints, surveys, customers who bought), one row per fact, made with SQL from
    the records and kept up to date as they change (_qms_mark, _qms_refresh): reading a year
    reads the year's rows through indexes instead of computing every delivery ever made again.
    The sums are columns; the rates are computed from the sums of any group of rows, so that a PPM
    or an on-time rate is right at every level of a pivot.

    The rows of a fact are made again when the ORM changes what it is made from: a done delivery
    move, its transfer or order (stock.move, stock.picking, sale.order), a complaint, a survey, the
    orders of a customer (its customer months), a customer's company or salesperson (res.partner).
    What changes under the ORM (SQL, a product's category, a company's time zone) is caught by the
    daily rebuild (_cron_rebuild)."""

    _name = "qms.customer.kpi.report"
    _description = "Customer KPI Analysis"
    _rec_name = "date"
    _order = "date desc, id desc"
    _log_access = False

    fact = fields.Selection(FACTS, readonly=True, index=True)
    date = fields.Date(
        string="Month", readonly=True, index=True,
        help="The first day of the month of the fact, in the time zone of the company's address: a delivery's done "
             "date, a complaint's reception (its closing for closing times), a survey's campaign period, a customer's "
             "orders.",
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True,
                                 help="The customer company.")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, index=True,
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

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Every group, in the order of what they are grouped by (what the pivot, the graph and
        the grouped list ask): grouped by the columns alone in SQL, then put in the order of the
        customers', salespeople's and categories' own ``_order``. Ordered by name in SQL, the
        query joins those tables and groups by their rows too, which PostgreSQL cannot estimate:
        a year of 10,000 customers by quarter spilled to disk and took twice as long as 5,000."""
        groupby = list(groupby)
        comodels = {index: field.comodel_name for index, field in (
            (index, self._fields[spec.split(":")[0].split(".")[0]]) for index, spec in enumerate(groupby)
        ) if field.type == "many2one"}
        if not comodels or limit or offset or not order \
                or [term.strip() for term in order.split(",")] != groupby:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        rows = super()._read_group(domain, groupby, aggregates, having)
        ranks = {}
        for index, comodel in comodels.items():
            ids = list({row[index].id for row in rows if row[index]})
            # sudo: only the order of the records grouped by, which the groups show by name.
            ordered = self.env[comodel].sudo().with_context(active_test=False).search([("id", "in", ids)])
            ranks[index] = {record_id: rank for rank, record_id in enumerate(ordered.ids)}

        def key(row):
            # Empty groups last, where PostgreSQL puts NULL in ascending order.
            parts = []
            for index, value in enumerate(row[:len(groupby)]):
                if index in ranks:
                    parts.append((ranks[index].get(value.id, len(ranks[index])),))
                else:
                    empty = value is None or value is False
                    parts.append((empty, None if empty else value))
            return parts

        return sorted(rows, key=key)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """The groups of the pivot, the graph and grouped lists, made with Python's cycle
        collector paused (reference counting still frees what is no longer used): a year by
        customer and quarter is 50,000 groups, a million objects, and the collector went over
        all of them again and again as they were made, a quarter of the time at 5,000 customers
        and more at 10,000."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        finally:
            if collecting:
                gc.enable()

    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """The names of the records grouped by (customers above all) read at once: the ORM reads
        them in batches of 1,000, one query more for every 1,000 customers of a pivot."""
        for group in lazy_groupby:
            field = self._fields[group.split(":")[0].split(".")[0]]
            if field.type == "many2one":
                records = self.env[field.comodel_name].browse(
                    {row[group].id for row in rows_dict if isinstance(row[group], models.BaseModel) and row[group]})
                if len(records) > 1:
                    stored = [name for name, record_field in records._fields.items()
                              if record_field.store and record_field.prefetch is True and record_field.column_type]
                    records.sudo().fetch(stored)
        return super()._read_group_format_result(rows_dict, lazy_groupby)

    @api.model
    def _search(self, domain, *args, **kwargs):
        """The rows as of now: the facts changed in this transaction are made again first; a
        customer's "previous month" row (``lapsed``) counts from the month it is about, never
        before (it is stored in advance)."""
        if not kwargs.get("bypass_access"):
            self.browse().check_access("read")
        # The rows are derived data, made by SQL from the records whoever reads first.
        self._qms_refresh_pending()
        today = fields.Date.context_today(self.with_context(tz=self.env.company.partner_id.tz or "UTC"))
        domain = expression.AND([domain or [], ["|", ("fact", "!=", "lapsed"), ("date", "<=", today)]])
        return super()._search(domain, *args, **kwargs)

    # ------------------------------------------------------------------
    # The stored facts
    # ------------------------------------------------------------------

    def _auto_init(self):
        # Up to 18.0.3.0.0 the report was a SQL view of the same name: the table replaces it.
        if sql.table_kind(self.env.cr, self._table) == sql.TableKind.View:
            tools.drop_view_if_exists(self.env.cr, self._table)
        return super()._auto_init()

    def init(self):
        cr = self.env.cr
        # What the refresh of a customer's facts finds them by: the moves delivered to a contact
        # without a transfer or order (stock.move.partner_id has no index of its own).
        tools.create_index(cr, "qms_stock_move_partner_id_index", "stock_move", ["partner_id"],
                           where="partner_id IS NOT NULL")
        tools.create_index(cr, "qms_customer_kpi_report_partner_fact_index", self._table, ["partner_id", "fact"])
        # A new table (install on a database with orders, upgrade from 18.0.3.0.0, where the
        # report was a view) is filled from the records at once.
        cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(self._table)))
        if not cr.fetchone():
            self._qms_rebuild()

    @api.model
    def _qms_mark(self, kind, ids):
        """Record that the facts made of these records changed in this transaction: ``move``
        (stock.move ids), ``complaint``, ``survey`` (their ids), ``buyer`` (commercial partners
        whose confirmed orders changed: their customer months), ``partner`` (commercial partners
        all of whose facts change: their company or salesperson). Their rows are made again
        before the report is read in this transaction, and before it commits."""
        ids = {record_id for record_id in ids if record_id}
        if not ids:
            return
        data = self.env.cr.precommit.data
        if DIRTY_KEY not in data:
            data[DIRTY_KEY] = {name: set() for name in DIRTY_KINDS}
            self.env.cr.precommit.add(self.sudo()._qms_refresh_pending)
        data[DIRTY_KEY][kind] |= ids

    @api.model
    def _qms_refresh_pending(self):
        data = self.env.cr.precommit.data
        while any(data.get(DIRTY_KEY, {}).values()):
            dirty = data.pop(DIRTY_KEY)
            # The records as the ORM left them (their flush may mark more facts: the loop).
            self.env.flush_all()
            pending = data.pop(DIRTY_KEY, None)
            if pending:
                for name, ids in pending.items():
                    dirty[name] |= ids
            self._qms_refresh(**{name: dirty[name] for name in DIRTY_KINDS})

    @api.model
    def _qms_refresh(self, move=(), complaint=(), survey=(), buyer=(), partner=()):
        """Make the rows of these facts again from the records (see _qms_mark): delete them and
        insert what the records say now, in a few queries whatever the number of facts."""
        cr = self.env.cr
        moves, complaints, surveys, buyers, partners = (set(ids) for ids in (move, complaint, survey, buyer, partner))
        if partners:
            # Every fact of these customers, whatever it was made of; and the rows they had.
            cr.execute(SQL(
                """
                SELECT m.id FROM stock_move m
                  JOIN stock_picking pk ON pk.id = m.picking_id
                  JOIN sale_order so ON so.id = pk.sale_id
                  JOIN res_partner customer ON customer.id = so.partner_id
                 WHERE customer.commercial_partner_id = ANY(%(partners)s) AND m.state = 'done'
                UNION
                SELECT m.id FROM stock_move m
                  JOIN stock_picking pk ON pk.id = m.picking_id
                  JOIN res_partner customer ON customer.id = pk.partner_id
                 WHERE customer.commercial_partner_id = ANY(%(partners)s) AND m.state = 'done'
                UNION
                SELECT m.id FROM stock_move m
                  JOIN res_partner customer ON customer.id = m.partner_id
                 WHERE customer.commercial_partner_id = ANY(%(partners)s) AND m.state = 'done'
                UNION
                SELECT (id - 1) / 8 FROM %(table)s WHERE partner_id = ANY(%(partners)s) AND fact = 'delivery'
                """,
                partners=list(partners), table=SQL.identifier(self._table),
            ))
            moves.update(row[0] for row in cr.fetchall())
            cr.execute(SQL(
                "SELECT id FROM qms_customer_complaint WHERE commercial_partner_id = ANY(%(partners)s) "
                "UNION SELECT (id - 2) / 8 FROM %(table)s WHERE partner_id = ANY(%(partners)s) AND fact = 'complaint' "
                "UNION SELECT (id - 3) / 8 FROM %(table)s WHERE partner_id = ANY(%(partners)s) AND fact = 'closure'",
                partners=list(partners), table=SQL.identifier(self._table),
            ))
            complaints.update(row[0] for row in cr.fetchall())
            cr.execute(SQL(
                "SELECT s.id FROM qms_satisfaction_survey s JOIN res_partner customer ON customer.id = s.partner_id "
                " WHERE customer.commercial_partner_id = ANY(%(partners)s) "
                "UNION SELECT (id - 4) / 8 FROM %(table)s WHERE partner_id = ANY(%(partners)s) AND fact = 'survey'",
                partners=list(partners), table=SQL.identifier(self._table),
            ))
            surveys.update(row[0] for row in cr.fetchall())
            buyers |= partners
        if not (moves or complaints or surveys or buyers):
            return
        fact_ids = [move_id * 8 + 1 for move_id in moves] + [complaint_id * 8 + kind for complaint_id in complaints
                                                              for kind in (2, 3)] + [survey_id * 8 + 4 for survey_id in surveys]
        cr.execute(SQL(
            "DELETE FROM %(table)s WHERE id = ANY(%(ids)s) OR (partner_id = ANY(%(buyers)s) AND fact IN ('customer', 'lapsed'))",
            table=SQL.identifier(self._table), ids=fact_ids, buyers=list(buyers),
        ))
        self._qms_insert(SQL("m.id = ANY(%s)", list(moves)), SQL("c.id = ANY(%s)", list(complaints)),
                         SQL("s.id = ANY(%s)", list(surveys)), SQL("customer.commercial_partner_id = ANY(%s)", list(buyers)))
        self.invalidate_model()

    @api.model
    def _qms_rebuild(self):
        """Make every row again from the records: on install and upgrade, and daily (what
        changed under the ORM)."""
        self.env.flush_all()
        self.env.cr.precommit.data.pop(DIRTY_KEY, None)
        self.env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(self._table)))
        self._qms_insert()
        self.invalidate_model()

    @api.model
    def _cron_rebuild(self):
        """The daily rebuild (scheduled action): what changed without the ORM, a product's
        category, a company's time zone."""
        self._qms_rebuild()

    @api.model
    def _qms_insert(self, moves=None, complaints=None, surveys=None, buyers=None):
        columns = ["id", "fact", "company_id", "partner_id", "user_id", "product_categ_id", "date", *MEASURES]
        self.env.cr.execute(SQL(
            "INSERT INTO %s (%s) %s",
            SQL.identifier(self._table), SQL(", ").join(SQL.identifier(name) for name in columns),
            self._query(moves, complaints, surveys, buyers),
        ))

    @api.model
    def _query(self, move_filter=None, complaint_filter=None, survey_filter=None, buyer_filter=None):
        """The facts, as rows of the table: those of the done moves, complaints and surveys the
        conditions select (on ``m``, ``c``, ``s``), and the customer months of the customers
        ``buyers`` selects (on ``customer``, the partner of an order); all of them by default."""
        everything = SQL("TRUE")
        move_filter, complaint_filter, survey_filter, buyer_filter = (
            condition or everything for condition in (move_filter, complaint_filter, survey_filter, buyer_filter))
        # Months and days in the time zone of the company's address (UTC without one); datetimes
        # are stored in UTC.
        def local(column):
            return SQL("timezone(tz.name, timezone('UTC', %s))", column)

        def month(column):
            return SQL("date_trunc('month', %s)::date", column)

        zero = {name: SQL("0") if kind == "integer" else SQL("0.0::float8") for name, kind in MEASURES.items()}

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
                 WHERE m.state = 'done' AND %(moves)s
                OFFSET 0
              ) d
              JOIN company_tz tz ON tz.company_id = d.company_id
            """,
            month=month(local(SQL("d.date"))), moves=move_filter,
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
             WHERE c.state != 'rejected' AND c.commercial_partner_id IS NOT NULL AND %(complaints)s
            """,
            month=month(local(SQL("c.date_received"))), complaints=complaint_filter,
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
               AND %(complaints)s
            """,
            month=month(local(SQL("c.date_closed"))), complaints=complaint_filter,
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
             WHERE s.state IN ('answered', 'analysed') AND %(surveys)s
            """,
            surveys=survey_filter, measures=measures(survey_count=SQL("1"), score_total=SQL("COALESCE(s.score, 0.0)::float8")),
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
        # Stored in advance: the report shows a "previous month" row from the month it is about
        # (see _search).
        lapsed = SQL(
            """
            SELECT cm.last_order_id * 8 + 6, 'lapsed', cm.company_id, cm.partner_id,
                   COALESCE(customer.user_id, cm.user_id), NULL::integer, (cm.month + interval '1 month')::date,
                   %(measures)s
              FROM customer_months cm
              JOIN res_partner customer ON customer.id = cm.partner_id
             WHERE cm.next_month IS NULL OR cm.next_month != (cm.month + interval '1 month')::date
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
                 WHERE so.state = 'sale' AND %(buyers)s
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
            order_month=month(local(SQL("so.date_order"))), buyers=buyer_filter,
            deliveries=deliveries, complaints=complaints, closures=closures, surveys=surveys,
            customers=customers, lapsed=lapsed,
        )
