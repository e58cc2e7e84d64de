"""Everything time-based is a job: written when the change that causes it happens, indexed by due
minute and shard, moved to a queue by the ticker, acted on by the worker after re-reading the
current state (a stale job is a no-op, never a wrong message)."""
