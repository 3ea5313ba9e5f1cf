from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    qms_quarantine = fields.Boolean(
        string="Quarantine Location", copy=False, index=True,
        help="Suspect stock contained for a customer complaint (8D D3) waits here: the Quarantine button of a "
             "complaint moves it here. Made once per warehouse, outside its stock location, so that deliveries "
             "never reserve from it.",
    )
