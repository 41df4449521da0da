"""The HTTP brand-name SMS gateway (a self-contained provider package)."""
