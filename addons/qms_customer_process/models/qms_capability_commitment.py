from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class QmsCapabilityCommitment(models.Model):
    _name = "qms.capability.commitment"
    _description = "Capability Commitment (Initial Review)"
    _inherit = ["qms.workflow.mixin", "mail.thread"]
    _order = "date_from desc, id desc"
    _qms_transition_fields = ("state", "approved_by_id", "approved_on", "source_order_ids")
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    date_from = fields.Date(string="Valid From", required=True, tracking=True)
    date_to = fields.Date(string="Valid To", required=True, tracking=True)
    product_tmpl_ids = fields.Many2many("product.template", string="Products", check_company=True)
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    capacity_qty = fields.Float(
        string="Capacity per Month",
        digits="Product Unit of Measure",
        help="Largest quantity of one product the company commits to deliver on one order within "
        "a month. Zero: no quantity limit.",
    )
    lead_time_days = fields.Integer(
        string="Lead Time (days)",
        help="Shortest lead time the company commits to. Zero: no lead time limit.",
    )
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approved_on = fields.Datetime(readonly=True, copy=False)
    source_order_ids = fields.Many2many(
        "sale.order",
        string="Added From Special Orders",
        check_company=True,
        readonly=True,
        copy=False,
        help="Special orders delivered successfully whose products were added to this commitment.",
    )
    note = fields.Html()

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for commitment in self:
            if commitment.date_to < commitment.date_from:
                raise ValidationError(self.env._("A capability commitment cannot end before it starts."))

    @api.constrains("capacity_qty", "lead_time_days")
    def _check_limits(self):
        for commitment in self:
            if commitment.capacity_qty < 0 or commitment.lead_time_days < 0:
                raise ValidationError(self.env._("Capacity and lead time cannot be negative."))

    def write(self, vals):
        self._qms_check_values(vals)
        protected = {"date_from", "date_to", "product_tmpl_ids", "categ_ids", "capacity_qty", "lead_time_days"}
        if protected & set(vals) and any(c.state == "approved" for c in self) and not self.env.su:
            raise UserError(self.env._("An approved capability commitment cannot be changed; cancel it and approve a new one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(c.state != "draft" for c in self):
            raise UserError(self.env._("Only draft capability commitments can be deleted; archive the others."))

    def _qms_check_general_manager(self, message):
        self._qms_check_role(["qms_customer_process.group_qms_general_manager"], message)

    def action_approve(self):
        self._qms_check_general_manager(self.env._("Only the general manager approves capability commitments."))
        if any(c.state != "draft" for c in self):
            raise UserError(self.env._("Only draft capability commitments can be approved."))
        self._qms_write_transition({
            "state": "approved", "approved_by_id": self.env.user.id, "approved_on": fields.Datetime.now(),
        })
        return True

    def action_cancel(self):
        self._qms_check_general_manager(self.env._("Only the general manager cancels capability commitments."))
        if any(c.state == "cancel" for c in self):
            raise UserError(self.env._("This capability commitment is already cancelled."))
        self._qms_write_transition({"state": "cancel"})
        return True

    @api.model
    def _qms_valid_for(self, company, date):
        return self.search([
            ("company_id", "=", company.id),
            ("state", "=", "approved"),
            ("date_from", "<=", date),
            ("date_to", ">=", date),
        ])

    def _qms_covers(self, product):
        """The commitments of ``self`` that cover ``product`` (by product or by category)."""
        categ_ids = {int(c) for c in (product.categ_id.parent_path or "").split("/") if c}
        return self.filtered(
            lambda c: product.product_tmpl_id in c.product_tmpl_ids or categ_ids & set(c.categ_ids.ids)
        )
