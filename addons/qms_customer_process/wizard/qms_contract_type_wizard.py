from odoo import fields, models

from ..models.sale_order import CONTRACT_TYPES


class QmsContractTypeWizard(models.TransientModel):
    """Classify an order differently from the rules, with a reason: a sales manager may make it
    special; making a special contract regular is the general manager's decision."""

    _name = "qms.contract.type.wizard"
    _description = "Override the Contract Type"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", string="Order", required=True, readonly=True, ondelete="cascade")
    computed_type = fields.Selection(related="order_id.qms_contract_type_auto", string="By the Rules")
    special_reason = fields.Text(related="order_id.qms_special_reason", string="Why Special")
    contract_type = fields.Selection(
        CONTRACT_TYPES, string="Classify As",
        help="Empty: back to the classification by the rules.",
    )
    reason = fields.Char(help="Why the order is classified differently from the rules; kept in the chatter.")

    def action_apply(self):
        self.ensure_one()
        self.order_id.action_qms_override_contract_type(self.contract_type or False, self.reason)
        return {"type": "ir.actions.act_window_close"}
