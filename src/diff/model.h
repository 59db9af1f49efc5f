// The object model the differ compares: every schema object of a database
// as one generic record (a kind, a stable identity, the attributes that are
// compared, its definition as PostgreSQL prints it, and the objects it
// depends on), so that diffing, merging and ordering need no per-kind code.
#pragma once

#include <map>
#include <set>
#include <string>

namespace velo::diff {

struct Object {
  std::string kind{};      // "table", "column", "index", ... (see kinds.h)
  std::string identity{};  // quoted and schema-qualified: public.orders, public.orders.total
  // How DDL names the object ("TABLE public.orders", "CONSTRAINT c ON
  // public.orders", "FUNCTION public.f(integer)"): for OWNER TO, COMMENT ON
  // and GRANT. Derived from the identity, so not compared.
  std::string sql_name{};
  // The key of the object this one belongs to and goes with (a column's
  // table, a comment's object), "" for none. Implies a dependency.
  std::string parent{};
  // As PostgreSQL prints it (pg_get_viewdef, pg_get_indexdef, ...) or, for
  // kinds without such a function, the DDL that creates it. Compared.
  std::string definition{};
  // Further compared attributes, by name ("owner", "type", "not_null", ...).
  std::map<std::string, std::string> attributes{};
  // Keys of the objects this one needs (pg_depend), for ordering only.
  std::set<std::string> depends_on{};
  // Place among its siblings (a column's attnum), for CREATE TABLE only.
  int position = 0;

  // "kind identity": unique within a database.
  std::string key() const { return kind + " " + identity; }
  // The attribute, "" when absent.
  const std::string& attr(const std::string& name) const;
};

// Whether two objects are the same schema object in the same state: kind,
// identity, definition and attributes (not dependencies, which are server
// specifics such as a rule's dependency on a column).
bool same(const Object& a, const Object& b);

struct DatabaseSchema {
  std::string encoding;            // "UTF8"
  std::string collation_provider;  // "libc" or "icu"
  std::string collate;             // lc_collate
  std::string ctype;               // lc_ctype
  std::string icu_locale;          // "" for libc
  std::string owner;
  std::map<std::string, Object> objects;  // by key()

  // Adds or replaces the object under its key.
  void add(Object object);
  const Object* find(const std::string& key) const;
};

// Whether two databases have equal attributes (not their objects).
bool same_attributes(const DatabaseSchema& a, const DatabaseSchema& b);

struct ClusterSchema {
  std::map<std::string, DatabaseSchema> databases;  // by name
};

}  // namespace velo::diff
