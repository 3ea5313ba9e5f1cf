from collections import defaultdict

from odoo import api, fields, models

# Line fields a contract review approves.
REVIEWED_LINE_FIELDS = {"product_id", "product_uom_qty", "product_uom", "price_unit", "discount"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._qms_reviewed_lines().order_id._qms_terms_changed(["order_line"])
        return lines

    def write(self, vals):
        names = REVIEWED_LINE_FIELDS & set(vals)
        if not names:
            return super().write(vals)
        names = sorted(names)
        reviewed = self._qms_reviewed_lines()
        before = {line.id: [line[name] for name in names] for line in reviewed}
        res = super().write(vals)
        # Only a value that really changed is an amendment of the reviewed terms; which one decides
        # which departments review the amendment.
        terms_by_order = defaultdict(set)
        for line in reviewed:
            for name, old in zip(names, before[line.id], strict=True):
                if line[name] != old:
                    terms_by_order[line.order_id].add(f"order_line.{name}")
        for order, terms in terms_by_order.items():
            order._qms_terms_changed(sorted(terms))
        return res

    def unlink(self):
        orders = self._qms_reviewed_lines().order_id
        res = super().unlink()
        orders._qms_terms_changed(["order_line"])
        return res

    def _qms_reviewed_lines(self):
        """The lines whose change concerns a contract review: of a reviewed order, or of a
        confirmed one (an amendment may make it need a review); or the resolved differences from
        a tender: of a quotation answering one, once they are resolved. Down payments and
        section/note lines are not terms a review approves."""
        return self.filtered(
            lambda line: not line.display_type and not line.is_downpayment
            and (line.order_id.qms_review_revision or line.order_id.state == "sale"
                 or (line.order_id.qms_from_tender and line.order_id.qms_tender_differences_resolved))
        )

    # Samples (procedure step 7): the approved sample a line refers to.
    qms_sample_id = fields.Many2one(
        "qms.sample.request", string="Approved Sample", compute="_compute_qms_sample_id",
        help="The latest sample of the product that this customer (its commercial entity) approved.",
    )

    @api.depends("product_id", "order_id.partner_id", "order_id.company_id")
    def _compute_qms_sample_id(self):
        lines = self.filtered("product_id")
        samples = self.env["qms.sample.request"]._qms_approved_samples(lines.product_id, lines.order_id.company_id)
        for line in self:
            company = line.order_id.company_id.id
            partner = line.order_id.partner_id.commercial_partner_id.id
            product = line.product_id.id
            line.qms_sample_id = samples.get((company, product, partner))
