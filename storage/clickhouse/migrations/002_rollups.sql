-- Hourly rollups that stay exact when documents arrive more than once.
--
-- documents is a ReplacingMergeTree: a replayed Kafka message inserts the same id again, and a
-- materialised view sees every inserted block, not the deduplicated table. A SummingMergeTree of
-- counts would therefore count replays twice. Instead each rollup row keeps uniqExactState(id) (ids_state), the
-- set of document ids behind it: merging states (at merge time, or with uniqExactMerge in a query)
-- takes the union, so a replayed id adds nothing, and summing over any subset of the dimensions
-- (a whole day, all places, one issue) still counts each document once. The price is about 16 bytes
-- per document per rollup row, a fraction of the documents table.
--
-- A document with several issues or places appears in one row per (issue, place) pair, so
-- "documents about issue X" is exact, and the total over all issues is still exact because the id
-- sets overlap instead of adding up. A document without an issue or place is kept under ''.
--
-- Limit: a document re-tagged later (a new processor version writes a new version of the same id
-- with other tags) counts under both its old and its new tags here until the rollups are rebuilt
-- from documents FINAL (docs/DEPLOY.md, "Rebuilding rollups").
CREATE TABLE IF NOT EXISTS rollup_hourly
(
    hour DateTime('UTC'),
    issue String,
    place String,
    category String,
    site String,
    intent String,
    sentiment String,
    ids_state AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (issue, place, category, site, intent, sentiment, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS rollup_hourly_mv TO rollup_hourly AS
SELECT
    toStartOfHour(event_time) AS hour,
    arrayJoin(if(empty(issues), [''], issues)) AS issue,
    arrayJoin(if(empty(places), [''], places)) AS place,
    category_l1 AS category,
    site,
    intent,
    sentiment_label AS sentiment,
    uniqExactState(id) AS ids_state
FROM documents
GROUP BY hour, issue, place, category, site, intent, sentiment;

-- Keywords per day, for top keywords and emerging terms; exact for the same reason.
CREATE TABLE IF NOT EXISTS keyword_daily
(
    day Date,
    keyword String,
    ids_state AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, keyword);

CREATE MATERIALIZED VIEW IF NOT EXISTS keyword_daily_mv TO keyword_daily AS
SELECT
    toDate(event_time) AS day,
    arrayJoin(keywords) AS keyword,
    uniqExactState(id) AS ids_state
FROM documents
WHERE notEmpty(keywords)
GROUP BY day, keyword;

-- Backfill from the documents stored before this migration. Safe to repeat and safe while sinks
-- insert: a document counted by both the view and the backfill is one id in the set.
INSERT INTO rollup_hourly
SELECT
    toStartOfHour(event_time) AS hour,
    arrayJoin(if(empty(issues), [''], issues)) AS issue,
    arrayJoin(if(empty(places), [''], places)) AS place,
    category_l1 AS category,
    site,
    intent,
    sentiment_label AS sentiment,
    uniqExactState(id) AS ids_state
FROM documents
GROUP BY hour, issue, place, category, site, intent, sentiment;

INSERT INTO keyword_daily
SELECT
    toDate(event_time) AS day,
    arrayJoin(keywords) AS keyword,
    uniqExactState(id) AS ids_state
FROM documents
WHERE notEmpty(keywords)
GROUP BY day, keyword;
