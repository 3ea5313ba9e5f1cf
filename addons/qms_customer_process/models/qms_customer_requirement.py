from odoo import api, fields, models


class QmsCustomerRequirement(models.Model):
    _name = "qms.customer.requirement"
    _description = "Customer Requirement"
    _inherit = ["qms.workflow.mixin"]
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("sale.order", string="Order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("explicit", "Explicit (stated by the customer)"),
            ("implied", "Implied (needed for the intended use)"),
            ("statutory", "Statutory and regulatory"),
            ("company", "Added by the company"),
        ],
        required=True,
        default="explicit",
    )
    topic = fields.Selection(
        [
            ("quality", "Product quality"),
            ("availability", "Availability"),
            ("delivery", "Delivery"),
            ("support", "Support services (transport, warranty, training)"),
            ("price", "Price"),
            ("other", "Other"),
        ],
        help="For explicit requirements: what the customer's requirement is about.",
    )
    description = fields.Text(required=True)
    non_standard = fields.Boolean(
        string="Non-standard",
        help="The requirement goes beyond the company's standard products or capability: the "
        "order becomes a special contract.",
    )

    @api.depends("order_id.name", "kind", "topic")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        topics = dict(self._fields["topic"]._description_selection(self.env))
        for requirement in self:
            what = topics.get(requirement.topic) or kinds.get(requirement.kind, "")
            requirement.display_name = f"{requirement.order_id.name} – {what}" if requirement.order_id else what

    @api.model_create_multi
    def create(self, vals_list):
        requirements = super().create(vals_list)
        requirements.order_id._qms_terms_changed(["qms_requirement_ids"])
        return requirements

    def write(self, vals):
        orders = self.order_id
        res = super().write(vals)
        (orders | self.order_id)._qms_terms_changed(["qms_requirement_ids"])
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders._qms_terms_changed(["qms_requirement_ids"])
        return res
