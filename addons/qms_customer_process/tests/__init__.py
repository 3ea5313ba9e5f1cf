from . import test_security
from . import test_contract_review
from . import test_report
from . import test_corrective_action
from . import test_customer_complaint
from . import test_quality_investigation
