"""Exposure: who is exposed to what, what to do, what is owed by when."""
