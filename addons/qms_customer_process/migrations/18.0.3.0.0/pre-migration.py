"""Upgrade from 18.0.2.x to 18.0.3.0.0, before the new models and data are loaded.

18.0.3.0.0 stores the contract review lines' ``is_current`` (the line belongs to its order's current
review revision), so that the Department Reviews list filters on an indexed column instead of a
list of every review line id. The column is made and filled here with one statement: the ORM would
otherwise compute it line by line for every review line of the database. The other new columns of
this version (the complaint's containment fields, the quarantine flag of locations) are empty or
false for existing rows, which is what they mean there.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or column_exists(cr, "qms_contract_review_line", "is_current"):
        return
    cr.execute(SQL("ALTER TABLE qms_contract_review_line ADD COLUMN is_current boolean"))
    cr.execute(SQL("""
        UPDATE qms_contract_review_line line
           SET is_current = (line.revision = COALESCE(so.qms_review_revision, 0))
          FROM sale_order so
         WHERE so.id = line.order_id
    """))
    _logger.info("qms_customer_process: is_current stored on %s contract review lines", cr.rowcount)
