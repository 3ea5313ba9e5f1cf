from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

PARETO_GROUPBYS = [
    ("complaint_type", "Complaint Type"),
    ("root_cause_category", "Root-Cause Category"),
    ("product_id", "Product"),
    ("commercial_partner_id", "Customer"),
]


class QmsComplaintPareto(models.TransientModel):
    _name = "qms.complaint.pareto"
    _description = "Complaint Pareto Analysis"

    group_by = fields.Selection(PARETO_GROUPBYS, string="Analyse By", required=True, default="complaint_type")
    date_from = fields.Date(string="From", required=True,
                            default=lambda self: fields.Date.context_today(self).replace(month=1, day=1))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    include_rejected = fields.Boolean(string="Include Rejected Complaints")
    partner_id = fields.Many2one("res.partner", string="Customer", help="Leave empty to analyse every customer.")
    line_ids = fields.One2many("qms.complaint.pareto.line", "pareto_id", string="Lines", readonly=True)
    total = fields.Integer(string="Complaints", readonly=True)

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for pareto in self:
            pareto.display_name = self.env._(
                "Complaint Pareto %(date_from)s – %(date_to)s",
                date_from=format_date(self.env, pareto.date_from), date_to=format_date(self.env, pareto.date_to),
            )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        if any(pareto.date_from > pareto.date_to for pareto in self):
            raise UserError(self.env._("The period of a Pareto analysis must end after it starts."))

    def _complaint_domain(self):
        self.ensure_one()
        domain = [
            ("date_received", ">=", fields.Datetime.to_datetime(self.date_from)),
            ("date_received", "<", fields.Datetime.to_datetime(fields.Date.add(self.date_to, days=1))),
        ]
        if self.partner_id:
            domain.append(("commercial_partner_id", "=", self.partner_id.commercial_partner_id.id))
        if not self.include_rejected:
            domain.append(("state", "!=", "rejected"))
        return domain

    def action_compute(self):
        self.ensure_one()
        rows = self.env["qms.customer.complaint"]._qms_pareto(self.group_by, self._complaint_domain())
        self.line_ids = [(5, 0, 0)] + [(0, 0, {
            "sequence": index,
            "label": row["label"] or self.env._("Undefined"),
            "count": row["count"],
            "percent": row["percent"],
            "cumulative_percent": row["cumulative_percent"],
        }) for index, row in enumerate(rows)]
        self.total = sum(row["count"] for row in rows)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Complaint Pareto"),
        }
