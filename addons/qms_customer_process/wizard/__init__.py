from . import qms_satisfaction_analysis
from . import qms_complaint_pareto
from . import qms_complaint_pareto_line
from . import qms_review_request_wizard
from . import qms_management_review
from . import qms_review_conclusion_wizard
from . import qms_contract_type_wizard
from . import qms_customer_property_wizard
