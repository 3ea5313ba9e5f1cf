import importlib.util

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged

from .common import load_chinese
from .satisfaction_common import DIMENSIONS, LEVELS, SatisfactionCase


@tagged("post_install", "-at_install")
class TestQuestionnaireAndGrades(SatisfactionCase):
    """The shipped questionnaire and the shipped grade table (procedure 5.9.3) say the same thing."""

    def _level_answers(self):
        """{level: answers of that level over the dimension questions} from the answers' xml ids
        (…_a5 very satisfied … _a1 very dissatisfied)."""
        suffix = {"a5": "very_satisfied", "a4": "satisfied", "a3": "neutral", "a2": "dissatisfied", "a1": "very_dissatisfied"}
        data = self.env["ir.model.data"].search([
            ("module", "=", "qms_customer_process"), ("model", "=", "survey.question.answer"),
            ("name", "=like", "survey_customer_satisfaction_q_%"),
        ])
        levels = {}
        for xmlid in data:
            level = suffix[xmlid.name.rsplit("_", 1)[-1]]
            levels.setdefault(level, self.env["survey.question.answer"])
            levels[level] |= self.env["survey.question.answer"].browse(xmlid.res_id)
        return levels

    def test_every_answer_scores_in_the_band_of_its_name(self):
        levels = self._level_answers()
        self.assertEqual(set(levels), set(self.grades))
        Grade = self.env["qms.satisfaction.grade"]
        for lang in ("en_US", "zh_CN"):
            if lang == "zh_CN":
                load_chinese(self.env, overwrite=True)
            for level, answers in levels.items():
                self.assertEqual(answers.question_id, self.questionnaire.question_ids.filtered("qms_dimension_id"),
                                 f"every dimension question has a {level} answer")
                for answer in answers.with_context(lang=lang):
                    band = Grade.with_context(lang=lang).grade_for(answer.answer_score)
                    self.assertEqual(band, self.grades[level],
                                     f"{answer.value!r} scores {answer.answer_score}, graded {band.name!r}")
                    self.assertEqual(answer.value.casefold(), band.with_context(lang=lang).name.casefold(),
                                     f"the answer and its band have the same name in {lang}")
        self.assertEqual({level: set(answers.mapped("answer_score")) for level, answers in levels.items()},
                         {level: {score} for level, score in LEVELS.items()})

    def test_neutral_everywhere_is_graded_neutral_without_follow_up(self):
        survey = self._survey(self.customer_a)
        self._answer_online(survey, [LEVELS["neutral"]] * len(DIMENSIONS))
        self.assertEqual(survey.score, 70.0)
        self.assertEqual(survey.grade_id, self.grades["neutral"])
        self.assertFalse(survey.dissatisfied)
        self.assertFalse(survey.corrective_action_ids)

    def test_dissatisfied_everywhere_is_followed_up(self):
        survey = self._survey(self.customer_a)
        self._answer_online(survey, [LEVELS["dissatisfied"]] * len(DIMENSIONS))
        self.assertEqual(survey.grade_id, self.grades["dissatisfied"])
        self.assertTrue(survey.dissatisfied)
        self.assertTrue(survey.corrective_action_ids)

    def test_the_questionnaire_is_a_satisfaction_questionnaire(self):
        self.assertTrue(self.questionnaire.qms_is_satisfaction)
        other = self.env["survey.survey"].create({"title": "Product quiz"})
        self.assertFalse(other.qms_is_satisfaction)
        self.assertEqual(self.questionnaire.scoring_success_min, 0, "no pass mark")


@tagged("post_install", "-at_install")
class TestSatisfactionEndPage(HttpCase, SatisfactionCase):
    """The page a customer sees after answering, served by the survey app."""

    def _done_page(self, survey, user_input):
        response = self.url_open(f"/survey/{survey.access_token}/{user_input.access_token}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_customer_is_thanked_without_score_or_verdict(self):
        survey = self._survey(self.customer_a)
        user_input = self._answer_online(survey, [LEVELS["neutral"]] * len(DIMENSIONS))
        self.assertEqual(user_input.scoring_percentage, 70.0)
        html = self._done_page(self.questionnaire, user_input)
        self.assertIn("Thank you!", html)
        self.assertIn("We read every one of them", html)
        for shown in ("You scored", "70.0", "failed the test", "passed the test"):
            self.assertNotIn(shown, html)

    def test_other_scored_surveys_keep_their_result_page(self):
        quiz = self.env["survey.survey"].create({
            "title": "Product quiz", "access_mode": "public", "scoring_type": "scoring_without_answers",
            "scoring_success_min": 80, "question_and_page_ids": [Command.create({
                "title": "Which motor is brushless?", "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create({"value": "M1", "answer_score": 0}),
                    Command.create({"value": "X", "answer_score": 10, "is_correct": True}),
                ],
            })],
        })
        user_input = quiz._create_answer(partner=self.customer_a)
        user_input._save_lines(quiz.question_ids, quiz.question_ids.suggested_answer_ids[0].id)
        user_input._mark_done()
        html = self._done_page(quiz, user_input)
        self.assertIn("You scored", html)
        self.assertIn("failed the test", html)


@tagged("post_install", "-at_install")
class TestSatisfactionScoresMigration(SatisfactionCase):
    """migrations/18.0.3.0.0/post-satisfaction-scores.py on a database still holding 18.0.2's values."""

    def _migrate(self):
        path = get_module_path("qms_customer_process")
        spec = importlib.util.spec_from_file_location(
            "qms_post_satisfaction_scores", f"{path}/migrations/18.0.3.0.0/post-satisfaction-scores.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.env.flush_all()
        module.migrate(self.env.cr, "18.0.2.0.0")
        self.env.invalidate_all()

    def test_shipped_values_move_adapted_ones_stay(self):
        old = {100: 100, 85: 80, 70: 60, 60: 40, 40: 20}
        answers = self.questionnaire.question_and_page_ids.suggested_answer_ids.filtered(lambda a: a.answer_score)
        for answer in answers:
            answer.answer_score = old[answer.answer_score]
        adapted = self._answer(self.questions["price"], 60)  # 18.0.2's 一般 on price, set to 65 by its administrator
        adapted.answer_score = 65
        self.questionnaire.scoring_success_min = 75
        closed = self._campaign(self.customer_a, date_start="2025-01-01", date_end="2025-06-30", dimension_threshold=60)
        closed.state = "closed"
        self.campaign.dimension_threshold = 60
        self._migrate()
        self.assertEqual(adapted.answer_score, 65, "a value the administrator changed is kept")
        for answer in answers - adapted:
            self.assertIn(answer.answer_score, LEVELS.values())
        self.assertEqual(self.questionnaire.scoring_success_min, 0)
        self.assertEqual(self.campaign.dimension_threshold, 65)
        self.assertEqual(closed.dimension_threshold, 60, "a closed campaign keeps what it was run with")
        # Run twice: nothing moves again.
        self._migrate()
        self.assertEqual(adapted.answer_score, 65)
        self.assertEqual(sorted(set((answers - adapted).mapped("answer_score"))), [40, 60, 70, 85, 100])
