from odoo import fields, models
from odoo.exceptions import UserError

from ..models.qms_customer_property import INCIDENT_TYPES


class QmsCustomerPropertyWizard(models.TransientModel):
    """The steps of a customer property that take a text: quality's verification on receipt, the
    return, the loss or damage reported to the customer, the customer's answer."""

    _name = "qms.customer.property.wizard"
    _description = "Customer Property Step"
    _rec_name = "property_id"

    property_id = fields.Many2one("qms.customer.property", string="Customer Property", required=True, readonly=True,
                                  ondelete="cascade")
    step = fields.Selection(
        [("verify", "Verification on Receipt"), ("return", "Return to the Customer"),
         ("loss", "Loss or Damage"), ("answer", "Customer's Answer")],
        required=True, readonly=True,
    )
    verification_result = fields.Selection(
        [("conforming", "Conforming"), ("nonconforming", "Nonconforming")], default="conforming",
    )
    incident_type = fields.Selection(INCIDENT_TYPES, default="lost")
    answered_by = fields.Char(string="Answered By (customer)")
    text = fields.Text(string="Record")

    def action_apply(self):
        self.ensure_one()
        prop = self.property_id
        if self.step == "verify":
            prop.action_verify(result=self.verification_result, note=self.text or None)
        elif self.step == "return":
            prop.action_return(note=self.text or None)
        elif self.step == "loss":
            prop.action_report_loss(incident_type=self.incident_type, description=self.text or None)
        elif self.step == "answer":
            prop.action_record_customer_answer(answer=self.text or None, answered_by=self.answered_by or None)
        else:
            raise UserError(self.env._("Unknown step of a customer property."))
        return {"type": "ir.actions.act_window_close"}
