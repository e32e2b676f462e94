// Processor stage: Kafka topic yuqing.raw -> Analyzer -> topic yuqing.enriched.
//
// Contract
// - Consumes in batches; a batch's input offsets are committed only after every enriched (and
//   dead-lettered) message of that batch was acknowledged by Kafka (producer flush), so a crash
//   re-processes at most the batch in hand (at-least-once; ids make the replays harmless).
// - A message that is not a valid yuqing.raw/1 document goes to the dead-letter topic with the
//   reason and is counted; it never blocks its partition.
// - Kafka trouble while producing (retry_later) retries the flush; fatal errors stop the stage.
// Messages keep their key (the document id), so all versions of a document share a partition.
#pragma once

#include <cstdint>

#include "core/config.h"
#include "core/status.h"
#include "processors/analyzer.h"

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

Status run_processor(const Config& config, const Analyzer& analyzer, const ProcessRun& run, ProcessStats& stats);

}  // namespace yuqing::processors
