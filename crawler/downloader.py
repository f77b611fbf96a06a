"""Scrapy's downloader, keeping a host's concurrency under the asyncio reactor.

Scrapy 2.19's `Downloader._process_queue` starts each queued request as a task and counts it as
transferring only once that task runs, on a later turn of the asyncio loop; with no download delay
its loop therefore starts every request queued for a host at once, whatever
CONCURRENT_REQUESTS_PER_DOMAIN says (28 at once against a host allowed 2, measured here). This
subclass counts a request as transferring from the moment it is started. With a delay, Scrapy
already starts one request per turn, and nothing changes.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class SlotKeepingDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # now, not when the task runs (_download adds it again)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
