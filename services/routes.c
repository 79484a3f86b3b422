/* routes.c - every route of the API, in match order: literals before the
 * captures that would also match them ("home" before ":activity_uuid").
 * Captures carry the Flask app's names: logs and traces show the pattern
 * as the route ("/api/messages/{message_group_uuid}"). */
#include "services/routes.h"
#include "services/services.h"

const struct route routes[] = {
    { "GET",  "/api/health-check",                    service_health_check,             ROUTE_PUBLIC },
    { "GET",  "/api/activities/home",                 service_home_activities,          ROUTE_OPTIONAL },
    { "GET",  "/api/activities/notifications",        service_notifications_activities, ROUTE_SIGNED_IN },
    { "GET",  "/api/activities/search",               service_search_activities,        ROUTE_PUBLIC },
    { "GET",  "/api/activities/@:handle",             service_user_activities,          ROUTE_PUBLIC },
    { "GET",  "/api/activities/:activity_uuid",       service_show_activity,            ROUTE_PUBLIC },
    { "POST", "/api/activities",                      service_create_activity,          ROUTE_SIGNED_IN },
    { "POST", "/api/activities/:activity_uuid/reply", service_create_reply,             ROUTE_SIGNED_IN },
    { "GET",  "/api/users/@:handle/short",            service_users_short,              ROUTE_PUBLIC },
    { "GET",  "/api/message_groups",                  service_message_groups,           ROUTE_SIGNED_IN },
    { "GET",  "/api/messages/:message_group_uuid",    service_messages,                 ROUTE_SIGNED_IN },
    { "POST", "/api/messages",                        service_create_message,           ROUTE_SIGNED_IN },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
