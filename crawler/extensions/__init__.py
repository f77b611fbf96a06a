"""Scrapy extensions: crawl-wide bookkeeping driven by signals."""
