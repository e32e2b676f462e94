# Turns the ClickHouse migration files into a C++ table (see storage/clickhouse/migrations.h).
# Called by the build with -DOUT=<file.cc> -DFILES=<a;b;c>.
set(body "// Generated from storage/clickhouse/migrations/*.sql by cmake/embed_migrations.cmake. Do not edit.\n")
string(APPEND body "#include \"storage/clickhouse/migrations.h\"\n\nnamespace yuqing::clickhouse {\n\n")
string(APPEND body "const std::vector<Migration>& embedded_migrations() {\n  static const std::vector<Migration> all = {\n")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME_WE)
  string(REGEX MATCH "^[0-9]+" version ${name})
  string(REGEX REPLACE "^0+([0-9])" "\\1" version "${version}")
  file(READ ${f} sql)
  string(APPEND body "    {${version}, \"${name}\", R\"__sql__(${sql})__sql__\"},\n")
endforeach()
string(APPEND body "  };\n  return all;\n}\n\n}  // namespace yuqing::clickhouse\n")
file(WRITE ${OUT} "${body}")
