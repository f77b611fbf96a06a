"""Item pipelines, in order: extract (process pool) → store (dedup + database). See settings.py."""
