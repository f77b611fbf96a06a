"""The pieces of `newswatch run` that are not the daemon itself: schedules and the crawl child process."""
