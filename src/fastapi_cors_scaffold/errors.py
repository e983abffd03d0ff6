"""The one exception the command line turns into `error: <one line>` and exit status 2."""


class Refusal(Exception):
    """Bad input or a refusal: one sentence for the person, who can act on it; never a bug in this package."""
