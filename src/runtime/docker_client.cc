#include "runtime/docker_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

namespace velo::runtime {

namespace {

// Docker 20.10 (Debian 12's docker.io) speaks 1.41; later engines still
// accept it.
constexpr const char* kApiPrefix = "/v1.41";

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

DockerClient::DockerClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}

Result<HttpResponse> DockerClient::send(const HttpRequest& request) {
  init_curl_once();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return make_error(ErrorKind::Io, "docker: cannot initialise libcurl");
  HttpResponse response;
  const std::string url = std::string("http://localhost") + kApiPrefix + request.path;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, request.timeout_s);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
  if (request.method == "POST") {
    headers.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
    return make_error(ErrorKind::Unavailable,
                      "no Docker engine answers on unix socket {} ({}); start dockerd, or set "
                      "DOCKER_HOST=unix:///path/to/docker.sock",
                      socket_path_, curl_easy_strerror(code));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return make_error(ErrorKind::Timeout, "the Docker engine on {} did not answer {} {} in time",
                      socket_path_, request.method, request.path);
  }
  if (code != CURLE_OK) {
    return make_error(ErrorKind::Io, "docker: {} {} via {}: {}", request.method, request.path,
                      socket_path_, curl_easy_strerror(code));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

Result<HttpResponse> DockerClient::call(const HttpRequest& request, const std::string& what) {
  VELO_ASSIGN_OR_RETURN(HttpResponse response, send(request));
  if (response.status < 400) return response;
  const std::string message = error_message(response.body);
  ErrorKind kind = ErrorKind::Io;
  if (response.status == 404) kind = ErrorKind::NotFound;
  if (response.status == 409) kind = ErrorKind::Conflict;
  return make_error(kind, "docker: {}: {}", what, message);
}

Status DockerClient::ping() {
  VELO_TRY(call({"GET", "/_ping", "", 10}, "ping"));
  return Status::Ok();
}

Status DockerClient::inspect_image(const std::string& image) {
  auto response = call({"GET", "/images/" + image + "/json"}, "image " + image);
  if (!response.ok()) {
    if (response.error().kind == ErrorKind::NotFound) {
      return make_error(ErrorKind::NotFound,
                        "the Docker engine has no image {} (docker pull {}, or build one locally "
                        "with scripts/build-docker-image {})",
                        image, image, image);
    }
    return response.error();
  }
  return Status::Ok();
}

Result<std::string> DockerClient::create_container(const std::string& name,
                                                   const ContainerConfig& config) {
  std::string path = "/containers/create";
  if (!name.empty()) path += "?name=" + url_encode(name);
  VELO_ASSIGN_OR_RETURN(HttpResponse response, call({"POST", path, container_create_body(config)},
                                                    "create container " + name));
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("Id") || !doc["Id"].is_string()) {
    return make_error(ErrorKind::Io, "docker: create container {}: no id in the answer", name);
  }
  return doc["Id"].get<std::string>();
}

Status DockerClient::start_container(const std::string& id) {
  VELO_TRY(call({"POST", "/containers/" + url_encode(id) + "/start"}, "start container " + id));
  return Status::Ok();  // 304: running already
}

Status DockerClient::stop_container(const std::string& id, int timeout_s) {
  HttpRequest request{"POST",
                      "/containers/" + url_encode(id) + "/stop?t=" + std::to_string(timeout_s)};
  request.timeout_s = timeout_s + 30;
  VELO_TRY(call(request, "stop container " + id));
  return Status::Ok();  // 304: not running
}

Status DockerClient::kill_container(const std::string& id, const std::string& signal) {
  VELO_TRY(call({"POST", "/containers/" + url_encode(id) + "/kill?signal=" + url_encode(signal)},
                "kill container " + id));
  return Status::Ok();
}

Result<int> DockerClient::wait_container(const std::string& id, long timeout_s) {
  HttpRequest request{"POST", "/containers/" + url_encode(id) + "/wait"};
  request.timeout_s = timeout_s;
  VELO_ASSIGN_OR_RETURN(HttpResponse response, call(request, "wait for container " + id));
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("StatusCode") || !doc["StatusCode"].is_number_integer()) {
    return make_error(ErrorKind::Io, "docker: wait for container {}: no exit code in the answer",
                      id);
  }
  return doc["StatusCode"].get<int>();
}

Status DockerClient::remove_container(const std::string& id) {
  VELO_TRY(
      call({"DELETE", "/containers/" + url_encode(id) + "?force=1"}, "remove container " + id));
  return Status::Ok();
}

Result<ContainerInfo> DockerClient::inspect_container(const std::string& id) {
  VELO_ASSIGN_OR_RETURN(
      HttpResponse response,
      call({"GET", "/containers/" + url_encode(id) + "/json"}, "container " + id));
  return parse_container_inspect(response.body);
}

Result<std::string> DockerClient::container_logs(const std::string& id, int tail) {
  const std::string path = "/containers/" + url_encode(id) +
                           "/logs?stdout=1&stderr=1&tail=" + std::to_string(tail < 0 ? 0 : tail);
  VELO_ASSIGN_OR_RETURN(HttpResponse response, call({"GET", path}, "logs of container " + id));
  return demux_log_stream(response.body);
}

Result<std::vector<ContainerInfo>> DockerClient::list_containers(const std::string& label_key,
                                                                 const std::string& label_value) {
  nlohmann::json filters = {{"label", {label_key + "=" + label_value}}};
  const std::string path = "/containers/json?all=1&filters=" + url_encode(filters.dump());
  VELO_ASSIGN_OR_RETURN(HttpResponse response, call({"GET", path}, "list containers"));
  return parse_container_list(response.body);
}

}  // namespace velo::runtime
