"""Looking indicators up: the async engine, its rate limiter, and the session that builds a run's client, cache and history."""
