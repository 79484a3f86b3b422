/* test_router.c - route matching, captures, 404/405 and Allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "app/http/router.h"

static void h_a(struct app *a, struct http_request *q, struct http_response *r)
{ (void)a; (void)q; (void)r; }
static void h_b(struct app *a, struct http_request *q, struct http_response *r)
{ (void)a; (void)q; (void)r; }

static const struct route routes[] = {
    { "GET",  "/api/activities/home",        h_a, ROUTE_PUBLIC },
    { "GET",  "/api/activities/@:handle",    h_a, ROUTE_PUBLIC },
    { "GET",  "/api/activities/:uuid",       h_b, ROUTE_PUBLIC },
    { "POST", "/api/activities",             h_a, ROUTE_SIGNED_IN },
    { "POST", "/api/activities/:uuid/reply", h_b, ROUTE_SIGNED_IN },
    { "GET",  "/api/users/@:handle/short",   h_a, ROUTE_PUBLIC },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static enum router_result
match(const char *method, const char *path, const struct route **found,
      struct http_request *req, char *allow)
{
    http_request_init(req);
    assert_int_equal(http_request_set_target(req, path), CR_OK);
    return router_match(routes, NROUTES, method, req, found, allow, 64);
}

static void
test_literal_before_capture(void **state)
{
    struct http_request req;
    const struct route *r;
    char allow[64];

    (void)state;
    assert_int_equal(match("GET", "/api/activities/home", &r, &req, allow),
                     ROUTER_FOUND);
    assert_ptr_equal(r, &routes[0]);
    assert_int_equal(req.nparams, 0);
    http_request_free(&req);

    assert_int_equal(match("GET", "/api/activities/abc", &r, &req, allow),
                     ROUTER_FOUND);
    assert_ptr_equal(r, &routes[2]);
    assert_string_equal(req.params[0], "abc");
    http_request_free(&req);
}

static void
test_prefix_capture(void **state)
{
    struct http_request req;
    const struct route *r;
    char allow[64];

    (void)state;
    assert_int_equal(match("GET", "/api/activities/@bayko", &r, &req, allow),
                     ROUTER_FOUND);
    assert_ptr_equal(r, &routes[1]);
    assert_string_equal(req.params[0], "bayko");
    http_request_free(&req);

    /* Percent-encoded '@' is the same path. */
    assert_int_equal(match("GET", "/api/users/%40londo/short", &r, &req, allow),
                     ROUTER_FOUND);
    assert_string_equal(req.params[0], "londo");
    http_request_free(&req);

    /* "@" alone captures nothing, so it is the :uuid route. */
    assert_int_equal(match("GET", "/api/activities/@", &r, &req, allow),
                     ROUTER_FOUND);
    assert_ptr_equal(r, &routes[2]);
    http_request_free(&req);

    /* An encoded slash stays inside its segment. */
    assert_int_equal(match("GET", "/api/activities/@a%2Fb", &r, &req, allow),
                     ROUTER_FOUND);
    assert_string_equal(req.params[0], "a/b");
    http_request_free(&req);
}

static void
test_not_found_and_method(void **state)
{
    struct http_request req;
    const struct route *r;
    char allow[64];

    (void)state;
    assert_int_equal(match("GET", "/api/nothing", &r, &req, allow),
                     ROUTER_NOT_FOUND);
    http_request_free(&req);
    assert_int_equal(match("GET", "/api/activities/x/y/z", &r, &req, allow),
                     ROUTER_NOT_FOUND);
    http_request_free(&req);
    assert_int_equal(match("GET", "/api//activities", &r, &req, allow),
                     ROUTER_NOT_FOUND);
    http_request_free(&req);
    assert_int_equal(match("GET", "/api/activities/home/", &r, &req, allow),
                     ROUTER_NOT_FOUND);
    http_request_free(&req);
    assert_int_equal(match("GET", "/a/b/c/d/e/f/g/h/i/j", &r, &req, allow),
                     ROUTER_NOT_FOUND);
    http_request_free(&req);

    assert_int_equal(match("GET", "/api/activities", &r, &req, allow),
                     ROUTER_WRONG_METHOD);
    assert_string_equal(allow, "POST, OPTIONS");
    http_request_free(&req);
    assert_int_equal(match("DELETE", "/api/activities/home", &r, &req, allow),
                     ROUTER_WRONG_METHOD);
    assert_string_equal(allow, "GET, HEAD, OPTIONS");
    http_request_free(&req);

    assert_int_equal(match("HEAD", "/api/activities/home", &r, &req, allow),
                     ROUTER_FOUND);
    http_request_free(&req);
    assert_int_equal(match("GET", "/api/activities/%zz", &r, &req, allow),
                     ROUTER_BAD_PATH);
    http_request_free(&req);
    assert_int_equal(match("GET", "/api/activities/%00", &r, &req, allow),
                     ROUTER_BAD_PATH);
    http_request_free(&req);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_before_capture),
        cmocka_unit_test(test_prefix_capture),
        cmocka_unit_test(test_not_found_and_method),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
