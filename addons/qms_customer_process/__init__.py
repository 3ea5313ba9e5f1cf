from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """Review lines reference the addon's departments, which reference its groups: remove the
    lines first so that uninstalling removes the departments and the groups cleanly. The same
    for the records that reference the demo users and partners."""
    env.cr.execute("DELETE FROM qms_contract_review_line")
    env.cr.execute("DELETE FROM qms_capability_review_line")
    env.cr.execute("DELETE FROM qms_customer_property")
    # Corrective actions and satisfaction surveys reference users and partners (demo ones
    # among them) that the uninstall removes: their tables go anyway.
    env.cr.execute("DELETE FROM qms_corrective_action")
    env.cr.execute("DELETE FROM qms_quality_investigation")
    env.cr.execute("DELETE FROM qms_customer_complaint")
    env.cr.execute("DELETE FROM qms_satisfaction_survey")
    env.cr.execute("DELETE FROM qms_satisfaction_campaign")
    env.cr.execute("DELETE FROM qms_sample_request")
    # The salespeople's review-result to-dos are on their orders, which stay: they become plain
    # to-dos, so that the addon's activity type can go without losing them.
    result_type = env.ref("qms_customer_process.mail_activity_type_qms_review_result", raise_if_not_found=False)
    todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
    if result_type and todo:
        env.cr.execute("UPDATE mail_activity SET activity_type_id = %s WHERE activity_type_id = %s",
                       (todo.id, result_type.id))
