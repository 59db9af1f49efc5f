#include "diff/reader.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "diff/catalog.h"
#include "util/timings.h"

namespace velo::diff {
namespace {

constexpr size_t kParallelReads = 4;  // sessions per cluster read at a time

Status read_database_attributes(pg::Session& session, DatabaseSchema& schema) {
  VELO_ASSIGN_OR_RETURN(
      auto rows,
      session.query("SELECT pg_encoding_to_char(d.encoding), CASE d.datlocprovider WHEN 'i'"
                    " THEN 'icu' ELSE 'libc' END, d.datcollate, d.datctype,"
                    " coalesce(d.daticulocale, ''), quote_ident(pg_get_userbyid(d.datdba))"
                    " FROM pg_database d WHERE d.datname = current_database()"));
  if (rows.size() != 1) return make_error(ErrorKind::Io, "cannot read the current database");
  schema.encoding = rows[0][0];
  schema.collation_provider = rows[0][1];
  schema.collate = rows[0][2];
  schema.ctype = rows[0][3];
  schema.icu_locale = rows[0][4];
  schema.owner = rows[0][5];
  return Status::Ok();
}

// Objects first (each reader maps its addresses), then what refers to
// them by address.
Status run_readers(Catalog& catalog) {
  for (auto reader :
       {read_schemas,        read_extensions,         read_collations,   read_types,
        read_domains,        read_functions,          read_sequences,    read_tables,
        read_columns,        read_constraints,        read_indexes,      read_views,
        read_triggers,       read_policies,           read_rules,        read_statistics,
        read_event_triggers, read_replica_identities, read_publications, read_default_privileges,
        read_dependencies,   read_comments,           read_privileges}) {
    VELO_TRY(reader(catalog));
  }
  return Status::Ok();
}

// Every statement goes out before the first rows come back: the server
// runs them back to back (most of a read is its deparsing) while velo
// builds objects from the rows of the earlier ones.
Status read_all(pg::Session& session, DatabaseSchema& schema) {
  VELO_TRY(read_database_attributes(session, schema));
  std::vector<std::string> statements;
  DatabaseSchema dry_schema;
  Catalog dry{.session = session, .schema = dry_schema, .listed = &statements};
  VELO_TRY(run_readers(dry));
  VELO_ASSIGN_OR_RETURN(auto pipeline, session.pipeline(statements));
  Catalog catalog{
      .session = session, .schema = schema, .sent = pipeline.get(), .sent_statements = &statements};
  return run_readers(catalog);
}

}  // namespace

Result<DatabaseSchema> read_schema(pg::Session& session) {
  VELO_TRY(session.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  DatabaseSchema schema;
  Status read = session.exec("SET LOCAL search_path = ''");
  if (read.ok()) read = read_all(session, schema);
  Status ended = session.exec(read.ok() ? "COMMIT" : "ROLLBACK");
  if (!read.ok()) {
    return make_error(read.error().kind, "reading the schema: {}", read.error().message);
  }
  VELO_TRY(ended);
  return schema;
}

Result<ClusterSchema> read_cluster(pg::Client& client, const pg::ConnParams& params) {
  VELO_ASSIGN_OR_RETURN(auto session, client.connect(params));
  VELO_ASSIGN_OR_RETURN(auto rows, session->query("SELECT datname, datname = current_database()"
                                                  " FROM pg_database WHERE datallowconn"
                                                  " AND datname NOT IN ('template0', 'template1')"
                                                  " ORDER BY datname"));
  // Databases are read side by side, a session each: a merge reads three
  // or four clusters, and most of a read is waiting for the server. The
  // session that listed them reads its own database: a new session costs
  // a backend's start (about 30 ms here), more than most reads.
  std::vector<std::optional<Result<DatabaseSchema>>> read(rows.size());
  std::atomic<size_t> next{0};
  // One thread reads a database; the listing session is idle by then and
  // serves only the row of its own database.
  auto read_one = [&](size_t i) {
    timings::Scope span("read " + rows[i][0]);
    if (rows[i][1] == "t") {
      read[i] = read_schema(*session);
      return;
    }
    pg::ConnParams database = params;
    database.dbname = rows[i][0];
    auto database_session = client.connect(database);
    read[i] = database_session.ok() ? read_schema(**database_session)
                                    : Result<DatabaseSchema>(database_session.error());
  };
  auto worker = [&] {
    for (size_t i = next++; i < rows.size(); i = next++) read_one(i);
  };
  std::vector<std::thread> workers;
  for (size_t i = 1; i < std::min(rows.size(), kParallelReads); ++i) workers.emplace_back(worker);
  worker();
  for (auto& thread : workers) thread.join();
  ClusterSchema cluster;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!read[i]->ok()) {
      return make_error(read[i]->error().kind, "database {}: {}", rows[i][0],
                        read[i]->error().message);
    }
    cluster.databases[rows[i][0]] = std::move(**read[i]);
  }
  return cluster;
}

}  // namespace velo::diff
