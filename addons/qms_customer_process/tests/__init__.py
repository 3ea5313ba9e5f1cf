from . import test_security
from . import test_contract_review
from . import test_report
from . import test_corrective_action
from . import test_satisfaction_grade
from . import test_satisfaction_survey
from . import test_satisfaction_analysis
from . import test_satisfaction_security
