"""FeedStates: the ETag and Last-Modified of each feed or sitemap, so the next fetch can be a 304."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import FeedState
from storage.types import utcnow
from storage.upsert import insert_for

NOT_MODIFIED = 304
_IN_CHUNK = 500  # values per IN (…)


class FeedStates:
    """Feed validators of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, url: str) -> FeedState | None:
        return self.session.execute(select(FeedState).where(FeedState.url == url)).scalar_one_or_none()

    def get_many(self, urls: Iterable[str]) -> dict[str, FeedState]:
        """The stored states of those URLs that have one, by URL."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, FeedState] = {}
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
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
