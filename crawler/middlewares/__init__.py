"""Scrapy downloader middlewares: one job each, ordered in crawler/settings.py."""
