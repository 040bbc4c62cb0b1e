{
  "targets": [
    {
      "target_name": "threadorm_pg_native",
      "sources": ["src/addon.c"],
      "include_dirs": ["<!(pg_config --includedir)"],
      "libraries": ["-L<!(pg_config --libdir)", "-lpq"],
      "cflags": ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["_POSIX_C_SOURCE=200809L"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-O2"] }
    }
  ]
}
