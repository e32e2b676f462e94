#include "stream/kafka.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <string_view>
#include <thread>

namespace yuqing::kafka {
namespace {

// The one translation of librdkafka errors into the project's Status.
Status translate(rd_kafka_resp_err_t err, const std::string& context) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::ok();
  const std::string msg = context + ": " + rd_kafka_err2str(err);
  switch (err) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return Status::fatal(msg);
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return Status::reject(msg);
    default:
      return Status::retry_later(msg);
  }
}

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)>;

Status set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
    return Status::invalid("kafka option '" + key + "'='" + value + "': " + err);
  return Status::ok();
}

// Base settings, then the project's required ones, then the user's pass-through options from
// kafka.client (which may tune but are checked against what correctness needs).
ConfPtr make_conf(const KafkaOptions& o, const std::map<std::string, std::string>& required, Status& error) {
  ConfPtr conf(rd_kafka_conf_new(), &rd_kafka_conf_destroy);
  auto apply = [&](const std::string& k, const std::string& v) {
    if (error.is_ok()) error = set(conf.get(), k, v);
  };
  apply("bootstrap.servers", o.brokers);
  apply("log_level", "4");
  for (const auto& [k, v] : required) apply(k, v);
  for (const auto& [k, v] : o.client) {
    if (required.count(k) && required.at(k) != v) {
      if (error.is_ok())
        error = Status::invalid("kafka.client." + k + ": yuqing requires '" + required.at(k) + "' for correct delivery");
      continue;
    }
    apply(k, v);
  }
  return conf;
}

// Offsets to commit for a batch: per partition, the one after the highest message given.
rd_kafka_topic_partition_list_t* next_offsets(const std::vector<Message>& batch) {
  std::map<std::pair<std::string, int32_t>, int64_t> next;
  for (const auto& m : batch) {
    auto& o = next[{m.topic, m.partition}];
    o = std::max(o, m.offset + 1);
  }
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(int(next.size()));
  for (const auto& [tp, offset] : next) rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = offset;
  return list;
}

// The translation of librdkafka's transaction errors (rd_kafka_error_t) into Status.
Status from_error(rd_kafka_error_t* e, const std::string& context) {
  if (!e) return Status::ok();
  const std::string msg = context + ": " + rd_kafka_error_string(e);
  Status s = rd_kafka_error_is_fatal(e) ? Status::fatal(msg) : Status::retry_later(msg);
  rd_kafka_error_destroy(e);
  return s;
}

void log_cb(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  if (level <= 3) {
    spdlog::error("kafka {}: {}", fac, buf);
  } else {
    spdlog::debug("kafka {}: {}", fac, buf);
  }
}

}  // namespace

namespace {
Status create_topics(const KafkaOptions& o, const std::vector<std::pair<std::string, int>>& names, int timeout_ms,
                     const std::map<std::string, std::string>& topic_config = {});
Status await_topics(rd_kafka_t* rk, const std::vector<std::pair<std::string, int>>& names, int timeout_ms);
}  // namespace

Status ensure_topics(const KafkaOptions& o, int timeout_ms) {
  return create_topics(o, {{o.raw_topic, o.partitions}, {o.enriched_topic, o.partitions}, {o.dead_letter_topic, o.partitions}},
                       timeout_ms);
}

Status ensure_topic(const KafkaOptions& o, const std::string& name, int partitions, int timeout_ms,
                    const std::map<std::string, std::string>& topic_config) {
  return create_topics(o, {{name, partitions}}, timeout_ms, topic_config);
}

namespace {
Status create_topics(const KafkaOptions& o, const std::vector<std::pair<std::string, int>>& names, int timeout_ms,
                     const std::map<std::string, std::string>& topic_config) {
  Status error;
  ConfPtr conf = make_conf(o, {}, error);
  if (!error) return error;
  rd_kafka_conf_set_log_cb(conf.get(), log_cb);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), err, sizeof err);
  if (!rk) return Status::fatal(std::string("kafka admin client: ") + err);
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> guard(rk, &rd_kafka_destroy);

  std::vector<rd_kafka_NewTopic_t*> topics;
  for (const auto& [name, partitions] : names) {
    topics.push_back(rd_kafka_NewTopic_new(name.c_str(), partitions, o.replication, err, sizeof err));
    for (const auto& [key, value] : topic_config) rd_kafka_NewTopic_set_config(topics.back(), key.c_str(), value.c_str());
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, err, sizeof err);
  rd_kafka_CreateTopics(rk, topics.data(), topics.size(), options, queue);

  Status result = Status::retry_later("kafka: no answer to CreateTopics from " + o.brokers + " within " +
                                      std::to_string(timeout_ms) + " ms");
  if (rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, timeout_ms + 5000)) {
    if (rd_kafka_event_error(ev)) {
      result = translate(rd_kafka_event_error(ev), "kafka CreateTopics at " + o.brokers);
    } else {
      result = Status::ok();
      size_t n = 0;
      const rd_kafka_topic_result_t** results =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
      for (size_t i = 0; i < n && result; ++i) {
        const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
          result = translate(e, std::string("kafka create topic ") + rd_kafka_topic_result_name(results[i]));
      }
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy_array(topics.data(), topics.size());
  if (result) result = await_topics(rk, names, timeout_ms);
  return result;
}

// CreateTopics answers once the controller has the topics; a broker's metadata cache learns of
// them a moment later, and until then it answers DescribeConfigs with "unknown topic" (so
// Producer::create would miss a topic's max.message.bytes) and has no leader to produce to.
// "Ensured" therefore means: the metadata lists every topic with a leader for each partition.
Status await_topics(rd_kafka_t* rk, const std::vector<std::pair<std::string, int>>& names, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const struct rd_kafka_metadata* md = nullptr;
    size_t ready = 0;
    if (rd_kafka_metadata(rk, 1, nullptr, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      for (const auto& [name, partitions] : names)
        for (int t = 0; t < md->topic_cnt; ++t) {
          const rd_kafka_metadata_topic_t& topic = md->topics[t];
          if (topic.topic != name || topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || topic.partition_cnt < 1) continue;
          bool led = true;
          for (int k = 0; k < topic.partition_cnt; ++k) led = led && topic.partitions[k].leader >= 0;
          ready += led;
        }
      rd_kafka_metadata_destroy(md);
    }
    if (ready == names.size()) return Status::ok();
    if (std::chrono::steady_clock::now() >= deadline)
      return Status::retry_later("kafka: topics created but not yet in the broker's metadata after " + std::to_string(timeout_ms) + " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
}  // namespace

namespace {
// The smallest `max.message.bytes` of `topics` as the broker reports it (a topic without its own
// setting reports the broker's message.max.bytes); nullopt when the broker cannot say (down, a
// topic not created yet): the caller keeps its configured limit then.
std::optional<int64_t> topic_message_limit(const KafkaOptions& o, const std::vector<std::string>& topics, int timeout_ms) {
  Status error;
  ConfPtr conf = make_conf(o, {}, error);
  if (!error) return std::nullopt;
  rd_kafka_conf_set_log_cb(conf.get(), log_cb);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), err, sizeof err);
  if (!rk) return std::nullopt;
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> guard(rk, &rd_kafka_destroy);
  std::vector<rd_kafka_ConfigResource_t*> resources;
  for (const auto& t : topics) resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.c_str()));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, err, sizeof err);
  rd_kafka_DescribeConfigs(rk, resources.data(), resources.size(), options, queue);
  std::optional<int64_t> limit;
  if (rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, timeout_ms + 1000)) {
    if (!rd_kafka_event_error(ev)) {
      size_t n = 0;
      const rd_kafka_ConfigResource_t** results =
          rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
      for (size_t i = 0; i < n; ++i) {
        if (rd_kafka_ConfigResource_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          spdlog::warn("kafka: max.message.bytes of topic '{}' unknown ({}); its limit is not enforced locally",
                       rd_kafka_ConfigResource_name(results[i]), rd_kafka_err2str(rd_kafka_ConfigResource_error(results[i])));
          continue;
        }
        size_t entries = 0;
        const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(results[i], &entries);
        for (size_t k = 0; k < entries; ++k)
          if (std::string_view(rd_kafka_ConfigEntry_name(configs[k])) == "max.message.bytes" && rd_kafka_ConfigEntry_value(configs[k])) {
            const int64_t v = std::strtoll(rd_kafka_ConfigEntry_value(configs[k]), nullptr, 10);
            if (v > 0) limit = limit ? std::min(*limit, v) : v;
          }
      }
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
  return limit;
}
}  // namespace

std::unique_ptr<Producer> Producer::create(const KafkaOptions& given, const std::string& client_id, Status& error) {
  error = Status::ok();
  // A message the topic would refuse must be refused here, by produce() (a reject the stage
  // dead-letters), not by the broker in a delivery report (which fails the whole batch): so the
  // local limit is lowered to the pipeline topics' max.message.bytes, less room for the record
  // batch's own header.
  KafkaOptions o = given;
  constexpr int64_t kBatchOverhead = 1024;
  const int64_t configured = o.client.count("message.max.bytes") ? std::strtoll(o.client.at("message.max.bytes").c_str(), nullptr, 10) : 1000000;
  if (const auto limit = topic_message_limit(o, {o.raw_topic, o.enriched_topic, o.dead_letter_topic}, 5000);
      limit && *limit - kBatchOverhead < configured) {
    o.client["message.max.bytes"] = std::to_string(std::max<int64_t>(*limit - kBatchOverhead, 1000));
    spdlog::info("kafka: messages over {} bytes are refused locally (topic max.message.bytes {})", o.client["message.max.bytes"], *limit);
  }
  ConfPtr conf = make_conf(o,
                           {{"enable.idempotence", "true"},
                            {"acks", "all"},
                            {"client.id", client_id}},
                           error);
  // Keep retrying through broker outages instead of failing messages after 5 minutes (the
  // librdkafka default); callers see a flush timeout and wait.
  if (error && !o.client.count("message.timeout.ms")) error = set(conf.get(), "message.timeout.ms", "0");
  if (!error) return nullptr;
  std::unique_ptr<Producer> p(new Producer());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::on_delivery);
  rd_kafka_conf_set_log_cb(conf.get(), log_cb);
  rd_kafka_conf_set_opaque(conf.get(), p.get());
  char err[512];
  p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), err, sizeof err);
  if (!p->rk_) {
    error = Status::fatal(std::string("kafka producer: ") + err);
    return nullptr;
  }
  return p;
}

std::unique_ptr<Producer> Producer::create_transactional(const KafkaOptions& o, const std::string& transactional_id,
                                                         Status& error) {
  KafkaOptions with_id = o;
  with_id.client["transactional.id"] = transactional_id;
  // A transactional producer must give up on a message within the transaction timeout (60 s).
  if (!with_id.client.count("message.timeout.ms")) with_id.client["message.timeout.ms"] = "60000";
  auto p = create(with_id, transactional_id, error);
  if (!p) return nullptr;
  error = from_error(rd_kafka_init_transactions(p->rk_, 60000), "kafka init transactions (" + transactional_id + ")");
  if (!error) return nullptr;
  return p;
}

Status Producer::begin() {
  if (in_transaction_) return Status::ok();
  Status s = from_error(rd_kafka_begin_transaction(rk_), "kafka begin transaction");
  in_transaction_ = s.is_ok();
  return s;
}

Status Producer::commit_with_offsets(const stream::Consumer& any_consumer, const std::vector<Message>& consumed,
                                     int timeout_ms) {
  if (!in_transaction_) return Status::invalid("kafka: commit_with_offsets outside a transaction");
  const auto* kafka_consumer = dynamic_cast<const Consumer*>(&any_consumer);
  if (!kafka_consumer) return Status::invalid("kafka: commit_with_offsets needs the kafka::Consumer of the batch");
  const Consumer& consumer = *kafka_consumer;
  rd_kafka_topic_partition_list_t* offsets = next_offsets(consumed);
  rd_kafka_consumer_group_metadata_t* group = rd_kafka_consumer_group_metadata(consumer.rk_);
  rd_kafka_error_t* e = rd_kafka_send_offsets_to_transaction(rk_, offsets, group, timeout_ms);
  rd_kafka_consumer_group_metadata_destroy(group);
  rd_kafka_topic_partition_list_destroy(offsets);
  if (!e) e = rd_kafka_commit_transaction(rk_, timeout_ms);
  if (e && !rd_kafka_error_is_fatal(e)) {
    // Whatever went wrong (a rebalance fenced the offsets, a broker timed out), abort so that
    // neither the messages nor the offsets take effect; the caller may start again.
    Status abort = from_error(rd_kafka_abort_transaction(rk_, timeout_ms), "kafka abort transaction");
    if (!abort) spdlog::warn("{}", abort.to_string());
  }
  in_transaction_ = false;
  Status s = from_error(e, "kafka commit transaction");
  if (s) s = first_failure_;
  first_failure_ = Status::ok();
  return s;
}

Producer::~Producer() {
  if (rk_) {
    rd_kafka_flush(rk_, 10000);
    rd_kafka_destroy(rk_);
  }
}

void Producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->delivered_;
    return;
  }
  ++self->failed_;
  // A message that failed delivery is gone from the producer: the caller must not acknowledge its
  // input, so this is fatal for the run (a restart re-processes the uncommitted input).
  if (self->first_failure_.is_ok())
    self->first_failure_ = Status::fatal(translate(m->err, std::string("kafka delivery to ") + rd_kafka_topic_name(m->rkt)).message() +
                                         "; input left unacknowledged");
}

Status Producer::produce(const std::string& topic, std::string_view key, std::string_view value) {
  for (;;) {
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 100);  // serve delivery reports so the queue drains
      continue;
    }
    rd_kafka_poll(rk_, 0);
    return translate(err, "kafka produce to " + topic);
  }
}

Status Producer::flush(int timeout_ms) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(rk_, timeout_ms);
  Status result = first_failure_;
  first_failure_ = Status::ok();
  if (!result) return result;
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT)
    return Status::retry_later("kafka flush: " + std::to_string(rd_kafka_outq_len(rk_)) +
                               " messages still unacknowledged after " + std::to_string(timeout_ms) + " ms");
  char fatal[256];
  if (rd_kafka_fatal_error(rk_, fatal, sizeof fatal)) return Status::fatal(std::string("kafka producer: ") + fatal);
  return Status::ok();
}

struct ConsumerCallbacks {
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque);
};

std::unique_ptr<Consumer> Consumer::create(const KafkaOptions& o, const std::string& group,
                                           const std::vector<std::string>& topics, Status& error) {
  error = Status::ok();
  ConfPtr conf = make_conf(o,
                           {{"group.id", group},
                            {"enable.auto.commit", "false"},
                            {"enable.auto.offset.store", "false"},
                            {"enable.partition.eof", "true"}},
                           error);
  if (error && !o.client.count("auto.offset.reset")) error = set(conf.get(), "auto.offset.reset", "earliest");
  // Incremental (cooperative) rebalancing: when a member joins or leaves, only the partitions that
  // move are revoked, so the other members keep consuming instead of all stopping (eager protocol).
  if (error && !o.client.count("partition.assignment.strategy"))
    error = set(conf.get(), "partition.assignment.strategy", "cooperative-sticky");
  if (!error) return nullptr;
  std::unique_ptr<Consumer> c(new Consumer());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &ConsumerCallbacks::on_rebalance);
  rd_kafka_conf_set_log_cb(conf.get(), log_cb);
  rd_kafka_conf_set_opaque(conf.get(), c.get());
  char err[512];
  c->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.release(), err, sizeof err);
  if (!c->rk_) {
    error = Status::fatal(std::string("kafka consumer: ") + err);
    return nullptr;
  }
  rd_kafka_poll_set_consumer(c->rk_);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(int(topics.size()));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
  error = translate(rd_kafka_subscribe(c->rk_, list), "kafka subscribe");
  rd_kafka_topic_partition_list_destroy(list);
  if (!error) return nullptr;
  return c;
}

Consumer::~Consumer() {
  if (rk_) {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }
}

void ConsumerCallbacks::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                                     void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  // The cooperative protocol hands out and takes back only the partitions that move; the eager one
  // (chosen through kafka.client.partition.assignment.strategy) replaces the whole assignment.
  const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i) self->assigned_.insert({parts->elems[i].topic, parts->elems[i].partition});
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) {
        spdlog::error("kafka: incremental assign: {}", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, parts);
    }
    spdlog::info("kafka: assigned {} partition(s), {} in all", parts->cnt, self->assigned_.size());
    return;
  }
  // Revoked (or lost): offsets not yet committed for these partitions are simply re-delivered to
  // their next owner; the stages' idempotent writes absorb the repeat.
  for (int i = 0; i < parts->cnt; ++i) {
    self->assigned_.erase({parts->elems[i].topic, parts->elems[i].partition});
    self->at_eof_.erase({parts->elems[i].topic, parts->elems[i].partition});
  }
  if (cooperative) {
    if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) {
      spdlog::error("kafka: incremental unassign: {}", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
  } else {
    self->assigned_.clear();
    self->at_eof_.clear();
    rd_kafka_assign(rk, nullptr);
  }
  spdlog::info("kafka: {} partition(s) revoked, {} remain", parts->cnt, self->assigned_.size());
}

std::vector<Message> Consumer::poll(size_t max, int timeout_ms, Status& error) {
  error = Status::ok();
  std::vector<Message> batch;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (batch.size() < max) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    // Once a batch has started, only take what is already buffered.
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, batch.empty() ? int(std::max<int64_t>(left.count(), 0)) : 0);
    if (!m) {
      if (!batch.empty() || left.count() <= 0) break;
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_eof_.insert({rd_kafka_topic_name(m->rkt), m->partition});
      rd_kafka_message_destroy(m);
      if (at_end() && batch.empty()) break;
      continue;
    }
    if (m->err) {
      error = translate(m->err, "kafka consume");
      rd_kafka_message_destroy(m);
      break;
    }
    Message msg;
    msg.topic = rd_kafka_topic_name(m->rkt);
    msg.partition = m->partition;
    msg.offset = m->offset;
    if (m->key) msg.key.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) msg.value.assign(static_cast<const char*>(m->payload), m->len);
    at_eof_.erase({msg.topic, msg.partition});
    rd_kafka_message_destroy(m);
    batch.push_back(std::move(msg));
  }
  return batch;
}

Status Consumer::commit(const std::vector<Message>& batch) {
  if (batch.empty()) return Status::ok();
  rd_kafka_topic_partition_list_t* list = next_offsets(batch);
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk_, list, 0 /* synchronous */);
  rd_kafka_topic_partition_list_destroy(list);
  return translate(err, "kafka commit");
}

bool Consumer::at_end() const {
  return !assigned_.empty() && at_eof_.size() >= assigned_.size();
}

}  // namespace yuqing::kafka
