
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import assert_form_frame, load_chinese, render_pdf
from .satisfaction_common import DIMENSIONS, SatisfactionCase

REPORT = "qms_customer_process.action_report_satisfaction_analysis"


class AnalysisData(SatisfactionCase):
    """A hand-computed data set.

    Previous campaign (2029): A answers 满意 (85) everywhere; B is sent and does not answer.
    Current campaign (2030-H1): A answers 100 everywhere (100, 非常满意); B answers
    85 x5 and 70 for overall (82.5, 满意); C returns a paper form with 60 everywhere
    (60, 不太满意: followed up); D is sent and does not answer.
    Sent 4, answered 3, response rate 75.0 %, average (100 + 82.5 + 60) / 3 = 80.83;
    quality (100 + 85 + 60) / 3 = 81.67; overall (100 + 70 + 60) / 3 = 76.67;
    grades: 非常满意 1, 满意 1, 一般 0, 不太满意 1, 非常不满意 0 (33.3 % each).
    Previous: sent 2, answered 1, 50.0 %, average 85.00, 满意 100 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_d = cls.env["res.partner"].create({"name": "Delta Drives", "email": "delta@drives.example"})
        cls.previous = cls._campaign(cls.customer_a | cls.customer_b, date_start="2029-01-01", date_end="2029-12-31")
        cls.current = cls._campaign(
            cls.customer_a | cls.customer_b | cls.customer_no_email | cls.customer_d,
            date_start="2030-01-01", date_end="2030-06-30",
        )

    def _load(self):
        self.previous.action_send()
        self._answer_online(self._survey(self.customer_a, self.previous), [85] * 6)
        for partner in (self.customer_a, self.customer_b, self.customer_d):
            self._survey(partner, self.current).action_send()
        self._answer_online(self._survey(self.customer_a, self.current), [100] * 6)
        self._answer_online(self._survey(self.customer_b, self.current), [85, 85, 85, 85, 85, 70])
        paper = self._survey(self.customer_no_email, self.current)
        self._answer_paper(paper, [60] * 6)
        return paper


@tagged("post_install", "-at_install")
class TestSatisfactionAnalysis(AnalysisData):
    def _check_current(self, figures):
        current = figures["current"]
        self.assertEqual(current["sent"], 4)
        self.assertEqual(current["answered"], 3)
        self.assertAlmostEqual(current["response_rate"], 75.0)
        self.assertAlmostEqual(current["average"], 80.83, places=2)
        dimensions = {row["dimension"].code: row for row in figures["dimensions"]}
        self.assertEqual(sorted(dimensions), sorted(DIMENSIONS))
        self.assertAlmostEqual(dimensions["quality"]["average"], 81.67, places=2)
        self.assertAlmostEqual(dimensions["overall"]["average"], 76.67, places=2)
        grades = {row["grade"]: row for row in figures["grades"]}
        expected = {"very_satisfied": 1, "satisfied": 1, "neutral": 0, "dissatisfied": 1, "very_dissatisfied": 0}
        for code, count in expected.items():
            self.assertEqual(grades[self.grades[code]]["count"], count, code)
            self.assertAlmostEqual(grades[self.grades[code]]["percent"], count / 3 * 100, places=2)

    def test_campaign_figures(self):
        paper = self._load()
        analysis = self.env["qms.satisfaction.analysis"].create({"campaign_id": self.current.id})
        figures = analysis._qms_figures()
        self._check_current(figures)
        previous = figures["previous"]
        self.assertEqual((previous["sent"], previous["answered"]), (2, 1))
        self.assertAlmostEqual(previous["response_rate"], 50.0)
        self.assertAlmostEqual(previous["average"], 85.0)
        grades = {row["grade"]: row for row in figures["grades"]}
        self.assertAlmostEqual(grades[self.grades["satisfied"]]["previous_percent"], 100.0)
        dimensions = {row["dimension"].code: row for row in figures["dimensions"]}
        self.assertAlmostEqual(dimensions["quality"]["previous"], 85.0)
        self.assertEqual(figures["dissatisfied"], paper)

    def test_period_figures(self):
        self._load()
        analysis = self.env["qms.satisfaction.analysis"].create({"date_from": "2030-01-01", "date_to": "2030-12-31"})
        figures = analysis._qms_figures()
        self._check_current(figures)
        self.assertEqual(figures["previous"]["answered"], 1, "the previous year holds the previous campaign")

    def test_figures_are_grouped_queries(self):
        self._load()
        analysis = self.env["qms.satisfaction.analysis"].create({"campaign_id": self.current.id})
        analysis._qms_figures()  # warm the caches
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=12):
            analysis._qms_figures()

    def test_screen_and_html_report(self):
        self._load()
        analysis = self.env["qms.satisfaction.analysis"].create({"campaign_id": self.current.id})
        for html in (
            str(analysis.report_html),
            self.env["ir.actions.report"]._render_qweb_html(REPORT, analysis.ids)[0].decode(),
        ):
            self.assertIn("Customer Satisfaction Statistical Analysis Report", html)
            self.assertIn('<td class="qms_rate">75.0 %</td>', html)
            self.assertIn('<td class="qms_average">80.83</td>', html)
            self.assertIn("Gamma Gears", html)
            self.assertIn("width: 33.3%", html, "the bar of a grade is as wide as its share")
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        self.assertEqual(analysis.action_print()["report_name"], "qms_customer_process.report_satisfaction_analysis")

    def test_chinese(self):
        load_chinese(self.env, overwrite=True)
        self._load()
        analysis = self.env["qms.satisfaction.analysis"].with_context(lang="zh_CN").create({"campaign_id": self.current.id})
        html = str(analysis.report_html)
        for term in ("顾客满意度统计分析报表", "回复率", "非常满意", "不太满意", "非常不满意", "不满意事项"):
            self.assertIn(term, html)
        self.customer_a.lang = "zh_CN"
        survey = self._survey(self.customer_a, self.current)
        form = self.env["ir.actions.report"]._render_qweb_html(
            "qms_customer_process.action_report_satisfaction_survey", survey.ids)[0].decode()
        self.assertIn("顾客满意度调查表", form)
        self.assertIn("您对我们的产品质量满意吗？", form)

    def test_scope_required(self):
        with self.assertRaises(ValidationError):
            self.env["qms.satisfaction.analysis"].create({})
        with self.assertRaises(ValidationError):
            self.env["qms.satisfaction.analysis"].create({"date_from": "2030-02-01", "date_to": "2030-01-01"})


@tagged("post_install", "-at_install")
class TestSatisfactionAnalysisPdf(HttpCase, AnalysisData):
    def test_pdf(self):
        self._load()
        analysis = self.env["qms.satisfaction.analysis"].create({"campaign_id": self.current.id})
        _fonts, text = render_pdf(self, REPORT, analysis)
        self.assertIn("Customer Satisfaction Statistical Analysis Report", text)
        self.assertIn("80.83", text)
        self.assertIn("Gamma Gears", text)
        assert_form_frame(self, text, REPORT)
        load_chinese(self.env, overwrite=True)
        fonts, text = render_pdf(self, REPORT, analysis, lang="zh_CN")
        self.assertIn("顾客满意度统计分析报表", text.replace(" ", ""))
        self.assertIn("非常满意", text)
        self.assertIn("进行中", text, "the follow-up status in Chinese")
        self.assertIn("CJK", fonts, "Chinese text must be set in a CJK font, not boxes")
        assert_form_frame(self, text, REPORT, lang="zh_CN")

    def test_customer_answers_own_invitation_only(self):
        survey = self._survey(self.customer_a, self.current)
        survey.action_send()
        questionnaire = self.questionnaire
        own = self.url_open(f"/survey/start/{questionnaire.access_token}?answer_token={survey.user_input_id.access_token}")
        self.assertEqual(own.status_code, 200)
        self.assertIn(questionnaire.title, own.text)
        self.assertIn("survey_start", own.text.replace("-", "_"))
        foreign = self.url_open(f"/survey/start/{questionnaire.access_token}?answer_token=not-a-token")
        self.assertNotIn('name="answer_token"', foreign.text)
