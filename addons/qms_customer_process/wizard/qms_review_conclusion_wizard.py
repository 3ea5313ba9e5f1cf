from odoo import api, fields, models


class QmsReviewConclusionWizard(models.TransientModel):
    """The organiser writes the consolidated conclusion of a contract review (procedure 4.4.4-4.4.5)
    from the departments' opinions."""

    _name = "qms.review.conclusion.wizard"
    _description = "Contract Review Conclusion"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", string="Order", required=True, readonly=True, ondelete="cascade")
    opinions = fields.Text(string="Departments' Opinions", compute="_compute_opinions")
    conclusion = fields.Text(
        required=True,
        help="Whether the special terms are clear and accepted, and the measures the company takes to meet them.",
    )

    @api.depends("order_id")
    def _compute_opinions(self):
        for wizard in self:
            order = wizard.order_id
            lines = order.qms_review_line_ids.filtered(
                lambda line, order=order: line.revision == order.qms_review_revision and line.decision != "pending"
            )
            labels = dict(lines._fields["decision"]._description_selection(self.env))
            wizard.opinions = "\n".join(
                " ".join(filter(None, [
                    f"{line.role_id.name}: {labels[line.decision]}.", line.conditions, line.comment, line.carried_note,
                ]))
                for line in lines
            ) or False

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("order_id") or self.env.context.get("default_order_id"))
        if "conclusion" in fields_list and order.exists() and order.qms_review_conclusion:
            values.setdefault("conclusion", order.qms_review_conclusion)
        return values

    def action_conclude(self):
        self.ensure_one()
        self.order_id.action_qms_conclude(self.conclusion)
        return {"type": "ir.actions.act_window_close"}
