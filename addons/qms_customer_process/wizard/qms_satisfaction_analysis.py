from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

ANSWERED_STATES = ("answered", "analysed")


class QmsSatisfactionAnalysis(models.TransientModel):
    """顾客满意度统计分析报表 (procedure 5.9.3) of a campaign or a period. Every figure comes
    from one grouped SQL aggregate (_read_group), never from a loop over the responses."""

    _name = "qms.satisfaction.analysis"
    _description = "Customer Satisfaction Analysis"
    _check_company_auto = True

    campaign_id = fields.Many2one("qms.satisfaction.campaign", string="Campaign", check_company=True)
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    report_html = fields.Html(string="Analysis", compute="_compute_report_html", sanitize=False)

    @api.depends("campaign_id.title", "date_from", "date_to")
    def _compute_display_name(self):
        for analysis in self:
            if analysis.campaign_id:
                scope = analysis.campaign_id.title
            else:
                scope = f"{format_date(self.env, analysis.date_from)} – {format_date(self.env, analysis.date_to)}"
            analysis.display_name = self.env._("Satisfaction Analysis: %s", scope)

    @api.constrains("campaign_id", "date_from", "date_to", "company_id")
    def _check_scope(self):
        for analysis in self:
            if not analysis.campaign_id and not (analysis.date_from and analysis.date_to):
                raise ValidationError(self.env._("Analyse a campaign, or a period with a start and an end."))
            if analysis.date_from and analysis.date_to and analysis.date_to < analysis.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))

    def _qms_scope_label(self):
        self.ensure_one()
        if self.campaign_id:
            campaign = self.campaign_id
            return f"{campaign.name} {campaign.title} ({campaign.date_start} – {campaign.date_end})"
        return f"{self.date_from} – {self.date_to}"

    def _qms_domain(self):
        self.ensure_one()
        if self.campaign_id:
            return [("campaign_id", "=", self.campaign_id.id)]
        return [
            ("company_id", "=", self.company_id.id),
            ("period_date", ">=", self.date_from),
            ("period_date", "<=", self.date_to),
        ]

    def _qms_previous_domain(self):
        """The previous campaign of the company (the latest one sent that ended before this one
        started: never a draft, nor one overlapping it), or the period of the same length just before."""
        self.ensure_one()
        if self.campaign_id:
            previous = self.env["qms.satisfaction.campaign"].search([
                ("company_id", "=", self.campaign_id.company_id.id),
                ("date_end", "<", self.campaign_id.date_start),
                ("state", "!=", "draft"),
                ("id", "!=", self.campaign_id.id),
            ], order="date_end desc, date_start desc, id desc", limit=1)
            return [("campaign_id", "=", previous.id)] if previous else None, previous.display_name if previous else ""
        length = (self.date_to - self.date_from).days
        prev_to = self.date_from - relativedelta(days=1)
        prev_from = prev_to - relativedelta(days=length)
        return [
            ("company_id", "=", self.company_id.id),
            ("period_date", ">=", prev_from),
            ("period_date", "<=", prev_to),
        ], f"{format_date(self.env, prev_from)} – {format_date(self.env, prev_to)}"

    @api.model
    def _qms_figures_for(self, domain):
        """Sent, answered, response rate, average, grade distribution and dimension averages
        of the surveys in ``domain``: two grouped queries."""
        Survey = self.env["qms.satisfaction.survey"]
        rows = Survey._read_group(domain, ["state", "grade_id"], ["__count", "score:sum"])
        total = sent = answered = 0
        score_sum = 0.0
        by_grade = {}
        for state, grade, count, score in rows:
            total += count
            if state != "draft":
                sent += count
            if state in ANSWERED_STATES:
                answered += count
                score_sum += score
                by_grade[grade.id] = by_grade.get(grade.id, 0) + count
        dimension_rows = self.env["qms.satisfaction.score"]._read_group(
            [("survey_id", "any", domain), ("state", "in", ANSWERED_STATES)]
            if not self._qms_direct_domain(domain) else [*domain, ("state", "in", ANSWERED_STATES)],
            ["dimension_id"], ["score:avg"],
        )
        return {
            "total": total,
            "sent": sent,
            "answered": answered,
            "response_rate": answered / sent * 100 if sent else 0.0,
            "average": score_sum / answered if answered else 0.0,
            "by_grade": by_grade,
            "dimensions": {dimension.id: avg for dimension, avg in dimension_rows},
        }

    @api.model
    def _qms_direct_domain(self, domain):
        """Whether the survey domain's fields are stored on the score lines too (they are for
        the campaign, the company and the period), so no join is needed."""
        return all(
            not isinstance(leaf, list | tuple) or leaf[0] in ("campaign_id", "company_id", "period_date")
            for leaf in domain
        )

    def _qms_figures(self):
        """Everything the report shows, for QWeb (PDF and screen)."""
        self.ensure_one()
        Grade = self.env["qms.satisfaction.grade"]
        Dimension = self.env["qms.satisfaction.dimension"]
        domain = self._qms_domain()
        current = self._qms_figures_for(domain)
        previous_domain, previous_label = self._qms_previous_domain()
        previous = self._qms_figures_for(previous_domain) if previous_domain else None
        grades = Grade._qms_bands(self.campaign_id.company_id or self.company_id)
        answered = current["answered"]
        grade_rows = [
            {
                "grade": grade,
                "count": current["by_grade"].get(grade.id, 0),
                "percent": current["by_grade"].get(grade.id, 0) / answered * 100 if answered else 0.0,
                "previous_percent": (
                    previous["by_grade"].get(grade.id, 0) / previous["answered"] * 100
                    if previous and previous["answered"] else None
                ),
            }
            for grade in grades
        ]
        dimension_ids = set(current["dimensions"]) | set(previous["dimensions"] if previous else ())
        dimension_rows = [
            {
                "dimension": dimension,
                "average": current["dimensions"].get(dimension.id),
                "previous": previous["dimensions"].get(dimension.id) if previous else None,
            }
            for dimension in Dimension.with_context(active_test=False).browse(dimension_ids).sorted()
        ]
        dissatisfied = self.env["qms.satisfaction.survey"].search(
            [*domain, ("dissatisfied", "=", True)], order="score, id",
        )
        return {
            "scope": self._qms_scope_label(),
            "current": current,
            "previous": previous,
            "previous_label": previous_label,
            "grades": grade_rows,
            "dimensions": dimension_rows,
            "dissatisfied": dissatisfied,
        }

    @api.depends("campaign_id", "date_from", "date_to", "company_id")
    def _compute_report_html(self):
        for analysis in self:
            if not analysis.campaign_id and not (analysis.date_from and analysis.date_to):
                analysis.report_html = False
                continue
            analysis.report_html = self.env["ir.qweb"]._render(
                "qms_customer_process.satisfaction_analysis_body",
                {"o": analysis, "figures": analysis._qms_figures()},
            )

    def _qms_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Satisfaction Analysis"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_print(self):
        self.ensure_one()
        if not self.campaign_id and not (self.date_from and self.date_to):
            raise UserError(self.env._("Analyse a campaign, or a period with a start and an end."))
        return self.env.ref("qms_customer_process.action_report_satisfaction_analysis").report_action(self)
