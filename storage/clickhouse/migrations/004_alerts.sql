-- Alerts raised by the detectors. An alert is written again with a higher version when its state
-- changes (acknowledged, resolved); ReplacingMergeTree keeps the newest, read with FINAL.
-- document_ids are the documents behind the alert, so every alert is traceable to its evidence.
CREATE TABLE IF NOT EXISTS alerts
(
    id String,
    created_at DateTime('UTC'),
    detector String,
    rule String,
    severity String,
    issue String,
    place String,
    departments Array(String),
    title String,
    summary String,
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    observed Float64,
    expected Float64,
    document_ids Array(String),
    status String,
    acknowledged_by String,
    acknowledged_at Nullable(DateTime('UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created_at)
ORDER BY id;
