from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .satisfaction_common import SatisfactionCase


@tagged("post_install", "-at_install")
class TestSatisfactionGrade(SatisfactionCase):
    def test_default_table_of_the_procedure(self):
        bands = self.env["qms.satisfaction.grade"]._qms_bands()
        self.assertEqual(bands.mapped("min_score"), [90.0, 75.0, 65.0, 55.0, 0.0])
        self.assertEqual(bands.mapped("max_score"), [100.0, 90.0, 75.0, 65.0, 55.0])

    def test_boundaries(self):
        Grade = self.env["qms.satisfaction.grade"]
        expected = {
            100: "very_satisfied", 90: "very_satisfied", 89.99: "satisfied", 75: "satisfied",
            74.99: "neutral", 65: "neutral", 64.99: "dissatisfied", 55: "dissatisfied",
            54.99: "very_dissatisfied", 0: "very_dissatisfied",
        }
        for score, code in expected.items():
            with self.subTest(score=score):
                self.assertEqual(Grade.grade_for(score), self.grades[code])

    def test_score_outside_range(self):
        Grade = self.env["qms.satisfaction.grade"]
        for score in (-0.01, 100.01, 150):
            with self.subTest(score=score), self.assertRaises(ValidationError):
                Grade.grade_for(score)

    def test_overlapping_bands_refused(self):
        with self.assertRaises(ValidationError):
            self.env["qms.satisfaction.grade"].create({"name": "Also satisfied", "min_score": 75})
        with self.assertRaises(ValidationError):
            self.grades["neutral"].min_score = 90

    def test_gap_refused(self):
        with self.assertRaises(ValidationError):
            self.grades["very_dissatisfied"].min_score = 10
        with self.assertRaises(UserError):
            self.grades["very_dissatisfied"].unlink()
        with self.assertRaises(ValidationError):
            self.env["qms.satisfaction.grade"].create({"name": "Too high", "min_score": 101})

    def test_bands_are_configurable(self):
        self.grades["satisfied"].min_score = 80
        Grade = self.env["qms.satisfaction.grade"]
        self.assertEqual(Grade.grade_for(79.99), self.grades["neutral"])
        self.assertEqual(Grade.grade_for(80), self.grades["satisfied"])
        self.env.invalidate_all()
        self.assertEqual(self.grades["neutral"].max_score, 80)
        # A band removed: its scores fall in the band below.
        self.grades["dissatisfied"].unlink()
        self.assertEqual(Grade.grade_for(60), self.grades["very_dissatisfied"])
