"""FeedStates: the ETag and Last-Modified of each feed or sitemap, so the next fetch can be a 304.

A listing read in full holds its new validators back (`hold`) until every article it listed is
settled in the frontier; `promote` then makes them the ones sent. A 304 can never hide unsettled work.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.chunks import in_chunks
from storage.models import FeedState
from storage.types import utcnow
from storage.upsert import insert_for

NOT_MODIFIED = 304


class FeedStates:
    """Feed validators of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, url: str) -> FeedState | None:
        return self.session.execute(select(FeedState).where(FeedState.url == url)).scalar_one_or_none()

    def get_many(self, urls: Iterable[str]) -> dict[str, FeedState]:
        """The stored states of those URLs that have one, by URL."""
        found: dict[str, FeedState] = {}
        for chunk in in_chunks(urls):
            found.update(
                (state.url, state) for state in self.session.scalars(select(FeedState).where(FeedState.url.in_(chunk)))
            )
        return found

    def save(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        status: int,
        *,
        checked_at: datetime | None = None,
    ) -> None:
        """Upsert the feed's validators. On a 304 a missing validator keeps the stored one (servers often
        omit them from a 304); on any other status the values given replace the stored ones."""
        stmt = insert_for(self.session, FeedState).values(
            url=url, etag=etag, last_modified=last_modified, last_status=status, checked_at=checked_at or utcnow()
        )
        new = stmt.excluded
        if status == NOT_MODIFIED:
            etag_value, modified_value = (
                func.coalesce(new.etag, FeedState.etag),
                func.coalesce(new.last_modified, FeedState.last_modified),
            )
        else:
            etag_value, modified_value = new.etag, new.last_modified
        stmt = stmt.on_conflict_do_update(
            index_elements=["url"],
            set_={
                "etag": etag_value,
                "last_modified": modified_value,
                "last_status": new.last_status,
                "checked_at": new.checked_at,
            },
        )
        self.session.execute(stmt)
        self.session.expire_all()  # an already loaded FeedState would show the old values

    def hold(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        status: int,
        *,
        children: list[str] | None = None,
        checked_at: datetime | None = None,
    ) -> None:
        """A listing read in full: keep its validators (and a sitemap index's children) as pending,
        not yet sent; the validators in force stay until `promote`."""
        now = checked_at or utcnow()
        values = {
            "pending_etag": etag,
            "pending_last_modified": last_modified,
            "has_pending": True,
            "last_status": status,
            "checked_at": now,
        }
        if children is not None:
            values["children"] = list(children)
        stmt = insert_for(self.session, FeedState).values(url=url, etag=None, last_modified=None, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=["url"], set_=values))
        self.session.expire_all()

    def holding(self, urls: Iterable[str] | None = None) -> list[str]:
        """Listings whose validators wait to be promoted (of `urls`, or all)."""
        query = select(FeedState.url).where(FeedState.has_pending.is_(True))
        if urls is not None:
            query = query.where(FeedState.url.in_(list(urls)))
        return list(self.session.scalars(query))

    def promote(self, urls: Iterable[str]) -> int:
        """Make the held validators of these listings the ones sent from now on."""
        wanted = list(urls)
        if not wanted:
            return 0
        result = self.session.execute(
            update(FeedState)
            .where(FeedState.url.in_(wanted), FeedState.has_pending.is_(True))
            .values(etag=FeedState.pending_etag, last_modified=FeedState.pending_last_modified, has_pending=False)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()
        return result.rowcount or 0
