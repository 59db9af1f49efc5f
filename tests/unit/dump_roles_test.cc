// The roles a pg_dump script names (core/dump_roles.h).
#include "core/import/dump_roles.h"

#include <gtest/gtest.h>

namespace velo::core {
namespace {

using Roles = std::vector<std::string>;

TEST(DumpRoles, OwnersGranteesGrantorsAndPolicies) {
  const char* sql = R"(--
-- PostgreSQL database dump
--
\restrict abc123
SET statement_timeout = 0;
CREATE SCHEMA s;
ALTER SCHEMA s OWNER TO reader;
CREATE TABLE public.t (
    id integer
);
ALTER TABLE public.t OWNER TO app_owner;
CREATE POLICY p ON public.t TO reader, auditor USING (true);
GRANT SELECT ON TABLE public.t TO reader;
GRANT SELECT ON TABLE public.t TO "Odd ""Name";
SET SESSION AUTHORIZATION grantor;
GRANT UPDATE ON TABLE public.t TO writer WITH GRANT OPTION;
RESET SESSION AUTHORIZATION;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON TABLE public.t FROM revoked;
ALTER DEFAULT PRIVILEGES FOR ROLE definer IN SCHEMA s GRANT SELECT ON TABLES  TO defreader;
CREATE USER MAPPING FOR mapped SERVER remote;
\unrestrict abc123
)";
  EXPECT_EQ(roles_named_in_sql(sql),
            (Roles{"Odd \"Name", "app_owner", "auditor", "definer", "defreader", "grantor",
                   "mapped", "reader", "revoked", "writer"}));
}

TEST(DumpRoles, DataAndFunctionBodiesNameNoRole) {
  const char* sql =
      "COPY public.t (id, v) FROM stdin;\n"
      "1\tALTER TABLE x OWNER TO in_copy;\n"
      "\\.x\n"
      "2\tGRANT ALL ON t TO in_copy2;\n"
      "\\.\n"
      "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $body$\n"
      "GRANT SELECT ON t TO in_body; $notend$ ;\n"
      "$body$;\n"
      "COMMENT ON TABLE t IS 'it;\n"
      "ALTER TABLE t OWNER TO in_string; it''s';\n"
      "INSERT INTO t VALUES (E'\\';GRANT x ON y TO in_escape;');\n"
      "/* GRANT a ON b TO in_comment; /* nested */ still; */\n"
      "-- ALTER TABLE t OWNER TO in_line_comment;\n"
      "ALTER TABLE t OWNER TO real_owner;\n";
  EXPECT_EQ(roles_named_in_sql(sql), (Roles{"real_owner"}));
}

TEST(DumpRoles, RolesTheScriptCreatesAreNotMissing) {
  // pg_dumpall: the roles come first, then what they own and are granted.
  const char* sql =
      "CREATE ROLE app;\n"
      "ALTER ROLE app WITH NOSUPERUSER NOLOGIN;\n"
      "GRANT app TO member GRANTED BY boss;\n"
      "ALTER DATABASE shop OWNER TO app;\n"
      "REVOKE ADMIN OPTION FOR app FROM other;\n";
  EXPECT_EQ(roles_named_in_sql(sql), (Roles{"boss", "member", "other"}));
}

TEST(DumpRoles, UnquotedNamesFoldAndKeywordsAreNotRoles) {
  const char* sql =
      "ALTER TABLE t OWNER TO Mixed;\n"
      "GRANT SELECT ON t TO CURRENT_USER, GROUP team;\n"
      "SET SESSION AUTHORIZATION 'literal';\n"
      "SET SESSION AUTHORIZATION DEFAULT;\n"
      "ALTER TABLE public.owner OWNER TO owner_of_owner;\n";
  EXPECT_EQ(roles_named_in_sql(sql), (Roles{"literal", "mixed", "owner_of_owner", "team"}));
}

TEST(DumpRoles, ChunksSplitAnywhere) {
  std::string sql =
      "COPY t FROM stdin;\nALTER x OWNER TO no;\n\\.\n"
      "CREATE FUNCTION f() AS $$ OWNER TO no $$;\nALTER TABLE t OWNER TO \"Split Me\";\n";
  DumpRoleScanner scanner;
  for (char c : sql) scanner.feed(std::string_view(&c, 1));
  EXPECT_EQ(scanner.roles(), (Roles{"Split Me"}));
}

}  // namespace
}  // namespace velo::core
