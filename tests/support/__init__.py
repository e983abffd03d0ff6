"""What the tests share: paths of this checkout and its environment, loopback servers, git, rendering, the CLI."""
