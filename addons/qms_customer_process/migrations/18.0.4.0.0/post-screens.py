"""Upgrade to 18.0.4.0.0, after the new data is loaded (issue 11, staff screens).

The salesperson's to-do announcing the result of the contract review ("Contract review approved" /
"Contract review rejected") was a plain To-Do; it now has its own activity type, closed when the
order is confirmed. The open ones created by 18.0.3.0.0 are given the new type (recognised by their
summary, in every installed language), and those of orders confirmed since are marked done, as a
confirmation now does. Nothing else is changed.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools.translate import code_translations

_logger = logging.getLogger(__name__)

ADDON = "qms_customer_process"
SUMMARIES = ("Contract review approved", "Contract review rejected")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    result_type = env.ref(f"{ADDON}.mail_activity_type_qms_review_result", raise_if_not_found=False)
    todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
    if not result_type or not todo:
        return
    summaries = set(SUMMARIES)
    for lang, _name in env["res.lang"].get_installed():
        translations = code_translations.get_python_translations(ADDON, lang)
        summaries.update(translations.get(summary, summary) for summary in SUMMARIES)
    activities = env["mail.activity"].search([
        ("res_model", "=", "sale.order"),
        ("activity_type_id", "=", todo.id),
        ("summary", "in", sorted(summaries)),
    ])
    if not activities:
        return
    activities.write({"activity_type_id": result_type.id})
    confirmed = env["sale.order"].search([("id", "in", activities.mapped("res_id")), ("state", "=", "sale")])
    done = activities.filtered(lambda activity: activity.res_id in confirmed.ids)
    done.action_feedback(feedback="Order confirmed.")
    _logger.info("Contract review result to-dos: %d given their own type, %d of confirmed orders closed",
                 len(activities), len(done))
