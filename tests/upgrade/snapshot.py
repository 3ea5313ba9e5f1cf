"""What an upgrade must keep, read the same way before it (previous version) and after it (working
tree), in ``odoo-bin shell``: per model, the number of records and the fields that carry the
procedure's meaning (states, decisions, who and when, scores, grades, links); the attachments
with their content; the chatter; the addon's XML ids; the database schema of the addon.
"""

import hashlib

# The records of the procedure and what they mean. A field listed here that the new version no
# longer has is reported as lost (test_upgrade_from_previous.py), unless declared there.
MODELS = {
    "sale.order": [
        "name", "state", "partner_id", "amount_untaxed", "qms_contract_type", "qms_contract_type_override",
        "qms_override_reason", "qms_review_state", "qms_review_revision", "qms_review_outdated", "qms_review_required",
        "qms_new_development", "qms_order_channel", "qms_customer_confirmed_by", "qms_customer_confirmed_on",
        "qms_customer_confirmation_method", "qms_customer_confirmation_attachment_ids",
    ],
    "qms.customer.requirement": ["order_id", "kind", "topic", "description", "non_standard"],
    "qms.contract.review.line": [
        "order_id", "role_id", "revision", "sequence", "decision", "reviewer_id", "decided_on", "conditions", "comment",
    ],
    "qms.review.role": ["name", "code", "group_id", "user_ids", "sequence", "company_id"],
    "qms.review.rule": ["name", "role_id", "sequence", "contract_type", "timing", "active", "company_id"],
    "qms.capability.commitment": [
        "name", "state", "date_from", "date_to", "capacity_qty", "lead_time_days", "approved_by_id", "approved_on",
        "source_order_ids", "product_tmpl_ids", "categ_ids",
    ],
    "qms.sample.request": [
        "name", "state", "partner_id", "purpose", "revision", "previous_id", "origin_id", "customer_decision",
        "customer_decided_by", "customer_decided_on", "assigned_department", "user_id", "manager_approved_by_id",
        "gm_approved_by_id",
    ],
    "qms.sample.request.line": ["request_id", "product_id", "name", "quantity"],
    "qms.customer.complaint": [
        "name", "state", "partner_id", "severity", "complaint_type", "channel", "sale_order_id", "product_id",
        "user_id", "department_id", "solution", "customer_acceptance", "customer_satisfaction", "date_closed",
        "closed_by_id", "reject_reason", "root_cause_category", "is_recurrence", "quantity_affected",
    ],
    "qms.quality.investigation": [
        "name", "state", "complaint_id", "user_id", "root_cause_category", "root_cause", "date_closed", "closed_by_id",
    ],
    "qms.corrective.action": [
        "name", "state", "description", "user_id", "department_id", "due_date", "implemented_on", "verified_by_id",
        "verified_on", "effective", "complaint_id", "investigation_id", "satisfaction_survey_id",
    ],
    "qms.satisfaction.campaign": ["name", "title", "state", "date_start", "date_end", "partner_ids", "follow_up_grade_id"],
    "qms.satisfaction.survey": [
        "name", "state", "campaign_id", "partner_id", "score", "grade_id", "answer_mode", "answered_on", "dissatisfied",
        "dissatisfied_items", "follow_up_state", "user_input_id",
    ],
    "qms.satisfaction.score": ["survey_id", "question_id", "dimension_id", "score", "answer_id"],
    "qms.satisfaction.grade": ["name", "min_score", "company_id"],
    "qms.satisfaction.dimension": ["name", "code", "department_id", "active", "question_ids"],
    "qms.complaint.deadline": ["severity", "company_id", "acknowledge_hours", "respond_days"],
    "survey.user_input": ["state", "scoring_percentage", "partner_id"],
}


# Every value of these selections must be present before the upgrade (records in every state).
STATES = {
    "sale.order": ["qms_review_state", "state"],
    "qms.contract.review.line": ["decision"],
    "qms.capability.commitment": ["state"],
    "qms.sample.request": ["state"],
    "qms.customer.complaint": ["state"],
    "qms.quality.investigation": ["state"],
    "qms.corrective.action": ["state", "effective"],
    "qms.satisfaction.campaign": ["state"],
    "qms.satisfaction.survey": ["state"],
}


def _value(record, name):
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        return value.id or False
    if field.type in ("one2many", "many2many"):
        return sorted(value.ids)
    if field.type in ("date", "datetime"):
        return str(value) if value else False
    if field.type in ("float", "monetary"):
        return round(value, 6)
    return value


def schema(cr):
    """Columns, constraints and indexes of the addon's tables and of its columns on Odoo's tables."""
    cr.execute("""
        SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
          FROM information_schema.columns c
          JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND (c.table_name LIKE 'qms\\_%%' OR c.column_name LIKE 'qms\\_%%')
    """)
    columns = sorted(f"{table}.{column} {kind} {'NULL' if nullable == 'YES' else 'NOT NULL'}"
                     for table, column, kind, nullable in cr.fetchall())
    cr.execute("""
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
          FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text LIKE 'qms\\_%%'
    """)
    constraints = sorted(" ".join(row) for row in cr.fetchall())
    cr.execute("""
        SELECT tablename, indexname, indexdef FROM pg_indexes
         WHERE schemaname = 'public' AND (tablename LIKE 'qms\\_%%' OR indexname LIKE '%%qms\\_%%')
    """)
    indexes = sorted(f"{table} {name} {definition}" for table, name, definition in cr.fetchall())
    return {"columns": columns, "constraints": constraints, "indexes": indexes}


def snapshot(env):
    result = {"models": {}, "fields": {}}
    our_models = set(MODELS) - {"sale.order", "survey.user_input"}
    for model, names in MODELS.items():
        if model not in env:
            result["models"][model] = None
            continue
        Model = env[model].with_context(active_test=False)
        present = [name for name in names if name in Model._fields]
        result["fields"][model] = present
        records = Model.search([], order="id")
        result["models"][model] = {str(record.id): {name: _value(record, name) for name in present} for record in records}

    attachments = env["ir.attachment"].search([
        "|", ("res_model", "in", sorted(our_models)), "&", ("res_model", "=", "sale.order"), ("res_field", "=", False),
    ], order="id")
    result["attachments"] = {
        str(attachment.id): {
            "name": attachment.name, "res_model": attachment.res_model, "res_id": attachment.res_id,
            "checksum": attachment.checksum, "file_size": attachment.file_size, "mimetype": attachment.mimetype,
            # The file itself, read back from the filestore.
            "content_sha1": hashlib.sha1(attachment.raw or b"").hexdigest(),
        }
        for attachment in attachments
    }
    messages = env["mail.message"].search([("model", "in", sorted(our_models | {"sale.order"}))])
    result["messages"] = {str(message.id): [message.model, message.res_id, message.message_type,
                                            len(message.tracking_value_ids)] for message in messages}
    activities = env["mail.activity"].search([("res_model", "in", sorted(our_models | {"sale.order"}))])
    result["activities"] = {str(activity.id): [activity.res_model, activity.res_id, activity.activity_type_id.id,
                                               activity.user_id.id] for activity in activities}
    data = env["ir.model.data"].search([("module", "=", "qms_customer_process")])
    result["xmlids"] = sorted(f"{d.model}:{d.name}:{d.res_id}" for d in data)
    module = env["ir.module.module"].search([("name", "=", "qms_customer_process")])
    # Where the running registry took the addon's code from: the previous checkout before the
    # upgrade, the working tree after it.
    code = type(env["qms.contract.review.line"]).action_accept.__code__.co_filename
    result["module"] = {"state": module.state, "latest_version": module.latest_version, "code": code}
    result["schema"] = schema(env.cr)
    result["selections"] = {
        f"{model}.{name}": [value for value, _label in env[model]._fields[name]._description_selection(env)]
        for model, names in STATES.items() if model in env for name in names if name in env[model]._fields
    }
    return result
