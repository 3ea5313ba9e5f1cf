from odoo import api, fields, models
from odoo.exceptions import ValidationError


class QmsSampleRequestLine(models.Model):
    _name = "qms.sample.request.line"
    _description = "Sample Request Line"
    _inherit = ["qms.workflow.mixin"]
    _order = "request_id, sequence, id"
    _check_company_auto = True

    request_id = fields.Many2one("qms.sample.request", string="Sample Request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    state = fields.Selection(related="request_id.state")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", string="Product", index=True, check_company=True,
        help="The product the sample is of; leave empty for a product that does not exist yet and describe it.",
    )
    name = fields.Text(string="Description", required=True)
    specification = fields.Char(string="Specification / Drawing", help="Specification, model or drawing reference.")
    quantity = fields.Float(digits="Product Unit of Measure", required=True, default=1.0)
    uom_id = fields.Many2one(
        "uom.uom", string="Unit", compute="_compute_uom_id", store=True, readonly=False, precompute=True,
    )

    @api.depends("product_id")
    def _compute_uom_id(self):
        for line in self:
            if line.product_id:
                line.uom_id = line.product_id.uom_id
            elif not line.uom_id:
                line.uom_id = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id and not self.name:
            self.name = self.product_id.get_product_multiline_description_sale()

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(self.env._("The quantity of a requested sample must be positive (%s).", line.name))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.su:
            lines.request_id._qms_check_editable({"line_ids"})
        return lines

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")
            self.request_id._qms_check_editable({"line_ids"})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        self.request_id._qms_check_editable({"line_ids"})
