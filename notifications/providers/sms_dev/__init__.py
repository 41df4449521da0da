"""Development SMS: written to the log (a self-contained provider package)."""
