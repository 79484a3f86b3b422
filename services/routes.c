/* routes.c - every route of the API, in match order: literals before the
 * captures that would also match them ("home" before ":uuid"). */
#include "services/routes.h"
#include "services/services.h"

const struct route app_routes[] = {
    { "GET",  "/api/health-check",             health_check,             ROUTE_PUBLIC },
    { "GET",  "/api/activities/home",          home_activities,          ROUTE_OPTIONAL },
    { "GET",  "/api/activities/notifications", notifications_activities, ROUTE_SIGNED_IN },
    { "GET",  "/api/activities/search",        search_activities,        ROUTE_PUBLIC },
    { "GET",  "/api/activities/@:handle",      user_activities,          ROUTE_PUBLIC },
    { "GET",  "/api/activities/:uuid",         show_activity,            ROUTE_PUBLIC },
    { "POST", "/api/activities",               create_activity,          ROUTE_SIGNED_IN },
    { "POST", "/api/activities/:uuid/reply",   create_reply,             ROUTE_SIGNED_IN },
    { "GET",  "/api/users/@:handle/short",     users_short,              ROUTE_PUBLIC },
    { "GET",  "/api/message_groups",           message_groups,           ROUTE_SIGNED_IN },
    { "GET",  "/api/messages/:uuid",           messages,                 ROUTE_SIGNED_IN },
    { "POST", "/api/messages",                 create_message,           ROUTE_SIGNED_IN },
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
