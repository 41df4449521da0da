"""Developer tooling: ``stack.py`` (make stack) and ``processes.py`` (shared by the tests that start
real processes, the battery and the benches). Never imported by the portal itself."""
