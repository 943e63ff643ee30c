"""Browser tests: the built site in Debian's Chromium (see conftest.py)."""
