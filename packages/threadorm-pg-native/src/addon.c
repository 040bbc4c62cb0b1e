/*
 * threadorm-pg-native: a synchronous libpq binding over Node-API.
 *
 * Context-aware: every JavaScript-facing handle lives in per-environment instance data
 * (napi_set_instance_data), so the module loads in any number of worker threads at once.
 * The one piece of process-wide state is the cancel registry below: it exists precisely so that
 * one thread can cancel a statement another thread is blocked in, and it is guarded by a mutex.
 *
 * Values are decoded from libpq's text format by type OID in one function, to_js().
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- type OIDs (pg_type.dat) ---- */
enum {
  OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_OID = 26,
  OID_JSON = 114, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_JSONB = 3802,
  OID_BOOL_ARRAY = 1000, OID_INT2_ARRAY = 1005, OID_INT4_ARRAY = 1007, OID_INT8_ARRAY = 1016,
  OID_TEXT_ARRAY = 1009, OID_VARCHAR_ARRAY = 1015, OID_FLOAT4_ARRAY = 1021, OID_FLOAT8_ARRAY = 1022,
  OID_NUMERIC_ARRAY = 1231, OID_UUID_ARRAY = 2951, OID_JSONB_ARRAY = 3807,
};

/* ---- per-environment state ---- */
typedef struct {
  napi_ref connection_class;
  napi_ref error_class;            /* PgDriverError, given by init() */
  napi_ref connection_error_class; /* PgConnectionError, given by init() */
  napi_ref json_parse;
  napi_ref json;
  napi_ref array_of;    /* Array.of: builds a row from its values in one call */
  napi_ref array_push;  /* Array.prototype.push: appends rows many at a time */
} Instance;

/* ---- the process-wide cancel registry ---- */
typedef struct CancelEntry {
  double token;
  PGcancel *cancel;
  atomic_int busy;  /* 1 while the owning thread is inside a libpq call that runs a statement */
  int refs;         /* cancellers currently using `cancel`; guarded by registry_lock */
  int closed;       /* owner closed the connection; guarded by registry_lock */
  struct CancelEntry *next;
} CancelEntry;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static CancelEntry *registry_head = NULL;
static double registry_next_token = 1;

static CancelEntry *registry_add(PGcancel *cancel) {
  CancelEntry *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->cancel = cancel;
  atomic_init(&e->busy, 0);
  pthread_mutex_lock(&registry_lock);
  e->token = registry_next_token++;
  e->next = registry_head;
  registry_head = e;
  pthread_mutex_unlock(&registry_lock);
  return e;
}

static void entry_free(CancelEntry *e) {
  if (e->cancel) PQfreeCancel(e->cancel);
  free(e);
}

static void registry_remove(CancelEntry *e) {
  int free_now;
  pthread_mutex_lock(&registry_lock);
  for (CancelEntry **p = &registry_head; *p; p = &(*p)->next) {
    if (*p == e) { *p = e->next; break; }
  }
  e->closed = 1;
  free_now = e->refs == 0;
  pthread_mutex_unlock(&registry_lock);
  if (free_now) entry_free(e);
}

/* ---- connections ---- */
typedef struct {
  PGconn *conn;
  CancelEntry *cancel;
} Conn;

static void close_conn(Conn *c) {
  if (c->cancel) { registry_remove(c->cancel); c->cancel = NULL; }
  if (c->conn) { PQfinish(c->conn); c->conn = NULL; }
}

static void conn_finalize(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  close_conn((Conn *)data);
  free(data);
}

static void ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }

/* ---- small helpers ---- */
#define CHECK(call) do { if ((call) != napi_ok) { throw_last(env); return NULL; } } while (0)

static void throw_last(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, NULL, info && info->error_message ? info->error_message : "Node-API call failed");
}

static Instance *instance(napi_env env) {
  Instance *inst = NULL;
  napi_get_instance_data(env, (void **)&inst);
  return inst;
}

static napi_value ref_value(napi_env env, napi_ref ref) {
  napi_value v = NULL;
  if (ref) napi_get_reference_value(env, ref, &v);
  return v;
}

static void set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  if (!value) return;
  size_t len = strlen(value);
  while (len > 0 && (value[len - 1] == '\n' || value[len - 1] == ' ')) len--;
  if (napi_create_string_utf8(env, value, len, &v) == napi_ok) napi_set_named_property(env, obj, key, v);
}

/*
 * Throws PgDriverError (or PgConnectionError when the connection is gone) carrying the server's
 * diagnostic fields. `res` may be NULL (libpq failed before any result existed).
 */
static void throw_pg_error(napi_env env, PGconn *conn, const PGresult *res, const char *fallback_code) {
  Instance *inst = instance(env);
  /* A FATAL error ends the session even before libpq has seen the socket close. */
  const char *severity = res ? PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;
  int fatal = severity && (strcmp(severity, "FATAL") == 0 || strcmp(severity, "PANIC") == 0);
  int lost = conn == NULL || PQstatus(conn) == CONNECTION_BAD || fatal;
  const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *message = primary ? primary : conn ? PQerrorMessage(conn) : "connection is closed";
  if (!message || !*message) message = "unknown libpq error";
  const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  if (!code) code = lost && conn ? "08006" : fallback_code;

  napi_value cls = ref_value(env, lost ? inst->connection_error_class : inst->error_class);
  napi_value msg, err;
  size_t len = strlen(message);
  while (len > 0 && message[len - 1] == '\n') len--;
  napi_create_string_utf8(env, message, len, &msg);
  if (!cls || napi_new_instance(env, cls, 1, &msg, &err) != napi_ok) {
    napi_create_error(env, NULL, msg, &err);
  }
  set_string(env, err, "code", code);
  if (res) {
    set_string(env, err, "severity", PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED));
    set_string(env, err, "detail", PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
    set_string(env, err, "hint", PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
    set_string(env, err, "position", PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION));
    set_string(env, err, "where", PQresultErrorField(res, PG_DIAG_CONTEXT));
    set_string(env, err, "schema", PQresultErrorField(res, PG_DIAG_SCHEMA_NAME));
    set_string(env, err, "table", PQresultErrorField(res, PG_DIAG_TABLE_NAME));
    set_string(env, err, "column", PQresultErrorField(res, PG_DIAG_COLUMN_NAME));
    set_string(env, err, "dataType", PQresultErrorField(res, PG_DIAG_DATATYPE_NAME));
    set_string(env, err, "constraint", PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
  }
  napi_throw(env, err);
}

/* ---- value decoding: the one place that maps a type OID to a JavaScript value ---- */
static napi_value array_to_js(napi_env env, napi_value json_parse, napi_value json, Oid element,
                              const char **s, const char *end);

static Oid array_element(Oid oid) {
  switch (oid) {
    case OID_BOOL_ARRAY: return OID_BOOL;
    case OID_INT2_ARRAY: return OID_INT2;
    case OID_INT4_ARRAY: return OID_INT4;
    case OID_INT8_ARRAY: return OID_INT8;
    case OID_FLOAT4_ARRAY: return OID_FLOAT4;
    case OID_FLOAT8_ARRAY: return OID_FLOAT8;
    case OID_JSONB_ARRAY: return OID_JSONB;
    case OID_TEXT_ARRAY: case OID_VARCHAR_ARRAY: case OID_NUMERIC_ARRAY: case OID_UUID_ARRAY: return 25;
    default: return 0;
  }
}

static napi_value to_js(napi_env env, napi_value json_parse, napi_value json, Oid oid, const char *s, int len) {
  napi_value v = NULL;
  switch (oid) {
    case OID_INT2: case OID_INT4: {
      int32_t n = 0; int i = 0, neg = s[0] == '-';
      for (i = neg; i < len; i++) n = n * 10 - (s[i] - '0');
      napi_create_int32(env, neg ? n : -n, &v);
      return v;
    }
    case OID_OID:
      napi_create_uint32(env, (uint32_t)strtoul(s, NULL, 10), &v);
      return v;
    case OID_INT8: {
      /* Accumulated negatively so that INT64_MIN parses without overflow. */
      int64_t n = 0; int i, neg = s[0] == '-';
      for (i = neg; i < len; i++) n = n * 10 - (s[i] - '0');
      if (!neg) n = -n;
      if (n <= 9007199254740991LL && n >= -9007199254740991LL) napi_create_int64(env, n, &v);
      else napi_create_bigint_int64(env, n, &v);
      return v;
    }
    case OID_FLOAT4: case OID_FLOAT8:
      napi_create_double(env, strtod(s, NULL), &v);  /* strtod reads NaN, Infinity, -Infinity too */
      return v;
    case OID_BOOL:
      napi_get_boolean(env, s[0] == 't', &v);
      return v;
    case OID_BYTEA: {
      size_t n = 0;
      unsigned char *bytes = PQunescapeBytea((const unsigned char *)s, &n);
      if (!bytes) { napi_throw_error(env, NULL, "out of memory decoding bytea"); return NULL; }
      napi_create_buffer_copy(env, n, bytes, NULL, &v);
      PQfreemem(bytes);
      return v;
    }
    case OID_JSON: case OID_JSONB: {
      napi_value text;
      napi_create_string_utf8(env, s, len, &text);
      if (napi_call_function(env, json, json_parse, 1, &text, &v) != napi_ok) return NULL;
      return v;
    }
    default: {
      Oid element = array_element(oid);
      if (element && len > 0 && s[0] == '{') {
        const char *p = s;
        return array_to_js(env, json_parse, json, element, &p, s + len);
      }
      napi_create_string_utf8(env, s, len, &v);
      return v;
    }
  }
}

/*
 * Parses one level of an array literal ({a,"b c",NULL,{...}}) starting at *s, advancing *s past
 * its closing brace. Elements are decoded with to_js() for the element type. Arrays with explicit
 * bounds ([0:1]={...}) do not start with a brace and stay text.
 */
static napi_value array_to_js(napi_env env, napi_value json_parse, napi_value json, Oid element,
                              const char **s, const char *end) {
  napi_value arr;
  uint32_t index = 0;
  const char *p = *s + 1;  /* past '{' */
  char stack_buf[256];
  napi_create_array(env, &arr);
  while (p < end && *p != '}') {
    napi_value item = NULL;
    if (*p == '{') {
      item = array_to_js(env, json_parse, json, element, &p, end);
      if (!item) return NULL;
    } else {
      /* Collect one element into a buffer (quoted elements may contain escapes). */
      int quoted = *p == '"';
      size_t cap = sizeof stack_buf, n = 0;
      char *buf = stack_buf;
      if (quoted) p++;
      while (p < end) {
        char ch = *p;
        if (quoted) {
          if (ch == '"') { p++; break; }
          if (ch == '\\' && p + 1 < end) { p++; ch = *p; }
        } else if (ch == ',' || ch == '}') {
          break;
        }
        if (n + 1 >= cap) {
          char *bigger = malloc(cap * 2);
          if (!bigger) { if (buf != stack_buf) free(buf); napi_throw_error(env, NULL, "out of memory"); return NULL; }
          memcpy(bigger, buf, n);
          if (buf != stack_buf) free(buf);
          buf = bigger; cap *= 2;
        }
        buf[n++] = ch;
        p++;
      }
      buf[n] = '\0';
      if (!quoted && n == 4 && memcmp(buf, "NULL", 4) == 0) napi_get_null(env, &item);
      else item = to_js(env, json_parse, json, element, buf, (int)n);
      if (buf != stack_buf) free(buf);
      if (!item) return NULL;
    }
    napi_set_element(env, arr, index++, item);
    if (p < end && *p == ',') p++;
  }
  *s = p < end ? p + 1 : end;
  return arr;
}

/* Builds { columns, types, rows, rowCount } from a successful result. */
static napi_value result_to_js(napi_env env, PGresult *res) {
  Instance *inst = instance(env);
  int nrows = PQntuples(res), nfields = PQnfields(res);
  napi_value out, columns, types, rows, count;
  napi_value json_parse = ref_value(env, inst->json_parse), json = ref_value(env, inst->json);
  Oid stack_oids[64];
  Oid *oids = nfields <= 64 ? stack_oids : malloc(sizeof(Oid) * nfields);

  napi_create_object(env, &out);
  napi_create_array_with_length(env, nfields, &columns);
  napi_create_array_with_length(env, nfields, &types);
  for (int f = 0; f < nfields; f++) {
    napi_value name, type;
    oids[f] = PQftype(res, f);
    napi_create_string_utf8(env, PQfname(res, f), NAPI_AUTO_LENGTH, &name);
    napi_create_uint32(env, oids[f], &type);
    napi_set_element(env, columns, f, name);
    napi_set_element(env, types, f, type);
  }
  napi_create_array(env, &rows);
  napi_value null_value, undefined, ignored;
  napi_value array_of = ref_value(env, inst->array_of), array_push = ref_value(env, inst->array_push);
  napi_get_null(env, &null_value);
  napi_get_undefined(env, &undefined);
  /*
   * A row is built by one call of Array.of with its values, and rows are appended by push() in chunks:
   * napi_set_element per value costs several times more (a keyed store with lookups each time).
   */
  enum { CHUNK = 128 };
  napi_value stack_values[64], chunk[CHUNK];
  napi_value *values = nfields <= 64 ? stack_values : malloc(sizeof(napi_value) * (size_t)nfields);
  int ok = values != NULL, in_chunk = 0;
  napi_handle_scope scope = NULL;  /* one per chunk, so a huge result holds few handles at a time */
  for (int r = 0; ok && r < nrows; r++) {
    if (in_chunk == 0) ok = napi_open_handle_scope(env, &scope) == napi_ok;
    for (int f = 0; ok && f < nfields; f++) {
      values[f] = PQgetisnull(res, r, f)
        ? null_value
        : to_js(env, json_parse, json, oids[f], PQgetvalue(res, r, f), PQgetlength(res, r, f));
      ok = values[f] != NULL;
    }
    ok = ok && napi_call_function(env, undefined, array_of, nfields, values, &chunk[in_chunk++]) == napi_ok;
    if (ok && (in_chunk == CHUNK || r == nrows - 1)) {
      ok = napi_call_function(env, rows, array_push, in_chunk, chunk, &ignored) == napi_ok;
      in_chunk = 0;
    }
    if (scope && (in_chunk == 0 || !ok)) { napi_close_handle_scope(env, scope); scope = NULL; }
  }
  if (values != stack_values) free(values);
  if (!ok) {
    if (oids != stack_oids) free(oids);
    throw_last(env);
    return NULL;
  }
  if (oids != stack_oids) free(oids);

  const char *tuples = PQcmdTuples(res);
  napi_create_double(env, tuples && *tuples ? strtod(tuples, NULL) : nrows, &count);
  napi_set_named_property(env, out, "columns", columns);
  napi_set_named_property(env, out, "types", types);
  napi_set_named_property(env, out, "rows", rows);
  napi_set_named_property(env, out, "rowCount", count);
  return out;
}

/* ---- parameters: strings, null/undefined and Buffers (binary); the TypeScript layer encodes the rest ---- */
typedef struct {
  int n;
  char **values;
  int *lengths;
  int *formats;
  char *owned;  /* one block holding every string parameter */
} Params;

static void params_free(Params *p) {
  free(p->values); free(p->lengths); free(p->formats); free(p->owned);
}

static int params_read(napi_env env, napi_value list, Params *p) {
  napi_valuetype t;
  memset(p, 0, sizeof *p);
  if (!list || napi_typeof(env, list, &t) != napi_ok || t == napi_undefined || t == napi_null) return 1;
  uint32_t n = 0;
  if (napi_get_array_length(env, list, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "params must be an array");
    return 0;
  }
  if (n == 0) return 1;
  p->n = (int)n;
  p->values = calloc(n, sizeof(char *));
  p->lengths = calloc(n, sizeof(int));
  p->formats = calloc(n, sizeof(int));
  napi_value *items = calloc(n, sizeof(napi_value));
  size_t *sizes = calloc(n, sizeof(size_t));
  size_t total = 0;
  int ok = p->values && p->lengths && p->formats && items && sizes;
  for (uint32_t i = 0; ok && i < n; i++) {
    napi_get_element(env, list, i, &items[i]);
    napi_typeof(env, items[i], &t);
    bool is_buffer = false;
    if (t == napi_string) {
      napi_get_value_string_utf8(env, items[i], NULL, 0, &sizes[i]);
      total += sizes[i] + 1;
    } else if (t == napi_object && napi_is_buffer(env, items[i], &is_buffer) == napi_ok && is_buffer) {
      void *data; size_t len;
      napi_get_buffer_info(env, items[i], &data, &len);
      p->values[i] = data; p->lengths[i] = (int)len; p->formats[i] = 1;
    } else if (t != napi_null && t != napi_undefined) {
      char msg[120];
      snprintf(msg, sizeof msg, "parameter $%u must be a string, null or Buffer once encoded", i + 1);
      napi_throw_type_error(env, NULL, msg);
      ok = 0;
    }
  }
  if (ok && total) {
    p->owned = malloc(total);
    ok = p->owned != NULL;
    char *cursor = p->owned;
    for (uint32_t i = 0; ok && i < n; i++) {
      napi_valuetype ti;
      napi_typeof(env, items[i], &ti);
      if (ti != napi_string) continue;
      size_t copied;
      napi_get_value_string_utf8(env, items[i], cursor, sizes[i] + 1, &copied);
      p->values[i] = cursor; p->lengths[i] = (int)copied;
      cursor += sizes[i] + 1;
    }
  }
  free(items); free(sizes);
  if (!ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_error(env, NULL, "out of memory reading parameters");
    params_free(p);
  }
  return ok;
}

/* ---- methods ---- */
static Conn *this_conn(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  Conn *c = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok ||
      napi_unwrap(env, self, (void **)&c) != napi_ok || !c) {
    napi_throw_type_error(env, NULL, "not a threadorm-pg-native Connection");
    return NULL;
  }
  if (!c->conn) {
    throw_pg_error(env, NULL, NULL, "08003");
    return NULL;
  }
  return c;
}

static char *get_string(napi_env env, napi_value v, const char *what) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    char msg[80];
    snprintf(msg, sizeof msg, "%s must be a string", what);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  char *s = malloc(len + 1);
  if (!s) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

/* Turns a finished PGresult into a JS value (result object, or undefined for want_rows == 0) or throws. */
static napi_value finish(napi_env env, Conn *c, PGresult *res, int want_rows) {
  napi_value out = NULL;
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY) {
    if (want_rows) out = result_to_js(env, res);
    else napi_get_undefined(env, &out);
  } else if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
    /* Leave COPY mode so the connection stays usable. */
    if (st == PGRES_COPY_IN) PQputCopyEnd(c->conn, "COPY is not supported by threadorm-pg-native");
    PGresult *rest;
    while ((rest = PQgetResult(c->conn)) != NULL) PQclear(rest);
    napi_throw_error(env, NULL, "COPY is not supported by threadorm-pg-native");
  } else {
    throw_pg_error(env, c->conn, res, "XX000");
  }
  PQclear(res);
  return out;
}

/* Marks the connection as running a statement while `res` is computed, so cancel() knows when to act. */
#define WHILE_BUSY(c, res, call) \
  do { atomic_store(&(c)->cancel->busy, 1); res = (call); atomic_store(&(c)->cancel->busy, 0); } while (0)

static napi_value conn_query(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  Conn *c = this_conn(env, info, &argc, argv);
  if (!c) return NULL;
  char *sql = get_string(env, argv[0], "sql");
  if (!sql) return NULL;
  Params p;
  if (!params_read(env, argc > 1 ? argv[1] : NULL, &p)) { free(sql); return NULL; }
  PGresult *res;
  WHILE_BUSY(c, res, PQexecParams(c->conn, sql, p.n, NULL, (const char *const *)p.values, p.lengths, p.formats, 0));
  free(sql);
  params_free(&p);
  return finish(env, c, res, 1);
}

static napi_value conn_prepare(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  Conn *c = this_conn(env, info, &argc, argv);
  if (!c) return NULL;
  char *name = get_string(env, argv[0], "name");
  if (!name) return NULL;
  char *sql = get_string(env, argv[1], "sql");
  if (!sql) { free(name); return NULL; }
  PGresult *res;
  WHILE_BUSY(c, res, PQprepare(c->conn, name, sql, 0, NULL));
  free(name); free(sql);
  return finish(env, c, res, 0);
}

static napi_value conn_execute(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  Conn *c = this_conn(env, info, &argc, argv);
  if (!c) return NULL;
  char *name = get_string(env, argv[0], "name");
  if (!name) return NULL;
  Params p;
  if (!params_read(env, argc > 1 ? argv[1] : NULL, &p)) { free(name); return NULL; }
  PGresult *res;
  WHILE_BUSY(c, res, PQexecPrepared(c->conn, name, p.n, (const char *const *)p.values, p.lengths, p.formats, 0));
  free(name);
  params_free(&p);
  return finish(env, c, res, 1);
}

static napi_value conn_exec(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  Conn *c = this_conn(env, info, &argc, argv);
  if (!c) return NULL;
  char *sql = get_string(env, argv[0], "sql");
  if (!sql) return NULL;
  PGresult *res;
  WHILE_BUSY(c, res, PQexec(c->conn, sql));
  free(sql);
  return finish(env, c, res, 0);
}

/* The error a failed result stands for, as a value (not thrown): throws it, then catches it back. */
static napi_value error_value(napi_env env, PGconn *conn, const PGresult *res) {
  napi_value error = NULL;
  throw_pg_error(env, conn, res, "XX000");
  napi_get_and_clear_last_exception(env, &error);
  return error;
}

/*
 * queryBatch([[sql or name, params, isPrepared], ...]): sends every statement at once in libpq's pipeline
 * mode, each followed by its own sync point, then reads the answers: one round trip for the lot, and each
 * statement runs exactly as query()/execute() would have run it alone (its own implicit transaction outside
 * BEGIN; inside one, a failure fails the rest as it would have). Returns one entry per statement: a result,
 * or the PgDriverError it failed with. Every statement is read before anything is sent, so a bad parameter
 * throws with nothing run. Meant for many small statements: all of them are written before any answer is
 * read, so the statements (not the results) should fit the socket buffers, some hundreds of kilobytes.
 */
typedef struct {
  char *text;
  bool prepared;
  Params params;
} BatchItem;

static void batch_free(BatchItem *items, uint32_t count) {
  for (uint32_t i = 0; i < count; i++) { free(items[i].text); params_free(&items[i].params); }
  free(items);
}

static napi_value conn_query_batch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL}, out;
  Conn *c = this_conn(env, info, &argc, argv);
  if (!c) return NULL;
  uint32_t n = 0;
  bool is_array = false;
  if (napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array) {
    napi_throw_type_error(env, NULL, "queryBatch takes an array of statements");
    return NULL;
  }
  napi_get_array_length(env, argv[0], &n);
  CHECK(napi_create_array_with_length(env, n, &out));
  if (n == 0) return out;

  BatchItem *items = calloc(n, sizeof *items);
  if (!items) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
  for (uint32_t i = 0; i < n; i++) {
    napi_value entry, text_value, params_value, prepared_value;
    if (napi_get_element(env, argv[0], i, &entry) != napi_ok ||
        napi_get_element(env, entry, 0, &text_value) != napi_ok ||
        napi_get_element(env, entry, 1, &params_value) != napi_ok ||
        napi_get_element(env, entry, 2, &prepared_value) != napi_ok) {
      batch_free(items, i);
      throw_last(env);
      return NULL;
    }
    napi_get_value_bool(env, prepared_value, &items[i].prepared);
    items[i].text = get_string(env, text_value, items[i].prepared ? "name" : "sql");
    if (!items[i].text || !params_read(env, params_value, &items[i].params)) {
      batch_free(items, i + 1);
      return NULL;
    }
  }

  if (PQpipelineStatus(c->conn) != PQ_PIPELINE_OFF || !PQenterPipelineMode(c->conn)) {
    batch_free(items, n);
    throw_pg_error(env, c->conn, NULL, "55000");
    return NULL;
  }
  atomic_store(&c->cancel->busy, 1);
  uint32_t sent = 0;
  for (; sent < n; sent++) {
    BatchItem *it = &items[sent];
    Params *p = &it->params;
    int ok = it->prepared
      ? PQsendQueryPrepared(c->conn, it->text, p->n, (const char *const *)p->values, p->lengths, p->formats, 0)
      : PQsendQueryParams(c->conn, it->text, p->n, NULL, (const char *const *)p->values, p->lengths, p->formats, 0);
    if (!ok || !PQpipelineSync(c->conn)) break;
  }
  batch_free(items, n);

  /* Each statement answers with its result(s), a NULL, then its sync point. The first result is kept. */
  bool failed = false;  /* a JavaScript exception is pending: drain libpq, then let it propagate */
  uint32_t answered = 0;
  for (; answered < sent && PQstatus(c->conn) != CONNECTION_BAD; answered++) {
    napi_value value = NULL;
    PGresult *res;
    int results = 0;
    for (;;) {
      res = PQgetResult(c->conn);
      if (!res) {
        if (PQstatus(c->conn) == CONNECTION_BAD) break;
        continue;
      }
      ExecStatusType st = PQresultStatus(res);
      if (st == PGRES_PIPELINE_SYNC) { PQclear(res); break; }
      if (results++ == 0 && !failed) {
        value = (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY)
          ? result_to_js(env, res)
          : error_value(env, c->conn, res);
        if (!value) failed = true;
      }
      PQclear(res);
    }
    if (value && !failed) napi_set_element(env, out, answered, value);
    else if (!value && !failed) napi_set_element(env, out, answered, error_value(env, c->conn, NULL));
  }
  atomic_store(&c->cancel->busy, 0);
  if (PQstatus(c->conn) != CONNECTION_BAD) PQexitPipelineMode(c->conn);
  if (failed) return NULL;
  /* Statements never answered (the connection went) or never sent (libpq refused one) fail in place. */
  for (uint32_t i = answered; i < n; i++) napi_set_element(env, out, i, error_value(env, c->conn, NULL));
  return out;
}

static napi_value conn_close(napi_env env, napi_callback_info info) {
  napi_value self;
  Conn *c = NULL;
  napi_get_cb_info(env, info, NULL, NULL, &self, NULL);
  if (napi_unwrap(env, self, (void **)&c) == napi_ok && c) close_conn(c);
  return NULL;
}

static Conn *unwrap_quiet(napi_env env, napi_callback_info info) {
  napi_value self;
  Conn *c = NULL;
  napi_get_cb_info(env, info, NULL, NULL, &self, NULL);
  napi_unwrap(env, self, (void **)&c);
  return c;
}

static napi_value conn_backend_pid(napi_env env, napi_callback_info info) {
  Conn *c = unwrap_quiet(env, info);
  napi_value v;
  napi_create_int32(env, c && c->conn ? PQbackendPID(c->conn) : 0, &v);
  return v;
}

static napi_value conn_server_version(napi_env env, napi_callback_info info) {
  Conn *c = unwrap_quiet(env, info);
  napi_value v;
  napi_create_int32(env, c && c->conn ? PQserverVersion(c->conn) : 0, &v);
  return v;
}

static napi_value conn_cancel_token(napi_env env, napi_callback_info info) {
  Conn *c = unwrap_quiet(env, info);
  napi_value v;
  napi_create_double(env, c && c->cancel ? c->cancel->token : 0, &v);
  return v;
}

static napi_value conn_transaction_status(napi_env env, napi_callback_info info) {
  Conn *c = unwrap_quiet(env, info);
  const char *s = "closed";
  if (c && c->conn) {
    if (PQstatus(c->conn) == CONNECTION_BAD) s = "lost";
    else switch (PQtransactionStatus(c->conn)) {
      case PQTRANS_IDLE: s = "idle"; break;
      case PQTRANS_ACTIVE: s = "active"; break;
      case PQTRANS_INTRANS: s = "inTransaction"; break;
      case PQTRANS_INERROR: s = "inFailedTransaction"; break;
      default: s = "lost"; break;
    }
  }
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

/* new Connection(conninfo): connects at once (blocking). conninfo is a URL or key=value string. */
static napi_value conn_new(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL}, self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  char *conninfo = get_string(env, argv[0], "conninfo");
  if (!conninfo) return NULL;
  /* Later keywords override what the expanded dbname (the URL) sets: the driver decodes UTF-8 text. */
  const char *keys[] = {"dbname", "client_encoding", NULL};
  const char *values[] = {conninfo, "UTF8", NULL};
  PGconn *conn = PQconnectdbParams(keys, values, 1);
  free(conninfo);
  if (!conn) { napi_throw_error(env, NULL, "out of memory connecting"); return NULL; }
  if (PQstatus(conn) != CONNECTION_OK) {
    /* Raised as a connection error whose code says no connection was established. */
    Instance *inst = instance(env);
    napi_value cls = ref_value(env, inst->connection_error_class), msg, err;
    const char *m = PQerrorMessage(conn);
    size_t len = strlen(m);
    while (len > 0 && m[len - 1] == '\n') len--;
    napi_create_string_utf8(env, m, len, &msg);
    if (!cls || napi_new_instance(env, cls, 1, &msg, &err) != napi_ok) napi_create_error(env, NULL, msg, &err);
    set_string(env, err, "code", "08001");
    PQfinish(conn);
    napi_throw(env, err);
    return NULL;
  }
  PQsetNoticeProcessor(conn, ignore_notice, NULL);
  const char *datestyle = PQparameterStatus(conn, "DateStyle");
  if (!datestyle || strncmp(datestyle, "ISO", 3) != 0) PQclear(PQexec(conn, "SET DateStyle = ISO"));

  Conn *c = calloc(1, sizeof *c);
  PGcancel *cancel = PQgetCancel(conn);
  if (!c || !cancel || !(c->cancel = registry_add(cancel))) {
    if (cancel && (!c || !c->cancel)) PQfreeCancel(cancel);
    free(c);
    PQfinish(conn);
    napi_throw_error(env, NULL, "out of memory connecting");
    return NULL;
  }
  c->conn = conn;
  if (napi_wrap(env, self, c, conn_finalize, NULL, NULL) != napi_ok) {
    close_conn(c);
    free(c);
    throw_last(env);
    return NULL;
  }
  return self;
}

/* ---- module functions ---- */

/*
 * cancel(token): asks the server to cancel the statement the token's connection is running, from any
 * thread of this process. Returns true when a cancel request was sent, false when that connection is
 * closed or not running a statement right now. PQcancel is documented as safe from other threads.
 */
static napi_value mod_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL}, out;
  double token = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_double(env, argv[0], &token) != napi_ok) {
    napi_throw_type_error(env, NULL, "cancel(token) takes a connection's cancelToken");
    return NULL;
  }
  CancelEntry *found = NULL;
  pthread_mutex_lock(&registry_lock);
  for (CancelEntry *e = registry_head; e; e = e->next) {
    if (e->token == token) {
      if (!e->closed && atomic_load(&e->busy)) { found = e; e->refs++; }
      break;
    }
  }
  pthread_mutex_unlock(&registry_lock);
  int sent = 0;
  char errbuf[256] = "";
  if (found) {
    sent = PQcancel(found->cancel, errbuf, sizeof errbuf);
    int free_now;
    pthread_mutex_lock(&registry_lock);
    found->refs--;
    free_now = found->closed && found->refs == 0;
    pthread_mutex_unlock(&registry_lock);
    if (free_now) entry_free(found);
    if (!sent) {
      napi_throw_error(env, NULL, errbuf[0] ? errbuf : "PQcancel failed");
      return NULL;
    }
  }
  napi_get_boolean(env, sent, &out);
  return out;
}

/* init(PgDriverError, PgConnectionError): the error classes this environment throws. */
static napi_value mod_init(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Instance *inst = instance(env);
  if (inst->error_class) napi_delete_reference(env, inst->error_class);
  if (inst->connection_error_class) napi_delete_reference(env, inst->connection_error_class);
  inst->error_class = inst->connection_error_class = NULL;
  if (argv[0]) CHECK(napi_create_reference(env, argv[0], 1, &inst->error_class));
  if (argv[1]) CHECK(napi_create_reference(env, argv[1], 1, &inst->connection_error_class));
  return NULL;
}

static napi_value mod_lib_version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int32(env, PQlibVersion(), &v);
  return v;
}

static void instance_finalize(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  free(data);
}

NAPI_MODULE_INIT() {
  Instance *inst = calloc(1, sizeof *inst);
  if (!inst) { napi_throw_error(env, NULL, "out of memory"); return NULL; }
  CHECK(napi_set_instance_data(env, inst, instance_finalize, NULL));

  napi_value global, json, parse, cls;
  CHECK(napi_get_global(env, &global));
  CHECK(napi_get_named_property(env, global, "JSON", &json));
  CHECK(napi_get_named_property(env, json, "parse", &parse));
  CHECK(napi_create_reference(env, json, 1, &inst->json));
  CHECK(napi_create_reference(env, parse, 1, &inst->json_parse));
  napi_value array_ctor, array_of;
  CHECK(napi_get_named_property(env, global, "Array", &array_ctor));
  CHECK(napi_get_named_property(env, array_ctor, "of", &array_of));
  CHECK(napi_create_reference(env, array_of, 1, &inst->array_of));
  napi_value array_prototype, array_push;
  CHECK(napi_get_named_property(env, array_ctor, "prototype", &array_prototype));
  CHECK(napi_get_named_property(env, array_prototype, "push", &array_push));
  CHECK(napi_create_reference(env, array_push, 1, &inst->array_push));

  napi_property_descriptor methods[] = {
    {"query", NULL, conn_query, NULL, NULL, NULL, napi_default, NULL},
    {"prepare", NULL, conn_prepare, NULL, NULL, NULL, napi_default, NULL},
    {"execute", NULL, conn_execute, NULL, NULL, NULL, napi_default, NULL},
    {"exec", NULL, conn_exec, NULL, NULL, NULL, napi_default, NULL},
    {"queryBatch", NULL, conn_query_batch, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, conn_close, NULL, NULL, NULL, napi_default, NULL},
    {"backendPid", NULL, NULL, conn_backend_pid, NULL, NULL, napi_default, NULL},
    {"serverVersion", NULL, NULL, conn_server_version, NULL, NULL, napi_default, NULL},
    {"cancelToken", NULL, NULL, conn_cancel_token, NULL, NULL, napi_default, NULL},
    {"transactionStatus", NULL, NULL, conn_transaction_status, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_class(env, "Connection", NAPI_AUTO_LENGTH, conn_new, NULL,
                          sizeof methods / sizeof methods[0], methods, &cls));
  CHECK(napi_create_reference(env, cls, 1, &inst->connection_class));

  napi_property_descriptor fns[] = {
    {"Connection", NULL, NULL, NULL, NULL, cls, napi_enumerable, NULL},
    {"cancel", NULL, mod_cancel, NULL, NULL, NULL, napi_enumerable, NULL},
    {"init", NULL, mod_init, NULL, NULL, NULL, napi_enumerable, NULL},
    {"libpqVersion", NULL, mod_lib_version, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns));
  return exports;
}
