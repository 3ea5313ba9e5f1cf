from . import controllers
from . import models
from . import wizard


def uninstall_hook(env):
    """Review lines reference the addon's departments, which reference its groups: remove the
    lines first so that uninstalling removes the departments and the groups cleanly."""
    env.cr.execute("DELETE FROM qms_contract_review_line")
