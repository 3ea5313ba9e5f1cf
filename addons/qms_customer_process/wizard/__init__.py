from . import qms_satisfaction_analysis
