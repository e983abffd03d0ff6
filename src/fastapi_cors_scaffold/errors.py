"""Every refusal the package raises: bad input, or a thing it cannot do here, said in one sentence the person can act
on. The command line turns any `Refusal` into `error: <one line>` and exit status 2; none of them is a bug in this
package. Standard library only, so build tooling can import it before anything is installed.
"""


class Refusal(Exception):
    """Bad input or a refusal: one sentence for the person, who can act on it; never a bug in this package."""


class ConfigurationError(Refusal):
    """`lint`: a path that does not exist or cannot be parsed, a file past the reading limits, or nothing to read."""


class DataLimitError(ConfigurationError):
    """A YAML, JSON or TOML file past the reading limits: too large, nested too deep, or aliases that stand for too
    many values. Refused by `lint` and by `update` alike (in a fleet, that project's failure)."""


class ProbeError(Refusal):
    """`check`: the server could not be reached or did not answer HTTP (or the WebSocket handshake)."""


class BrowserUnavailable(Refusal):
    """`check --browser`: no Chromium or Chrome, or no Playwright, to run the request in."""


class ScaffoldError(Refusal):
    """`new`/`update`: bad answers, a destination in the way, a project that cannot update."""


class TemplateMissingError(ScaffoldError):
    """Neither a packaged template nor a checkout with its git history was found."""


class HistoryError(Refusal):
    """Git is missing, or the checkout or bundle cannot give the template's history."""


class FleetError(Refusal):
    """`update` of many projects: a path that is neither a project nor a directory holding any."""
