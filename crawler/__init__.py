"""newswatch: crawl the outlets that cover a story, keep each clean article once, alert on matches."""

__version__ = "0.1.0"
