"""Record integrity seen from an external client: every role, over real XML-RPC, tries to forge what
the procedure's transitions own, and is refused with the record unchanged.

Every call goes through the HTTP server that pytest-odoo starts (``--odoo-http``): a real login
through ``/xmlrpc/2/common`` and ``execute_kw`` on ``/xmlrpc/2/object`` with the user's password,
so the access rights, record rules and guards are those of the real user. Inside an HttpCase the
server works on the test's cursor (Odoo's test mode): the records made in ``setUpClass`` are seen
by the calls, a refused call is rolled back to its savepoint as a real server rolls back its
transaction, and everything is rolled back after each test.

XML-RPC 2 gives the class of a refusal as the fault code: 4 for ``AccessError``, 2 for
``UserError`` and its subclasses (``ValidationError``); any other exception (a crash) answers 1
with its traceback. The tests check the code and the message of every refusal, then read the record
back as superuser.

What is owned by a transition is taken from the models (``_qms_transition_fields``), so that the
test follows the code; ``PROCEDURE_OWNED`` lists independently what the issue and DESIGN.md say
must be protected, and ``test_models_own_what_the_procedure_says`` checks that the models cover it.
"""

import re
import xmlrpc.client
from datetime import timedelta

from test_xmlrpc_gate import RpcUser

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

ADDON = "qms_customer_process"
FAULT_ACCESS = 4  # odoo.exceptions.AccessError
FAULT_USER = 2  # odoo.exceptions.UserError, ValidationError
MIXIN_REFUSAL = r"are set by its workflow actions \(the buttons\), not written directly"
ACCESS_REFUSAL = r"You are not allowed to (access|modify|create)|stumbled upon some top-secret records"

# One user per role of DESIGN.md "Who uses it", plus a user of no QMS group and the customer.
ROLES = {
    "salesperson": "base.group_user,sales_team.group_sale_salesman",
    "sales_manager": "base.group_user,sales_team.group_sale_manager",
    "rd": f"base.group_user,{ADDON}.group_qms_rd",
    "production": f"base.group_user,{ADDON}.group_qms_production",
    "procurement": f"base.group_user,{ADDON}.group_qms_procurement",
    "quality": f"base.group_user,{ADDON}.group_qms_quality",
    "finance": f"base.group_user,{ADDON}.group_qms_finance",
    "warehouse": f"base.group_user,stock.group_stock_user,{ADDON}.group_qms_warehouse",
    "general_manager": f"base.group_user,{ADDON}.group_qms_general_manager",
    "qms_admin": f"base.group_user,{ADDON}.group_qms_manager",
    "internal": "base.group_user",
    "portal": "base.group_portal",
}

# What the issue ("status, decision, decided/verified/closed/approved by and on, score, grade,
# effectiveness") and DESIGN.md say only the transitions write, model by model.
PROCEDURE_OWNED = {
    "qms.customer.complaint": {
        "state", "customer_acceptance", "closed_by_id", "date_closed", "date_acknowledged", "date_proposed",
        # the containment (8D D3): what was quarantined, by whom, when
        "quarantine_picking_ids", "quarantined_by_id", "date_quarantined",
        # issue 12: the deadlines met or missed, stored facts of the handling
        "acknowledge_sla", "response_sla", "closure_sla",
    },
    "qms.quality.investigation": {"state", "closed_by_id", "date_closed"},
    "qms.corrective.action": {"state", "implemented_on", "verified_by_id", "verified_on", "effective"},
    "qms.sample.request": {
        "state", "submitted_on", "manager_approved_by_id", "manager_approved_on", "gm_approved_by_id",
        "gm_approved_on", "customer_decision", "customer_decided_on", "closed_on",
    },
    # issue 12: the background sending of a large campaign is the job's
    "qms.satisfaction.campaign": {"state", "send_queue", "send_queued_on", "send_total"},
    "qms.satisfaction.survey": {"state", "score", "grade_id", "dissatisfied", "dissatisfied_items", "answered_on",
                                "last_reminder_on"},
    # A score line mirrors the status of its survey: the analysis counts the lines of answered surveys.
    "qms.satisfaction.score": {"score", "state"},
    "qms.capability.commitment": {"state", "approved_by_id", "approved_on", "review_round", "submitted_by_id",
                                  "submitted_on"},
    # A department head's countersign of the initial review (procedure 4.3.2).
    "qms.capability.review.line": {"decision", "signed_by_id", "signed_on"},
    "qms.contract.review.line": {"decision", "reviewer_id", "decided_on", "carried_from_id"},
    "sale.order": {"qms_review_state", "qms_review_revision", "qms_review_outdated", "qms_review_required",
                   "qms_contract_type", "qms_review_conclusion", "qms_review_concluded_by_id", "qms_review_concluded_on",
                   # issue 12: the customer's acceptance held during the review, released on approval
                   "qms_acceptance_held_on", "qms_accepted_terms"},
    # What the addon sent by itself, to whom and when (issue 12): written by nobody else.
    "qms.followup.log": {"rule", "res_model", "res_id", "key", "date", "user_ids"},
    # Customer property (顾客财产): quality's verification, the return, the incident reported to the
    # customer and the customer's answer.
    "qms.customer.property": {
        "state", "verified_by_id", "verified_on", "verification_result", "returned_by_id", "returned_on",
        "incident_type", "incident_reported_by_id", "incident_reported_on", "customer_answer", "customer_answered_on",
    },
}
MODELS = tuple(PROCEDURE_OWNED)

# Context keys a forger sends: the transition flags the addon once read, Odoo's own switches and
# wishful ones. None of them is a permission.
FORGED_CONTEXT = {
    "qms_complaint_transition": True,
    "qms_commitment_extend": True,
    "qms_transition": True,
    "default_state": "closed",
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "install_mode": True,
    "import_file": True,
    "module": ADDON,
    "noupdate": True,
    "active_test": False,
    "su": True,
    "sudo": True,
    "uid": 1,
}

# A value that forges the most when a selection offers it.
FORGED_SELECTION = (
    "closed", "verified", "approved", "accepted", "effective", "analysed", "answered", "customer_approved",
    "running", "regular", "rejected",
)

MAIL = """From: QMS Gateway Forger <forger@example.com>
To: complaints@example.com
Subject: {subject}
Message-ID: <{message_id}@example.com>
Date: Mon, 02 Feb 2026 10:00:00 +0000
Content-Type: text/plain; charset="utf-8"

The pumps leak.
"""


def password(role):
    return f"qms_rpc_{role}-Pw1!"


def _codes(codes):
    return codes if isinstance(codes, tuple) else (codes,)


@tagged("post_install", "-at_install")
class TestXmlrpcIntegrity(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.company.write({"qms_review_amount_threshold": 0.0, "qms_review_regular_orders": False,
                           "qms_review_before_sending": False})
        cls.other_company = env["res.company"].create({"name": "QMS RPC Other Company"})
        cls.users = {
            role: new_test_user(env, login=f"qms_rpc_{role}", password=password(role), name=f"QMS RPC {role}",
                                groups=groups)
            for role, groups in ROLES.items() if role != "portal"
        }
        sales = cls.users["salesperson"]
        cls.customer = env["res.partner"].create({
            "name": "QMS RPC Customer", "is_company": True, "email": "buyer@rpc-customer.example.com",
            "user_id": sales.id,
        })
        # The customer's own portal user: its partner is the customer of the records below.
        cls.users["portal"] = new_test_user(
            env, login="qms_rpc_portal", password=password("portal"), groups=ROLES["portal"],
            partner_id=cls.customer.id, email=cls.customer.email,
        )
        cls.other_customers = env["res.partner"].create([
            {"name": f"QMS RPC Customer {n}", "is_company": True, "email": f"buyer{n}@rpc.example.com",
             "user_id": sales.id}
            for n in range(2, 8)
        ])
        cls.roles = {
            role.code: role for role in env["qms.review.role"].search([("company_id", "in", [False, cls.company.id])])
        }
        # Stock of a product a complaint is about, for the quarantine (8D D3).
        cls.stocked_product = env["product.product"].create({
            "name": "QMS RPC Stocked Pump", "type": "consu", "is_storable": True, "list_price": 50.0,
        })
        warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        env["stock.quant"]._update_available_quantity(cls.stocked_product, warehouse.lot_stock_id, 12)
        cls.special_product = env["product.product"].create({
            "name": "QMS RPC Prototype Pump", "type": "consu", "list_price": 300.0, "qms_standard_product": False,
        })
        cls.now = fields.Datetime.now()
        cls.today = fields.Date.context_today(sales)
        cls.period = {"date_start": cls.today.replace(day=1), "date_end": cls.today.replace(day=1) + timedelta(days=27)}
        cls.year = {"date_from": cls.today.replace(month=1, day=1), "date_to": cls.today.replace(month=12, day=31)}
        cls.due = cls.today + timedelta(days=30)
        cls.campaign_draft = cls.make_campaign("draft", partner_ids=[(6, 0, cls.customer.ids)])
        cls.campaign_running = cls.make_campaign("running")

        # The records each role tries to forge, one per relevant state.
        order_review = cls.make_order("in_review")
        survey_draft = cls.make_survey("draft", cls.other_customers[0])
        survey_answered = cls.make_survey("answered", cls.customer)
        cls.records = {
            # Open and closed: their guards do not depend on the state in between.
            "qms.customer.complaint": {state: cls.make_complaint(state) for state in ("new", "closed")},
            "qms.quality.investigation": {state: cls.make_investigation(state) for state in ("draft", "closed")},
            "qms.corrective.action": {state: cls.make_action(state) for state in ("open", "verified")},
            # What may still be edited on a sample request depends on its state.
            "qms.sample.request": {state: cls.make_sample(state) for state in ("draft", "sent", "closed")},
            "qms.satisfaction.campaign": {"draft": cls.campaign_draft, "closed": cls.make_campaign("closed")},
            # An answered survey and its scores are a record.
            "qms.satisfaction.survey": {"draft": survey_draft, "answered": survey_answered},
            "qms.satisfaction.score": {"draft": survey_draft.score_ids[:1], "answered": survey_answered.score_ids[:1]},
            "qms.capability.commitment": {state: cls.make_commitment(state) for state in ("draft", "approved")},
            "qms.capability.review.line": {
                "pending": cls.countersign_line(cls.make_commitment("submitted"), "rd"),
                "countersigned": cls.countersign_line(cls.make_commitment("countersigned"), "rd"),
            },
            "qms.customer.property": {state: cls.make_property(state) for state in ("received", "lost")},
            "qms.contract.review.line": {
                "pending": cls.review_line(order_review, "rd"),
                "accepted": cls.review_line(cls.make_order("approved"), "rd"),
            },
            "sale.order": {"draft": cls.make_order("draft"), "in_review": order_review,
                           "approved": cls.make_order("approved")},
            "qms.followup.log": {"sent": env["qms.followup.log"]._qms_record(
                "review_reminder", cls.review_line(order_review, "rd"), cls.users["rd"], "Reminder: contract review",
            )},
        }
        if not (survey_draft.score_ids and survey_answered.score_ids):
            raise AssertionError("the satisfaction questionnaire gives no dimension line")
        # What a create sends besides the forged field: valid values, a name given so that no
        # sequence is consumed before the guard answers.
        cls.create_vals = {
            "qms.customer.complaint": {"subject": "Forged complaint", "partner_id": cls.customer.id},
            "qms.quality.investigation": {"name": "QMS-RPC-INV", "problem_description": "Forged"},
            "qms.corrective.action": {"name": "QMS-RPC-CA", "description": "Forged", "due_date": str(cls.due)},
            "qms.sample.request": {"name": "QMS-RPC-S", "partner_id": cls.customer.id},
            "qms.satisfaction.campaign": {"name": "QMS-RPC-C", "title": "Forged",
                                          "date_start": str(cls.period["date_start"]),
                                          "date_end": str(cls.period["date_end"])},
            "qms.satisfaction.survey": {"name": "QMS-RPC-SV", "campaign_id": cls.campaign_draft.id,
                                        "partner_id": cls.other_customers[-1].id},
            "qms.satisfaction.score": {"survey_id": survey_draft.id,
                                       "dimension_id": survey_draft.score_ids[:1].dimension_id.id},
            "qms.capability.commitment": {"name": "Forged commitment", "date_from": str(cls.year["date_from"]),
                                          "date_to": str(cls.year["date_to"])},
            "qms.contract.review.line": {"order_id": cls.records["sale.order"]["draft"].id,
                                         "role_id": cls.roles["rd"].id},
            "qms.capability.review.line": {"commitment_id": cls.records["qms.capability.commitment"]["draft"].id,
                                           "role_id": cls.roles["rd"].id},
            "qms.customer.property": {"reference": "QMS-RPC-P", "name": "Forged property", "partner_id": cls.customer.id},
            "sale.order": {"partner_id": cls.customer.id},
            "qms.followup.log": {},
        }
        # Refusals answered by the model before the workflow guard: (fault code, message).
        cls.create_guard = {
            "qms.contract.review.line": (FAULT_USER, "Review lines are created by requesting a contract review"),
            "qms.capability.review.line": (FAULT_USER, "Countersigns are created by submitting the initial review"),
            "qms.satisfaction.score": (FAULT_USER, "Dimension scores are made from the survey's questionnaire"),
        }
        cls.snapshots = {
            (model, record.id): cls._snapshot(record)
            for model, by_state in cls.records.items() for record in by_state.values()
        }

    # ------------------------------------------------------------------
    # Records of the procedure, made as superuser in the state asked for
    # ------------------------------------------------------------------

    @classmethod
    def make_order(cls, review_state):
        """A special quotation of the salesperson: review draft, in_review, approved or rejected
        (by finance)."""
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "user_id": cls.users["salesperson"].id,
            "order_line": [(0, 0, {"product_id": cls.special_product.id, "product_uom_qty": 2})],
        })
        if review_state != "draft":
            order.action_qms_request_review()
        if review_state == "approved":
            order.qms_review_line_ids.write({"decision": "accepted", "decided_on": cls.now,
                                             "reviewer_id": cls.users["general_manager"].id})
        elif review_state == "departments_decided":
            # Every department accepted a special contract: the organiser's conclusion is due.
            order.qms_review_line_ids.filtered(lambda line: line.role_id.code != "general_manager").write({
                "decision": "accepted", "decided_on": cls.now, "reviewer_id": cls.users["rd"].id})
            review_state = "in_review"
        elif review_state == "rejected":
            cls.review_line(order, "finance").write({"decision": "rejected", "comment": "Credit limit exceeded",
                                                     "decided_on": cls.now, "reviewer_id": cls.users["finance"].id})
        if order.qms_review_state != review_state:
            raise AssertionError(f"order made {order.qms_review_state}, not {review_state}")
        return order

    @classmethod
    def review_line(cls, order, code):
        return order.qms_review_line_ids.filtered(lambda line: line.role_id.code == code)

    @classmethod
    def make_complaint(cls, state, **extra):
        """A minor complaint of the customer owned by its salesperson, with what its next step needs."""
        now, quality = cls.now, cls.users["quality"]
        vals = {
            "new": {"reject_reason": "Not our product"},
            "acknowledged": {"date_acknowledged": now, "solution": "replace"},
            "proposed": {"date_acknowledged": now, "date_proposed": now, "solution": "replace",
                         "customer_feedback": "A replacement is fine."},
            "confirmed": {"date_proposed": now, "solution": "replace", "customer_acceptance": "accepted",
                          "closure_note": "Replacement received and checked."},
            "closed": {"solution": "replace", "customer_acceptance": "accepted", "closed_by_id": quality.id,
                       "date_closed": now, "closure_note": "Checked."},
        }[state]
        return cls.env["qms.customer.complaint"].create({
            "subject": f"Leaking pumps ({state})", "partner_id": cls.customer.id, "user_id": cls.users["salesperson"].id,
            "severity": "minor", "state": state, **vals, **extra,
        })

    @classmethod
    def make_investigation(cls, state):
        """An 8D investigation of a complaint of the salesperson, led by production."""
        vals = {
            "draft": {},
            "verification": {"root_cause_category": "material", "root_cause": "Wrong seal",
                             "implementation_note": "Seal changed", "verification_note": "No leak since",
                             "prevention_note": "Drawing updated"},
            "closed": {"closed_by_id": cls.users["quality"].id, "date_closed": cls.today},
        }[state]
        return cls.env["qms.quality.investigation"].create({
            "complaint_id": cls.make_complaint("new").id, "user_id": cls.users["production"].id,
            "problem_description": "Seals leak at 6 bar.", "state": state, **vals,
        })

    @classmethod
    def make_action(cls, state, **vals):
        """A corrective action owned by production, of a complaint of the salesperson."""
        quality = cls.users["quality"]
        state_vals = {
            "open": {},
            "done": {"implemented_on": cls.today},
            "verified": {"implemented_on": cls.today, "verified_by_id": quality.id, "verified_on": cls.today,
                         "effective": "effective"},
        }[state]
        return cls.env["qms.corrective.action"].create({
            "description": f"New seal supplier ({state})", "user_id": cls.users["production"].id,
            "due_date": cls.due, "implementation_note": "Supplier changed", "state": state, **state_vals,
            **({"complaint_id": cls.make_complaint("new").id} if "satisfaction_survey_id" not in vals else {}), **vals,
        })

    @classmethod
    def make_sample(cls, state, purpose="trial"):
        """A sample request of the salesperson for the customer."""
        now = cls.now
        vals = {
            "draft": {},
            "submitted": {"submitted_on": now},
            "sent": {"submitted_on": now, "carrier": "DHL", "sent_date": cls.today},
            "closed": {"submitted_on": now, "customer_decision": "approved", "customer_decided_on": now,
                       "closed_on": now},
        }[state]
        if purpose == "new_development" and state == "submitted":
            vals.update(manager_approved_by_id=cls.users["sales_manager"].id, manager_approved_on=now)
        return cls.env["qms.sample.request"].create({
            "partner_id": cls.customer.id, "user_id": cls.users["salesperson"].id, "purpose": purpose, "state": state,
            "line_ids": [(0, 0, {"name": "Prototype pump", "quantity": 2})], **vals,
        })

    @classmethod
    def make_campaign(cls, state, **vals):
        return cls.env["qms.satisfaction.campaign"].create({
            **cls.period, "title": f"Satisfaction ({state})", "state": state, **vals,
        })

    @classmethod
    def make_survey(cls, state, partner):
        """The survey of ``partner`` (a customer of the salesperson) in the running campaign;
        answered at 82."""
        vals = {
            "draft": {},
            "sent": {"sent_on": cls.now},
            "answered": {"sent_on": cls.now, "answered_on": cls.now, "answer_mode": "paper", "score": 82.0},
        }[state]
        survey = cls.env["qms.satisfaction.survey"].create({
            "campaign_id": cls.campaign_running.id, "partner_id": partner.id, "state": state, **vals,
        })
        if state == "answered":
            survey.score_ids.write({"score": 82.0})
        return survey

    @classmethod
    def make_commitment(cls, state):
        """A capability commitment of the company's categories; submitted and later with its
        countersigns (all countersigned from 'countersigned' on)."""
        vals = {"approved_by_id": cls.users["general_manager"].id, "approved_on": cls.now} if state == "approved" else {}
        commitment = cls.env["qms.capability.commitment"].create({
            **cls.year, "name": f"Capability {cls.today.year} ({state})",
            "categ_ids": [(6, 0, cls.env.ref("product.product_category_all").ids)],
        })
        if state in ("submitted", "countersigned"):
            commitment.action_submit()
        if state == "countersigned":
            commitment.review_line_ids.write({"decision": "countersigned", "signed_on": cls.now,
                                              "signed_by_id": cls.users["rd"].id})
        commitment.write({"state": state, **vals})
        return commitment

    @classmethod
    def countersign_line(cls, commitment, code):
        return commitment.review_line_ids.filtered(lambda line: line.role_id.code == code)

    @classmethod
    def make_property(cls, state):
        """Copper wire the customer entrusted to the salesperson's care, in the state asked for."""
        quality, now = cls.users["quality"], cls.now
        vals = {
            "received": {},
            "verified": {"verified_by_id": quality.id, "verified_on": now, "verification_result": "conforming"},
            "in_use": {"verified_by_id": quality.id, "verified_on": now, "verification_result": "conforming",
                       "in_use_since": now},
            "lost": {"verified_by_id": quality.id, "verified_on": now, "verification_result": "conforming",
                     "incident_type": "damaged", "incident_description": "Crushed", "incident_reported_on": now,
                     "incident_reported_by_id": cls.users["warehouse"].id},
        }[state]
        return cls.env["qms.customer.property"].create({
            "name": f"Copper wire ({state})", "partner_id": cls.customer.id, "user_id": cls.users["salesperson"].id,
            "kind": "material", "product_id": cls.special_product.id, "quantity": 20, "state": state, **vals,
        })

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def rpc_url(self, service):
        return f"http://127.0.0.1:{config['http_port']}/xmlrpc/2/{service}"

    def login(self, role):
        return RpcUser(self, f"qms_rpc_{role}", password(role))

    @classmethod
    def _owned(cls, model):
        return tuple(sorted(set(cls.env[model]._qms_transition_fields) | PROCEDURE_OWNED[model]))

    @classmethod
    def _snapshot(cls, record):
        """The record as the superuser reads it: what a transition owns, its name and its chatter."""
        record.env.invalidate_all()
        names = [*cls._owned(record._name), *(name for name in ("name", "message_ids") if name in record._fields)]
        return record.read(names, load=None)[0]

    def _forged_value(self, model, name, records=None):
        """A value of ``name`` that is neither the field's initial value nor, where the type
        allows, the value of any of ``records``."""
        env = self.env
        field = env[model]._fields[name]
        initial = field.default(env[model]) if field.default else False
        if isinstance(initial, fields.BaseModel):
            initial = initial.id
        currents = [initial]
        for record in records or ():
            current = record[name]
            if isinstance(current, fields.BaseModel):
                current = current.ids if field.type in ("one2many", "many2many") else current.id
            currents.append(current)
        if field.type == "selection":
            options = [value for value, _label in field._description_selection(env) if value not in currents]
            return next((value for value in FORGED_SELECTION if value in options), options[0])
        if field.type == "many2one":
            if field.comodel_name == "res.users":
                candidates = [self.users["general_manager"].id, self.users["quality"].id, self.users["rd"].id]
            else:
                candidates = env[field.comodel_name].with_context(active_test=False).search(
                    [("id", "not in", [current or 0 for current in currents])], limit=1, order="id desc").ids
            return next(value for value in candidates if value not in currents)
        if field.type == "many2many":
            return [(6, 0, [self.records["sale.order"]["approved"].id])]
        if field.type == "boolean":
            return not currents[-1]
        if field.type == "integer":
            return max(current or 0 for current in currents) + 7
        if field.type in ("float", "monetary"):
            return next(value for value in (99.0, 42.0, 7.0) if value not in currents)
        if field.type == "date":
            return "2020-02-02"
        if field.type == "datetime":
            return "2020-02-02 02:02:02"
        return "Forged over XML-RPC"

    def _forged_context(self, name, value):
        return dict(FORGED_CONTEXT, **{f"default_{name}": value})

    def _count(self, model):
        return self.env[model].sudo().with_context(active_test=False).search_count([])

    def _refusal(self, rpc, expected, label, *args, names=(), model=None, **kwargs):
        """Call ``rpc(*args, **kwargs)``; return a description of what went wrong, or None when
        the call was refused with one of the expected fault codes and a message matching. When
        the workflow guard refuses, its message must name every field of ``names`` (of ``model``,
        by default the model called) the call sent."""
        codes, pattern = expected
        try:
            result = rpc(*args, **kwargs)
        except xmlrpc.client.Fault as fault:
            message = fault.faultString
            if fault.faultCode not in _codes(codes) or not re.search(pattern, message):
                return f"{label}: refused with fault {fault.faultCode} {message[-600:]!r}, " \
                       f"expected fault {codes} matching {pattern!r}"
            if re.search(MIXIN_REFUSAL, message):
                fields_ = self.env[model or args[0]]._fields
                missing = [name for name in names if fields_[name]._description_string(self.env) not in message]
                if missing:
                    return f"{label}: the refusal does not name {missing}: {message!r}"
            return None
        return f"{label}: accepted (returned {result!r})"

    def _changed(self, record, label, before=None):
        before = before or self.snapshots[record._name, record.id]
        after = self._snapshot(record)
        if after != before:
            diff = {key: (before.get(key), after.get(key)) for key in after if before.get(key) != after[key]}
            return f"{label}: {record._name} {record.id} changed: {diff}"
        return None

    def _write_expectation(self, model, record):
        # These models read the record before the workflow guard answers: a user who may not read
        # it is refused that (AccessError); a decided line or an answered score is a record.
        guard = None
        if model == "qms.contract.review.line" and record.decision != "pending":
            guard = "A decided review line is a record"
        elif model == "qms.capability.review.line" and record.decision != "pending":
            guard = "A countersign is a record"
        elif model == "qms.satisfaction.score" and record.survey_id.state in ("answered", "analysed"):
            guard = "An answered satisfaction survey is a record: its answers cannot be changed"
        if guard:
            return (FAULT_ACCESS, FAULT_USER), f"{guard}|{ACCESS_REFUSAL}"
        if model == "qms.capability.review.line":
            # A pending countersign: its department's opinion only, by its members.
            return FAULT_ACCESS, f"{MIXIN_REFUSAL}|{ACCESS_REFUSAL}|Only members of .* write its opinion on the initial review"
        if model in ("qms.sample.request", "qms.contract.review.line", "qms.satisfaction.score"):
            return FAULT_ACCESS, f"{MIXIN_REFUSAL}|{ACCESS_REFUSAL}"
        return FAULT_ACCESS, MIXIN_REFUSAL

    def _forge_all(self, role):
        """As ``role``, model by model: create with each owned field forged, and write it on a
        record of each state; then, all owned fields at once: create with forged context keys,
        create with the fields as defaults of the context only, copy with them as defaults (of the
        call, of the context), write them on the records of every state with forged context keys."""
        rpc = self.login(role)
        problems = []
        calls = 0
        for model in MODELS:
            count = self._count(model)
            records = self.records[model]
            owned = self._owned(model)
            base = self.create_vals[model]
            create_expected = self.create_guard.get(model, (FAULT_ACCESS, MIXIN_REFUSAL))
            # A copy reads the original first: a user who may not read it is refused that.
            copy_expected = ((FAULT_ACCESS, create_expected[0]), f"{create_expected[1]}|{ACCESS_REFUSAL}")
            forged = {name: self._forged_value(model, name) for name in owned}
            defaults = {f"default_{name}": value for name, value in forged.items()}
            original = next(iter(records.values()))
            attempts = [
                (f"create {name}={value!r}", create_expected, "create", [{**base, name: value}], {}, [name])
                for name, value in forged.items()
            ] + [
                ("create, every owned field, forged context", create_expected, "create", [{**base, **forged}],
                 {"context": {**FORGED_CONTEXT, **defaults}}, owned),
                ("create, every owned field in the context's defaults only", create_expected, "create", [dict(base)],
                 {"context": {**FORGED_CONTEXT, **defaults}}, owned),
                ("copy, every owned field in the defaults", copy_expected, "copy", [original.id], {"default": forged},
                 owned),
                # (a field the copy carries over takes the original's value, not the context's default)
                ("copy, every owned field in the context's defaults", copy_expected, "copy", [original.id],
                 {"context": {**FORGED_CONTEXT, **defaults}}, [name for name in owned if not original._fields[name].copy]),
            ]
            for label, expected, method, args, kwargs, names in attempts:
                label = f"{role}: {model}.{label}"
                problems.append(self._refusal(rpc, expected, label, model, method, *args, names=names, **kwargs))
                if self._count(model) != count:
                    problems.append(f"{label}: a record was created")
            calls += len(attempts)
            for name in owned:
                for state, record in records.items():
                    value = self._forged_value(model, name, [record])
                    label = f"{role}: {model}.write on the {state} record {name}={value!r}"
                    problems.append(self._refusal(rpc, self._write_expectation(model, record), label, model, "write",
                                                  [record.id], {name: value}, names=[name]))
                    problems.append(self._changed(record, label))
                    calls += 1
            # Every owned field with forged context keys, on the records of every state at once.
            expectations = [self._write_expectation(model, record) for record in records.values()]
            codes = tuple({code for codes, _pattern in expectations for code in _codes(codes)})
            pattern = "|".join(pattern for _codes, pattern in expectations)
            forged = {name: self._forged_value(model, name, records.values()) for name in owned}
            label = f"{role}: {model}.write every owned field on the records of every state, forged context"
            problems.append(self._refusal(rpc, (codes, pattern), label, model, "write", [r.id for r in records.values()],
                                          forged, names=owned,
                                          context={**FORGED_CONTEXT, **{f"default_{n}": v for n, v in forged.items()}}))
            problems += [self._changed(record, label) for record in records.values()]
            calls += 1
        calls += self._forge_through_parents(rpc, role, problems)
        problems = [problem for problem in problems if problem]
        self.assertFalse(problems, f"{len(problems)} of {calls} forged calls got through or failed otherwise:\n"
                         + "\n".join(problems))
        return calls

    def _forge_through_parents(self, rpc, role, problems):
        """Owned fields of a record written through its parent's one2many, and owned lines created
        through it."""
        records = self.records
        order = records["sale.order"]["in_review"]
        rd_line = records["qms.contract.review.line"]["pending"]
        score = records["qms.satisfaction.score"]["draft"]
        investigation = records["qms.quality.investigation"]["draft"]
        action = records["qms.corrective.action"]["open"]
        survey = records["qms.satisfaction.survey"]["draft"]
        countersign = records["qms.capability.review.line"]["pending"]
        quality = self.users["quality"].id
        # The parent's write access is checked first (AccessError), else the child's guard answers.
        either = (FAULT_ACCESS, f"{MIXIN_REFUSAL}|{ACCESS_REFUSAL}")
        line_guard = ((FAULT_ACCESS, FAULT_USER), f"{ACCESS_REFUSAL}|Review lines are created by requesting a contract review")
        attempts = [
            (order, "qms_review_line_ids", [(1, rd_line.id, {"decision": "accepted"})], rd_line, either),
            (order, "qms_review_line_ids",
             [(0, 0, {"role_id": self.roles["rd"].id, "decision": "accepted", "reviewer_id": self.users["rd"].id})],
             None, line_guard),
            (survey, "score_ids", [(1, score.id, {"score": 100.0, "state": "answered"})], score, either),
            (investigation.complaint_id, "investigation_ids",
             [(1, investigation.id, {"state": "closed", "closed_by_id": quality})], investigation, either),
            (action.complaint_id, "corrective_action_ids",
             [(1, action.id, {"state": "verified", "effective": "effective", "verified_by_id": quality})], action,
             either),
            (investigation, "corrective_action_ids",
             [(0, 0, {"description": "Forged", "state": "verified", "due_date": str(self.due)})], None, either),
            (survey.campaign_id, "survey_ids", [(1, survey.id, {"state": "answered", "score": 100.0})], survey, either),
            (countersign.commitment_id, "review_line_ids",
             [(1, countersign.id, {"decision": "countersigned", "signed_by_id": quality})], countersign,
             (FAULT_ACCESS, f"{MIXIN_REFUSAL}|{ACCESS_REFUSAL}|Only members of .* write its opinion on the initial review")),
        ]
        for parent, name, commands, child, expected in attempts:
            comodel = parent._fields[name].comodel_name
            parent_before = self._snapshot(parent)
            for kwargs in ({}, {"context": FORGED_CONTEXT}):
                label = f"{role}: {parent._name}.write {name}={commands!r} {kwargs}"
                count = self._count(comodel)
                problems.append(self._refusal(rpc, expected, label, parent._name, "write", [parent.id],
                                              {name: commands}, **kwargs))
                problems.append(self._changed(parent, label, parent_before))
                if child:
                    problems.append(self._changed(child, label))
                if self._count(comodel) != count:
                    problems.append(f"{label}: a record was created")
        return len(attempts) * 2

    # ------------------------------------------------------------------
    # The models own what the procedure says
    # ------------------------------------------------------------------

    def test_models_own_what_the_procedure_says(self):
        for model, required in PROCEDURE_OWNED.items():
            Model = self.env[model]
            self.assertIsInstance(Model, type(self.env["qms.workflow.mixin"]), f"{model} does not use the workflow idiom")
            missing = required - set(Model._qms_transition_fields)
            self.assertFalse(missing, f"{model} does not own {sorted(missing)}: anyone with write access can forge them")
            # A stored value the ORM derives from others (no inverse) is written by nobody either:
            # a deadline, a KPI, the status of a survey mirrored on its lines, a customer company.
            derived = {
                name for name, field in Model._fields.items()
                if field.store and field.compute and not field.inverse and field.readonly and field._module == ADDON
            }
            self.assertFalse(derived - set(Model._qms_transition_fields),
                             f"{model}: derived values anyone with write access can overwrite")

    # ------------------------------------------------------------------
    # Every role forges every owned field of every model
    # ------------------------------------------------------------------

    def test_forging_as_salesperson(self):
        self._forge_all("salesperson")

    def test_forging_as_sales_manager(self):
        self._forge_all("sales_manager")

    def test_forging_as_rd(self):
        self._forge_all("rd")

    def test_forging_as_production(self):
        self._forge_all("production")

    def test_forging_as_procurement(self):
        self._forge_all("procurement")

    def test_forging_as_quality(self):
        self._forge_all("quality")

    def test_forging_as_finance(self):
        self._forge_all("finance")

    def test_forging_as_warehouse(self):
        self._forge_all("warehouse")

    def test_forging_as_general_manager(self):
        self._forge_all("general_manager")

    def test_forging_as_qms_admin(self):
        self._forge_all("qms_admin")

    def test_forging_as_internal_user(self):
        self._forge_all("internal")

    def test_forging_as_portal_customer(self):
        self._forge_all("portal")


    # ------------------------------------------------------------------
    # Each transition by each role
    # ------------------------------------------------------------------

    def _transitions(self):
        """(label, record, method, kwargs, roles the procedure lets run it, the role of the happy
        path, what the happy path leaves, the transition's own refusal, record of the happy path)."""
        handlers = {"salesperson", "sales_manager", "quality", "qms_admin"}  # the owner, sales managers, quality
        sales = {"salesperson", "sales_manager"}
        quality = {"quality", "qms_admin"}  # the QMS administrator is a member of quality
        coordinators = {"salesperson", "sales_manager", "general_manager", "qms_admin"}
        property_recorders = {"salesperson", "sales_manager", "warehouse", "production"}
        campaign_writers = {"sales_manager", "quality", "qms_admin"}
        users = {role: user.id for role, user in self.users.items()}
        follow_up_survey = self.make_survey("answered", self.other_customers[3])
        return [
            ("complaint acknowledge", self.make_complaint("new"), "action_acknowledge", {}, handlers, "salesperson",
             {"state": "acknowledged"}, r"Only quality, or the owner or the salesperson of .* moves it on", None),
            ("complaint propose", self.make_complaint("acknowledged"), "action_propose", {}, handlers, "quality",
             {"state": "proposed"}, r"Only quality, or the owner or the salesperson of .* moves it on", None),
            ("complaint customer accepts", self.make_complaint("proposed"), "action_customer_accept", {}, sales,
             "salesperson", {"state": "confirmed", "customer_acceptance": "accepted"},
             r"Only sales record the customer's answer to the proposed solution", None),
            ("complaint customer refuses", self.make_complaint("proposed"), "action_customer_refuse", {}, sales,
             "sales_manager", {"state": "investigating", "customer_acceptance": "refused"},
             r"Only sales record the customer's answer to the proposed solution", None),
            ("complaint close", self.make_complaint("confirmed"), "action_close", {}, quality, "quality",
             {"state": "closed", "closed_by_id": users["quality"]}, r"Only quality verifies and closes a complaint",
             None),
            ("complaint quarantine", self.make_complaint("acknowledged", product_id=self.stocked_product.id),
             "action_quarantine", {}, quality, "quality", {"quarantined_by_id": users["quality"]},
             r"Only quality quarantines the stock of a complaint", None),
            ("complaint reject", self.make_complaint("new"), "action_reject", {}, quality, "qms_admin",
             {"state": "rejected", "closed_by_id": users["qms_admin"]}, r"Only quality rejects a complaint", None),
            ("investigation start", self.make_investigation("draft"), "action_start_analysis", {},
             {"production", "quality", "qms_admin"}, "production", {"state": "analysis"},
             r"Only the team leader of .*, or quality, moves it on", None),
            ("investigation close", self.make_investigation("verification"), "action_close", {}, quality, "quality",
             {"state": "closed", "closed_by_id": users["quality"]}, r"Only quality closes a quality investigation",
             None),
            ("investigation cancel", self.make_investigation("draft"), "action_cancel", {}, quality, "quality",
             {"state": "cancel"}, r"Only quality cancels a quality investigation", None),
            ("corrective action implemented", self.make_action("open"), "action_done", {},
             {"production", "quality", "qms_admin"}, "production", {"state": "done"},
             r"Only the owner of .*, or quality, marks it implemented", None),
            ("corrective action verify", self.make_action("done"), "action_verify", {"effective": True}, quality,
             "quality", {"state": "verified", "effective": "effective", "verified_by_id": users["quality"]},
             r"You are not allowed to verify .*: quality verifies it", None),
            ("satisfaction follow-up verify",
             self.make_action("done", satisfaction_survey_id=follow_up_survey.id, cause_analysis="One truck only"),
             "action_verify", {"effective": "effective"}, sales, "salesperson",
             {"state": "verified", "verified_by_id": users["salesperson"]},
             r"You are not allowed to verify .*: quality verifies it \(sales for a satisfaction follow-up\)", None),
            ("corrective action cancel", self.make_action("open"), "action_cancel", {}, quality, "qms_admin",
             {"state": "cancel"}, r"Only quality cancels a corrective action", None),
            # The initial review (procedure 4.3): production or the QMS administrator submits it, each
            # department head countersigns, the general manager approves after every countersign.
            ("commitment submit", self.make_commitment("draft"), "action_submit", {}, {"production", "qms_admin"},
             "production", {"state": "submitted", "submitted_by_id": users["production"], "review_round": 1},
             r"Only production or the QMS administrator submits the initial review for countersign", None),
            ("countersign", self.countersign_line(self.make_commitment("submitted"), "finance"), "action_countersign",
             {"opinion": "Budget approved"}, {"finance"}, "finance",
             {"decision": "countersigned", "signed_by_id": users["finance"]},
             r"Only members of Finance countersign its part of the initial review", None),
            ("countersign refused", self.countersign_line(self.make_commitment("submitted"), "quality"), "action_refuse",
             {"opinion": "No test bench for the new series"}, quality, "quality",
             {"decision": "refused", "signed_by_id": users["quality"]},
             r"Only members of Quality countersign its part of the initial review", None),
            ("commitment back to draft", self.make_commitment("submitted"), "action_reset_draft", {},
             {"production", "qms_admin", "general_manager"}, "production", {"state": "draft"},
             r"returns the initial review to draft", None),
            ("commitment approve", self.make_commitment("countersigned"), "action_approve", {}, {"general_manager"},
             "general_manager", {"state": "approved", "approved_by_id": users["general_manager"]},
             r"Only the general manager approves capability commitments", None),
            ("commitment next year", self.make_commitment("approved"), "action_propose_next", {},
             {"production", "qms_admin", "general_manager"}, "qms_admin", {"state": "approved"},
             r"proposes the next initial review", None),
            ("commitment cancel", self.make_commitment("approved"), "action_cancel", {}, {"general_manager"},
             "general_manager", {"state": "cancel"}, r"Only the general manager cancels capability commitments", None),
            ("review line accept", self.review_line(self.make_order("in_review"), "rd"), "action_accept", {}, {"rd"},
             "rd", {"decision": "accepted", "reviewer_id": users["rd"]}, r"Only members of .* decide its contract review",
             None),
            # The organiser's conclusion (procedure 4.4.4): the sales managers by default.
            ("review conclusion", self.make_order("departments_decided"), "action_qms_conclude",
             {"conclusion": "Accepted; first article inspection"}, {"sales_manager"}, "sales_manager",
             {"qms_review_conclusion": "Accepted; first article inspection", "qms_review_concluded_by_id": users["sales_manager"]},
             r"Only the organiser of the contract review \(Sales / Administrator\) writes its conclusion", None),
            # A special contract made regular: the general manager's decision, never sales alone.
            ("contract type downgrade", self.make_order("in_review"), "action_qms_override_contract_type",
             {"contract_type": "regular", "reason": "Same product as the approved prototype"}, {"general_manager"},
             "general_manager", {"qms_contract_type": "regular", "qms_contract_type_override": "regular"},
             r"Only the general manager classifies .* as a regular contract|Only a sales manager can override the contract type",
             None),
            # Customer property: quality verifies, sales, the warehouse and production record its use
            # and return, anyone of them or quality reports its loss, sales record the customer's answer.
            ("property verify", self.make_property("received"), "action_verify", {"result": "conforming"}, quality,
             "quality", {"state": "verified", "verified_by_id": users["quality"], "verification_result": "conforming"},
             r"Only quality verifies customer property on receipt", None),
            ("property in use", self.make_property("verified"), "action_start_use", {}, property_recorders, "warehouse",
             {"state": "in_use"}, r"Only sales, the warehouse or production record the use of customer property", None),
            ("property return", self.make_property("in_use"), "action_return", {"note": "Rest returned"},
             property_recorders, "production", {"state": "returned", "returned_by_id": users["production"]},
             r"Only sales, the warehouse or production return customer property", None),
            ("property loss", self.make_property("verified"), "action_report_loss",
             {"incident_type": "damaged", "description": "Two coils crushed"}, property_recorders | quality, "warehouse",
             {"state": "lost", "incident_type": "damaged", "incident_reported_by_id": users["warehouse"]},
             r"Only sales, the warehouse, production or quality report a loss of customer property", None),
            ("property customer answer", self.make_property("lost"), "action_record_customer_answer",
             {"answer": "Replace it at your cost"}, sales | {"portal"}, "salesperson",
             {"customer_answer": "Replace it at your cost"},
             r"Only sales record the customer's answer about its property", None),
            ("property receipt", self.make_property("received"), "action_create_receipt", {}, {"warehouse"}, "warehouse",
             {"state": "received"}, r"Only the warehouse receives customer property into stock", None),
            ("review line reject", self.review_line(self.make_order("in_review"), "finance"), "action_reject",
             {"comment": "Payment terms too long"}, {"finance"}, "finance",
             {"decision": "rejected", "reviewer_id": users["finance"]}, r"Only members of .* decide its contract review",
             None),
            # Sales organises the review (procedure 4.2.2.3); a rejected order is readable by its
            # reviewers, and writable by the warehouse (sale_stock).
            ("review request", self.make_order("rejected"), "action_qms_request_review",
             {"reason": "The customer accepts a later delivery date"}, sales, "salesperson",
             {"qms_review_state": "in_review"}, r"Only a salesperson who may edit the order requests its contract review",
             self.make_order("draft")),
            ("sample submit", self.make_sample("draft"), "action_submit", {}, coordinators, "salesperson",
             {"state": "submitted"}, r"You are not responsible for the sample request", None),
            ("sample approve", self.make_sample("submitted"), "action_approve", {}, {"sales_manager"}, "sales_manager",
             {"state": "approved", "manager_approved_by_id": users["sales_manager"]},
             r"Only a sales manager approves the sample request", None),
            ("new development sample approve", self.make_sample("submitted", purpose="new_development"),
             "action_approve", {}, {"general_manager"}, "general_manager",
             {"state": "approved", "gm_approved_by_id": users["general_manager"]},
             r"Only a sales manager approves the sample request|only the general manager approves it now", None),
            # The customer decides on its own sample too, on the portal page (TestSamplePortal).
            ("sample customer approval", self.make_sample("sent"), "action_customer_approve", {},
             coordinators | {"portal"}, "salesperson", {"state": "customer_approved", "customer_decision": "approved",
                                                        "customer_decided_on_portal": False},
             r"You are not responsible for the sample request", None),
            ("sample cancel", self.make_sample("draft"), "action_cancel", {}, coordinators, "sales_manager",
             {"state": "cancel"}, r"You are not responsible for the sample request", None),
            ("campaign close", self.make_campaign("running"), "action_close", {}, campaign_writers, "quality",
             {"state": "closed"}, ACCESS_REFUSAL, None),
            ("campaign reopen", self.make_campaign("closed"), "action_reopen", {}, campaign_writers, "sales_manager",
             {"state": "running"}, ACCESS_REFUSAL, None),
            ("survey analysed", self.make_survey("answered", self.other_customers[2]), "action_mark_analysed", {},
             {"salesperson", "sales_manager", "quality", "qms_admin"}, "salesperson", {"state": "analysed"},
             ACCESS_REFUSAL, None),
        ]

    def test_transitions_by_role(self):
        """Every role the procedure does not name is refused each transition (AccessError, record
        unchanged); the role it names runs it."""
        rpcs = {role: self.login(role) for role in ROLES}
        problems = []
        transitions = self._transitions()
        for label, record, method, kwargs, allowed, happy_role, expected, message, happy_record in transitions:
            self.assertTrue(record, label)
            before = self._snapshot(record)
            for role in sorted(set(ROLES) - allowed):
                call = f"{role}: {label} ({record._name}.{method})"
                problems.append(self._refusal(rpcs[role], (FAULT_ACCESS, f"{message}|{ACCESS_REFUSAL}"), call,
                                              record._name, method, [record.id], **kwargs))
                problems.append(self._changed(record, call, before))
            happy_record = happy_record or record
            try:
                rpcs[happy_role](record._name, method, [happy_record.id], **kwargs)
            except xmlrpc.client.Fault as fault:
                problems.append(f"{happy_role}: {label} refused: {fault.faultString[-600:]}")
                continue
            self.env.invalidate_all()
            after = {
                name: value.id if isinstance(value, fields.BaseModel) else value
                for name, value in ((name, happy_record[name]) for name in expected)
            }
            if after != expected:
                problems.append(f"{happy_role}: {label} left {after}, expected {expected}")
        problems = [problem for problem in problems if problem]
        self.assertFalse(problems, f"{len(problems)} problems in {len(transitions)} transitions:\n" + "\n".join(problems))

    def test_verify_effective_no_is_bad_input(self):
        """``action_verify(effective="no")`` does not record an effective action."""
        action = self.make_action("done")
        before = self._snapshot(action)
        problem = self._refusal(self.login("quality"), (FAULT_USER, r"effective or not effective, not 'no'"),
                                "action_verify(effective='no')", "qms.corrective.action", "action_verify", [action.id],
                                effective="no")
        self.assertIsNone(problem, problem)
        self.assertIsNone(self._changed(action, "action_verify(effective='no')", before))

    # ------------------------------------------------------------------
    # Confirmed orders by create and copy: the gate holds on every path
    # ------------------------------------------------------------------

    def _assert_no_confirmed_special_order(self, call, label):
        orders, pickings = self._count("sale.order"), self._count("stock.picking")
        problem = self._refusal(self.login("salesperson"), (FAULT_USER, "contract review"), label, *call[:-1],
                                **call[-1])
        self.assertIsNone(problem, problem)
        self.assertEqual(self._count("sale.order"), orders, f"{label}: an order was created")
        self.assertEqual(self._count("stock.picking"), pickings, f"{label}: a delivery was created")

    def test_create_confirmed_special_order_is_refused(self):
        vals = {
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.special_product.id, "product_uom_qty": 3})],
        }
        for label, create_vals, context in (
            ("create state=sale", {**vals, "state": "sale"}, {}),
            ("create state=sale, forged context", {**vals, "state": "sale"}, FORGED_CONTEXT),
            ("create with default_state=sale in the context", vals, {**FORGED_CONTEXT, "default_state": "sale"}),
        ):
            self._assert_no_confirmed_special_order(("sale.order", "create", create_vals, {"context": context}), label)

    def test_copy_approved_order_as_confirmed_is_refused(self):
        order = self.records["sale.order"]["approved"]
        for label, context in (("copy", {}), ("copy, forged context", FORGED_CONTEXT)):
            self._assert_no_confirmed_special_order(
                ("sale.order", "copy", [order.id], {"default": {"state": "sale"}, "context": context}), label,
            )
            self.assertIsNone(self._changed(order, label))

    # ------------------------------------------------------------------
    # The mail gateway's custom values
    # ------------------------------------------------------------------

    @staticmethod
    def _mail(subject):
        return MAIL.format(subject=subject, message_id=re.sub(r"\W", "-", subject))

    def test_message_process_refuses_owned_fields(self):
        """A user with no complaint rights routes a mail with each owned field of a complaint in the
        custom values, without and with forged context keys: refused, nothing created."""
        rpc = self.login("internal")
        Complaint = self.env["qms.customer.complaint"].sudo()
        problems = []
        attempts = [
            (f"{name}={value!r}", {name: value}, self._forged_context(name, value), [name])
            for name, value in ((name, self._forged_value(Complaint._name, name)) for name in self._owned(Complaint._name))
        ]
        # A closed complaint, verified by quality, as in the issue.
        closed = {"state": "closed", "closed_by_id": self.users["quality"].id, "date_closed": "2026-02-02 10:00:00",
                  "customer_acceptance": "accepted"}
        attempts.append(("a closed complaint", closed, FORGED_CONTEXT, list(closed)))
        for label, custom_values, context, names in attempts:
            for kwargs in ({}, {"context": context}):
                subject = f"Gateway forging {label} {bool(kwargs)}"
                label = f"message_process custom_values {label} {kwargs}"
                problems.append(self._refusal(rpc, (FAULT_ACCESS, MIXIN_REFUSAL), label, "mail.thread",
                                              "message_process", Complaint._name, self._mail(subject),
                                              custom_values=custom_values, names=names, model=Complaint._name,
                                              **kwargs))
                if Complaint.search_count([("subject", "=", subject)]):
                    problems.append(f"{label}: a complaint was created")
        problems = [problem for problem in problems if problem]
        self.assertFalse(problems, "\n".join(problems))

    def test_message_process_keeps_complaints_in_the_users_company(self):
        """A user with no complaint rights cannot file a complaint in a company that is not his
        through the gateway's custom values."""
        rpc = self.login("internal")
        Complaint = self.env["qms.customer.complaint"].sudo()
        subject = "Gateway complaint in another company"
        try:
            rpc("mail.thread", "message_process", Complaint._name, self._mail(subject),
                custom_values={"company_id": self.other_company.id})
        except xmlrpc.client.Fault as fault:
            # Refused: by Odoo's rules, not by a crash.
            self.assertIn(fault.faultCode, (FAULT_ACCESS, FAULT_USER), fault.faultString)
        self.assertFalse(Complaint.search_count([("company_id", "=", self.other_company.id)]),
                         "the gateway filed a complaint in a company the user does not belong to")
        filed = Complaint.search([("subject", "=", subject)])
        self.assertLessEqual(filed.company_id, self.users["internal"].company_ids)
