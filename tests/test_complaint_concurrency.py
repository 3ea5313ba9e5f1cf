"""Complaints recorded by many XML-RPC clients at once: every one stored, each with its own number.

Twenty clients (a bounded pool, loopback only) call ``create`` on ``qms.customer.complaint`` over
the real HTTP server that pytest-odoo starts (``--odoo-http``). Inside an HttpCase the server works
on the test's cursor (Odoo's test mode) and serializes the requests on it, so the calls overlap in
the server's threads but not in the database: the test checks that nothing is lost and that the
numbering hands out distinct numbers under concurrent calls, not PostgreSQL's isolation.
"""

import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor, as_completed

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tests.common import Transport
from odoo.tools import config

CLIENTS = 20
TIMEOUT = 120
LOGIN = "qms_sys_complaint_sales"
PASSWORD = "qms_sys_complaint_sales-Pw1"


@tagged("post_install", "-at_install")
class TestComplaintConcurrency(HttpCase):
    def setUp(self):
        super().setUp()
        self.salesperson = new_test_user(
            self.env, login=LOGIN, password=PASSWORD, name="QMS Complaint Salesperson",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        self.partner = self.env["res.partner"].create({
            "name": "QMS Concurrent Customer", "email": "concurrent@example.com", "user_id": self.salesperson.id,
        })

    def rpc_url(self, service):
        return f"http://127.0.0.1:{config['http_port']}/xmlrpc/2/{service}"

    def test_concurrent_creates_get_distinct_numbers(self):
        db = get_db_name()
        common = xmlrpc.client.ServerProxy(self.rpc_url("common"), transport=Transport(self.cr), allow_none=True)
        uid = common.authenticate(db, LOGIN, PASSWORD, {})
        self.assertTrue(uid)
        self.env.flush_all()  # the clients' requests see the user and the customer

        def file_complaint(index):
            # One client per call, plain transport: the threads never touch the test's cursor.
            proxy = xmlrpc.client.ServerProxy(self.rpc_url("object"), allow_none=True)
            complaint_id = proxy.execute_kw(db, uid, PASSWORD, "qms.customer.complaint", "create", [{
                "subject": f"Concurrent complaint {index:02d}",
                "partner_id": self.partner.id,
                "channel": "phone",
                "complaint_type": "delivery",
            }])
            return index, complaint_id

        results = {}
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(file_complaint, index) for index in range(CLIENTS)]
            for future in as_completed(futures, timeout=TIMEOUT):
                index, complaint_id = future.result(timeout=TIMEOUT)
                results[index] = complaint_id

        self.assertEqual(len(results), CLIENTS, "every client got its complaint")
        self.env.invalidate_all()
        complaints = self.env["qms.customer.complaint"].browse(results.values()).exists()
        self.assertEqual(len(complaints), CLIENTS, "every complaint is stored")
        self.assertEqual(sorted(complaints.mapped("subject")),
                         [f"Concurrent complaint {index:02d}" for index in range(CLIENTS)])
        names = complaints.mapped("name")
        self.assertEqual(len(set(names)), CLIENTS, f"numbers are unique: {sorted(names)}")
        self.assertTrue(all(name.startswith("CC/") for name in names))
        self.assertEqual(complaints.salesperson_id, self.salesperson)
