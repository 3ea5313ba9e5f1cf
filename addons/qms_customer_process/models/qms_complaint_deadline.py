from odoo import api, fields, models
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
        string="Acknowledge Within (hours)", required=True, default=24,
        help="Hours after receipt within which the complaint must be acknowledged to the customer.",
    )
    respond_days = fields.Integer(
        string="Respond Within (days)", required=True, default=7,
        help="Days after receipt within which a solution must be proposed to the customer.",
    )
    recurrence_days = fields.Integer(
        string="Recurrence Window (days)", required=True, default=90,
        help="A complaint is a recurrence when the same product had a complaint of the same type "
        "within this many days before it.",
    )

    _sql_constraints = [
        ("severity_company_uniq", "unique(severity, company_id)", "One deadline per severity and company."),
    ]

    @api.constrains("acknowledge_hours", "respond_days", "recurrence_days")
    def _check_positive(self):
        for deadline in self:
            if min(deadline.acknowledge_hours, deadline.respond_days, deadline.recurrence_days) <= 0:
                raise ValidationError(self.env._("Complaint deadlines and the recurrence window must be positive."))

    @api.model
    def _for(self, severity, company):
        """The deadline of a severity in a company: the company's own, else the shared one."""
        deadlines = self.search([("severity", "=", severity), ("company_id", "in", [company.id, False])])
        return deadlines.filtered("company_id")[:1] or deadlines[:1]
