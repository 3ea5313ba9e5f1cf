"""Upgrade from 18.0.2.x to 18.0.3.0.0 (issue 12), after the new fields and data are loaded.

The new columns get their values by themselves: the closing deadline of each severity
(``close_days``, required) its default, the complaints' closing deadline (stored, computed) is
computed. Two stored facts need the history of the previous version:

- Complaints: 18.0.3.0.0 records whether each deadline was met (``acknowledge_sla``,
  ``response_sla``, ``closure_sla``). For the steps already done, the facts are recorded from
  the dates on record and the deadlines the complaint was given then (the deadlines computed in
  calendar time by 18.0.2 are kept: they are what the customer was promised). The steps still to
  do get theirs when they are done, or when the daily job finds their deadline passed.
- Quotations the customer signed or paid while their contract review was pending (18.0.2 kept
  the signature or payment and waited for the salesperson): recorded as held acceptances, with
  the terms as they stand now, so that they confirm themselves when their review is approved,
  like the ones accepted after the upgrade.
"""

import logging

from odoo import SUPERUSER_ID, api, fields

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    complaints = env["qms.customer.complaint"].with_context(active_test=False).search([])
    complaints._qms_record_sla()
    orders = env["sale.order"].search([
        ("state", "in", ("draft", "sent")), ("qms_acceptance_held_on", "=", False),
    ]).filtered(lambda order: order._qms_gate_error() and (
        order.signature or order.transaction_ids.filtered(lambda tx: tx.state in ("authorized", "done"))
    ))
    now = fields.Datetime.now()
    for order in orders:
        accepted = [order.signed_on] if order.signature and order.signed_on else []
        accepted += order.transaction_ids.filtered(lambda tx: tx.state in ("authorized", "done")).mapped("create_date")
        order._qms_write_transition({
            "qms_acceptance_held_on": min(accepted, default=now), "qms_accepted_terms": order._qms_terms_digest(),
        })
    _logger.info(
        "qms_customer_process: upgrade from %s, deadline facts of %s complaints recorded, %s quotations accepted "
        "during their review held for release on approval", version, len(complaints), len(orders),
    )
