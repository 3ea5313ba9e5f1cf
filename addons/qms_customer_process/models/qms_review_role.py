from odoo import api, fields, models, tools


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

    # The constraint is the unique index made in _auto_init: a plain unique(code, company_id)
    # lets two shared departments (company_id empty, NULLs are distinct) share a code.
    _sql_constraints = [
        ("code_company_uniq", "", "A department code must be unique per company, and among the shared departments."),
    ]

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
