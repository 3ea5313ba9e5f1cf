"""Upgrade to 18.0.3.0.0, after the new models and data are loaded (issue 13).

The reviewing departments are shipped with ``noupdate``: an upgrade creates the new one (Sales
Management) and its rule, but leaves the existing ones as the administrator configured them. Two new
settings of theirs are filled here, only where the department still has the shipped XML id and
nothing set yet:

- ``field_ids``: the reviewed terms that concern the department (procedure 4.5/4.7), the same as a
  fresh install ships; without them every change would concern every department, as before.
- ``capability_countersign``: the departments whose heads countersign the yearly initial review
  (procedure 4.3.2), the same as a fresh install ships.

Orders whose review was already outdated before the upgrade did not record which terms changed: they
are marked ``*`` (unknown), so that every department reviews their next revision, as 18.0.2 did. No
record of the procedure is changed otherwise.
"""

import logging

from odoo import SUPERUSER_ID, Command, api

_logger = logging.getLogger(__name__)

ADDON = "qms_customer_process"
LINE = "sale.field_sale_order_line__"
ORDER = "sale.field_sale_order__"
REQUIREMENTS = f"{ADDON}.field_sale_order__qms_requirement_ids"
SHIPPED_TERMS = {
    "review_role_sales": [f"{LINE}product_id", f"{LINE}product_uom_qty", f"{LINE}product_uom", f"{ORDER}partner_id",
                          REQUIREMENTS],
    "review_role_rd": [f"{LINE}product_id", REQUIREMENTS],
    "review_role_production": [f"{LINE}product_id", f"{LINE}product_uom_qty", f"{LINE}product_uom",
                               f"{ORDER}commitment_date"],
    "review_role_procurement": [f"{LINE}product_id", f"{LINE}product_uom_qty", f"{LINE}product_uom",
                                f"{ORDER}commitment_date"],
    "review_role_quality": [f"{LINE}product_id", REQUIREMENTS],
    "review_role_finance": [f"{LINE}price_unit", f"{LINE}discount", f"{ORDER}payment_term_id", f"{ORDER}pricelist_id",
                            f"{ORDER}partner_id"],
    "review_role_warehouse": [f"{LINE}product_id", f"{LINE}product_uom_qty", f"{LINE}product_uom",
                              f"{ORDER}commitment_date"],
}
SHIPPED_COUNTERSIGN = (
    "review_role_rd", "review_role_production", "review_role_procurement", "review_role_quality",
    "review_role_finance", "review_role_warehouse",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    filled = []
    for name, terms in SHIPPED_TERMS.items():
        role = env.ref(f"{ADDON}.{name}", raise_if_not_found=False)
        if not role or role.field_ids:
            continue
        fields = [env.ref(xmlid, raise_if_not_found=False) for xmlid in terms]
        role.write({"field_ids": [Command.set([field.id for field in fields if field])]})
        filled.append(role.code)
    countersign = []
    for name in SHIPPED_COUNTERSIGN:
        role = env.ref(f"{ADDON}.{name}", raise_if_not_found=False)
        if role and not role.capability_countersign:
            role.write({"capability_countersign": True})
            countersign.append(role.code)
    cr.execute("""
        UPDATE sale_order SET qms_review_changed_terms = '*'
         WHERE qms_review_outdated AND qms_review_changed_terms IS NULL
    """)
    outdated = cr.rowcount
    _logger.info(
        "%s: upgrade from %s: reviewed terms set on the departments %s, initial review countersign on %s; "
        "%s outdated reviews marked for every department",
        ADDON, version, filled, countersign, outdated,
    )
