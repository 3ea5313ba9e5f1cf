from . import qms_satisfaction_analysis
from . import qms_complaint_pareto
from . import qms_complaint_pareto_line
from . import qms_review_request_wizard
from . import qms_management_review
