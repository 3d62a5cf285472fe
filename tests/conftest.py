"""Shared pytest fixtures. Helpers live in tests/support; import them from there."""
