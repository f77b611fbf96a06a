"""One small spider per outlet, on shared base classes. `scrapy list` lists them."""
