"""Upgrade to 18.0.3.0.0: the shipped satisfaction questionnaire scores each level inside the band
of the same name (100, 85, 70, 60, 40 instead of 100, 80, 60, 40, 20: 一般 scored 60 and was graded
不太满意) and no longer has a pass mark (the customer read "you have failed the test").

The questionnaire is noupdate data, so the new values are written here, only where the database
still holds the values 18.0.2 shipped: a questionnaire the QMS administrator has adapted is left as
it is. Surveys already answered keep the scores and grades they were given: an answered survey is
a record, not recomputed.

The dimension threshold of the campaigns still to be answered on that questionnaire moves from 60
to 65 with the scale: 60 meant "不太满意 (40) and 非常不满意 (20) are dissatisfied items, 一般 (60)
is not"; on the new scale 不太满意 scores 60, so the same rule is "below 65", the bottom of 一般
(the new default). Closed campaigns keep what they were run with.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# answer xml id suffix: (score shipped by 18.0.2, score from 18.0.3)
SCORES = {"a5": (100, 100), "a4": (80, 85), "a3": (60, 70), "a2": (40, 60), "a1": (20, 40)}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    data = env["ir.model.data"].search([
        ("module", "=", "qms_customer_process"),
        ("model", "=", "survey.question.answer"),
        ("name", "=like", "survey_customer_satisfaction_q_%"),
    ])
    updated = 0
    for xmlid in data:
        old, new = SCORES.get(xmlid.name.rsplit("_", 1)[-1], (None, None))
        answer = env["survey.question.answer"].browse(xmlid.res_id).exists()
        if answer and old != new and answer.answer_score == old:
            answer.answer_score = new
            updated += 1
    survey = env.ref("qms_customer_process.survey_customer_satisfaction", raise_if_not_found=False)
    if survey and survey.scoring_success_min == 75:
        survey.scoring_success_min = 0
    campaigns = env["qms.satisfaction.campaign"]
    if survey and updated:
        campaigns = campaigns.with_context(active_test=False).search([
            ("survey_id", "=", survey.id), ("state", "!=", "closed"), ("dimension_threshold", "=", 60),
        ])
        campaigns.write({"dimension_threshold": 65})
    _logger.info("satisfaction questionnaire: %s answer scores moved into the bands of their grade, "
                 "%s campaigns' dimension threshold moved to 65", updated, len(campaigns))
