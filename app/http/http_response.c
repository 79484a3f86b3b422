/* http_response.c - status, JSON body, and the API's error format:
 * {"errors": ["snake_case_code", ...]} with its status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/core/obs.h"
#include "app/http/http.h"

void
http_response_init(struct http_response *res)
{
    memset(res, 0, sizeof(*res));
    res->status = 500;
}

void
http_response_free(struct http_response *res)
{
    json_decref(res->json);
    json_decref(res->errors);
    free(res->raw);
    http_response_init(res);
}

/* A response carries one body: setting a new one drops the old. */
static void
http_drop_body(struct http_response *res)
{
    json_decref(res->json);
    res->json = NULL;
    free(res->raw);
    res->raw = NULL;
    json_decref(res->errors);
    res->errors = NULL;
    res->challenge = NULL;
}

void
http_error_add(struct http_response *res, int status, const char *code)
{
    json_t *errors = res->errors;

    res->errors = NULL;
    http_drop_body(res);
    res->status = status;
    res->errors = errors ? errors : json_array();
    /* If even this allocation fails the body falls back to a fixed text. */
    if (res->errors)
        json_array_append_new(res->errors, json_string(code));
}

void
http_error(struct http_response *res, int status, const char *code)
{
    http_drop_body(res);
    http_error_add(res, status, code);
}

void
http_unauthorized(struct http_response *res, const char *code,
                  const char *challenge)
{
    http_error(res, 401, "unauthorized");
    http_error_add(res, 401, code);
    res->challenge = challenge;
}

void
http_fail(struct http_response *res, cr_code rc)
{
    switch (rc) {
    case CR_DB_UNAVAILABLE:
    case CR_DDB_UNAVAILABLE:
    case CR_AUTH_UNAVAILABLE:
    case CR_OUTCOME_UNKNOWN:
        http_error(res, 503, cr_strerror(rc));
        break;
    case CR_NOT_FOUND:
        http_error(res, 404, "not_found");
        break;
    case CR_UNAUTHORIZED:
        http_unauthorized(res, "token_invalid", HTTP_BEARER_INVALID);
        break;
    default:
        obs_fail("internal failure: %s", cr_strerror(rc));
        http_error(res, 500, "internal_error");
        break;
    }
}

void
http_json(struct http_response *res, int status, json_t *body)
{
    http_drop_body(res);
    res->status = status;
    res->json = body;
    if (body == NULL)
        http_fail(res, CR_NOMEM);
}

void
http_raw(struct http_response *res, int status, char *raw)
{
    http_drop_body(res);
    res->status = status;
    res->raw = raw;
}

const char *
http_response_body(const struct http_response *res, char **owned)
{
    json_t *wrap;

    *owned = NULL;
    if (res->errors) {
        wrap = json_pack("{sO}", "errors", res->errors);
        *owned = wrap ? json_dumps(wrap, JSON_COMPACT) : NULL;
        json_decref(wrap);
        /* Out of memory even for the error: a fixed text still answers. */
        return *owned ? *owned : "{\"errors\":[\"internal_error\"]}";
    }
    if (res->raw)
        return res->raw;
    if (res->json)
        return *owned = json_dumps(res->json, JSON_COMPACT | JSON_ENCODE_ANY);
    return NULL;
}

void
http_tagged(struct http_response *res, const struct http_request *req,
            const char *body, size_t len, const char *etag,
            const char *cache_control)
{
    char *copy;

    http_drop_body(res);
    snprintf(res->etag, sizeof(res->etag), "%s", etag);
    res->cache_control = cache_control;
    if (req->if_none_match && http_etag_matches(req->if_none_match, etag)) {
        res->status = 304;
        return;
    }
    if ((copy = malloc(len + 1)) == NULL) {
        res->etag[0] = '\0';
        http_fail(res, CR_NOMEM);
        return;
    }
    memcpy(copy, body, len);
    copy[len] = '\0';
    http_raw(res, 200, copy);
}

const char *
http_status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}
