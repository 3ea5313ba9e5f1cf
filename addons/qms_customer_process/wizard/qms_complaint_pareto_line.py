from odoo import fields, models


class QmsComplaintParetoLine(models.TransientModel):
    _name = "qms.complaint.pareto.line"
    _description = "Complaint Pareto Line"
    _order = "sequence, id"
    _rec_name = "label"

    pareto_id = fields.Many2one("qms.complaint.pareto", required=True, ondelete="cascade")
    sequence = fields.Integer()
    label = fields.Char(string="Value")
    count = fields.Integer(string="Complaints")
    percent = fields.Float(string="Share (%)", digits=(16, 1))
    cumulative_percent = fields.Float(string="Cumulative (%)", digits=(16, 1))
