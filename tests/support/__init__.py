"""What the tests of every layer share: paths of this checkout and its environment, loopback servers and server
processes, git, rendering and answers, the CLI, the rules table, the Fetch scenarios, the servers `check` is tested
against, releases of a moving template, and the production project's Dockerfile."""
