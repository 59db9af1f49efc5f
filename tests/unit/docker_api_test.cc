#include "runtime/docker_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace velo::runtime {
namespace {

using nlohmann::json;

ContainerConfig server_like_config() {
  ContainerConfig config;
  config.image = "postgres:15";
  config.entrypoint = {"postgres"};
  config.cmd = {"-D", "/var/lib/postgresql/data"};
  config.user = "999:999";
  config.env = {"PGDATA=/var/lib/postgresql/data"};
  config.labels = {
      {"dev.velo.managed", "true"}, {"dev.velo.project", "api"}, {"dev.velo.branch", "dev"}};
  config.mounts = {{"/velo/vol/api-dev/data", "/var/lib/postgresql/data", false},
                   {"/velo/restore:with,odd", "/var/lib/velo/restore", true}};
  config.container_port = 5432;
  config.host_ip = "127.0.0.1";
  config.host_port = 6001;
  config.stop_signal = "SIGINT";
  config.stop_timeout_s = 60;
  config.shm_size_bytes = 1 << 20;
  return config;
}

TEST(DockerApi, CreateBodyCarriesEverything) {
  json body = json::parse(container_create_body(server_like_config()));
  EXPECT_EQ(body["Image"], "postgres:15");
  EXPECT_EQ(body["Entrypoint"], json::array({"postgres"}));
  EXPECT_EQ(body["Cmd"], json::array({"-D", "/var/lib/postgresql/data"}));
  EXPECT_EQ(body["User"], "999:999");
  EXPECT_EQ(body["Env"][0], "PGDATA=/var/lib/postgresql/data");
  EXPECT_EQ(body["Labels"]["dev.velo.project"], "api");
  EXPECT_EQ(body["Labels"]["dev.velo.managed"], "true");
  EXPECT_EQ(body["StopSignal"], "SIGINT");
  EXPECT_EQ(body["StopTimeout"], 60);
  EXPECT_TRUE(body["ExposedPorts"].contains("5432/tcp"));
  const json& host = body["HostConfig"];
  EXPECT_EQ(host["PortBindings"]["5432/tcp"][0]["HostIp"], "127.0.0.1");
  EXPECT_EQ(host["PortBindings"]["5432/tcp"][0]["HostPort"], "6001");
  ASSERT_EQ(host["Mounts"].size(), 2u);
  EXPECT_EQ(host["Mounts"][0]["Type"], "bind");
  EXPECT_EQ(host["Mounts"][0]["Source"], "/velo/vol/api-dev/data");
  EXPECT_EQ(host["Mounts"][0]["ReadOnly"], false);
  // Paths travel verbatim: no Binds string to split on ':' or ','.
  EXPECT_EQ(host["Mounts"][1]["Source"], "/velo/restore:with,odd");
  EXPECT_EQ(host["Mounts"][1]["ReadOnly"], true);
  EXPECT_EQ(host["ShmSize"], 1 << 20);
  EXPECT_EQ(host["RestartPolicy"]["Name"], "no");
}

TEST(DockerApi, CreateBodyLeavesImageDefaultsAlone) {
  ContainerConfig config;
  config.image = "velo-test/postgres:15";
  json body = json::parse(container_create_body(config));
  EXPECT_FALSE(body.contains("Entrypoint"));
  EXPECT_FALSE(body.contains("Cmd"));
  EXPECT_FALSE(body.contains("User"));
  EXPECT_FALSE(body.contains("ExposedPorts"));
  EXPECT_FALSE(body["HostConfig"].contains("PortBindings"));
  EXPECT_FALSE(body.contains("StopTimeout"));
}

TEST(DockerApi, ParsesInspect) {
  const std::string body = R"({"Id":"abc","Name":"/velo-api-dev",
    "State":{"Status":"exited","Running":false,"ExitCode":1,"Error":""},
    "Config":{"Image":"postgres:15","Labels":{"dev.velo.branch":"dev"}}})";
  auto info = parse_container_inspect(body);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->id, "abc");
  EXPECT_EQ(info->name, "velo-api-dev");
  EXPECT_FALSE(info->running);
  EXPECT_EQ(info->exit_code, 1);
  EXPECT_EQ(info->state, "exited");
  EXPECT_EQ(info->labels["dev.velo.branch"], "dev");
  EXPECT_FALSE(parse_container_inspect("not json").ok());
}

TEST(DockerApi, InspectFieldsOfTheWrongTypeReadAsUnset) {
  // Found by docker_api_fuzz: json::value() threw on "Running":"yes".
  auto info = parse_container_inspect(
      R"({"State":{"Status":1,"Running":"yes","ExitCode":1e300},"Config":[]})");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->running);
  EXPECT_EQ(info->exit_code, 0);
  EXPECT_EQ(info->state, "");
  info = parse_container_inspect(R"({"State":{"Running":true,"ExitCode":99999999999}})");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->running);
  EXPECT_EQ(info->exit_code, 0);
}

TEST(DockerApi, ParsesList) {
  const std::string body =
      R"([{"Id":"1","Names":["/velo-a-main"],"Image":"postgres:15","State":"running",
    "Labels":{"dev.velo.project":"a"}},{"Id":"2","Names":["/velo-a-dev"],"State":"exited","Labels":null}])";
  auto list = parse_container_list(body);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "velo-a-main");
  EXPECT_TRUE((*list)[0].running);
  EXPECT_EQ((*list)[0].labels["dev.velo.project"], "a");
  EXPECT_FALSE((*list)[1].running);
  EXPECT_TRUE((*list)[1].labels.empty());
}

TEST(DockerApi, ErrorMessage) {
  EXPECT_EQ(error_message(R"({"message":"No such image: postgres:15"})"),
            "No such image: postgres:15");
  EXPECT_EQ(error_message("page not found\n"), "page not found");
}

TEST(DockerApi, SocketPathFromDockerHost) {
  EXPECT_EQ(*socket_path_from_docker_host(nullptr), "/var/run/docker.sock");
  EXPECT_EQ(*socket_path_from_docker_host(""), "/var/run/docker.sock");
  EXPECT_EQ(*socket_path_from_docker_host("unix:///tmp/dk/docker.sock"), "/tmp/dk/docker.sock");
  auto tcp = socket_path_from_docker_host("tcp://10.0.0.1:2375");
  ASSERT_FALSE(tcp.ok());
  EXPECT_EQ(tcp.error().kind, ErrorKind::Invalid);
  EXPECT_FALSE(socket_path_from_docker_host("unix://").ok());
}

TEST(DockerApi, UrlEncode) {
  EXPECT_EQ(url_encode("velo-a_b.c~"), "velo-a_b.c~");
  EXPECT_EQ(url_encode(R"({"label":["x=y"]})"), "%7B%22label%22%3A%5B%22x%3Dy%22%5D%7D");
}

TEST(DockerApi, ParsesIdOutput) {
  auto ids =
      parse_id_output("uid=999(postgres) gid=998(postgres) groups=998(postgres),101(ssl-cert)\n");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->uid, 999u);
  EXPECT_EQ(ids->gid, 998u);
  EXPECT_FALSE(parse_id_output("id: 'postgres': no such user\n").ok());
}

TEST(DockerApi, LastLines) {
  EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(last_lines("a\nb\nc", 5), "a\nb\nc");
  EXPECT_EQ(last_lines("a\nb\n", 0), "");
  EXPECT_EQ(last_lines("", 3), "");
}

}  // namespace
}  // namespace velo::runtime
