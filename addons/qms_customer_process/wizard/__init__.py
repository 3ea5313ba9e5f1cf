from . import qms_complaint_pareto
from . import qms_complaint_pareto_line
