"""Upgrade from 18.0.1.x to 18.0.2.0.0, before the new models and data are loaded.

This step belongs to every change of stored data between the two versions: a column renamed or
retyped (copy it aside here, convert it in post-migration.py), a selection value renamed,
duplicates to resolve before a new unique constraint or index is created, records moved between
models. tests/test_upgrade_from_previous.py upgrades a database of 18.0.1.0.0 filled in every
state and fails when a record, a value or a column of the previous version is lost without a
step here that handles it.

18.0.2.0.0 so far changes no stored data: the record-integrity rules (qms.workflow.mixin) are
checks in Python, on data whose columns are unchanged.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    _logger.info("qms_customer_process: upgrade from %s, no stored data to convert before loading", version)
