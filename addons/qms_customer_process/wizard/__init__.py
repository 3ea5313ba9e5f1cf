from . import qms_satisfaction_analysis
from . import qms_complaint_pareto
from . import qms_complaint_pareto_line
