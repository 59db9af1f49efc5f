// What the catalog readers of each kind share: the session, the schema
// being filled, and the map from catalog addresses (classid:objid:subid,
// as pg_depend names objects) to object keys, through which pg_depend's
// rows become dependencies. Internal to diff/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "diff/model.h"
#include "pg/session.h"
#include "util/result.h"

namespace velo::diff {

// The readers' statements do not depend on what earlier ones read, so
// read_schema lists them first (a dry run over no rows: `listed`), then
// sends them all at once (`sent`) and lets the readers take their rows.
struct Catalog {
  pg::Session& session;
  DatabaseSchema& schema;
  std::map<std::string, std::string> key_by_address{};     // objects and aliases
  std::map<std::string, std::string> object_by_address{};  // objects only
  std::vector<std::string>* listed = nullptr;              // the dry run: statements go here
  pg::Pipeline* sent = nullptr;                            // else their rows come from here
  const std::vector<std::string>* sent_statements = nullptr;
  size_t next_sent = 0;

  Result<std::vector<pg::Row>> query(const std::string& sql);
  // Adds `object`, found at `address` (which may be "").
  void add(Object object, const std::string& address);
  // Also names `key` at another address (a view's rule, a column's default).
  void alias(const std::string& address, const std::string& key);
  // The key at an address, else at the address of its whole object, else "".
  std::string key_at(const std::string& address) const;
  // The object read at exactly this address (not an alias), or null.
  const Object* object_at(const std::string& address) const;
};

// SQL fragments for the readers' queries.
// `alias`.nspname is a schema of the user (not pg_catalog,
// information_schema, pg_toast*, pg_temp*).
std::string user_schema(const std::string& nsp_alias);
// The object (catalog `catalog`, oid expression `oid`) is not an
// extension's member.
std::string not_in_extension(const std::string& catalog, const std::string& oid);
// Its address as text: concat(<catalog oid>, ':', oid, ':', subid).
std::string address_of(const std::string& catalog, const std::string& oid,
                       const std::string& subid = "0");

// The readers, one per kind file, in the order read_schema calls them.
Status read_schemas(Catalog& catalog);
Status read_extensions(Catalog& catalog);
Status read_collations(Catalog& catalog);
Status read_types(Catalog& catalog);
Status read_domains(Catalog& catalog);
Status read_functions(Catalog& catalog);
Status read_sequences(Catalog& catalog);
Status read_tables(Catalog& catalog);
Status read_columns(Catalog& catalog);
Status read_constraints(Catalog& catalog);
Status read_indexes(Catalog& catalog);
Status read_views(Catalog& catalog);
Status read_triggers(Catalog& catalog);
Status read_policies(Catalog& catalog);
Status read_rules(Catalog& catalog);
Status read_statistics(Catalog& catalog);
Status read_event_triggers(Catalog& catalog);
Status read_replica_identities(Catalog& catalog);
Status read_publications(Catalog& catalog);
Status read_default_privileges(Catalog& catalog);
// After all objects: what they depend on, their comments and privileges.
Status read_dependencies(Catalog& catalog);
Status read_comments(Catalog& catalog);
Status read_privileges(Catalog& catalog);

}  // namespace velo::diff
