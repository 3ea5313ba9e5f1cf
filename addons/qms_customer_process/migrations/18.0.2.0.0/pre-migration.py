"""Upgrade from 18.0.1.x to 18.0.2.0.0, before the new models and data are loaded.

This step belongs to every change of stored data between the two versions: a column renamed or
retyped (copy it aside here, convert it in a post-migration), a selection value renamed,
duplicates to resolve before a new unique constraint or index is created, records moved between
models. tests/test_upgrade_from_previous.py upgrades a database of 18.0.1.0.0 filled in every
state and fails when a record, a value or a column of the previous version is lost without a
step here that handles it.

18.0.2.0.0 makes department codes and complaint deadline severities unique per company AND among
the shared records (company_id empty): unique indexes on (code, COALESCE(company_id, 0)) and
(severity, COALESCE(company_id, 0)). 18.0.1.x allowed two shared records with the same code,
which would make the upgrade fail half-way on the index. They are reported here, before anything
is changed, so that an administrator decides which one to rename or archive: no record of the
procedure is renamed or deleted behind their back.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# table, column, what it is: unique per company and among the shared records from 18.0.2.0.0.
UNIQUE_PER_COMPANY = (
    ("qms_review_role", "code", "reviewing department code"),
    ("qms_complaint_deadline", "severity", "complaint deadline severity"),
)


class QmsUpgradeBlocked(Exception):
    pass


def duplicates(cr):
    """The records that the unique indexes of 18.0.2.0.0 would refuse."""
    found = []
    for table, column, label in UNIQUE_PER_COMPANY:
        cr.execute(SQL(
            "SELECT %s, company_id, array_agg(id ORDER BY id) FROM %s GROUP BY %s, company_id HAVING count(*) > 1",
            SQL.identifier(column), SQL.identifier(table), SQL.identifier(column),
        ))
        for value, company_id, ids in cr.fetchall():
            where = f"company {company_id}" if company_id else "shared (no company)"
            found.append(f"{label} {value!r}, {where}: {table} ids {ids}")
    return found


def migrate(cr, version):
    if not version:
        return
    found = duplicates(cr)
    if found:
        raise QmsUpgradeBlocked(
            "qms_customer_process 18.0.2.0.0 makes these unique per company and among the shared records; "
            "give the duplicates distinct values (or delete the unused ones) in the current version, then "
            "upgrade again. Nothing was changed. Duplicates: " + "; ".join(found)
        )
    _logger.info("qms_customer_process: upgrade from %s, no duplicate department code or deadline severity", version)
