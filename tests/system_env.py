"""What the whole-system tests that drive Odoo from outside (``odoo-bin`` subprocesses,
``createdb``/``dropdb``) need to find: the Odoo sources, the Odoo configuration and the PostgreSQL
client options; and how they say that something is missing."""

import os

import pytest

import odoo
from odoo.tools import config

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(message):
    """Something a test needs is not there (a tool, the history, demo data): a failure under CI
    (CI=true), elsewhere a skip saying what."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def odoo_bin():
    candidates = [
        os.environ.get("ODOO_SRC"),
        # The Odoo that pytest-odoo imported (the virtualenv installs the source tree in editable mode).
        os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))),
        os.path.expanduser("~/.cache/odoo/18.0"),
    ]
    for src in filter(None, candidates):
        path = os.path.join(src, "odoo-bin")
        if os.path.isfile(path):
            return path
    missing(f"odoo-bin not found (looked in {candidates}); set ODOO_SRC")


def odoo_conf():
    conf = os.environ.get("QMS_ODOO_CONF") or os.environ.get("ODOO_RC") or config.rcfile
    if not (conf and os.path.isfile(conf)):
        missing(f"no Odoo configuration file ({conf!r}); set QMS_ODOO_CONF")
    return conf


def pg_args():
    """Connection options for the PostgreSQL client tools: Odoo's configuration, else PG* variables."""
    args = []
    for option, key in (("-h", "db_host"), ("-p", "db_port"), ("-U", "db_user")):
        if config.get(key):
            args += [option, str(config[key])]
    return args
