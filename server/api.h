// The JSON API: one function per endpoint and one row per endpoint in the table api.cc holds.
//
// Contract
// - Query parameters are read by storage/queries/request.h, the code `yuqing query` uses, so the
//   API accepts and rejects what the CLI does, with the same messages. Values reach SQL only
//   through the queries library and the alert store (clickhouse::quote), never spliced here.
// - Replies are JSON. Errors are {"error": "..."} naming the bad parameter: 400 bad parameter,
//   404 unknown alert, 409 a state change the alert's state forbids, 503 ClickHouse unreachable
//   or overloaded (retry later), 500 anything else. Authentication is the server's job (server.h):
//   handlers only see who is asking.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/status.h"
#include "storage/clickhouse/client.h"
#include "storage/queries/request.h"

namespace yuqing::server {

struct ApiRequest {
  queries::Params params;   // the query string, in order
  std::string id;           // {id} in the path, when the pattern has one
  nlohmann::json body;      // POST body: a JSON object (empty when none was sent)
  std::string user;         // who is asking (the session's user, or "api-token")
};

struct ApiReply {
  int status = 200;
  nlohmann::json body;
};

using ApiHandler = ApiReply (*)(clickhouse::Client& client, const ApiRequest& request);

struct Endpoint {
  const char* method;       // GET or POST
  const char* path;         // "/api/alerts/{id}/ack": {id} matches one path segment
  ApiHandler handler;
  const char* summary;      // one line for /api (the index of endpoints)
};

const std::vector<Endpoint>& endpoints();

// {"error": message} with the status a Status kind maps to (invalid -> 400).
ApiReply error_reply(const Status& s);

}  // namespace yuqing::server
