"""Shared fixtures. The database comes from tests/settings.py (DATABASE_URL or embedded)."""
