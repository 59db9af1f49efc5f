// Dump formats for --from-dump, and the database a dump names.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/import/dump.h"
#include "support/temp_dir_test.h"
#include "util/fs.h"

namespace velo::core {
namespace {

class ImportDumpFormat : public testing::TempDirTest {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    EXPECT_TRUE(write_file_atomic(path, content, 0600).ok());
    return path;
  }
};

TEST_F(ImportDumpFormat, Custom) {
  auto format = detect_dump_format(write("c.dump", std::string("PGDMP\x01\x0e\x00", 8)));
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, DumpFormat::Custom);
}

TEST_F(ImportDumpFormat, Plain) {
  auto format = detect_dump_format(write("p.sql", "--\n-- PostgreSQL database dump\n--\n"));
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, DumpFormat::Plain);
  auto tiny = detect_dump_format(write("t.sql", "PG"));
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(*tiny, DumpFormat::Plain);
}

// What is no dump at all is refused before a project is made.
TEST_F(ImportDumpFormat, EmptyBinaryAndSpecialFilesAreNoDumps) {
  for (const std::string& path : {write("empty.sql", ""),
                                  write("binary", std::string("\x7f"
                                                              "ELF\0\0\0",
                                                              7)),
                                  std::string("/dev/null")}) {
    auto format = detect_dump_format(path);
    ASSERT_FALSE(format.ok()) << path;
    EXPECT_EQ(format.error().kind, ErrorKind::Invalid) << path;
  }
  // A NUL far into a large file is the restore's business, not this check's.
  std::string late(70 * 1024, 'x');
  late += '\0';
  EXPECT_TRUE(detect_dump_format(write("late.sql", late)).ok());
}

TEST_F(ImportDumpFormat, Directory) {
  ASSERT_EQ(::mkdir((dir_ + "/d").c_str(), 0700), 0);
  write("d/toc.dat", "PGDMP");
  auto format = detect_dump_format(dir_ + "/d");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, DumpFormat::Directory);
}

TEST_F(ImportDumpFormat, DirectoryWithoutTocIsRefused) {
  ASSERT_EQ(::mkdir((dir_ + "/e").c_str(), 0700), 0);
  auto format = detect_dump_format(dir_ + "/e");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.error().kind, ErrorKind::Invalid);
}

TEST_F(ImportDumpFormat, MissingIsNotFound) {
  auto format = detect_dump_format(dir_ + "/none");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.error().kind, ErrorKind::NotFound);
}

TEST(ImportDumpName, FromTheListing) {
  const std::string listing =
      ";\n; Archive created at 2024-05-01 10:00:00 UTC\n;     dbname: shop_prod\n"
      ";     TOC Entries: 20\n;\n";
  EXPECT_EQ(dump_database_name(listing).value_or(""), "shop_prod");
  EXPECT_FALSE(dump_database_name(";\n; nothing here\n").has_value());
}

TEST_F(ImportDumpFormat, JobsNeedAnArchive) {
  std::string plain = dir_ + "/p.sql";
  ASSERT_TRUE(write_file_atomic(plain, "SELECT 1;\n", 0600).ok());
  ImportDumpOptions options;
  options.project.name = "shop";
  options.dump_path = plain;
  EXPECT_TRUE(validate_import_dump(options).ok());
  options.jobs = 4;
  EXPECT_FALSE(validate_import_dump(options).ok());
  options.jobs = 0;
  EXPECT_FALSE(validate_import_dump(options).ok());
}

}  // namespace
}  // namespace velo::core
