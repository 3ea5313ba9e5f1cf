"""Upgrade from 18.0.3.x to 18.0.4.0.0, before the models are loaded.

18.0.4.0.0 keeps why an order is a special contract as facts (``qms_special_reason_data``: a reason
code and its values), written as text in the language of whoever reads it, instead of a text in the
language of whoever classified the order. The reasons of existing orders were recorded as text: they
are kept as such (a "text" reason shows the recorded text as it was), so that no order is classified
again by the upgrade and no recorded reason is lost. Making the column here also keeps the ORM from
computing the new field, and with it the contract type, for every order of the database.

``qms_satisfaction_survey.dissatisfied_items`` becomes a translated field (its column turns from text
into jsonb): Odoo converts the column itself, keeping each recorded list as its English value, which
every language reads until the list is written again; the lists of new follow-ups are kept in every
installed language.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or column_exists(cr, "sale_order", "qms_special_reason_data"):
        return
    cr.execute(SQL("ALTER TABLE sale_order ADD COLUMN qms_special_reason_data jsonb"))
    if not column_exists(cr, "sale_order", "qms_special_reason"):
        return
    cr.execute(SQL("""
        UPDATE sale_order
           SET qms_special_reason_data = jsonb_build_array(
                   jsonb_build_array('text', jsonb_build_object('text', qms_special_reason)))
         WHERE COALESCE(qms_special_reason, '') <> ''
    """))
    _logger.info("qms_customer_process: the special-contract reasons of %s orders kept as recorded", cr.rowcount)
    cr.execute(SQL("ALTER TABLE sale_order DROP COLUMN qms_special_reason"))
