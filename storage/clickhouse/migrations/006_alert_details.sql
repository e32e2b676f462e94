-- Alerts explain themselves (issue 12): when the alert fired on the (replayed) timeline, the test's
-- p-value, the evidence as JSON (terms, top sources, story and first publisher, the series, sample
-- documents: alerts/store.cc reads and writes it) and who closed it, when and why.
ALTER TABLE alerts ADD COLUMN fired_at DateTime('UTC') DEFAULT created_at;
ALTER TABLE alerts ADD COLUMN p_value Float64 DEFAULT 1;
ALTER TABLE alerts ADD COLUMN details String DEFAULT '';
ALTER TABLE alerts ADD COLUMN closed_by String DEFAULT '';
ALTER TABLE alerts ADD COLUMN closed_at Nullable(DateTime('UTC'));
ALTER TABLE alerts ADD COLUMN close_reason String DEFAULT '';
