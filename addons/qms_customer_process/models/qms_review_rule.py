from odoo import api, fields, models
from odoo.exceptions import ValidationError


class QmsReviewRule(models.Model):
    _name = "qms.review.rule"
    _description = "Contract Review Rule"
    _inherit = ["qms.workflow.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10,
        help="Review lines open in this order: a line waits until every line of a lower sequence "
        "of the same revision is accepted. Lines of the same sequence are reviewed in parallel.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True,
        help="Leave empty to share the rule with every company. A company's own rules for a department "
        "and timing replace the shared rules for that department and timing.",
    )
    role_id = fields.Many2one(
        "qms.review.role", string="Department", required=True, ondelete="restrict", check_company=True,
        help="A shared rule names a shared department; a company that has its own department of the same "
        "code gets that department.",
    )
    contract_type = fields.Selection(
        [("any", "Any"), ("regular", "Regular"), ("special", "Special")],
        required=True,
        default="any",
    )
    amount_over_threshold = fields.Boolean(
        string="Amount At or Over Threshold",
        help="Applies only when the order total is at or over the company's contract review "
        "amount threshold (and that threshold is set).",
    )
    stock_insufficient = fields.Boolean(
        help="Applies only when the free stock of a storable product is lower than the ordered quantity.",
    )
    categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Applies only when the order has a product of one of these categories (or their subcategories).",
    )
    timing = fields.Selection(
        [("quotation", "Before confirmation"), ("delivery", "On delivery (simplified review)")],
        required=True,
        default="quotation",
        help="Before confirmation: the department reviews the quotation when review is requested. "
        "On delivery: the simplified review of regular orders (procedure 4.2.5), recorded when the "
        "delivery is validated, unless the company reviews regular orders before confirmation.",
    )

    @api.constrains("timing", "contract_type")
    def _check_timing(self):
        for rule in self:
            if rule.timing == "delivery" and rule.contract_type != "regular":
                raise ValidationError(self.env._("Only rules for regular contracts can be recorded on delivery."))

    def _qms_matches(self, order, facts):
        """Whether this rule applies to ``order``; ``facts`` holds what is costly to compute once."""
        self.ensure_one()
        if self.company_id and self.company_id != order.company_id:
            return False
        if self.contract_type != "any" and self.contract_type != order.qms_contract_type:
            return False
        if self.amount_over_threshold and not facts["over_threshold"]:
            return False
        if self.stock_insufficient and not facts["stock_insufficient"]:
            return False
        if self.categ_ids and not (facts["categories"] & set(self.categ_ids.ids)):
            return False
        return True

    @api.model
    def _qms_rules_for(self, order, timings=("quotation",)):
        """The active rules that apply to ``order`` for the given timings."""
        rules = self._qms_by_company(order.company_id, timings)[order.company_id.id]
        if not rules:
            return rules
        facts = order._qms_review_facts(need_stock=any(rules.mapped("stock_insufficient")))
        return rules.filtered(lambda rule: rule._qms_matches(order, facts))

    @api.model
    def _qms_by_company(self, companies, timings):
        """{company id: the active rules of ``timings`` of that company (as superuser)}, in one
        query: the company's own rules and the shared ones, except the shared rules of a department
        (by code) and timing for which the company has rules of its own; never another company's."""
        # sudo: the review rules are configuration the procedure applies to every order of the
        # company, whoever requests, confirms (the customer on the portal) or delivers it.
        rules = self.sudo().search([
            ("timing", "in", list(timings)), ("company_id", "in", [False, *companies.ids]),
        ])
        shared = rules.filtered(lambda rule: not rule.company_id)
        result = {False: shared}
        for company in companies:
            own = rules.filtered(lambda rule, company=company: rule.company_id == company)
            replaced = {(rule.role_id.code, rule.timing) for rule in own}
            result[company.id] = rules.filtered(
                lambda rule, own=own, replaced=replaced: rule in own
                or (not rule.company_id and (rule.role_id.code, rule.timing) not in replaced)
            )
        return result

    def _qms_role_for(self, company):
        """The department that reviews for this rule in ``company``: the company's own department
        of the rule's department code wins over the shared one."""
        self.ensure_one()
        return self.role_id._qms_for_company(company) or self.role_id
