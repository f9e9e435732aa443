"""docgen: Child in Need plans, meeting records, distribution lists and deadlines from completed meeting forms."""

from docgen.errors import DocgenError
from docgen.profiles import Profile, load_profile
from docgen.validation import Problem, Report, validate_record

__all__ = ["DocgenError", "Problem", "Profile", "Report", "load_profile", "validate_record"]
