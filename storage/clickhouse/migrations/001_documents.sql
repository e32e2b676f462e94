-- One row per document version; ReplacingMergeTree keeps the newest version of an id, and readers
-- that need exact answers before merges count uniqExact(id) or read with FINAL.
-- event_time is the publish time when known, else the fetch time: it drives partitions and rollups.
CREATE TABLE IF NOT EXISTS documents
(
    id String,
    kind String,
    parent_id String,
    url String,
    site String,
    title String,
    text String,
    author String,
    source_name String,
    published_at Nullable(DateTime('UTC')),
    event_time DateTime('UTC'),
    fetched_at DateTime('UTC'),
    processed_at DateTime('UTC'),
    category_l1 String,
    category_l2 String,
    issues Array(String),
    departments Array(String),
    sentiment_label String,
    sentiment_score Float32,
    intent String,
    places Array(String),
    keywords Array(String),
    content_hash String,
    tags_json String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(event_time)
ORDER BY id
