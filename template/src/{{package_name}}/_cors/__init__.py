"""Template-owned (fastapi-cors-scaffold): the cross-origin code this service runs, one module a concern.

`copier update` replaces this whole package; do not edit it. The service's own code imports only the names in
`__all__`, from here.
"""

from .checks import Problem, policy_problems, production_problems, split_list

__all__ = ["Problem", "policy_problems", "production_problems", "split_list"]
