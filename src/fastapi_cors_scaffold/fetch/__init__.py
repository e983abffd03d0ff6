"""What a browser does with a cross-origin request: the Fetch standard's checks as pure functions, the sentences that
explain a refusal, and the two ways of asking a live server (`probe`, the only network I/O, and `chromium`)."""
