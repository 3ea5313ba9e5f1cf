"""Screenshots of the main screens, as a user sees them in Chromium: the quotation with its
Contract Review tab, a customer complaint, the satisfaction analysis. They illustrate the
addon's page (manifest ``images``, readme/USAGE.md, static/description/index.html).

Each screen is opened in the real web client (HttpCase, headless Chromium), checked for the
content it must show, captured, and reduced to a small palette PNG. By default the pictures go
to a temporary directory (the test proves the screens render and can be captured); with
``QMS_SCREENSHOTS_DIR=addons/qms_customer_process/static/description`` they replace the
committed ones (see the README, "Screenshots").
"""

import base64
import io
import os
import shutil
import tempfile

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

# Wide enough for the form and its chatter side by side, small enough for the Apps page.
WIDTH, HEIGHT = 1366, 900
READY_TIMEOUT = 90


@tagged("post_install", "-at_install")
class TestScreenshots(HttpCase):
    browser_size = f"{WIDTH},{HEIGHT}"

    def setUp(self):
        super().setUp()
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            # Odoo's browser helper skips without Chromium or websocket-client: in CI that is a failure.
            browsers = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
            self.assertTrue(any(shutil.which(name) for name in browsers), "Chromium is not installed (Debian: chromium)")
            try:
                import websocket  # noqa: F401, PLC0415
            except ImportError:
                self.fail("websocket-client is not installed (requirements-dev.txt)")
        self.order = self.env.ref("qms_customer_process.sale_order_special")
        self.complaint = self.env.ref("qms_customer_process.demo_complaint_major")
        self.campaign = self.env.ref("qms_customer_process.demo_satisfaction_campaign")
        # A review under way: R&D accepted, quality accepted with a condition, the others pending.
        lines = {line.role_id.code: line for line in self.order.qms_review_line_ids}
        users = {user.login: user for user in self.env["res.users"].search([("login", "in", ["qms_rd", "qms_quality"])])}
        lines["rd"].with_user(users["qms_rd"]).action_accept()
        lines["quality"].with_user(users["qms_quality"]).action_accept(conditions="Witnessed final inspection")
        admin = self.env.ref("base.user_admin")
        self.analysis = self.env["qms.satisfaction.analysis"].with_user(admin).create({"campaign_id": self.campaign.id})
        self.out_dir = os.environ.get("QMS_SCREENSHOTS_DIR")
        if self.out_dir:
            os.makedirs(self.out_dir, exist_ok=True)
        else:
            self.out_dir = tempfile.mkdtemp(prefix="qms-screenshots-")
            self.addCleanup(shutil.rmtree, self.out_dir, ignore_errors=True)

    def _evaluate(self, browser, expression, timeout=30):
        result = browser._websocket_request(
            "Runtime.evaluate", params={"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=timeout,
        )
        self.assertNotIn("exceptionDetails", result, f"{expression!r} failed in the page: {result}")
        return result["result"].get("value")

    def _wait_for(self, browser, condition, what):
        """Wait until the JS ``condition`` holds and nothing is loading, then let the page settle."""
        ready = browser._wait_ready(
            f"({condition}) && !document.querySelector('.o_loading_indicator, .o_blockUI')", timeout=READY_TIMEOUT,
        )
        self.assertTrue(ready, f"the {what} did not show within {READY_TIMEOUT} s")
        self._evaluate(browser, "new Promise(resolve => setTimeout(resolve, 800))")

    def _capture(self, browser, name):
        self._wait_for(browser, "true", f"{name} (no request under way)")
        data = browser._websocket_request("Page.captureScreenshot", params={"format": "png"}, timeout=30)["data"]
        image = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
        self.assertEqual(image.size, (WIDTH, HEIGHT), f"{name}: unexpected screenshot size")
        # Not a blank page: a real screen has many colours and a wide range of brightness.
        colours = image.getcolors(maxcolors=1 << 16)
        self.assertTrue(colours is None or len(colours) > 50, f"{name}: the screenshot looks blank")
        small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        path = os.path.join(self.out_dir, f"{name}.png")
        small.save(path, optimize=True)
        size = os.path.getsize(path)
        self.assertLess(size, 250_000, f"{path} is {size} bytes: keep the addon's pictures small")
        return path

    def test_main_screens(self):
        browser = ChromeBrowser(self, headless=True)
        try:
            # The window size includes the browser's own frame: fix the page's viewport instead.
            browser._websocket_request("Emulation.setDeviceMetricsOverride", params={
                "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False,
            })
            self.authenticate("admin", "admin", browser=browser)
            self.cr.flush()
            self.cr.clear()
            base = self.base_url()

            # 1. The quotation with its Contract Review tab: the department lines and their decisions.
            browser.navigate_to(f"{base}/odoo/action-sale.action_quotations_with_onboarding/{self.order.id}")
            self._wait_for(browser, "document.querySelector('.o_form_view .o_notebook')", "quotation form")
            clicked = self._evaluate(browser, """(() => {
                const tab = [...document.querySelectorAll('.o_notebook .nav-link')]
                    .find(link => link.textContent.trim() === 'Contract Review');
                if (tab) { tab.click(); }
                return Boolean(tab);
            })()""")
            self.assertTrue(clicked, "the quotation has no Contract Review tab")
            self._wait_for(
                browser, "document.querySelector('.tab-pane.active [name=qms_review_line_ids] .o_data_row')",
                "Contract Review tab with its department lines",
            )
            text = self._evaluate(browser, "document.querySelector('.tab-pane.active').innerText")
            for expected in ("R&D", "Quality", "Witnessed final inspection"):
                self.assertIn(expected, text, "the Contract Review tab does not show the review lines")
            # The department lines at the bottom of the picture, the classification above them.
            self._evaluate(browser, "document.querySelector('.tab-pane.active [name=qms_review_line_ids]')"
                                    ".scrollIntoView({block: 'end'})")
            self._wait_for(browser, "true", "scrolled Contract Review tab")
            shots = [self._capture(browser, "screenshot_contract_review")]

            # 2. A customer complaint under investigation.
            browser.navigate_to(f"{base}/odoo/action-qms_customer_process.qms_customer_complaint_action/{self.complaint.id}")
            self._wait_for(browser, "document.querySelector('.o_form_view .o_form_sheet')", "complaint form")
            text = self._evaluate(browser, "document.querySelector('.o_form_view').innerText")
            self.assertIn(self.complaint.name, text)
            shots.append(self._capture(browser, "screenshot_complaint"))

            # 3. The satisfaction analysis of the demo campaign, with its figures and chart.
            browser.navigate_to(f"{base}/odoo/action-qms_customer_process.qms_satisfaction_analysis_action/{self.analysis.id}")
            self._wait_for(browser, "document.querySelector('.o_form_view [name=report_html] table')", "satisfaction analysis")
            text = self._evaluate(browser, "document.querySelector('.o_form_view').innerText")
            self.assertIn(self.campaign.name, text)
            shots.append(self._capture(browser, "screenshot_satisfaction_analysis"))

            self.assertFalse(browser.had_failure, "the web client logged an error while the screens were open")
        finally:
            browser.stop()
            self._wait_remaining_requests()
        for path in shots:
            print(f"screenshot: {path} ({os.path.getsize(path)} bytes)")  # noqa: T201
