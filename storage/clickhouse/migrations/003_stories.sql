-- Stories: groups of documents telling the same thing (processors assign story_id to exact and
-- near duplicates). Until a document carries a story_id, its normalised-text hash stands in for it,
-- so exact duplicates already form stories.
--
-- Every *_state column is an aggregate state that is idempotent under replays (min, max, argMin, sets), so
-- a document inserted twice changes nothing: size is the number of distinct ids, spread the number
-- of distinct sites and places.
ALTER TABLE documents ADD COLUMN story_id String DEFAULT '';

CREATE TABLE IF NOT EXISTS stories
(
    story String,
    first_seen_state AggregateFunction(min, DateTime('UTC')),
    last_seen_state AggregateFunction(max, DateTime('UTC')),
    first_site_state AggregateFunction(argMin, String, DateTime('UTC')),
    first_title_state AggregateFunction(argMin, String, DateTime('UTC')),
    first_document_state AggregateFunction(argMin, String, DateTime('UTC')),
    ids_state AggregateFunction(uniqExact, String),
    sites_state AggregateFunction(uniqExact, String),
    places_state AggregateFunction(groupUniqArrayArray, Array(String)),
    issues_state AggregateFunction(groupUniqArrayArray, Array(String))
)
ENGINE = AggregatingMergeTree
ORDER BY story;

CREATE MATERIALIZED VIEW IF NOT EXISTS stories_mv TO stories AS
SELECT
    if(story_id != '', story_id, if(content_hash != '', content_hash, id)) AS story,
    minState(event_time) AS first_seen_state,
    maxState(event_time) AS last_seen_state,
    argMinState(site, event_time) AS first_site_state,
    argMinState(title, event_time) AS first_title_state,
    argMinState(id, event_time) AS first_document_state,
    uniqExactState(id) AS ids_state,
    uniqExactState(site) AS sites_state,
    groupUniqArrayArrayState(places) AS places_state,
    groupUniqArrayArrayState(issues) AS issues_state
FROM documents
GROUP BY story;

-- Backfill, idempotent like the rollups' (migration 002).
INSERT INTO stories
SELECT
    if(story_id != '', story_id, if(content_hash != '', content_hash, id)) AS story,
    minState(event_time) AS first_seen_state,
    maxState(event_time) AS last_seen_state,
    argMinState(site, event_time) AS first_site_state,
    argMinState(title, event_time) AS first_title_state,
    argMinState(id, event_time) AS first_document_state,
    uniqExactState(id) AS ids_state,
    uniqExactState(site) AS sites_state,
    groupUniqArrayArrayState(places) AS places_state,
    groupUniqArrayArrayState(issues) AS issues_state
FROM documents
GROUP BY story;
