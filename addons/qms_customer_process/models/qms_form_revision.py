from odoo import api, fields, models


class QmsFormRevision(models.Model):
    """The number and revision of a printed form of the procedure (e.g. QR-013-03 A/0), as the
    document control of the company issues it. The QMS administrator keeps them; every form
    prints them in its heading and on every page next to the page number."""

    _name = "qms.form.revision"
    _description = "QMS Form Number and Revision"
    _inherit = ["qms.workflow.mixin"]
    _order = "form_number, id"
    _rec_name = "form_number"

    report_id = fields.Many2one(
        "ir.actions.report", string="Printed Form", required=True, ondelete="cascade", index=True,
        domain=[("report_type", "=", "qweb-pdf")],
    )
    report_name = fields.Char(related="report_id.report_name")
    form_number = fields.Char(required=True, help="e.g. QR-013-03")
    revision = fields.Char(string="Form Revision", required=True, default="A/0", help="Edition/amendment, e.g. A/0")
    date_effective = fields.Date(string="Effective Date")
    note = fields.Char()

    _sql_constraints = [
        ("report_uniq", "unique(report_id)", "A printed form has one form number and revision."),
    ]

    @api.depends("form_number", "revision", "report_id")
    def _compute_display_name(self):
        for form in self:
            form.display_name = f"{form.form_number or ''} {form.revision or ''} {form.report_id.name or ''}".strip()

    @api.model
    def _qms_for_report(self, report_name):
        """The form number and revision printed on the form of the template ``report_name``.
        sudo: the number printed on a form is read by whoever prints the form (a portal customer
        printing a sample approval too); only the QMS administrator writes it (access rules)."""
        return self.sudo().search([("report_id.report_name", "=", report_name)], limit=1)
