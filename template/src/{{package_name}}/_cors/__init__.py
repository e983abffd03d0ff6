"""Template-owned (fastapi-cors-scaffold): the CORS rules this service is checked against at start-up.

`copier update` replaces everything in this package; do not edit it. The service's own code uses only the names
below.
"""

from .checks import Problem, policy_problems, production_problems, split_list

__all__ = ["Problem", "policy_problems", "production_problems", "split_list"]
