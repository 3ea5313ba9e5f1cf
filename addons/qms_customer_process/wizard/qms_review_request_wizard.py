from odoo import api, fields, models


class QmsReviewRequestWizard(models.TransientModel):
    """Request a rejected contract review again, with the reason the chatter keeps (a rejected
    review whose reviewed terms did not change is requested again only with a reason)."""

    _name = "qms.review.request.wizard"
    _description = "Request Contract Review Again"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", string="Order", required=True, readonly=True, ondelete="cascade")
    rejection = fields.Text(string="Rejected By", compute="_compute_rejection")
    reason = fields.Text(
        required=True,
        help="Why the order is reviewed again although its reviewed terms did not change; kept in the chatter.",
    )

    @api.depends("order_id")
    def _compute_rejection(self):
        for wizard in self:
            order = wizard.order_id
            lines = order.qms_review_line_ids.filtered(
                lambda line, order=order: line.revision == order.qms_review_revision and line.decision == "rejected"
            )
            wizard.rejection = "\n".join(
                f"{line.role_id.name}: {line.comment or ''}".strip() for line in lines
            ) or False

    def action_request(self):
        self.ensure_one()
        self.order_id.action_qms_request_review(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
