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

    # Samples (procedure step 7): the samples customers approved for this product.
    qms_approved_sample_count = fields.Integer(
        string="Approved Samples", compute="_compute_qms_approved_sample_count",
    )

    def _compute_qms_approved_sample_count(self):
        # sudo: an approved sample is the reference of the product (procedure step 7); the count
        # is shown to whoever sees the product.
        Line = self.env["qms.sample.request.line"].sudo()
        groups = Line._read_group(
            [("product_id.product_tmpl_id", "in", self.ids), ("request_id.customer_decision", "=", "approved")],
            ["product_id"], ["request_id:count_distinct"],
        )
        counts = {}
        for product, count in groups:
            counts[product.product_tmpl_id.id] = counts.get(product.product_tmpl_id.id, 0) + count
        for template in self:
            template.qms_approved_sample_count = counts.get(template.id, 0)

    def action_qms_view_approved_samples(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qms_customer_process.qms_sample_request_action")
        action["domain"] = [
            ("line_ids.product_id.product_tmpl_id", "=", self.id), ("customer_decision", "=", "approved"),
        ]
        action["context"] = {}
        return action
