from odoo import fields, models, tools
from odoo.tools import SQL

from .qms_complaint_deadline import SEVERITIES
from .qms_customer_complaint import SLA_STATES


class QmsComplaintSlaReport(models.Model):
    """The complaints' deadlines met and missed (read-only, SQL): one row per complaint and
    deadline (acknowledge, respond, close) whose outcome is known, from the facts stored on the
    complaint: met or missed when the step was done, missed as soon as the scheduled job found
    the deadline passed with the step still to do. ``on_time_rate`` is 100 for a deadline met and
    0 for one missed: its average over any group is the share of deadlines met (procedure 8.2.1,
    complaints answered in time)."""

    _name = "qms.complaint.sla.report"
    _description = "Complaint Deadlines Met"
    _auto = False
    _order = "date_received desc, complaint_id desc, stage"
    _rec_name = "complaint_id"

    complaint_id = fields.Many2one("qms.customer.complaint", string="Complaint", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    salesperson_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    department_id = fields.Many2one("qms.review.role", string="Responsible Department", readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    complaint_type = fields.Selection(
        selection=lambda self: self.env["qms.customer.complaint"]._fields["complaint_type"].selection,
        string="Type", readonly=True,
    )
    date_received = fields.Datetime(string="Received On", readonly=True)
    stage = fields.Selection(
        [("acknowledge", "Acknowledge"), ("respond", "Respond"), ("close", "Close")], string="Deadline", readonly=True,
    )
    deadline = fields.Datetime(string="Due By", readonly=True)
    sla_state = fields.Selection(SLA_STATES, string="Met", readonly=True)
    on_time_rate = fields.Float(string="On-Time Share (%)", readonly=True, aggregator="avg", digits=(16, 1))
    late_count = fields.Integer(string="Missed", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %(table)s AS (
                SELECT c.id * 3 + s.n AS id,
                       c.id AS complaint_id,
                       c.company_id,
                       c.commercial_partner_id AS partner_id,
                       c.user_id,
                       c.salesperson_id,
                       c.department_id,
                       c.product_id,
                       c.severity,
                       c.complaint_type,
                       c.date_received,
                       s.stage,
                       s.deadline,
                       s.fact AS sla_state,
                       CASE WHEN s.fact = 'on_time' THEN 100.0 ELSE 0.0 END AS on_time_rate,
                       CASE WHEN s.fact = 'on_time' THEN 0 ELSE 1 END AS late_count
                  FROM qms_customer_complaint c
                 CROSS JOIN LATERAL (VALUES
                       (0, 'acknowledge', c.date_acknowledge_deadline, c.acknowledge_sla),
                       (1, 'respond', c.date_response_deadline, c.response_sla),
                       (2, 'close', c.date_close_deadline, c.closure_sla)
                 ) AS s(n, stage, deadline, fact)
                 WHERE s.fact IS NOT NULL
            )
            """,
            table=SQL.identifier(self._table),
        ))
