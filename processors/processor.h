// Processor stage: Kafka topic yuqing.raw -> Analyzer -> topic yuqing.enriched, on the stage loop
// (stream/stage_loop.h), which owns batching, acknowledgement, retries and commits.
//
// Contract
// - Consumes in batches (up to processor.batch_size messages, gathered for at most 500 ms); a
//   batch's input offsets are committed only after every enriched (and dead-lettered) message of
//   that batch was acknowledged by Kafka (producer flush), so a crash re-processes at most the batch
//   in hand (at-least-once; ids make the replays harmless).
// - A message that is not a valid yuqing.raw/1 document goes to the dead-letter topic with the
//   reason and is counted; it never blocks its partition.
// - Kafka trouble while producing (retry_later) retries the flush, at once (the flush itself waits
//   30 s for acknowledgements); fatal errors stop the stage.
// Messages keep their key (the document id), so all versions of a document share a partition.
// - Stories are shared by every instance through the story log topic (story_log_topic(), one
//   partition, created when missing): an instance opens a story only after the log showed that no
//   copy was opened before, on any instance (processors/taggers/stories.h). A batch's new stories
//   are claimed together before its records are produced: one produce and read-back round trip per
//   batch that opens any; a document whose story lost to an earlier copy is written in that story.
#pragma once

#include <cstdint>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "processors/analyzer.h"
#include "stream/stage_loop.h"
#include "stream/stream.h"

namespace yuqing::processors {

struct ProcessStats {
  uint64_t consumed = 0;
  uint64_t enriched = 0;
  uint64_t dead_lettered = 0;
};

struct ProcessRun {
  bool drain = false;   // stop once every assigned partition is read to its end
  int idle_exit_ms = 0; // with drain: also stop after this long without messages (0 = wait)
};

// "<kafka.enriched_topic>.stories": the log through which instances open stories.
std::string story_log_topic(const Config& config);

// Creates the Kafka consumer (group processor.group), producer and story log, then runs process_stage().
Status run_processor(const Config& config, const Analyzer& analyzer, const ProcessRun& run, ProcessStats& stats);

// The stage on given clients: `producer` takes the enriched records and the dead letters.
Status process_stage(stream::Consumer& consumer, stream::Producer& producer, const Config& config, const Analyzer& analyzer,
               const ProcessRun& run, ProcessStats& stats);

// The transform for one yuqing.raw message: a valid document becomes one enriched record keyed by
// its id; otherwise the reason it is dead-lettered.
Status enrich(const Analyzer& analyzer, const stream::Message& message, std::vector<stream::Record>& out);

}  // namespace yuqing::processors
