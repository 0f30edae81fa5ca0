-- How many items of the last fetch that was read were not stored, by reason ({"item_limit": 200, ...}); see
-- docs/INGESTION.md. A 304 or a failed fetch leaves it as it was: it describes the feed as last read.
ALTER TABLE sources ADD COLUMN last_fetch_dropped JSONB NOT NULL DEFAULT '{}';
