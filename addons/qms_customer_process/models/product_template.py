from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    qms_standard_product = fields.Boolean(
        string="Standard Product",
        default=True,
        tracking=True,
        help="A standard (type-approved) product the company already makes routinely. Orders for "
        "a product that is not standard are special contracts and get the full contract review.",
    )
