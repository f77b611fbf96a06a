"""Where articles are kept: SQLAlchemy 2 models and repositories (arrives with the crawl issue)."""
