// Must compile: the control of crawler_includes_alerts.cc. The crawlers link the Kafka adapter and
// core, so their headers are visible; if this fails the probe's failure would prove nothing.
#include "core/status.h"
#include "crawlers/crawler.h"
#include "stream/kafka.h"
