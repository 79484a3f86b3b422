/* test_signup_event.c - the PostConfirmation event parser, on the event
 * shapes AWS documents and cognito-local 5.3.0 sends, and on missing and
 * hostile attributes: overlong, NUL, bad UTF-8, handles with '/' or
 * spaces. The rules are the users row's (app/db/user.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "aws/signup/signup_event.h"
#include "aws/signup/signup_handler.h"

#define SUB "4f2c8a1e-9b3d-4c5e-8f70-1a2b3c4d5e6f"

/* As AWS documents it (version 1, a real pool's ids, the attributes
 * Cognito adds: email_verified, cognito:user_status, cognito:email_alias). */
static const char aws_event[] =
    "{\"version\":\"1\",\"region\":\"us-east-1\","
    "\"userPoolId\":\"us-east-1_AbCdEfGhI\",\"userName\":\"" SUB "\","
    "\"callerContext\":{\"awsSdkVersion\":\"aws-sdk-unknown-unknown\","
    "\"clientId\":\"1example23456789abcdefghij\"},"
    "\"triggerSource\":\"PostConfirmation_ConfirmSignUp\","
    "\"request\":{\"userAttributes\":{\"sub\":\"" SUB "\","
    "\"email_verified\":\"true\",\"cognito:user_status\":\"CONFIRMED\","
    "\"cognito:email_alias\":\"mal@example.com\","
    "\"name\":\"Malcolm Reynolds\",\"preferred_username\":\"mal\","
    "\"email\":\"mal@example.com\"}},\"response\":{}}";

/* As cognito-local 5.3.0 sends it (lib/services/lambda.js). */
static const char local_event[] =
    "{\"version\":\"0\",\"callerContext\":{\"awsSdkVersion\":\"2.1693.0\","
    "\"clientId\":\"d9ykqrn0w2l2hd0mpa2zwlmji\"},\"region\":\"local\","
    "\"userPoolId\":\"local_3fWvFind\","
    "\"triggerSource\":\"PostConfirmation_ConfirmSignUp\","
    "\"userName\":\"" SUB "\",\"request\":{\"userAttributes\":{"
    "\"sub\":\"" SUB "\",\"name\":\"Zo\xc3\xab Washburne\","
    "\"email\":\"zoe@example.com\",\"preferred_username\":\"zoe.w\","
    "\"cognito:user_status\":\"CONFIRMED\"}},\"response\":{}}";

static const char forgot_event[] =
    "{\"version\":\"1\",\"region\":\"us-east-1\","
    "\"userPoolId\":\"us-east-1_AbCdEfGhI\",\"userName\":\"" SUB "\","
    "\"triggerSource\":\"PostConfirmation_ConfirmForgotPassword\","
    "\"request\":{\"userAttributes\":{\"sub\":\"" SUB "\","
    "\"cognito:user_status\":\"CONFIRMED\",\"email\":\"mal@example.com\"}},"
    "\"response\":{}}";

static json_t *
parse(const char *text)
{
    json_t *j = json_loads(text, JSON_ALLOW_NUL, NULL);

    assert_non_null(j);
    return j;
}

/* The attributes of the AWS event with key set to v (consumed; NULL
 * removes it). */
static json_t *
with_attr(const char *key, json_t *v)
{
    json_t *j = parse(aws_event);
    json_t *attrs = json_object_get(json_object_get(j, "request"),
                                    "userAttributes");

    if (v)
        json_object_set_new(attrs, key, v);
    else
        json_object_del(attrs, key);
    return j;
}

/* Reads j (consumed) and expects CR_INVALID with type and a message that
 * contains part. */
static void
refused(json_t *j, const char *type, const char *part)
{
    struct signup_event ev;
    struct signup_error err = { 0 };

    assert_int_equal(signup_event_read(j, &ev, &err), CR_INVALID);
    assert_string_equal(err.type, type);
    if (strstr(err.message, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, part);
    json_decref(j);
}

static void
test_aws_shape(void **state)
{
    struct signup_event ev;
    struct signup_error err = { 0 };
    json_t *j = parse(aws_event);

    (void)state;
    assert_int_equal(signup_event_read(j, &ev, &err), CR_OK);
    assert_int_equal(ev.source, SIGNUP_CONFIRM_SIGN_UP);
    assert_string_equal(ev.sub, SUB);
    assert_string_equal(ev.handle, "mal");
    assert_string_equal(ev.display_name, "Malcolm Reynolds");
    assert_string_equal(ev.email, "mal@example.com");
    json_decref(j);
}

static void
test_cognito_local_shape(void **state)
{
    struct signup_event ev;
    struct signup_error err = { 0 };
    json_t *j = parse(local_event);

    (void)state;
    assert_int_equal(signup_event_read(j, &ev, &err), CR_OK);
    assert_string_equal(ev.handle, "zoe.w");
    assert_string_equal(ev.display_name, "Zo\xc3\xab Washburne");
    json_decref(j);
}

/* A password reset changes nothing: its attributes are not even read. */
static void
test_forgot_password(void **state)
{
    struct signup_event ev;
    struct signup_error err = { 0 };
    json_t *j = parse(forgot_event);

    (void)state;
    assert_int_equal(signup_event_read(j, &ev, &err), CR_OK);
    assert_int_equal(ev.source, SIGNUP_CONFIRM_FORGOT_PASSWORD);
    json_decref(j);
}

static void
test_not_post_confirmation(void **state)
{
    json_t *j;

    (void)state;
    j = parse(aws_event);
    json_object_set_new(j, "triggerSource", json_string("PreSignUp_SignUp"));
    refused(j, "InvalidEvent", "not a PostConfirmation event");
    j = parse(aws_event);
    json_object_del(j, "triggerSource");
    refused(j, "InvalidEvent", "not a PostConfirmation event");
    j = parse(aws_event);
    json_object_set_new(j, "triggerSource", json_integer(1));
    refused(j, "InvalidEvent", "not a PostConfirmation event");
    j = parse(aws_event);
    json_object_set_new(json_object_get(j, "request"), "userAttributes",
                        json_string("sub=x"));
    refused(j, "InvalidEvent", "userAttributes");
    j = parse(aws_event);
    json_object_del(j, "request");
    refused(j, "InvalidEvent", "userAttributes");
    refused(parse("[1,2]"), "InvalidEvent", "not a PostConfirmation event");
}

static void
test_missing_attributes(void **state)
{
    (void)state;
    refused(with_attr("sub", NULL), "InvalidAttribute",
            "The user id (sub) is missing.");
    refused(with_attr("preferred_username", NULL), "InvalidAttribute",
            "The handle (preferred_username) is missing.");
    refused(with_attr("name", NULL), "InvalidAttribute",
            "The display name (name) is missing.");
    refused(with_attr("email", NULL), "InvalidAttribute",
            "The email (email) is missing.");
    refused(with_attr("email", json_null()), "InvalidAttribute",
            "The email (email) is missing.");
    refused(with_attr("preferred_username", json_integer(7)),
            "InvalidAttribute", "is not a string");
    refused(with_attr("name", json_pack("{s:s}", "a", "b")),
            "InvalidAttribute", "is not a string");
}

static void
test_hostile_handles(void **state)
{
    static const char *const bad[] = {
        "mal/../../etc", "a/b", "mal reynolds", " mal", "mal ", "\tmal",
        ".mal", "-mal", "", "mal\xc3\xa9", "mal;drop", "mal'", "%2e%2e",
        "abcdefghijklmnopqrstuvwxyz0123456",   /* 33 */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        refused(with_attr("preferred_username", json_string(bad[i])),
                "InvalidAttribute",
                "The handle (preferred_username) must be 1 to 32 letters");
}

static void
test_nul(void **state)
{
    (void)state;
    /* "\u0000" parsed with JSON_ALLOW_NUL, as the handler parses: a C
     * string would stop at "mal" and pass. */
    refused(parse("{\"triggerSource\":\"PostConfirmation_ConfirmSignUp\","
                  "\"request\":{\"userAttributes\":{\"sub\":\"" SUB "\","
                  "\"preferred_username\":\"mal\\u0000evil\","
                  "\"name\":\"M\",\"email\":\"m@example.com\"}}}"),
            "InvalidAttribute", "The handle (preferred_username) holds a NUL");
    refused(with_attr("name", json_stringn("Mal\0x", 5)), "InvalidAttribute",
            "The display name (name) holds a NUL");
    refused(with_attr("email", json_stringn("m@x\0y", 5)), "InvalidAttribute",
            "The email (email) holds a NUL");
}

/* Bad UTF-8 cannot come through jansson's parser; built here without its
 * check, the rules still refuse it. */
static void
test_bad_utf8(void **state)
{
    (void)state;
    refused(with_attr("name", json_string_nocheck("Mal\xc0\xaf")),
            "InvalidAttribute", "The display name (name) is not valid UTF-8");
    refused(with_attr("name", json_string_nocheck("\xed\xa0\x80")),
            "InvalidAttribute", "is not valid UTF-8");
    refused(with_attr("email", json_string_nocheck("m\xff@example.com")),
            "InvalidAttribute", "The email (email) is not valid UTF-8");
    refused(with_attr("preferred_username", json_string_nocheck("m\xc3")),
            "InvalidAttribute", "The handle (preferred_username) must be");
}

static void
test_lengths(void **state)
{
    char name[4 * 70 + 1], email[300];
    struct signup_event ev;
    struct signup_error err = { 0 };
    json_t *j;
    int i;

    (void)state;
    /* 64 code points of 4 bytes each: the most a display name holds. */
    name[0] = '\0';
    for (i = 0; i < 64; i++)
        strcat(name, "\xf0\x9f\x98\x80");
    j = with_attr("name", json_string(name));
    assert_int_equal(signup_event_read(j, &ev, &err), CR_OK);
    assert_string_equal(ev.display_name, name);
    json_decref(j);
    strcat(name, "x");
    refused(with_attr("name", json_string(name)), "InvalidAttribute",
            "The display name (name) is longer than 64 characters.");
    memset(name, 'a', 65);
    name[65] = '\0';
    refused(with_attr("name", json_string(name)), "InvalidAttribute",
            "longer than 64");
    j = with_attr("preferred_username",
                  json_string("abcdefghijklmnopqrstuvwxyz012345"));   /* 32 */
    assert_int_equal(signup_event_read(j, &ev, &err), CR_OK);
    json_decref(j);
    memset(email, 'm', 250);
    strcpy(email + 250, "@x.io");                                     /* 255 */
    refused(with_attr("email", json_string(email)), "InvalidAttribute",
            "The email (email) is longer than 254 bytes.");
}

static void
test_other_rules(void **state)
{
    (void)state;
    refused(with_attr("name", json_string("   ")), "InvalidAttribute",
            "The display name (name) is blank.");
    refused(with_attr("name", json_string("Mal\nReynolds")),
            "InvalidAttribute", "holds a control character");
    refused(with_attr("email", json_string("mal.example.com")),
            "InvalidAttribute", "The email (email) is not an email address.");
    refused(with_attr("email", json_string("mal@")), "InvalidAttribute",
            "is not an email address");
    refused(with_attr("email", json_string("mal @example.com")),
            "InvalidAttribute", "holds white space");
    refused(with_attr("sub", json_string("../" SUB)), "InvalidAttribute",
            "The user id (sub) is not a UUID.");
}

/* The handler's own checks, before any database is touched (db NULL):
 * the event's bytes, and the forgotten password answered unchanged. */
static void
test_handler_without_db(void **state)
{
    struct signup_handler h = { .db = NULL };
    struct signup_result res;
    char *answer = NULL;

    (void)state;
    assert_int_equal(signup_handle(&h, "not json", 8, &answer, &res),
                     CR_INVALID);
    assert_null(answer);
    assert_int_equal(res.outcome, SIGNUP_REFUSED);
    assert_string_equal(res.err.type, "InvalidEvent");
    /* Raw bad UTF-8 in the event: jansson refuses the whole event. */
    assert_int_equal(signup_handle(&h, "{\"a\":\"\xc0\xaf\"}", 10, &answer,
                                   &res), CR_INVALID);
    assert_string_equal(res.err.type, "InvalidEvent");
    assert_int_equal(signup_handle(&h, forgot_event, sizeof(forgot_event) - 1,
                                   &answer, &res), CR_OK);
    assert_int_equal(res.outcome, SIGNUP_SKIPPED);
    assert_string_equal(answer, forgot_event);
    free(answer);
    answer = NULL;
    assert_int_equal(signup_handle(&h, local_event, 20, &answer, &res),
                     CR_INVALID);                        /* truncated */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_shape),
        cmocka_unit_test(test_cognito_local_shape),
        cmocka_unit_test(test_forgot_password),
        cmocka_unit_test(test_not_post_confirmation),
        cmocka_unit_test(test_missing_attributes),
        cmocka_unit_test(test_hostile_handles),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_other_rules),
        cmocka_unit_test(test_handler_without_db),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
