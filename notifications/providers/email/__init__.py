"""Email through Django's email backends (a self-contained provider package)."""
