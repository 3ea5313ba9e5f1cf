from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

SEVERITIES = [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")]


class QmsComplaintDeadline(models.Model):
    _name = "qms.complaint.deadline"
    _description = "Complaint Deadlines per Severity"
    _inherit = ["qms.workflow.mixin"]
    _order = "company_id, severity"

    severity = fields.Selection(SEVERITIES, required=True)
    company_id = fields.Many2one(
        "res.company", index=True,
        help="Leave empty to apply to every company that has no deadline of its own for this severity.",
    )
    acknowledge_hours = fields.Integer(
        string="Acknowledge Within (working hours)", required=True, default=24,
        help="Working hours after receipt within which the complaint must be acknowledged to the customer, "
        "on the company's working calendar.",
    )
    respond_days = fields.Integer(
        string="Respond Within (working days)", required=True, default=7,
        help="Working days after the day of receipt by the end of which a solution must be proposed to the "
        "customer, on the company's working calendar.",
    )
    close_days = fields.Integer(
        string="Close Within (working days)", required=True, default=20,
        help="Working days after the day of receipt by the end of which the complaint must be closed, on the "
        "company's working calendar.",
    )
    recurrence_days = fields.Integer(
        string="Recurrence Window (days)", required=True, default=90,
        help="A complaint is a recurrence when the same product had a complaint of the same type "
        "within this many days before it.",
    )

    @api.depends("severity", "company_id.name")
    def _compute_display_name(self):
        labels = dict(self._fields["severity"]._description_selection(self.env))
        for deadline in self:
            name = self.env._("%s complaints", labels.get(deadline.severity, ""))
            deadline.display_name = f"{name} ({deadline.company_id.name})" if deadline.company_id else name

    # The constraint is the unique index made in _auto_init: a plain unique(severity, company_id)
    # lets two shared deadlines (company_id empty, NULLs are distinct) exist for one severity.
    _sql_constraints = [
        ("severity_company_uniq", "", "One deadline per severity and company, and one shared deadline per severity."),
    ]

    def _auto_init(self):
        res = super()._auto_init()
        tools.create_unique_index(
            self._cr, "qms_complaint_deadline_severity_company_uniq", self._table,
            ["severity", "COALESCE(company_id, 0)"],
        )
        return res

    @api.constrains("acknowledge_hours", "respond_days", "close_days", "recurrence_days")
    def _check_positive(self):
        for deadline in self:
            if min(deadline.acknowledge_hours, deadline.respond_days, deadline.close_days,
                   deadline.recurrence_days) <= 0:
                raise ValidationError(self.env._("Complaint deadlines and the recurrence window must be positive."))

    @api.model
    def _for(self, severity, company):
        """The deadline of a severity in a company: the company's own, else the shared one;
        never another company's."""
        return self._qms_by_severity_company({severity}, company)[severity, company.id]

    @api.model
    def _qms_by_severity_company(self, severities, companies):
        """{(severity, company id): deadline} for every given severity and company (company id
        False: no company, the shared deadline), in one query: the company's own deadline wins
        over the shared one."""
        # sudo: the deadlines are configuration the procedure applies to every complaint of the
        # company, whoever records or reads it.
        deadlines = self.sudo().search([
            ("severity", "in", list(severities)), ("company_id", "in", [False, *companies.ids]),
        ]).with_env(self.env)
        shared = {deadline.severity: deadline for deadline in deadlines if not deadline.company_id}
        own = {(deadline.severity, deadline.company_id.id): deadline for deadline in deadlines if deadline.company_id}
        return {
            (severity, company_id): own.get((severity, company_id)) or shared.get(severity) or self.browse()
            for severity in severities for company_id in [False, *companies.ids]
        }
