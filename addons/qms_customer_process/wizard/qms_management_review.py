from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ..models.qms_customer_kpi_report import RATIOS

ANSWERED_STATES = ("answered", "analysed")
# The sums of the KPI report the review reads for each period.
SUMS = (
    "delivery_count", "on_time_count", "delivered_qty", "complaint_count", "complaint_qty", "acknowledged_count",
    "acknowledge_hours_total", "closed_count", "close_days_total", "survey_count", "score_total",
    "customer_count", "repeat_customer_count",
)
# The sums the worst customers are ranked and shown by: only these, so that the sums of 10,000
# customers stay in PostgreSQL's memory for grouping.
WORST_SUMS = (
    "complaint_count", "complaint_qty", "delivered_qty", "on_time_count", "delivery_count", "score_total",
    "survey_count",
)
TREND_PERIODS = 4
WORST_CUSTOMERS = 5


def _previous_quarter(today):
    start = today.replace(day=1) - relativedelta(months=(today.month - 1) % 3 + 3)
    return start, start + relativedelta(months=3, days=-1)


class QmsManagementReview(models.TransientModel):
    """管理评审输入 — 顾客满意和反馈 (ISO 9001 9.3.2 c): the customer satisfaction and feedback
    figures of a period for the management review, each with the previous period beside it, the
    trend over the last four periods, the Pareto of the complaints' causes and the customers with
    the worst figures. Every figure comes from grouped SQL aggregates (_read_group) of the
    customer KPI report, the surveys, the complaints and the corrective actions: a fixed number of
    queries, whatever the number of records."""

    _name = "qms.management.review"
    _description = "Management Review Input: Customer Satisfaction and Feedback"
    _check_company_auto = True

    @api.model
    def _lang_get(self):
        return self.env["res.lang"].get_installed()

    date_from = fields.Date(string="From", required=True, default=lambda self: _previous_quarter(
        fields.Date.context_today(self))[0])
    date_to = fields.Date(string="To", required=True, default=lambda self: _previous_quarter(
        fields.Date.context_today(self))[1])
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    lang = fields.Selection(
        _lang_get, string="Language", required=True, default=lambda self: self.env.lang or "en_US",
        help="The language of the printed input (Chinese or English).",
    )
    report_html = fields.Html(string="Review Input", compute="_compute_report_html", sanitize=False)

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for review in self:
            review.display_name = self.env._(
                "Management Review Input: %(start)s – %(end)s",
                start=format_date(self.env, review.date_from), end=format_date(self.env, review.date_to),
            )

    @api.constrains("company_id")
    def _check_company_of_user(self):
        for review in self:
            if review.company_id not in self.env.user.company_ids and not self.env.su:
                raise AccessError(self.env._(
                    "You do not work for %s: its management review input is not yours to print.", review.company_id.name,
                ))

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for review in self:
            if review.date_to < review.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))
            if review.date_from.day != 1 or (review.date_to + relativedelta(days=1)).day != 1:
                raise ValidationError(self.env._(
                    "The review covers whole months: from the first day of a month to the last day of a month."))

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------

    def _qms_months(self):
        self.ensure_one()
        return (self.date_to.year - self.date_from.year) * 12 + self.date_to.month - self.date_from.month + 1

    def _qms_periods(self, count=TREND_PERIODS):
        """The review's period and the ``count - 1`` periods of the same length before it, most
        recent first: [(start, end), ...]."""
        self.ensure_one()
        months = self._qms_months()
        return [
            (self.date_from - relativedelta(months=months * back),
             self.date_from - relativedelta(months=months * (back - 1), days=1))
            for back in range(count)
        ]

    def _qms_period_label(self, start, end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return f"{start:%Y-%m}"
        if months == 3 and start.month % 3 == 1:
            return f"{start.year} Q{start.month // 3 + 1}"
        if months == 12 and start.month == 1:
            return str(start.year)
        return f"{start:%Y-%m} – {end:%Y-%m}"

    def _qms_utc(self, day):
        """Midnight at the start of ``day`` in the company's time zone, in UTC (how datetimes are
        stored)."""
        tz = pytz.timezone(self.company_id.partner_id.tz or "UTC")
        return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.UTC).replace(tzinfo=None)

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def _qms_data(self, model):
        """The model whose records the figures aggregate, for the company of the review."""
        # sudo: the management review input (ISO 9001 9.3.2 c) is the company's aggregated
        # figures; who may run it (quality, sales managers, the general manager, in a company they
        # work for) reads them whole, not record by record.
        return self.env[model].sudo().with_context(allowed_company_ids=self.company_id.ids)

    @api.model
    def _qms_rates(self, sums):
        rates = {}
        for name, (numerator, denominator, factor) in RATIOS.items():
            if numerator in sums and denominator in sums:
                rates[name] = sums[numerator] * factor / sums[denominator] if sums[denominator] else None
        return rates

    def _qms_kpi_periods(self, periods):
        """The sums and rates of the KPI report for each period: one grouped query by month."""
        Report = self._qms_data("qms.customer.kpi.report")
        rows = Report._read_group(
            [("company_id", "=", self.company_id.id), ("date", ">=", periods[-1][0]), ("date", "<=", periods[0][1])],
            ["date:month"], [f"{name}:sum" for name in SUMS],
        )
        result = []
        for start, end in periods:
            sums = dict.fromkeys(SUMS, 0)
            for month, *values in rows:
                day = month.date() if isinstance(month, datetime) else month
                if start <= day <= end:
                    for name, value in zip(SUMS, values, strict=True):
                        sums[name] += value or 0
            result.append({"start": start, "end": end, "label": self._qms_period_label(start, end), **sums,
                           **self._qms_rates(sums)})
        return result

    def _qms_customer_count(self, start, end):
        """The customers who confirmed an order between ``start`` and ``end``."""
        return self._qms_data("qms.customer.kpi.report")._read_group(
            [("company_id", "=", self.company_id.id), ("fact", "=", "customer"), ("date", ">=", start),
             ("date", "<=", end)],
            [], ["partner_id:count_distinct"],
        )[0][0]

    def _qms_customer_rates(self, periods, trend):
        """Retention (顾客维系率: of the customers of the previous period, the share who bought
        again in the period) and repeat purchase (重复购买率: of the customers of the period, the
        share who had bought before it), for the period and the one before, from counts alone:
        the customers of both periods are those of each less those of the two together, and the
        new customers of a period are those whose first month it holds (``customer_count`` less
        ``repeat_customer_count`` in the trend's sums)."""
        buyers = [self._qms_customer_count(start, end) for start, end in periods[:3]]
        rates = []
        for index in range(2):
            current, previous = buyers[index], buyers[index + 1]
            # The periods follow each other: the two together run from the start of the earlier one.
            retained = current + previous - self._qms_customer_count(periods[index + 1][0], periods[index][1])
            new = trend[index]["customer_count"] - trend[index]["repeat_customer_count"]
            rates.append({
                "customers": current,
                "retention_rate": retained * 100.0 / previous if previous else None,
                "repeat_purchase_rate": (current - new) * 100.0 / current if current else None,
            })
        return rates

    def _qms_grades(self, periods):
        """Answered surveys per grade in the period and the one before: one grouped query."""
        rows = self._qms_data("qms.satisfaction.survey")._read_group(
            [("company_id", "=", self.company_id.id), ("state", "in", ANSWERED_STATES),
             ("period_date", ">=", periods[1][0]), ("period_date", "<=", periods[0][1])],
            ["grade_id", "period_date:month"], ["__count"],
        )
        counts = [{}, {}]
        for grade, month, count in rows:
            day = month.date() if isinstance(month, datetime) else month
            index = 0 if day >= periods[0][0] else 1
            counts[index][grade.id] = counts[index].get(grade.id, 0) + count
        totals = [sum(by_grade.values()) for by_grade in counts]
        return [
            {
                "grade": grade,
                "count": counts[0].get(grade.id, 0),
                "percent": counts[0].get(grade.id, 0) * 100.0 / totals[0] if totals[0] else 0.0,
                "previous_count": counts[1].get(grade.id, 0),
                "previous_percent": counts[1].get(grade.id, 0) * 100.0 / totals[1] if totals[1] else 0.0,
            }
            for grade in self.env["qms.satisfaction.grade"]._qms_bands(self.company_id)
        ]

    def _qms_pareto(self, periods):
        """The complaints of the period by root-cause category (人机料法测环; not yet analysed
        ones apart), largest first, with the share, the cumulative share and the previous
        period's count: one grouped query per period."""
        Complaint = self._qms_data("qms.customer.complaint")
        labels = dict(
            self.env["qms.quality.investigation"]._fields["root_cause_category"]._description_selection(self.env))
        counts = []
        for start, end in periods[:2]:
            rows = Complaint._read_group([
                ("company_id", "=", self.company_id.id), ("state", "!=", "rejected"),
                ("date_received", ">=", self._qms_utc(start)),
                ("date_received", "<", self._qms_utc(end + relativedelta(days=1))),
            ], ["root_cause_category"], ["__count"])
            counts.append(dict(rows))
        total = sum(counts[0].values())
        rows, cumulative = [], 0
        for cause, count in sorted(counts[0].items(), key=lambda item: (-item[1], bool(not item[0]), item[0] or "")):
            cumulative += count
            rows.append({
                "cause": labels.get(cause) if cause else self.env._("Not analysed yet"),
                "count": count,
                "percent": count * 100.0 / total,
                "cumulative_percent": cumulative * 100.0 / total,
                "previous_count": counts[1].get(cause, 0),
            })
        return rows

    def _qms_corrective_actions(self, periods):
        """Corrective actions open and overdue at the end of the period and of the one before:
        open = created by then and not verified by then (cancelled ones apart); overdue = open,
        not implemented by then, and due before the end of the period."""
        Action = self._qms_data("qms.corrective.action")
        result = []
        for _start, end in periods[:2]:
            base = [
                ("company_id", "=", self.company_id.id), ("state", "!=", "cancel"),
                ("create_date", "<", self._qms_utc(end + relativedelta(days=1))),
            ]
            result.append({
                "open": Action.search_count([*base, "|", ("verified_on", "=", False), ("verified_on", ">", end)]),
                "overdue": Action.search_count([
                    *base, "|", ("implemented_on", "=", False), ("implemented_on", ">", end), ("due_date", "<", end),
                ]),
            })
        return result

    def _qms_worst_customers(self, periods):
        """The five customers with the worst figures of the period: most complaints, then highest
        complaint PPM, then lowest on-time delivery; with their previous period's figures."""
        Report = self._qms_data("qms.customer.kpi.report")
        aggregates = [f"{name}:sum" for name in WORST_SUMS]

        def figures(rows):
            result = {}
            for partner, *values in rows:
                sums = dict(zip(WORST_SUMS, values, strict=True))
                result[partner] = {**sums, **self._qms_rates(sums)}
            return result

        def domain(start, end):
            return [("company_id", "=", self.company_id.id), ("date", ">=", start), ("date", "<=", end),
                    ("partner_id", "!=", False)]

        # Only the customers with at least as many complaints as the fifth most complained-of can
        # be among the five, so when five customers complained, the sums are made for them alone,
        # found from the complaints: summed for every customer, the sums of 10,000 customers
        # outgrew PostgreSQL's memory for grouping. (Fewer than five: every customer can be.)
        candidates = domain(*periods[0])
        complained = [*candidates, ("fact", "=", "complaint")]
        top = Report._read_group(complained, ["partner_id"], ["__count"], order="__count DESC",
                                 limit=WORST_CUSTOMERS)
        if len(top) == WORST_CUSTOMERS:
            tied = Report._read_group(complained, ["partner_id"], having=[("__count", ">=", top[-1][1])])
            candidates.append(("partner_id", "in", [partner.id for partner, in tied]))
        current = figures(Report._read_group(
            candidates, ["partner_id"], aggregates,
            # Ties by the customer's id (its only value in the group): ordered by its name, the
            # query would join the customers and group by them too, and spill to disk.
            order="complaint_count:sum DESC, complaint_ppm:avg DESC NULLS LAST, on_time_rate:avg ASC NULLS LAST, "
                  "partner_id:min",
            limit=WORST_CUSTOMERS,
        ))
        partners = self.env["res.partner"].union(*current)
        current = {partner.with_env(self.env): values for partner, values in current.items()}
        previous = figures(Report._read_group(
            [*domain(*periods[1]), ("partner_id", "in", partners.ids)], ["partner_id"], aggregates,
        )) if partners else {}
        return [{"partner": partner, "current": values, "previous": previous.get(partner)}
                for partner, values in current.items()]

    def _qms_figures(self):
        """Everything the review input shows, for QWeb (PDF and screen)."""
        self.ensure_one()
        periods = self._qms_periods()
        trend = self._qms_kpi_periods(periods)
        customer_rates = self._qms_customer_rates(periods, trend)
        actions = self._qms_corrective_actions(periods)
        current, previous = trend[0], trend[1]
        rows = [
            (self.env._("Satisfaction index (average score)"), "satisfaction_score", "%.1f"),
            (self.env._("Surveys answered"), "survey_count", "%d"),
            (self.env._("Complaints received"), "complaint_count", "%d"),
            (self.env._("Affected quantity"), "complaint_qty", "%.0f"),
            (self.env._("Delivered quantity"), "delivered_qty", "%.0f"),
            (self.env._("Complaint PPM"), "complaint_ppm", "%.0f"),
            (self.env._("Deliveries"), "delivery_count", "%d"),
            (self.env._("On-time delivery (%)"), "on_time_rate", "%.1f"),
            (self.env._("Hours to acknowledge a complaint (average)"), "acknowledge_hours", "%.1f"),
            (self.env._("Days to close a complaint (average)"), "close_days", "%.1f"),
        ]
        key_figures = [
            {"label": label, "format": fmt, "current": current.get(name), "previous": previous.get(name)}
            for label, name, fmt in rows
        ]
        key_figures += [
            {"label": self.env._("Buying customers"), "format": "%d",
             "current": customer_rates[0]["customers"], "previous": customer_rates[1]["customers"]},
            {"label": self.env._("Retention rate (%)"), "format": "%.1f",
             "current": customer_rates[0]["retention_rate"], "previous": customer_rates[1]["retention_rate"]},
            {"label": self.env._("Repeat-purchase rate (%)"), "format": "%.1f",
             "current": customer_rates[0]["repeat_purchase_rate"],
             "previous": customer_rates[1]["repeat_purchase_rate"]},
            {"label": self.env._("Corrective actions open at the end of the period"), "format": "%d",
             "current": actions[0]["open"], "previous": actions[1]["open"]},
            {"label": self.env._("Corrective actions overdue at the end of the period"), "format": "%d",
             "current": actions[0]["overdue"], "previous": actions[1]["overdue"]},
        ]
        for row in key_figures:
            row["change"] = row["current"] - row["previous"] \
                if row["current"] is not None and row["previous"] is not None else None
        charts = []
        for label, name, fmt in (
            (self.env._("Satisfaction index (average score)"), "satisfaction_score", "%.1f"),
            (self.env._("Complaints received"), "complaint_count", "%d"),
            (self.env._("Complaint PPM"), "complaint_ppm", "%.0f"),
            (self.env._("On-time delivery (%)"), "on_time_rate", "%.1f"),
        ):
            top = max((period.get(name) or 0 for period in trend), default=0) or 1
            charts.append({"label": label, "bars": [{
                "period": period["label"],
                "value": period.get(name),
                "text": fmt % period[name] if period.get(name) is not None else "–",
                "width": (period.get(name) or 0) * 100.0 / top,
            } for period in reversed(trend)]})
        return {
            "period": current["label"],
            "previous_period": previous["label"],
            "company": self.company_id,
            "key_figures": key_figures,
            "trend": list(reversed(trend)),
            "charts": charts,
            "grades": self._qms_grades(periods),
            "pareto": self._qms_pareto(periods),
            "worst": self._qms_worst_customers(periods),
        }

    @api.depends("date_from", "date_to", "company_id", "lang")
    def _compute_report_html(self):
        for review in self:
            if not (review.date_from and review.date_to) or review.date_to < review.date_from \
                    or review.date_from.day != 1:
                review.report_html = False
                continue
            localized = review.with_context(lang=review.lang)
            review.report_html = localized.env["ir.qweb"]._render(
                "qms_customer_process.management_review_body", {"o": localized, "figures": localized._qms_figures()},
            )

    def action_print(self):
        self.ensure_one()
        if not (self.date_from and self.date_to):
            raise UserError(self.env._("Choose the period of the review."))
        return self.env.ref("qms_customer_process.action_report_management_review").report_action(self)
