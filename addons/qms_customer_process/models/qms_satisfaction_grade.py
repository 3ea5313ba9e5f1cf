from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class QmsSatisfactionGrade(models.Model):
    """A band of the satisfaction grade table (procedure 5.9.3): it starts at its minimum score
    (inclusive) and ends below the minimum of the next band, so the bands never overlap nor
    leave a gap as long as one starts at 0 and no two share a minimum."""

    _name = "qms.satisfaction.grade"
    _description = "Satisfaction Grade"
    _inherit = ["qms.workflow.mixin"]
    _order = "min_score desc, id"

    name = fields.Char(string="Grade", required=True, translate=True)
    min_score = fields.Float(string="Minimum Score", required=True, digits=(5, 2), help="The band includes this score.")
    max_score = fields.Float(
        string="Up To", compute="_compute_max_score", digits=(5, 2),
        help="The band ends below this score (the minimum of the next band); 100 for the top band.",
    )
    color = fields.Char(default="#4472c4", help="Colour of the band in the analysis chart.")
    company_id = fields.Many2one(
        "res.company", string="Company", index=True,
        help="Leave empty for the shared grade table, used by every company that has no grade of its own. "
        "A company with grades of its own uses only its own table.",
    )
    active = fields.Boolean(default=True)

    @api.model
    def _qms_bands(self, company=None):
        """The grade table of ``company`` (default: the current company), highest band first: the
        company's own bands when it has any, else the shared bands; never another company's."""
        company = self.env.company if company is None else company
        return self._qms_tables(company).get(company.id, self.browse())

    @api.model
    def _qms_tables(self, companies):
        """{company id: its grade table} for ``companies`` (and False: the shared table), in one query."""
        # sudo: the grade table is configuration the procedure applies to every survey of the
        # company, whoever registers or reads the answers.
        bands = self.sudo().search(
            [("company_id", "in", [False, *companies.ids])], order="min_score desc, id",
        ).with_env(self.env)
        shared = bands.filtered(lambda band: not band.company_id)
        tables = {False: shared}
        for company in companies:
            tables[company.id] = bands.filtered(lambda band, company=company: band.company_id == company) or shared
        return tables

    @api.depends("min_score", "company_id")
    def _compute_max_score(self):
        tables = self._qms_tables(self.company_id)
        for grade in self:
            # The band ends where the next band of its own table starts.
            bounds = tables[grade.company_id.id].mapped("min_score")
            grade.max_score = min((bound for bound in bounds if bound > grade.min_score), default=100.0)

    @api.model
    @api.returns("self")
    def grade_for(self, score, company=None):
        """The band of ``score`` (0-100) in the grade table of ``company`` (a res.company record
        or id; default: the current company): the band with the highest minimum not above it."""
        if score is False or score is None:
            return self.browse()
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise ValidationError(self.env._("A satisfaction score is a number between 0 and 100, not %r.", score))
        if not 0 <= score <= 100:  # NaN and infinities too
            raise ValidationError(self.env._("A satisfaction score must be between 0 and 100, not %s.", score))
        company = self._qms_company_argument(company)
        return self._qms_band_in(self._qms_bands(company), score)

    @api.model
    def _qms_band_in(self, bands, score):
        for band in bands:
            if band.min_score <= score:
                return band
        return self.browse()

    @api.model
    def _qms_company_argument(self, company):
        """A company given to a public method: nothing, a res.company record or the id of one
        the user may use."""
        if company is None or company is False:
            return None
        if isinstance(company, models.BaseModel):
            if company._name == "res.company" and len(company) <= 1:
                return company or None
        elif isinstance(company, int) and not isinstance(company, bool) and company in self.env.user.company_ids.ids:
            return self.env["res.company"].browse(company)
        raise ValidationError(self.env._("%r is not one of your companies.", company))

    @api.constrains("min_score", "company_id", "active")
    def _check_bands(self):
        if any(not 0 <= grade.min_score <= 100 for grade in self):
            raise ValidationError(self.env._("A grade's minimum score must be between 0 and 100."))
        for company in set(self.mapped("company_id")) or {self.env["res.company"]}:
            bands = self.search([("company_id", "=", company.id or False)])
            scores = bands.mapped("min_score")
            if len(scores) != len(set(scores)):
                raise ValidationError(self.env._("Two grades start at the same score: the bands would overlap."))
            if bands and 0.0 not in scores:
                raise ValidationError(self.env._("The lowest grade must start at 0, otherwise low scores have no grade."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_lowest_band(self):
        for grade in self.filtered(lambda band: band.min_score == 0.0):
            others = self.search([("company_id", "=", grade.company_id.id), ("id", "not in", self.ids)])
            if others:
                raise UserError(self.env._("The grade starting at 0 cannot be deleted while other grades remain: scores below the next band would have no grade."))
