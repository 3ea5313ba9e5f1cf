from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

# The changed terms of an order (sale.order._qms_terms_changed): a field of the order by its name,
# a field of its lines as "order_line.<name>", lines added or removed as "order_line", and
# "*" for changes the order did not record (an order outdated before 18.0.3): they concern everyone.
ALL_TERMS = "*"
# The code of the general manager's department: it approves after the departments, after the
# organiser's conclusion on a special contract, and decides every revision of a special contract again.
GM_CODE = "general_manager"
LINES_TERM = "order_line"


class QmsReviewRole(models.Model):
    _name = "qms.review.role"
    _description = "Reviewing Department"
    _inherit = ["qms.workflow.mixin"]
    _order = "sequence, id"

    name = fields.Char(string="Department", required=True, translate=True)
    code = fields.Char(required=True, help="Technical code, unique per company.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True,
        help="Leave empty to share the department with every company that has no department of its own "
        "with this code.",
    )
    group_id = fields.Many2one(
        "res.groups",
        string="Deciding Group",
        required=True,
        help="Members of this group may decide this department's review lines.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Default Reviewers",
        help="Users who get a to-do when this department must review an order.",
    )
    manager_id = fields.Many2one(
        "res.users", string="Department Manager", domain="[('share', '=', False)]",
        help="Gets the escalations of the department's overdue complaints and corrective actions "
        "(without a manager: the default reviewers).",
    )
    checklist = fields.Text(
        string="Review Topics",
        translate=True,
        help="What this department checks, one topic per line; printed on the review form.",
    )
    field_ids = fields.Many2many(
        "ir.model.fields", "qms_review_role_field_rel", "role_id", "field_id",
        string="Reviewed Terms",
        domain=lambda self: self._qms_field_domain(),
        help="The reviewed terms of an order that concern this department (procedure 4.5/4.7: the departments "
        "concerned by a change review it again). After an amendment, the department reviews the new revision "
        "only when one of these terms changed; otherwise its decision is carried over. Empty: every change "
        "concerns the department.",
    )
    capability_countersign = fields.Boolean(
        string="Countersigns the Initial Review",
        help="The head of this department countersigns the yearly capability review (初始评审, procedure 4.3.2) "
        "before the general manager approves it.",
    )

    # The constraint is the unique index made in _auto_init: a plain unique(code, company_id)
    # lets two shared departments (company_id empty, NULLs are distinct) share a code.
    _sql_constraints = [
        ("code_company_uniq", "", "A department code must be unique per company, and among the shared departments."),
    ]

    @api.constrains("field_ids")
    def _check_field_ids(self):
        allowed = self._qms_reviewed_terms()
        for role in self.sudo():
            wrong = role.field_ids.filtered(lambda field: (field.model, field.name) not in allowed)
            if wrong:
                raise ValidationError(self.env._(
                    "%(dept)s: only the terms a contract review approves can concern a department, not %(fields)s.",
                    dept=role.name, fields=self._qms_join(wrong.mapped("field_description")),
                ))

    def _auto_init(self):
        res = super()._auto_init()
        tools.create_unique_index(
            self._cr, "qms_review_role_code_company_uniq", self._table, ["code", "COALESCE(company_id, 0)"],
        )
        return res

    @api.model
    def _qms_find(self, code, company):
        """The department of ``code`` for ``company``: the company's own, else the shared one;
        never another company's."""
        roles = self._qms_candidates([code], company)
        return roles.filtered(lambda role: role.company_id == company)[:1] or roles[:1]

    def _qms_for_company(self, company):
        """The departments of ``self`` as ``company`` has them (see _qms_map_for_company)."""
        mapping = self._qms_map_for_company(company)
        result = self.browse()
        for role in self:
            result |= mapping[role]
        return result

    def _qms_map_for_company(self, company):
        """{department of ``self``: the department of ``company`` with its code}, in one query:
        the company's own department wins over the shared one; another company's department is
        never used (empty when the company has no department of that code)."""
        by_code = {}
        for role in self._qms_candidates(set(self.mapped("code")), company):
            if role.code not in by_code or role.company_id:
                by_code[role.code] = role
        return {role: by_code.get(role.code, self.browse()) for role in self}

    @api.model
    def _qms_candidates(self, codes, company):
        # sudo: which department of a company reviews or follows up is configuration the
        # procedure applies for everyone who moves a record on, whatever they may read.
        return self.sudo().search([
            ("code", "in", list(codes)), ("company_id", "in", [False, *company.ids]),
        ]).with_env(self.env)

    @api.model
    def _qms_reviewed_terms(self):
        """(model, field name) of every term a contract review approves."""
        from .sale_order import REVIEWED_ORDER_FIELDS  # noqa: PLC0415 (the models load in the order of models/__init__)
        from .sale_order_line import REVIEWED_LINE_FIELDS  # noqa: PLC0415
        return {("sale.order", name) for name in REVIEWED_ORDER_FIELDS} | {
            ("sale.order.line", name) for name in REVIEWED_LINE_FIELDS
        }

    @api.model
    def _qms_field_domain(self):
        from .sale_order import REVIEWED_ORDER_FIELDS  # noqa: PLC0415
        from .sale_order_line import REVIEWED_LINE_FIELDS  # noqa: PLC0415
        return [
            "|",
            "&", ("model", "=", "sale.order"), ("name", "in", sorted(REVIEWED_ORDER_FIELDS)),
            "&", ("model", "=", "sale.order.line"), ("name", "in", sorted(REVIEWED_LINE_FIELDS)),
        ]

    def _qms_concerned_by(self, changed_terms):
        """Whether a change of ``changed_terms`` (see ALL_TERMS) concerns this department: one
        of its reviewed terms changed, or it lists none (every change concerns it)."""
        self.ensure_one()
        if not changed_terms:
            return False
        # sudo: the fields of the models are technical records only administrators read; which of
        # them concern a department is configuration the procedure applies for whoever amends an order.
        terms = self.sudo().field_ids
        if ALL_TERMS in changed_terms or not terms:
            return True
        order_fields = set(terms.filtered(lambda field: field.model == "sale.order").mapped("name"))
        line_fields = set(terms.filtered(lambda field: field.model == "sale.order.line").mapped("name"))
        for term in changed_terms:
            if term == LINES_TERM:
                # A line added or removed changes every term of a line.
                if line_fields or LINES_TERM in order_fields:
                    return True
            elif term.startswith(LINES_TERM + "."):
                if term.split(".", 1)[1] in line_fields or LINES_TERM in order_fields:
                    return True
            elif term in order_fields:
                return True
        return False
