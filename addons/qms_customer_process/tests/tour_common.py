import os
import unittest

from odoo.tests import HttpCase


class QmsTourCase(HttpCase):
    """Browser tours that fail instead of being skipped under CI=true: Odoo skips a tour when
    Chromium or the websocket-client package is missing, or when Chromium does not answer, and a
    skipped tour proves nothing."""

    def browser_js(self, url_path, code, ready="", login=None, timeout=60, **kwargs):
        try:
            return super().browser_js(url_path, code, ready=ready, login=login, timeout=timeout, **kwargs)
        except unittest.SkipTest as skip:
            if os.environ.get("CI") == "true":
                self.fail(f"the browser tour cannot run under CI: {skip}")
            raise
