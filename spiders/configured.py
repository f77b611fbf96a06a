"""A generated spider class for every enabled source without a spider file of its own.

The classes are made at import time from `load_config(None)`, so `scrapy list` lists every outlet
and `scrapy crawl moscow_times` works. A hand-written `spiders/<name>.py` (or a source's `spider`
key) wins over the generated class.

A source's `spider` key names a class inside this package only (`al_monitor`, or a dotted path
starting `spiders.`): a config can come with a replayed saved site, and must not make the crawl
import code from anywhere else.
"""

from __future__ import annotations

import importlib
import inspect
import warnings

from crawler.config import ConfigError, SourceConfig, load_config
from spiders.base import NewsSourceSpider


def class_name(name: str) -> str:
    """`moscow_times` -> `MoscowTimesSpider`."""
    return "".join(part.capitalize() for part in name.split("_")) + "Spider"


_made: dict[str, type[NewsSourceSpider]] = {}


def configured_class(name: str) -> type[NewsSourceSpider]:
    """The generated spider class for the source `name`, made once per process."""
    if name not in _made:
        _made[name] = type(class_name(name), (NewsSourceSpider,), {"name": name, "__module__": __name__})
    return _made[name]


def _import_dotted(path: str) -> object:
    """The class at a dotted path inside this package; LookupError, importing nothing, for any other."""
    module, _, attribute = path.rpartition(".")
    parts = module.split(".")
    if parts[0] != __package__ or not all(part.isidentifier() for part in parts):
        raise LookupError(f"spider {path!r}: a dotted spider path must name a class in {__package__}/")
    return getattr(importlib.import_module(module), attribute)


def _own_spider(name: str) -> type[NewsSourceSpider] | None:
    """The hand-written spider in `spiders/<name>.py` whose `name` is `name`, if there is one."""
    try:
        module = importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__package__}.{name}":
            return None
        raise
    for _, value in inspect.getmembers(module, inspect.isclass):
        if issubclass(value, NewsSourceSpider) and getattr(value, "name", None) == name:
            return value
    return None


def spider_class(source: SourceConfig) -> type[NewsSourceSpider]:
    """The class that crawls `source`: `source.spider`, else `spiders/<name>.py`, else a generated one."""
    if source.spider and "." in source.spider:
        cls = _import_dotted(source.spider)
    elif source.spider:
        cls = _own_spider(source.spider)
    else:
        cls = _own_spider(source.name) or configured_class(source.name)
    if cls is None:
        raise LookupError(f"no spider named {source.spider!r} in {__package__}/")
    if not (isinstance(cls, type) and issubclass(cls, NewsSourceSpider)):
        raise LookupError(f"{source.spider!r} is not a NewsSourceSpider")
    return cls


def _generate() -> None:
    try:
        config = load_config(None)
    except ConfigError as exc:
        warnings.warn(f"no configured spiders: {exc}", stacklevel=2)
        return
    for source in config.enabled_sources:
        try:
            cls = spider_class(source)
        except (ImportError, AttributeError, LookupError) as exc:
            warnings.warn(f"source {source.name!r}: {exc}", stacklevel=2)
            continue
        if cls.__module__ == __name__:
            globals()[cls.__name__] = cls  # module-level, where Scrapy's spider loader looks


_generate()
